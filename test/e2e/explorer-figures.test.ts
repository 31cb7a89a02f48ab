/**
 * The explorer's figures in Chromium: the 3-D surface uses the contours' own levels (log exactly when
 * the contours are) with a colourbar and the path drawn; the filled contour can be shown; pointers
 * get read-outs of the data under them (checked against the surface the server sent); figures
 * download as SVG and PNG; a function with hundreds of kinks gets a bounded number of labels.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { contourLevels } from "../../src/plot/index.js";
import { spansDecades } from "../../src/plot/landscape-plots.js";
import { CHROMIUM, explorerForTests, figureSvg, openPage, recordStream, screenshot } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);

/** The page position of data point (x, y) in the first plot rectangle of a figure, from the rectangle's recorded scales. */
async function pagePoint(page: Page, testId: string, x: number, y: number): Promise<{ px: number; py: number }> {
  const svg = await figureSvg(page, testId);
  const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
  const m = /data-x="linear ([^ ]+) ([^ ]+) ([^ ]+) ([^ "]+)" data-y="linear ([^ ]+) ([^ ]+) ([^ ]+) ([^ "]+)"/.exec(svg)!;
  const [dx0, dx1, rx0, rx1, dy0, dy1, ry0, ry1] = m.slice(1).map(Number) as [number, number, number, number, number, number, number, number];
  const sx = rx0 + ((x - dx0) / (dx1 - dx0)) * (rx1 - rx0), sy = ry0 + ((y - dy0) / (dy1 - dy0)) * (ry1 - ry0);
  const box = (await page.locator(`[data-testid="${testId}"] img`).boundingBox())!;
  const k = box.width / width;
  return { px: box.x + sx * k, py: box.y + sy * k };
}

describe.skipIf(!haveChromium)("explorer figures", () => {
  const ex = explorerForTests();
  const url = ex.url;

  it("landscape: the 3-D view has the contours' levels, a colourbar and the path; filled contours; read-outs; downloads", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=landscape&ds=moons&n=120&hidden=8&epochs=80&grid=15"));
    const reply = await recordStream(page, "**/api/landscape");
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="interpolation-plot"] img', { timeout: 60_000 });
    const surface = reply().find((e) => e["type"] === "surface")!;
    const xs = surface["x"] as number[], ys = surface["y"] as number[], z = surface["loss"] as number[];
    const finite = z.filter((v) => Number.isFinite(v));

    // Same rule and levels as the server's contour plots (landscape-plots.ts: 12 levels, log when the values span decades).
    const canvas = page.locator('[data-testid="surface-canvas"]');
    const log = spansDecades(finite);
    expect(await canvas.getAttribute("data-log")).toBe(log ? "1" : "0");
    const levels = contourLevels(Math.min(...finite), Math.max(...finite), { count: 12, log });
    expect(levels.length).toBeGreaterThan(2);
    expect((await canvas.getAttribute("data-levels"))!.split(",").map(Number)).toEqual(levels);
    // Colourbar: a strip of one band colour per level interval at the right; the path is painted in red.
    const paint = await canvas.evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext("2d")!;
      const k = c.width / c.clientWidth;
      const W = c.width / k;
      // The middle of the colourbar column (surface-canvas.tsx: 14 px wide, 50 px of labels to its right).
      const col = ctx.getImageData(Math.round((W - 50 - 14 + 6 + 7) * k), 0, 1, c.height).data;
      const bands = new Set<string>();
      for (let i = 0; i < col.length; i += 4) if (!(col[i] === col[i + 1] && col[i + 1] === col[i + 2])) bands.add(`${col[i]},${col[i + 1]},${col[i + 2]}`);
      const all = ctx.getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      for (let i = 0; i < all.length; i += 4) if (all[i]! > 200 && all[i + 1]! < 60 && all[i + 2]! < 60) red++;
      return { bands: bands.size, red };
    });
    expect(paint.bands).toBeGreaterThanOrEqual(levels.length + 1);
    expect(paint.red).toBeGreaterThan(50);
    await canvas.scrollIntoViewIfNeeded();
    await canvas.screenshot({ path: "test-artifacts/figures-surface3d.png" });

    // Hover over a grid node of the contour plot: the read-out gives its PC1, PC2 and (about) its loss.
    const i = Math.floor(xs.length / 3), j = Math.floor((2 * ys.length) / 3);
    const at = await pagePoint(page, "trajectory-plot", xs[i]!, ys[j]!);
    await page.mouse.move(at.px, at.py);
    const readout = page.locator('[data-testid="trajectory-plot"] [data-testid="readout"]');
    await expect.poll(() => readout.textContent(), { timeout: 5_000 }).toMatch(/PC1 = /);
    const m = /PC1 = ([-\d.e+]+), PC2 = ([-\d.e+]+), loss ≈ ([-\d.e+]+)/.exec((await readout.textContent()) ?? "")!;
    expect(m).not.toBeNull();
    const cell = Math.abs(xs[1]! - xs[0]!);
    expect(Math.abs(Number(m[1]) - xs[i]!)).toBeLessThan(cell / 4);
    expect(Math.abs(Number(m[2]) - ys[j]!)).toBeLessThan(cell / 4);
    const zij = z[j * xs.length + i]!;
    const near = [z[j * xs.length + i + 1]!, z[j * xs.length + i - 1]!, z[(j + 1) * xs.length + i]!, z[(j - 1) * xs.length + i]!];
    // Within a quarter cell of the node, bilinear interpolation stays between the node and its neighbours.
    expect(Number(m[3])).toBeGreaterThanOrEqual(Math.min(zij, ...near) * 0.999);
    expect(Number(m[3])).toBeLessThanOrEqual(Math.max(zij, ...near) * 1.001);

    // The filled contour the server sends, on a toggle with aria-pressed.
    await page.click('[data-testid="contour-filled"]');
    await page.waitForSelector('[data-testid="filled-contour-plot"] img');
    expect(await page.getAttribute('[data-testid="contour-filled"]', "aria-pressed")).toBe("true");
    expect(await page.getAttribute('[data-testid="contour-lines"]', "aria-pressed")).toBe("false");
    expect(await figureSvg(page, "filled-contour-plot")).toBe(String(surface["svgFilled"]));

    // Downloads: the SVG is the figure's own text; the PNG is twice its size.
    const svgText = await figureSvg(page, "interpolation-plot");
    const [svgDl] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="interpolation-plot"] [data-testid="download-svg"]')]);
    expect(svgDl.suggestedFilename()).toMatch(/\.svg$/);
    expect(readFileSync((await svgDl.path())!, "utf8")).toBe(svgText);
    const [pngDl] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="interpolation-plot"] [data-testid="download-png"]')]);
    const png = readFileSync((await pngDl.path())!);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.readUInt32BE(16)).toBe(2 * Number(/<svg[^>]* width="([\d.]+)"/.exec(svgText)![1]));
    const [surfDl] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-surface-png"]')]);
    expect(readFileSync((await surfDl.path())!).subarray(1, 4).toString()).toBe("PNG");

    await screenshot(page, "figures-landscape");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("curvature: a function with hundreds of kinks gets at most three rows of labels, and the plot reads out x", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=curvature&expr=abs(sin(30*x))&a=-10&b=10"));
    await expect.poll(() => page.textContent('[data-testid="kinks"]'), { timeout: 30_000 }).toContain("jumps");
    const kinks = ((await page.textContent('[data-testid="kinks"]')) ?? "").split(";").length;
    // sin(30x) vanishes at x = kπ/30: 191 points inside [−10, 10].
    expect(kinks).toBe(191);
    // The facts table lists a dozen inline and the rest behind a disclosure.
    expect(await page.textContent('[data-testid="kinks"] summary')).toBe("and 179 more");
    const svg = await figureSvg(page, "curvature-plot");
    const labels = [...svg.matchAll(/>kink [^<]*</g)].length;
    expect(labels).toBeGreaterThan(0);
    expect(labels).toBeLessThan(80);
    // Marker lines may themselves be thinned (at most MAX_CURVATURE_MARKS); every line drawn is labelled or counted.
    const note = /(\d+) more marker labels not drawn/.exec(svg);
    expect(note, "the plot says how many labels it left out").not.toBeNull();
    expect(labels + Number(note![1])).toBeLessThanOrEqual(kinks);
    expect(Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1])).toBeLessThan(1000);
    const box = (await page.locator('[data-testid="curvature-plot"] img').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.3);
    await expect.poll(() => page.textContent('[data-testid="curvature-plot"] [data-testid="readout"]'), { timeout: 5_000 }).toMatch(/^x = [-\d.e]+, f ≈/);
    await screenshot(page, "figures-many-kinks");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
