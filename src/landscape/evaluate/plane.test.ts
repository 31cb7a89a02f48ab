import { mlpProblem } from "../../model/problem/from-mlp.js";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { createReferenceExecutor } from "../../exec/reference.js";
import { resolveData } from "../../model/data.js";
import { loadDataset } from "../../model/datasets/registry.js";
import { mlpLayout } from "../../model/layout.js";
import { parseModelSpec, type ModelSpecInput } from "../../model/spec.js";
import { createRng } from "../../util/random.js";
import { createPlaneEvaluator } from "./plane.js";
import { createPlainEvaluator } from "./plain.js";
import type { Metric, SurfaceProblem } from "./problem.js";

const ort = createOnnxExecutor({ threads: 1 });
const ref = createReferenceExecutor();
afterAll(async () => {
  await ort.dispose();
});

function problem(input: ModelSpecInput, seed: number, dims: number, metrics: Metric[], scale = 0.5): SurfaceProblem {
  const spec = parseModelSpec(input);
  const layout = mlpLayout(spec);
  const rng = createRng(seed);
  const vec = (): Float64Array => Float64Array.from({ length: layout.size }, () => scale * rng.normal());
  return { problem: mlpProblem(spec, resolveData(spec)), theta: vec(), dirs: Array.from({ length: dims }, vec), metrics, dtype: "float64" };
}

function coords(count: number, dims: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: count * dims }, () => 2 * rng.next() - 1);
}

function maxRel(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

const CASES: { name: string; spec: ModelSpecInput; metrics: Metric[] }[] = [
  { name: "seed ReLU 1-2-1, sse_half", spec: { model: { type: "mlp", layers: [1, 2, 1] }, loss: "sse_half", data: { x: [[1], [-1]], y: [[1], [-1]] } }, metrics: ["loss"] },
  { name: "2-8-6-3 tanh, cross-entropy + L2", spec: { model: { type: "mlp", layers: [2, 8, 6, 3], activation: "tanh" }, loss: "cross_entropy", l2: 0.01, data: { name: "blobs", n: 40, classes: 3 } }, metrics: ["loss", "accuracy"] },
  { name: "2-5-1 sigmoid, bce", spec: { model: { type: "mlp", layers: [2, 5, 1], activation: "sigmoid" }, loss: "bce", data: { name: "moons", n: 30 } }, metrics: ["loss", "accuracy"] },
  { name: "2-4-1 leaky ReLU, hinge, no bias", spec: { model: { type: "mlp", layers: [2, 4, 1], activation: "leaky_relu", bias: false }, loss: "hinge", data: { name: "circles", n: 24 } }, metrics: ["loss", "accuracy"] },
  { name: "2-1 linear, mae (first layer is the output layer)", spec: { model: { type: "mlp", layers: [2, 1] }, loss: "mae", data: { name: "regression2d", n: 20 } }, metrics: ["loss"] },
  { name: "1-6-1 relu, mse", spec: { model: { type: "mlp", layers: [1, 6, 1] }, loss: "mse", data: { name: "regression1d", n: 25 } }, metrics: ["loss"] }
];

describe("the first-layer shortcut evaluates the same surface as the plain one-network-per-point evaluation", () => {
  for (const c of CASES) {
    for (const dims of [1, 2]) {
      it(`${c.name}, ${dims}-D (reference and onnxruntime executors agree with the plain oracle)`, async () => {
        const p = problem(c.spec, 7 + dims, dims, c.metrics);
        const pts = coords(13, dims, 3);
        const plain = await createPlainEvaluator(p, ref).evaluate(pts, 13);
        for (const ex of [ref, ort]) {
          const fast = await (await createPlaneEvaluator(p, ex, 4)).evaluate(pts, 13);
          expect(maxRel(fast.loss!, plain.loss!)).toBeLessThan(1e-12);
          if (c.metrics.includes("accuracy")) expect(Array.from(fast.accuracy!)).toEqual(Array.from(plain.accuracy!));
        }
      });
    }
  }

  it("agrees for random MLP shapes, batch sizes and points (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 1000 }),
        async (hidden, batch, count, seed) => {
          const spec: ModelSpecInput = { model: { type: "mlp", layers: [2, ...hidden, 3], activation: "relu" }, loss: "cross_entropy", data: { name: "blobs", n: 9, classes: 3, seed } };
          const p = problem(spec, seed, 2, ["loss", "accuracy"], 1);
          const pts = coords(count, 2, seed + 1);
          const plain = await createPlainEvaluator(p, ref).evaluate(pts, count);
          const fast = await (await createPlaneEvaluator(p, ref, batch)).evaluate(pts, count);
          expect(maxRel(fast.loss!, plain.loss!)).toBeLessThan(1e-12);
          expect(Array.from(fast.accuracy!)).toEqual(Array.from(plain.accuracy!));
        }
      ),
      { numRuns: 25 }
    );
  });

  it("float32 surfaces stay within float32 rounding of the float64 ones", async () => {
    const p = problem(CASES[1]!.spec, 5, 2, ["loss"]);
    const pts = coords(9, 2, 4);
    const f64 = await (await createPlaneEvaluator(p, ort, 3)).evaluate(pts, 9);
    const f32 = await (await createPlaneEvaluator({ ...p, dtype: "float32" }, ort, 3)).evaluate(pts, 9);
    expect(maxRel(f32.loss!, f64.loss!)).toBeLessThan(1e-5);
    expect(maxRel(f32.loss!, f64.loss!)).toBeGreaterThan(0);
  });

  it("MNIST-sized input layer: 784-16-10 on 200 digits", async () => {
    const spec = parseModelSpec({ model: { type: "mlp", layers: [784, 16, 10] }, loss: "cross_entropy", data: { name: "mnist", n: 200 } });
    const layout = mlpLayout(spec);
    const rng = createRng(11);
    const vec = (): Float64Array => Float64Array.from({ length: layout.size }, () => 0.05 * rng.normal());
    const p: SurfaceProblem = { problem: mlpProblem(spec, loadDataset("mnist", { n: 200 })), theta: vec(), dirs: [vec(), vec()], metrics: ["loss", "accuracy"], dtype: "float64" };
    const pts = coords(5, 2, 9);
    const plain = await createPlainEvaluator(p, ort).evaluate(pts, 5);
    const fast = await (await createPlaneEvaluator(p, ort, 2)).evaluate(pts, 5);
    expect(maxRel(fast.loss!, plain.loss!)).toBeLessThan(1e-12);
    expect(Array.from(fast.accuracy!)).toEqual(Array.from(plain.accuracy!));
  });
});
