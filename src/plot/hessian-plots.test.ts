import { mlpProblem } from "../model/problem/from-mlp.js";
import { describe, expect, it } from "vitest";
import { createReferenceExecutor } from "../exec/reference.js";
import { resolveData } from "../model/data.js";
import { parseModelSpec } from "../model/spec.js";
import { analyzeHessian } from "../hessian/analyze.js";
import { eigRatioHeatmap, hessianPlots } from "./hessian-plots.js";
import { svgProblems } from "./svg-lint.js";

describe("hessian plots", () => {
  it("draw the exact spectrum and the SLQ density (log axis, Lanczos extremes marked) as valid SVG", async () => {
    const spec = parseModelSpec({ model: { type: "mlp", layers: [2, 4, 1], activation: "tanh" }, loss: "mse", data: { name: "regression2d", n: 12 } });
    const theta = Float64Array.from({ length: 17 }, (_, i) => Math.sin(3 * i + 1));
    const r = await analyzeHessian({
      problem: mlpProblem(spec, resolveData(spec)), theta, executor: createReferenceExecutor(), exact: true, top: 1, bottom: 1, density: { runs: 2, steps: 8 }, seed: 0
    });
    const plots = hessianPlots(r);
    expect(plots.map((p) => p.name)).toEqual(["spectrum", "density"]);
    for (const p of plots) expect(svgProblems(p.svg)).toEqual([]);
    expect(plots[0]!.svg).toContain("Hessian eigenvalues (exact, n = 17)");
    expect(plots[1]!.svg).toContain("λmax (Lanczos)");
    expect(plots[1]!.svg).toContain("λmin (Lanczos)");
  });

  it("draw |λmin/λmax| over a plane as a heat map", () => {
    const svg = eigRatioHeatmap({ x: [-1, 0, 1], y: [-1, 1], ratio: [0.1, 0.5, 1, 0.2, 0.3, 0.9] });
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).toContain("|λmin/λmax|");
  });
});
