import { describe, expect, it } from "vitest";
import { linePlot } from "./line-plot.js";
import { svgToPixels, svgToPng } from "./png.js";
import { UserError } from "../util/errors.js";

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

function shadedPlot(): string {
  return linePlot({
    title: "shade check",
    xDomain: [0, 1],
    panels: [{
      series: [{ x: [0, 1], y: [0, 1], color: "#000000" }],
      shaded: [{ from: 0.13, to: 0.37, color: "#2ca02c", label: "convex" }],
    }],
  });
}

function pixel(img: { width: number; pixels: Uint8Array }, x: number, y: number): number[] {
  const k = (Math.floor(y) * img.width + Math.floor(x)) * 4;
  return [img.pixels[k]!, img.pixels[k + 1]!, img.pixels[k + 2]!, img.pixels[k + 3]!];
}

describe("svgToPng", () => {
  it("produces a PNG (signature bytes) of the SVG's size, or of the requested width", () => {
    const svg = shadedPlot();
    const png = svgToPng(svg);
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    // IHDR width is the big-endian u32 at byte 16.
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(width);
    const wide = svgToPng(svg, { width: 2 * width });
    expect(new DataView(wide.buffer, wide.byteOffset).getUint32(16)).toBe(2 * width);
  });

  it("paints a shaded x-range in its colour (blended at its opacity over white) and leaves the rest white", () => {
    const svg = shadedPlot();
    const m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#2ca02c" fill-opacity="0.18"\/>/.exec(svg);
    expect(m).not.toBeNull();
    const [x, y, w, h] = m!.slice(1).map(Number) as [number, number, number, number];
    const img = svgToPixels(svg);
    // Near the top of the band, right of centre: clear of grid lines (at x = 0.2, 0.4) and of the data line.
    const inside = pixel(img, x + w * 0.6, y + 6);
    const expected = [44, 160, 44].map((c) => 255 + (c - 255) * 0.18);
    inside.slice(0, 3).forEach((c, i) => expect(Math.abs(c - expected[i]!)).toBeLessThanOrEqual(2));
    expect(inside[3]).toBe(255);
    // Same height, to the right of the band (x ≈ 0.7 in data): plain white background.
    const outside = pixel(img, x + w + (w / 0.24) * 0.31, y + 6);
    expect(outside.slice(0, 3)).toEqual([255, 255, 255]);
    expect(h).toBeGreaterThan(20);
  });

  it("draws text with a real font (dark pixels in the title row)", () => {
    const img = svgToPixels(shadedPlot());
    let dark = 0;
    for (let yy = 8; yy < 28; yy++) for (let xx = 0; xx < img.width; xx++) if (pixel(img, xx, yy)[0]! < 100) dark++;
    expect(dark).toBeGreaterThan(30);
  });

  it("rejects a nonsensical width", () => {
    expect(() => svgToPng(shadedPlot(), { width: 0 })).toThrow(UserError);
    expect(() => svgToPng(shadedPlot(), { width: 1.5 })).toThrow(UserError);
  });
});
