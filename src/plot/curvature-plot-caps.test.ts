/**
 * The curvature figure stays a picture when f wiggles: f'' = −sin(x) changes sign 6367 times on
 * [-1e4, 1e4] (2·⌊1e4/π⌋ + 1), and the analysis proves thousands of those inflections. The figure
 * draws a bounded number of marks, says how many of how many, and stays small.
 */
import { describe, expect, it } from "vitest";
import { analyzeCurvature } from "../convexity/curvature/analyze-curvature.js";
import { curvaturePlot, MAX_CURVATURE_MARKS } from "./curvature-plot.js";

const count = (svg: string, what: RegExp): number => (svg.match(what) ?? []).length;

describe("curvature figure caps", () => {
  it("sin on a wide domain: at most MAX_CURVATURE_MARKS lines, the title says how many of how many, a small SVG", () => {
    const r = analyzeCurvature("sin(x)", { domain: [-1e4, 1e4], samples: 801 });
    const marks = r.kinks.length + r.inflectionPoints.length;
    expect(marks).toBeGreaterThan(MAX_CURVATURE_MARKS);
    const svg = curvaturePlot(r, { width: 760 });
    expect(svg).toContain(`${MAX_CURVATURE_MARKS} of ${marks} kinks and inflections marked`);
    // Each marked x draws one dashed line per panel (3 panels).
    expect(count(svg, /stroke-dasharray="2 3"/g)).toBeLessThanOrEqual(3 * MAX_CURVATURE_MARKS + 1);
    expect(svg.length).toBeLessThan(200_000);
    expect(Number(/height="(\d+)"/.exec(svg)![1])).toBeLessThan(1000);
  });

  it("a figure with few marks draws every one and adds no note", () => {
    const r = analyzeCurvature("sin(x)", { domain: [-10, 10], samples: 801 });
    expect(r.inflectionPoints.length).toBe(7);
    const svg = curvaturePlot(r, { width: 760 });
    expect(svg).not.toContain("marked)");
    expect(count(svg, /stroke-dasharray="2 3"/g)).toBeGreaterThanOrEqual(3 * 7);
    // Every stretch between inflections is proven convex or concave, so every one is shaded.
    expect(svg).toContain("convex (proven)");
    expect(svg).toContain("concave (proven)");
  });
});
