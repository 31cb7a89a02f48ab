import { mlpProblem } from "../model/problem/from-mlp.js";
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createReferenceExecutor } from "../exec/reference.js";
import { resolveData } from "../model/data.js";
import { parseModelSpec, type ModelSpec, type ModelSpecInput } from "../model/spec.js";
import type { Dataset } from "../model/datasets/dataset.js";
import { analyzeHessian } from "./analyze.js";
import { denseHessian, exactSpectrum } from "./dense.js";
import { eigRatioAt } from "./eig-ratio.js";
import { hessianOperator } from "./hvp-operator.js";
import { UserError } from "../util/errors.js";

const executor = createReferenceExecutor();

function model(raw: ModelSpecInput): { spec: ModelSpec; data: Dataset } {
  const spec = parseModelSpec(raw);
  return { spec, data: resolveData(spec) };
}

/** The deep linear net N(x) = w2·w1·x on the single sample x = 1, y = 1. */
function deepLinear(loss: "mse" | "sse_half"): { spec: ModelSpec; data: Dataset } {
  return model({ model: { type: "mlp", layers: [1, 1, 1], activation: "linear", bias: false }, loss, data: { x: [[1]], y: [[1]] } });
}

describe("the deep linear saddle L(w1, w2) = (w1·w2 − 1)²", () => {
  it("with loss mse (= (w2 w1 − 1)² for one sample) has Hessian [[0, −2], [−2, 0]] and eigenvalues ±2 at 0", async () => {
    const { spec, data } = deepLinear("mse");
    const op = hessianOperator(mlpProblem(spec, data), new Float64Array(2), { executor });
    const h = await denseHessian(op.matvec, op.n);
    expect(Array.from(h.matrix)).toEqual([0, -2, -2, 0]);
    expect(h.asymmetry).toBe(0);
    const ex = await exactSpectrum(op.matvec, op.n);
    expect(ex.values[0]).toBeCloseTo(-2, 14);
    expect(ex.values[1]).toBeCloseTo(2, 14);
    // Eigenvectors (1, 1)/√2 for −2 (both weights grow: the loss falls) and (1, −1)/√2 for +2, up to sign.
    const s = Math.SQRT1_2;
    expect(Math.abs(ex.vectors![0 * 2 + 0]! * s + ex.vectors![1 * 2 + 0]! * s)).toBeCloseTo(1, 14);
    expect(Math.abs(ex.vectors![0 * 2 + 1]! * s - ex.vectors![1 * 2 + 1]! * s)).toBeCloseTo(1, 14);
  });

  it("with loss sse_half (= ½(w2 w1 − 1)²) has eigenvalues ±1 at 0", async () => {
    const { spec, data } = deepLinear("sse_half");
    const op = hessianOperator(mlpProblem(spec, data), new Float64Array(2), { executor });
    const ex = await exactSpectrum(op.matvec, op.n);
    expect(ex.values[0]).toBeCloseTo(-1, 14);
    expect(ex.values[1]).toBeCloseTo(1, 14);
  });

  it("matches the closed form [[2b², 4ab − 2], [4ab − 2, 2a²]] at every (w1, w2) = (a, b)", async () => {
    const { spec, data } = deepLinear("mse");
    const arb = fc.double({ min: -3, max: 3, noNaN: true });
    await fc.assert(
      fc.asyncProperty(arb, arb, async (a, b) => {
        const op = hessianOperator(mlpProblem(spec, data), Float64Array.of(a, b), { executor });
        const h = (await denseHessian(op.matvec, 2)).matrix;
        const want = [2 * b * b, 4 * a * b - 2, 4 * a * b - 2, 2 * a * a];
        for (let i = 0; i < 4; i++) expect(h[i]!).toBeCloseTo(want[i]!, 10);
      }),
      { numRuns: 40 }
    );
  });

  it("the analysis reports the saddle: Lanczos ±2 with tiny residuals and |λmin/λmax| = 1", async () => {
    const { spec, data } = deepLinear("mse");
    const r = await analyzeHessian({ problem: mlpProblem(spec, data), theta: new Float64Array(2), executor, top: 1, bottom: 1, seed: 3 });
    expect(r.top![0]!.value).toBeCloseTo(2, 12);
    expect(r.bottom![0]!.value).toBeCloseTo(-2, 12);
    expect(r.top![0]!.residual).toBeLessThan(1e-12);
    expect(r.loss).toBe(1);
    expect(r.gradientNorm).toBe(0);
    const ratio = await eigRatioAt(mlpProblem(spec, data), new Float64Array(2), executor);
    expect(ratio.ratio).toBeCloseTo(1, 12);
  });
});

/** Householder reflection I − 2uuᵀ/uᵀu (symmetric and orthogonal), n×n row-major. */
function householder(u: number[]): number[][] {
  const uu = u.reduce((s, x) => s + x * x, 0);
  return u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / uu));
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
}

