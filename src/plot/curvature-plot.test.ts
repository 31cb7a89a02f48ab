import { describe, expect, it } from "vitest";
import { analyzeCurvature } from "../convexity/curvature/analyze-curvature.js";
import { analyzeSign } from "../convexity/curvature/analyze-sign.js";
import { R_SIGMA2 } from "../convexity/curvature/classic-functions.js";
import { curvaturePanelRanges, curvaturePlot, signPlot } from "./curvature-plot.js";
import { svgToPng } from "./png.js";

describe("curvature plots", () => {
  it("the y ranges hold the proven bounds: sigma'' on [-100, 100] peaks near ±0.096 and is not clipped", () => {
    const r = analyzeCurvature(R_SIGMA2, { domain: [-100, 100], samples: 801 });
    const { f, d2f } = curvaturePanelRanges(r);
    // max |σ''| = 1/(6√3) ≈ 0.0962250 at x = ±1.3170.
    expect(f.dom[0]).toBeLessThanOrEqual(-0.0962250);
    expect(f.dom[1]).toBeGreaterThanOrEqual(0.0962250);
    expect(f.clipped).toBe(false);
    expect(d2f.dom[0]).toBeLessThanOrEqual(r.bounds!.d2f[0]);
    expect(d2f.dom[1]).toBeGreaterThanOrEqual(r.bounds!.d2f[1]);
    for (const m of [...r.minima, ...r.maxima]) expect(m.f >= f.dom[0] && m.f <= f.dom[1]).toBe(true);
  });

  it("a pole at an open end is cut back, keeping every marked point (1/x on (0, 4])", () => {
    const r = analyzeCurvature("1/x + x", { domain: [0, 4], samples: 801 });
    const { f } = curvaturePanelRanges(r);
    expect(f.clipped).toBe(true);
    expect(r.minima.map((m) => m.x)).toEqual([1]);
    expect(f.dom[0]).toBeLessThanOrEqual(2);
    expect(curvaturePlot(r)).toContain("(clipped at a pole)");
  });

  it("kinks are drawn as jumps: the one-sided slopes of relu at 0 are 0 and 1, not a spike", () => {
    const r = analyzeCurvature("relu(x)", { domain: [-2, 2], samples: 201 });
    expect(r.kinks.map((k) => [k.leftSlope, k.rightSlope])).toEqual([[0, 1]]);
    const i = r.samples!.df.findIndex(Number.isNaN);
    expect(i).toBeGreaterThan(0);
    expect(r.samples!.df.filter(Number.isFinite).every((v) => v === 0 || v === 1)).toBe(true);
    expect(curvaturePlot(r)).toContain("one-sided slopes");
  });

  it("undecided stretches are hatched and labelled, never shaded as proven", () => {
    const r = analyzeCurvature("sqrt(x^2 + 0.0001)", { maxBoxes: 30, samples: 201 });
    expect(r.undecided.length).toBeGreaterThan(0);
    const svg = curvaturePlot(r);
    expect(svg).toContain("undecided (nothing proven)");
    const full = curvaturePlot(analyzeCurvature("sqrt(x^2 + 0.0001)", { samples: 201 }));
    expect(full).not.toContain("undecided");
  });

  it("sign plots shade the proven signs and mark the zeros; PNG width follows the scale", () => {
    const s = analyzeSign("x^3 - x", { domain: [-2, 2], samples: 201 });
    const svg = signPlot(s);
    for (const t of ["g ≥ 0 (proven)", "g ≤ 0 (proven)", "zero -1", "zero 0", "zero 1"]) expect(svg).toContain(t);
    const png = svgToPng(svg, { width: 820 * 2 });
    // PNG width is bytes 16..19 of the IHDR chunk.
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(1640);
  });
});
