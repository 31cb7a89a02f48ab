/**
 * Real PyTorch ONNX exports through the loss problem that every analysis takes: the loss, gradient,
 * Hessian-vector product and the whole Hessian spectrum of the imported graph agree with PyTorch's
 * float64 values (test/fixtures/onnx/*.ref.json, made by make_fixtures.py) to 1e-9 relative, on the
 * reference interpreter and on ONNX Runtime; θ's layout is the file's initializer order.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOnnxExecutor } from "../src/exec/onnx/executor.js";
import { createReferenceExecutor } from "../src/exec/reference.js";
import { exactSpectrum } from "../src/hessian/dense.js";
import { hessianOperator } from "../src/hessian/hvp-operator.js";
import { tensor } from "../src/ir/tensor.js";
import { lossGraph } from "../src/model/problem/loss-graph.js";
import { resolveProblem } from "../src/model/problem/resolve.js";
import { loadModelSource } from "../src/model/train/spec-source.js";
import type { LossProblem } from "../src/model/problem/loss-problem.js";

const DIR = join(process.cwd(), "test/fixtures/onnx");
const NAMES = readdirSync(DIR).filter((f) => f.endsWith(".onnx")).map((f) => f.slice(0, -5)).sort();
const root = mkdtempSync(join(tmpdir(), "losscape-onnx-problem-"));
const onnx = createOnnxExecutor({ dtype: "float64", threads: 1 });
afterAll(async () => {
  await onnx.dispose();
  rmSync(root, { recursive: true, force: true });
});

interface Ref {
  params: { name: string; shape: number[] }[];
  buffers: string[] | { name: string }[];
  loss: number;
  grad: number[];
  v: number[];
  hvp: number[];
  hessian_eigenvalues: number[];
}

function problemFor(name: string): { problem: LossProblem; ref: Ref } {
  const spec = { model: { type: "onnx", path: join(DIR, `${name}.onnx`) }, loss: "cross_entropy", data: { x: join(DIR, `${name}.x.npy`), y: join(DIR, `${name}.y.npy`) } };
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return { problem: resolveProblem(loadModelSource(path)), ref: JSON.parse(readFileSync(join(DIR, `${name}.ref.json`), "utf8")) as Ref };
}

/** Largest |a − b| relative to the largest |b| (the vector's scale). */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

describe.each(NAMES)("PyTorch export %s as a loss problem", (name) => {
  const { problem, ref } = problemFor(name);

  it("θ is the trainable initializers in file order; BatchNorm statistics are buffers", () => {
    expect(problem.layout.blocks.map((b) => b.name)).toEqual(ref.params.map((p) => p.name));
    expect(problem.layout.blocks.map((b) => b.shape)).toEqual(ref.params.map((p) => p.shape));
    const buffers = (ref.buffers as (string | { name: string })[]).map((b) => (typeof b === "string" ? b : b.name));
    expect((problem.layout.buffers ?? []).map((b) => b.name)).toEqual(buffers);
    expect(problem.theta0!.length).toBe(ref.grad.length);
  });

  // onnxruntime has no float64 Erf kernel, so GELU runs its Erf in float32 there (README, Design): 1e-7.
  const usesErf = (ref as Ref & { ops: string[] }).ops.includes("Erf");
  for (const [exName, ex, tol] of [["reference", createReferenceExecutor(), 1e-9], ["onnxruntime", onnx, usesErf ? 1e-7 : 1e-9]] as const) {
    it(`${exName}: loss, gradient, HVP and every Hessian eigenvalue agree with PyTorch to ${tol}`, async () => {
      const theta = problem.theta0!;
      const op = hessianOperator(problem, theta, { executor: ex });
      const { loss, gradient } = await op.lossAndGradient();
      expect(Math.abs(loss - ref.loss) / Math.abs(ref.loss)).toBeLessThan(tol);
      expect(rel(gradient, ref.grad)).toBeLessThan(tol);
      expect(rel(await op.matvec(Float64Array.from(ref.v)), ref.hvp)).toBeLessThan(tol);
      const spectrum = await exactSpectrum(op.matvec, theta.length, { wantVectors: false });
      expect(rel(spectrum.values, ref.hessian_eigenvalues)).toBeLessThan(tol);
    }, 60_000);
  }

  it("the loss graph on ONNX Runtime in float32 is within float32 accuracy", async () => {
    const { graph } = lossGraph(problem, { dtype: "float32" });
    const ex = createOnnxExecutor({ dtype: "float32", threads: 1 });
    try {
      const r = await ex.run(graph, { theta: tensor([problem.layout.size], problem.theta0!) });
      expect(Math.abs(r["loss"]!.data[0]! - ref.loss) / ref.loss).toBeLessThan(1e-5);
    } finally {
      await ex.dispose();
    }
  });
});
