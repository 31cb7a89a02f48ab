import { mlpProblem } from "../model/problem/from-mlp.js";
import { describe, it, expect, afterAll } from "vitest";
import { grad, gradName } from "../autodiff/grad.js";
import { createOnnxExecutor } from "../exec/onnx/executor.js";
import { createReferenceExecutor, evaluate } from "../exec/reference.js";
import { tensor } from "../ir/tensor.js";
import { resolveData } from "../model/data.js";
import { buildModelGraph } from "../model/mlp.js";
import { parseModelSpec, type ModelSpec } from "../model/spec.js";
import type { Dataset } from "../model/datasets/dataset.js";
import { createRng } from "../util/random.js";
import { analyzeHessian, type HessianReport } from "./analyze.js";
import { denseHessian, exactSpectrum } from "./dense.js";
import { createEigRatioEvaluator, eigRatioAt } from "./eig-ratio.js";
import { createHvpGraph, hessianOperator } from "./hvp-operator.js";
import { hessianReportJson } from "./report.js";

const reference = createReferenceExecutor();
const onnx = createOnnxExecutor({ dtype: "float64", threads: 2 });
afterAll(async () => {
  await onnx.dispose();
});

function randomTheta(size: number, seed: number, scale = 0.8): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: size }, () => scale * rng.normal());
}

/** Smooth networks (tanh, softplus) so the Hessian exists everywhere and finite differences apply. */
const small = ((): { spec: ModelSpec; data: Dataset } => {
  const spec = parseModelSpec({
    model: { type: "mlp", layers: [2, 5, 3, 2], activation: ["tanh", "softplus"] },
    loss: "cross_entropy",
    l2: 0.01,
    data: { name: "moons", n: 24, noise: 0.2, seed: 1 }
  });
  return { spec, data: resolveData(spec) };
})();
const smallTheta = randomTheta(41, 11);

const medium = ((): { spec: ModelSpec; data: Dataset } => {
  const spec = parseModelSpec({
    model: { type: "mlp", layers: [2, 14, 12, 1], activation: "tanh" },
    loss: "mse",
    data: { name: "regression2d", n: 30, seed: 2 }
  });
  return { spec, data: resolveData(spec) };
})();

describe("the dense Hessian of a small network", () => {
  it("has 41 parameters and matches central differences of the gradient", async () => {
    const { spec, data } = small;
    const op = hessianOperator(mlpProblem(spec, data), smallTheta, { executor: reference });
    expect(op.n).toBe(41);
    const h = await denseHessian(op.matvec, op.n);
    expect(h.asymmetry).toBeLessThan(1e-12);
    const g = grad(buildModelGraph(spec, data, { withAccuracy: false }).graph, { of: "loss", wrt: ["theta"] });
    const gradAt = (t: Float64Array): Float64Array => evaluate(g, { theta: tensor([41], t) })[gradName("theta")]!.data;
    const step = 1e-5;
    let maxErr = 0, maxAbs = 0;
    for (let j = 0; j < 41; j++) {
      const plus = smallTheta.slice(), minus = smallTheta.slice();
      plus[j]! += step;
      minus[j]! -= step;
      const gp = gradAt(plus), gm = gradAt(minus);
      for (let i = 0; i < 41; i++) {
        const fd = (gp[i]! - gm[i]!) / (2 * step);
        maxErr = Math.max(maxErr, Math.abs(fd - h.matrix[i * 41 + j]!));
        maxAbs = Math.max(maxAbs, Math.abs(fd));
      }
    }
    expect(maxAbs).toBeGreaterThan(0.01);
    expect(maxErr / maxAbs).toBeLessThan(1e-7);
  });

  it("is the same through ONNX Runtime (float64) as through the reference interpreter", async () => {
    const { spec, data } = small;
    const a = await exactSpectrum(hessianOperator(mlpProblem(spec, data), smallTheta, { executor: reference }).matvec, 41);
    const b = await exactSpectrum(hessianOperator(mlpProblem(spec, data), smallTheta, { executor: onnx }).matvec, 41);
    const scale = Math.max(Math.abs(a.values[0]!), Math.abs(a.values[40]!));
    for (let i = 0; i < 41; i++) expect(Math.abs(a.values[i]! - b.values[i]!)).toBeLessThan(1e-10 * scale);
  });

  it("gives each block's sub-Hessian, and block traces add up to the full trace", async () => {
    const { spec, data } = small;
    const r = await analyzeHessian({ problem: mlpProblem(spec, data), theta: smallTheta, executor: reference, exact: true, blocks: true, seed: 0 });
    const full = await denseHessian(hessianOperator(mlpProblem(spec, data), smallTheta, { executor: reference }).matvec, 41);
    expect(r.blocks!.map((b) => b.name)).toEqual(["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias", "layer3.weight", "layer3.bias"]);
    let blockTraces = 0;
    for (const b of r.blocks!) {
      const op = hessianOperator(mlpProblem(spec, data), smallTheta, { executor: reference, block: b.name });
      const sub = await denseHessian(op.matvec, op.n);
      for (let i = 0; i < b.n; i++) {
        for (let j = 0; j < b.n; j++) {
          expect(sub.matrix[i * b.n + j]).toBeCloseTo(full.matrix[(b.offset + i) * 41 + b.offset + j]!, 12);
        }
      }
      const eigSum = b.eigenvalues!.reduce((s, v) => s + v, 0);
      let diag = 0;
      for (let i = 0; i < b.n; i++) diag += sub.matrix[i * b.n + i]!;
      expect(eigSum).toBeCloseTo(diag, 10);
      blockTraces += diag;
    }
    const fullTrace = r.eigenvalues!.reduce((s, v) => s + v, 0);
    expect(blockTraces).toBeCloseTo(fullTrace, 10);
    expect(r.totalHvps).toBe(41 + 41);
  });
});