describe("a quadratic with a known spectrum: least squares ½‖Xw − y‖² (+ λ/2 ‖w‖²)", () => {
  // X = Hu·diag(s)·Hv has singular values s, so XᵀX = Hv·diag(s²)·Hv: eigenvalues s², eigenvectors the columns of Hv.
  const s = [0.5, 1, 2, 3];
  const hu = householder([1, 2, -1, 3]);
  const hv = householder([2, -1, 1, 1]);
  const x = matmul(matmul(hu, s.map((si, i) => s.map((_, j) => (i === j ? si : 0)))), hv);
  const y = [[1], [0], [-2], [0.5]];
  const spec = (loss: "sse_half" | "mse", l2 = 0): ModelSpecInput => ({
    model: { type: "mlp", layers: [4, 1], bias: false }, loss, l2, data: { x, y }
  });
  const theta = Float64Array.of(0.3, -0.7, 1.1, 0.2);

  it("has eigenvalues s² and eigenvectors the columns of Hv", async () => {
    const { spec: sp, data } = model(spec("sse_half"));
    const op = hessianOperator(mlpProblem(sp, data), theta, { executor });
    const ex = await exactSpectrum(op.matvec, 4);
    const want = s.map((v) => v * v);
    ex.values.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
    for (let j = 0; j < 4; j++) {
      let d = 0;
      for (let i = 0; i < 4; i++) d += ex.vectors![i * 4 + j]! * hv[i]![j]!;
      expect(Math.abs(d)).toBeCloseTo(1, 12);
    }
  });

  it("l2 shifts every eigenvalue by λ, mse scales them by 2/samples", async () => {
    const a = model(spec("sse_half", 0.1));
    const exA = await exactSpectrum(hessianOperator(mlpProblem(a.spec, a.data), theta, { executor }).matvec, 4);
    exA.values.forEach((v, i) => expect(v).toBeCloseTo(s[i]! ** 2 + 0.1, 12));
    const b = model(spec("mse"));
    const exB = await exactSpectrum(hessianOperator(mlpProblem(b.spec, b.data), theta, { executor }).matvec, 4);
    exB.values.forEach((v, i) => expect(v).toBeCloseTo((s[i]! ** 2 * 2) / 4, 12));
  });

  it("Lanczos, Hutch++ and SLQ recover the spectrum", async () => {
    const { spec: sp, data } = model(spec("sse_half"));
    const r = await analyzeHessian({
      problem: mlpProblem(sp, data), theta, executor, top: 2, bottom: 2, trace: { method: "hutch++", probes: 12 }, density: { runs: 2, steps: 4 }, seed: 1
    });
    expect(r.top!.map((p) => p.value)).toEqual([expect.closeTo(9, 10), expect.closeTo(4, 10)]);
    expect(r.bottom!.map((p) => p.value)).toEqual([expect.closeTo(0.25, 10), expect.closeTo(1, 10)]);
    // A 12-HVP Hutch++ budget sketches all 4 dimensions: the trace is exact.
    expect(r.trace!.trace).toBeCloseTo(0.25 + 1 + 4 + 9, 10);
    // Four SLQ steps in four dimensions: the Gauss rule's nodes are the eigenvalues themselves.
    for (const nodes of r.density!.nodes) nodes.forEach((v, i) => expect(v).toBeCloseTo(s[i]! ** 2, 8));
  });

  it("Hutchinson is exact (standard error 0) when the Hessian is diagonal", async () => {
    // With X = Hu·diag(s) the Hessian is diag(s²), and zᵀDz = tr D for every sign vector z.
    const xd = matmul(hu, s.map((si, i) => s.map((_, j) => (i === j ? si : 0))));
    const { spec: sp, data } = model({ model: { type: "mlp", layers: [4, 1], bias: false }, loss: "sse_half", data: { x: xd, y } });
    const r = await analyzeHessian({ problem: mlpProblem(sp, data), theta, executor, trace: { method: "hutchinson", probes: 7 }, seed: 5 });
    expect(r.trace!.trace).toBeCloseTo(14.25, 12);
    expect(r.trace!.standardError).toBeLessThan(1e-12);
    expect(r.totalHvps).toBe(7);
  });

  it("refuses --exact above the size limit and points to Lanczos", async () => {
    const { spec: sp, data } = model(spec("sse_half"));
    await expect(analyzeHessian({ problem: mlpProblem(sp, data), theta, executor, exact: true, maxExact: 3, seed: 0 }))
      .rejects.toThrow(/4×4.*limit of 3.*top K \/ bottom K \(Lanczos\)/s);
    await expect(analyzeHessian({ problem: mlpProblem(sp, data), theta, executor, exact: true, maxExact: 3, seed: 0 }))
      .rejects.toBeInstanceOf(UserError);
  });

  it("rejects a θ of the wrong length, naming both numbers", () => {
    const { spec: sp, data } = model(spec("sse_half"));
    expect(() => hessianOperator(mlpProblem(sp, data), new Float64Array(5), { executor })).toThrow(/5 values.*4 parameters/);
  });
});
