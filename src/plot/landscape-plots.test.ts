import { describe, expect, it } from "vitest";
import { landscapePlots } from "./landscape-plots.js";
import { svgProblems } from "./svg-lint.js";
import { surfaceToVtp } from "./vtp.js";

const xs = Float64Array.from({ length: 7 }, (_, i) => -1 + i / 3);
const ys = Float64Array.from({ length: 5 }, (_, j) => -0.5 + j / 4);
const bowl = Float64Array.from({ length: 35 }, (_, p) => 0.1 + xs[p % 7]! ** 2 + 2 * ys[Math.floor(p / 7)]! ** 2);
const acc = Float64Array.from(bowl, (v) => 1 / (1 + v));

describe("landscape plots", () => {
  it("a 1-D result gives one curve with loss on the left axis and accuracy on a twin right axis", () => {
    const plots = landscapePlots({ dims: 1, x: xs, y: null, values: { loss: bowl.subarray(0, 7), accuracy: acc.subarray(0, 7) }, lossName: "mse", directionInfo: { kind: "random", normalization: "filter" } });
    expect(plots.map((p) => p.name)).toEqual(["curve"]);
    expect(svgProblems(plots[0]!.svg)).toEqual([]);
    expect(plots[0]!.svg).toContain("accuracy (right axis)");
  });

  it("a 2-D result gives contour, filled contour, heatmap and surface; PCA adds the trajectory overlay", () => {
    const base = { dims: 2 as const, x: xs, y: ys, values: { loss: bowl }, lossName: "cross_entropy" };
    const plain = landscapePlots({ ...base, directionInfo: { kind: "random", normalization: "filter" } }, { logLevels: true });
    expect(plain.map((p) => p.name)).toEqual(["contour", "contour-filled", "heatmap", "surface"]);
    const pca = landscapePlots({
      ...base, directionInfo: { kind: "pca" },
      pca: { explainedVarianceRatio: [0.8, 0.15], projection: Float64Array.of(0.9, 0.4, 0.5, 0.1, 0, 0), rows: 3 }
    });
    expect(pca.map((p) => p.name)).toContain("trajectory");
    const traj = pca.find((p) => p.name === "trajectory")!.svg;
    expect(traj).toContain("training trajectory");
    expect(traj).toContain("PC1 (80.0% of variance)");
    for (const p of [...plain, ...pca]) expect(svgProblems(p.svg), p.name).toEqual([]);
  });
});

describe("VTK .vtp export", () => {
  it("has nx·ny points lifted to the height field, one quad per cell, and every field as point data", () => {
    const vtp = surfaceToVtp({ x: xs, y: ys, fields: { loss: bowl, accuracy: acc }, heightField: "loss" });
    expect(vtp).toContain('NumberOfPoints="35"');
    expect(vtp).toContain('NumberOfPolys="24"');
    expect(vtp).toContain('Name="accuracy"');
    const pts = vtp.match(/NumberOfComponents="3" format="ascii">\s*([^<]*)</)![1]!.trim().split(/\s+/).map(Number);
    expect(pts.length).toBe(105);
    // point p = j*nx + i is (x_i, y_j, loss[p])
    for (const p of [0, 8, 34]) expect(pts.slice(3 * p, 3 * p + 3)).toEqual([xs[p % 7], ys[Math.floor(p / 7)], bowl[p]]);
    const conn = vtp.match(/Name="connectivity" format="ascii">\s*([^<]*)</)![1]!.trim().split(/\s+/).map(Number);
    expect(conn.slice(0, 4)).toEqual([0, 1, 8, 7]);
  });

  it("leaves out cells with a non-finite corner", () => {
    const z = Float64Array.from(bowl);
    z[8] = Infinity;
    const vtp = surfaceToVtp({ x: xs, y: ys, fields: { loss: z }, heightField: "loss" });
    expect(vtp).toContain('NumberOfPolys="20"');
  });
});