describe("Lanczos on a 235-parameter network", () => {
  it("finds the 3 largest and 3 most negative eigenvalues of the exact spectrum to 1e-6 relative", async () => {
    const { spec, data } = medium;
    const theta = randomTheta(235, 5, 0.6);
    const exact = await exactSpectrum(hessianOperator(mlpProblem(spec, data), theta, { executor: onnx }).matvec, 235);
    const v = exact.values;
    expect(v[0]!).toBeLessThan(0); // the test means something only if the network is at a non-convex point
    const r = await analyzeHessian({ problem: mlpProblem(spec, data), theta, executor: onnx, top: 3, bottom: 3, seed: 9 });
    expect(r.lanczos!.converged).toBe(true);
    expect(r.lanczos!.iterations).toBeLessThan(235);
    const scale = Math.max(Math.abs(v[0]!), Math.abs(v[234]!));
    r.top!.forEach((p, i) => {
      expect(Math.abs(p.value - v[234 - i]!)).toBeLessThan(1e-6 * Math.abs(v[234 - i]!));
      expect(p.residual).toBeLessThan(1e-5 * scale);
    });
    r.bottom!.forEach((p, i) => {
      expect(Math.abs(p.value - v[i]!)).toBeLessThan(1e-6 * Math.abs(v[i]!));
    });
  });
});

describe("stochastic trace and density", () => {
  it("Hutchinson converges to the exact trace: error within 4 standard errors, which shrink like 1/√probes", async () => {
    const { spec, data } = small;
    const exact = await exactSpectrum(hessianOperator(mlpProblem(spec, data), smallTheta, { executor: reference }).matvec, 41, { wantVectors: false });
    const trace = exact.values.reduce((s, v) => s + v, 0);
    const est = async (probes: number): Promise<{ trace: number; standardError: number }> =>
      (await analyzeHessian({ problem: mlpProblem(spec, data), theta: smallTheta, executor: onnx, trace: { method: "hutchinson", probes }, seed: 4 })).trace!;
    const a = await est(100);
    const b = await est(1600);
    expect(Math.abs(a.trace - trace)).toBeLessThan(4 * a.standardError);
    expect(Math.abs(b.trace - trace)).toBeLessThan(4 * b.standardError);
    // 16× the probes: the standard error falls about 4×.
    expect(b.standardError / a.standardError).toBeGreaterThan(0.15);
    expect(b.standardError / a.standardError).toBeLessThan(0.4);
  });

  it("Hutch++ with a budget of 3n HVPs sketches the whole space and is exact", async () => {
    const { spec, data } = small;
    const exact = await exactSpectrum(hessianOperator(mlpProblem(spec, data), smallTheta, { executor: reference }).matvec, 41, { wantVectors: false });
    const trace = exact.values.reduce((s, v) => s + v, 0);
    const r = await analyzeHessian({ problem: mlpProblem(spec, data), theta: smallTheta, executor: reference, trace: { method: "hutch++", probes: 123 }, seed: 2 });
    expect(r.trace!.sketchRank).toBe(41);
    expect(r.trace!.trace).toBeCloseTo(trace, 9);
  });

  it("SLQ densities integrate to 1 and their Ritz range lies inside the exact spectrum", async () => {
    const { spec, data } = medium;
    const theta = randomTheta(235, 5, 0.6);
    const exact = await exactSpectrum(hessianOperator(mlpProblem(spec, data), theta, { executor: onnx }).matvec, 235, { wantVectors: false });
    const r = await analyzeHessian({ problem: mlpProblem(spec, data), theta, executor: onnx, density: { runs: 3, steps: 30 }, seed: 1 });
    const d = r.density!;
    let integral = 0;
    for (let i = 1; i < d.grid.length; i++) integral += 0.5 * (d.density[i]! + d.density[i - 1]!) * (d.grid[i]! - d.grid[i - 1]!);
    expect(integral).toBeCloseTo(1, 4);
    expect(d.lambdaMin).toBeGreaterThanOrEqual(exact.values[0]! - 1e-9);
    expect(d.lambdaMax).toBeLessThanOrEqual(exact.values[234]! + 1e-9);
    expect(r.totalHvps).toBe(90);
  });
});

