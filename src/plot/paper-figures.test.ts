/** What issue 13 asked of the figures, checked on the SVG and on the rendered pixels. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eigRatioHeatmap } from "./hessian-plots.js";
import { lossLabel } from "./labels.js";
import { landscapePlots, spansDecades } from "./landscape-plots.js";
import { svgToPixels } from "./png.js";
import { formatLogTicks, symlogScale } from "./scale.js";
import { spectrumPlot, symlogThreshold } from "./spectrum-plot.js";
import { svgProblems } from "./svg-lint.js";
import { DEFAULT_PNG_SCALE, writePlot } from "./write-plot.js";

const xs = Float64Array.from({ length: 9 }, (_, i) => -1 + i / 4);
const ys = Float64Array.from({ length: 9 }, (_, j) => -1 + j / 4);
/** A basin 100× deeper than its rim: linear levels would leave it blank. */
const deep = Float64Array.from({ length: 81 }, (_, p) => 0.01 + (xs[p % 9]! ** 2 + ys[Math.floor(p / 9)]! ** 2) ** 2);
const base = { dims: 2 as const, x: xs, y: ys, values: { loss: deep }, lossName: "cross_entropy", directionInfo: { kind: "random", normalization: "filter" } };

describe("figures for a paper", () => {
  it("contour levels are log-spaced by default when the loss spans more than a decade, linear on request", () => {
    expect(spansDecades(deep)).toBe(true);
    expect(spansDecades(Float64Array.of(1, 2, 9))).toBe(false);
    expect(spansDecades(Float64Array.of(-1, 2, 90))).toBe(false);
    const auto = landscapePlots(base).find((p) => p.name === "contour")!.svg;
    const linear = landscapePlots(base, { logLevels: false }).find((p) => p.name === "contour")!.svg;
    expect(auto).not.toBe(linear);
    // the log colour bar has decade ticks
    expect(auto).toMatch(/>0\.01</);
    expect(svgProblems(auto)).toEqual([]);
  });

  it("θ is marked on the contour, heatmap and eig-ratio maps, as a ring that leaves a marker under it visible", () => {
    for (const name of ["contour", "contour-filled", "heatmap"]) {
      const svg = landscapePlots(base).find((p) => p.name === name)!.svg;
      expect(svg, name).toContain(">θ<");
    }
    const map = eigRatioHeatmap({ x: xs, y: ys, ratio: deep });
    expect(map).toContain(">θ<");
    // the ring is hollow: its centre pixel shows what is under it, the ring itself is dark
    const { width, height, pixels } = svgToPixels(map);
    let dark = 0;
    for (let k = 0; k < width * height; k++) if (pixels[4 * k]! < 40 && pixels[4 * k + 1]! < 40 && pixels[4 * k + 2]! < 40) dark++;
    expect(dark).toBeGreaterThan(50);
    const pca = landscapePlots({ ...base, directionInfo: { kind: "pca" }, pca: { explainedVarianceRatio: [0.8, 0.1], projection: Float64Array.of(0.8, 0.6, 0.3, 0.2, 0, 0), rows: 3 } });
    const traj = pca.find((p) => p.name === "trajectory")!.svg;
    // the end star is drawn before the θ ring, and the ring has no fill
    const star = traj.lastIndexOf("<path", traj.indexOf('fill="none" stroke="#000000"'));
    expect(star).toBeGreaterThan(0);
    expect(traj).toMatch(/<circle[^>]*fill="none"[^>]*stroke="#000000"/);
  });

  it("a spectrum with tiny negative eigenvalues next to large ones gets a symmetric-log axis that shows them", () => {
    const ev = [...Array.from({ length: 21 }, () => -1.7e-4), 0.3, 0.05, 0.01];
    expect(symlogThreshold(ev, 0, true)).toBe(1e-4);
    expect(symlogThreshold([-0.1, 0.3], 0, true)).toBeUndefined();
    expect(symlogThreshold([1e-6, 0.3], 0, false)).toBeUndefined();
    const s = symlogScale([-3e-4, 0.5], [400, 0], 1e-4);
    // −1.7e-4 sits a visible distance below 0 (a linear axis would put it 0.1 px away)
    expect(s.map(-1.7e-4) - s.map(0)).toBeGreaterThan(20);
    expect(s.ticks()).toContain(0);
    expect(s.formatTicks([-1e-4, 0, 1e-4, 0.1])).toEqual(["−1e-4", "0", "1e-4", "1e-1"]);
    const svg = spectrumPlot({ eigenvalues: ev });
    expect(svg).toContain("symmetric log axis");
    expect(svgProblems(svg)).toEqual([]);
  });

  it("one tick format per log axis", () => {
    expect(formatLogTicks([1e-4, 1e-2, 1])).toEqual(["1e-4", "1e-2", "1e0"]);
    expect(formatLogTicks([0.01, 0.1, 1, 10])).toEqual(["0.01", "0.1", "1", "10"]);
  });

  it("human-readable loss names in titles and axes", () => {
    expect(lossLabel("cross_entropy")).toBe("cross-entropy loss");
    expect(lossLabel("some_new")).toBe("some new loss");
    const svg = landscapePlots(base).find((p) => p.name === "contour")!.svg;
    expect(svg).toContain("cross-entropy loss");
    expect(svg).not.toContain("cross_entropy");
  });

  it("PNGs are written at 2× the SVG size by default, at --scale on request", async () => {
    expect(DEFAULT_PNG_SCALE).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), "losscape-scale-"));
    try {
      const svg = spectrumPlot({ eigenvalues: [1, 2, 3] });
      const width = Number(/width="(\d+)"/.exec(svg)![1]);
      const pngWidth = (p: string): number => readFileSync(p).readUInt32BE(16);
      await writePlot(join(dir, "a.png"), svg);
      await writePlot(join(dir, "b.png"), svg, { scale: 3 });
      expect(pngWidth(join(dir, "a.png"))).toBe(2 * width);
      expect(pngWidth(join(dir, "b.png"))).toBe(3 * width);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