describe("reproducibility", () => {
  const strip = (r: HessianReport): unknown => ({ ...hessianReportJson(r), seconds: 0 });
  const run = (seed: number): Promise<HessianReport> =>
    analyzeHessian({
      problem: mlpProblem(small.spec, small.data), theta: smallTheta, executor: onnx,
      top: 2, bottom: 2, trace: { method: "hutchinson", probes: 20 }, density: { runs: 2, steps: 10 }, blocks: true, seed
    });

  it("the same seed gives identical results, a different seed different estimates", async () => {
    const a = await run(7);
    const b = await run(7);
    expect(strip(b)).toEqual(strip(a));
    expect(Array.from(b.top![0]!.vector)).toEqual(Array.from(a.top![0]!.vector));
    const c = await run(8);
    expect(c.trace!.trace).not.toBe(a.trace!.trace);
  });
});

describe("|λmin/λmax| (Li et al.'s non-convexity map)", () => {
  it("equals the ratio of the exact extreme eigenvalues, at θ and at points of a plane", async () => {
    const { spec, data } = small;
    const exactRatio = async (t: Float64Array): Promise<number> => {
      const v = (await exactSpectrum(hessianOperator(mlpProblem(spec, data), t, { executor: reference }).matvec, 41, { wantVectors: false })).values;
      return Math.abs(v[0]! / v[40]!);
    };
    const at = await eigRatioAt(mlpProblem(spec, data), smallTheta, onnx, { tol: 1e-10 });
    expect(at.converged).toBe(true);
    expect(at.ratio).toBeCloseTo(await exactRatio(smallTheta), 8);

    const d1 = randomTheta(41, 100, 0.3), d2 = randomTheta(41, 101, 0.3);
    const ev = createEigRatioEvaluator({ problem: mlpProblem(spec, data), theta: smallTheta, dirs: [d1, d2] }, onnx, { tol: 1e-10 });
    const coords = Float64Array.of(0, 0, 1, 0, 0.5, -1);
    const out = (await ev.evaluate(coords, 3))["eig-ratio"];
    expect(out[0]).toBeCloseTo(at.ratio, 12);
    const p1 = smallTheta.map((t, i) => t + d1[i]!);
    const p2 = smallTheta.map((t, i) => t + 0.5 * d1[i]! - d2[i]!);
    expect(out[1]).toBeCloseTo(await exactRatio(p1), 8);
    expect(out[2]).toBeCloseTo(await exactRatio(p2), 8);
    expect(ev.hvps).toBeGreaterThan(0);
  });

  it("the evaluator shares one HVP graph: building it for a second operator is not needed", () => {
    const g = createHvpGraph(mlpProblem(small.spec, small.data));
    const a = hessianOperator(mlpProblem(small.spec, small.data), smallTheta, { executor: reference, hvpGraph: g });
    const b = hessianOperator(mlpProblem(small.spec, small.data), smallTheta, { executor: reference, hvpGraph: g, block: "layer2.bias" });
    expect(a.hvpGraph.graph).toBe(b.hvpGraph.graph);
    expect(b.n).toBe(3);
  });
});
