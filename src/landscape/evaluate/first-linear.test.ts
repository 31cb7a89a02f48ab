/**
 * The first-linear-op evaluator against the plain one-network-per-point oracle: the same surface to 1e-12
 * in float64 on real PyTorch exports (test/fixtures/onnx) and on LeNet-5 with MNIST digits, along random
 * and filter-normalized directions with and without bias components, on the reference interpreter and on
 * ONNX Runtime; and the surface engine picks it for such problems.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { createReferenceExecutor } from "../../exec/reference.js";
import type { Executor } from "../../exec/executor.js";
import { loadDataset } from "../../model/datasets/registry.js";
import { mlpProblem } from "../../model/problem/from-mlp.js";
import { onnxProblem } from "../../model/problem/from-onnx.js";
import type { LossProblem } from "../../model/problem/loss-problem.js";
import { resolveProblem } from "../../model/problem/resolve.js";
import { loadModelSource } from "../../model/train/spec-source.js";
import { parseModelSpec } from "../../model/spec.js";
import { resolveData } from "../../model/data.js";
import { importOnnxModel } from "../../onnx/import-model.js";
import { writeLenetOnnx } from "../../onnx/lenet-writer.js";
import { createRng } from "../../util/random.js";
import { gaussianDirections, normalizeDirection } from "../directions/index.js";
import { defaultBatch, evaluateSurface, evaluatorKind, memorySink } from "../surface-engine.js";
import { buildFirstLinearGraph, createFirstLinearEvaluator, firstLinearProducts } from "./first-linear.js";
import { createPlainEvaluator } from "./plain.js";
import type { Metric, SurfaceProblem } from "./problem.js";

const DIR = join(process.cwd(), "test/fixtures/onnx");
const root = mkdtempSync(join(tmpdir(), "losscape-first-linear-"));
const ort = createOnnxExecutor({ threads: 1 });
const ref = createReferenceExecutor();
afterAll(async () => {
  await ort.dispose();
  rmSync(root, { recursive: true, force: true });
});

function fixture(name: string, l2 = 0): LossProblem {
  const spec = { model: { type: "onnx", path: join(DIR, `${name}.onnx`) }, loss: "cross_entropy", l2, data: { x: join(DIR, `${name}.x.npy`), y: join(DIR, `${name}.y.npy`) } };
  const path = join(root, `${name}-${l2}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return resolveProblem(loadModelSource(path));
}

function lenet(n: number, seed = 0, l2 = 0): LossProblem {
  const bytes = writeLenetOnnx(seed);
  const model = importOnnxModel(bytes, { path: "lenet.onnx", dir: "." });
  return onnxProblem(model, loadDataset("mnist", { n }), { source: "test:lenet", loss: "cross_entropy", l2, spec: {}, modelHash: "test", bytes, dir: "." });
}

type DirKind = "gaussian (biases too)" | "filter-normalized, biases 0" | "filter-normalized with biases";

function directions(p: LossProblem, theta: Float64Array, kind: DirKind, count: number, seed: number): Float64Array[] {
  const raw = gaussianDirections(p.layout.size, count, seed);
  if (kind === "gaussian (biases too)") return raw.map((d) => d.map((v) => 0.3 * v));
  return raw.map((d) => normalizeDirection(d, theta, p.layout, { normalization: "filter", ignoreBias: kind === "filter-normalized, biases 0" }));
}

function coords(count: number, dims: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: count * dims }, () => 2 * rng.next() - 1);
}

/** max |a − b| / max(1, |b|). */
function maxRel(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

async function compare(s: SurfaceProblem, ex: Executor, count: number, batch: number, tol: number): Promise<void> {
  const pts = coords(count, s.dirs.length, 17);
  const plain = await createPlainEvaluator(s, ex).evaluate(pts, count);
  const fast = await (await createFirstLinearEvaluator(s, ex, batch)).evaluate(pts, count);
  expect(maxRel(fast.loss!, plain.loss!)).toBeLessThan(tol);
  // The loss must actually vary over the points, or agreement would prove little.
  expect(Math.max(...plain.loss!) - Math.min(...plain.loss!)).toBeGreaterThan(1e-6);
  if (s.metrics.includes("accuracy")) expect(Array.from(fast.accuracy!)).toEqual(Array.from(plain.accuracy!));
}

const FIXTURES = ["cnn_bn", "lenet_view", "resblock_ln", "mlp_external"];
const KINDS: DirKind[] = ["gaussian (biases too)", "filter-normalized, biases 0", "filter-normalized with biases"];

describe("the first-linear-op evaluator gives the plain evaluator's surface (float64)", () => {
  for (const name of FIXTURES) {
    it(`${name}: offered the split, and agrees on the reference interpreter and ONNX Runtime to 1e-12`, async () => {
      const p = fixture(name);
      expect(p.structure.firstLinear).toBeDefined();
      const theta = p.theta0!;
      for (const [k, kind] of KINDS.entries()) {
        const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, kind, 2, k + 1), metrics: ["loss", "accuracy"], dtype: "float64" };
        await compare(s, ref, 5, 1, 1e-12);
        // onnxruntime has no float64 Erf: GELU's Erf runs in float32 there, in both evaluators, on inputs
        // that differ by float64 rounding; one float32 ulp can flip.
        await compare(s, ort, 5, k === 1 ? 2 : 1, name === "resblock_ln" ? 1e-7 : 1e-12);
      }
    }, 60_000);
  }

  it("resblock_ln with an L2 penalty, along a line (one direction)", async () => {
    const p = fixture("resblock_ln", 0.05);
    const theta = p.theta0!;
    const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, "gaussian (biases too)", 1, 4), metrics: ["loss", "accuracy"], dtype: "float64" };
    await compare(s, ref, 6, 3, 1e-12);
  });

  for (const kind of KINDS) {
    it(`LeNet-5 on 24 MNIST digits, ${kind} directions, 1 and 3 points per run`, async () => {
      const p = lenet(24, 2);
      const theta = p.theta0!;
      const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, kind, 2, 9), metrics: ["loss", "accuracy"], dtype: "float64" };
      await compare(s, ort, 7, 1, 1e-12);
      await compare(s, ort, 7, 3, 1e-12);
    }, 60_000);
  }

  it("LeNet-5 on the reference interpreter too (8 digits, L2 penalty)", async () => {
    const p = lenet(8, 5, 0.01);
    const theta = p.theta0!;
    const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, "filter-normalized with biases", 2, 3), metrics: ["loss"], dtype: "float64" };
    await compare(s, ref, 3, 2, 1e-12);
  }, 60_000);

  it("the products are the first op's output at θ and along each direction; the graph recombines them", async () => {
    const p = lenet(4, 1);
    const theta = p.theta0!;
    const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, "gaussian (biases too)", 2, 2), metrics: ["loss"], dtype: "float64" };
    const pre = await firstLinearProducts(s, ort);
    expect(pre.shape).toEqual([4, 6, 28, 28]);
    expect(pre.products.length).toBe(3 * 4 * 6 * 28 * 28);
    // Conv at a zero input image is its bias: product k's first entry is conv(x0, V_k) at a border pixel
    // where the 5×5 window covers only padding and zero pixels of MNIST's empty corner.
    const bias = p.layout.blocks.find((b) => b.name === "conv1.bias")!;
    const size = 4 * 6 * 28 * 28;
    [theta, ...s.dirs].forEach((v, k) => expect(pre.products[k * size]).toBeCloseTo(v[bias.offset]!, 14));
    const g = buildFirstLinearGraph(s, pre, 2);
    expect(g.inputs.map((i) => i.name).sort()).toEqual(["coef", "theta"]);
  });
});

describe("float32 surfaces", () => {
  it("LeNet-5 float32 on ONNX Runtime: within float32 rounding of the plain float32 surface", async () => {
    const p = lenet(32, 3);
    const theta = p.theta0!;
    const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, "filter-normalized, biases 0", 2, 5), metrics: ["loss"], dtype: "float32" };
    await compare(s, ort, 4, 1, 1e-5);
  }, 60_000);
});

describe("the surface engine", () => {
  it("chooses the first-linear-op evaluator for an imported CNN, plain on request, the MLP plane for MLPs", () => {
    const p = lenet(4);
    const s: SurfaceProblem = { problem: p, theta: p.theta0!, dirs: directions(p, p.theta0!, "gaussian (biases too)", 2, 1), metrics: ["loss"], dtype: "float64" };
    expect(evaluatorKind(s, false)).toBe("first linear op precomputed");
    expect(evaluatorKind(s, true)).toBe("plain");
    expect(defaultBatch(s, "first linear op precomputed")).toBe(1);
    const spec = parseModelSpec({ model: { type: "mlp", layers: [2, 3, 2] }, loss: "cross_entropy", data: { name: "blobs", n: 6, classes: 2 } });
    const m = mlpProblem(spec, resolveData(spec));
    expect(evaluatorKind({ ...s, problem: m }, false)).toBe("first-layer shortcut");
  });

  it("a whole plane through evaluateSurface equals the plain kind's, point for point", async () => {
    const p = fixture("cnn_bn");
    const theta = p.theta0!;
    const metrics: Metric[] = ["loss", "accuracy"];
    const s: SurfaceProblem = { problem: p, theta, dirs: directions(p, theta, "filter-normalized, biases 0", 2, 6), metrics, dtype: "float64" };
    const xs = Float64Array.of(-1, 0, 0.5), ys = Float64Array.of(-0.5, 1);
    const plan = { xs, ys, chunks: { totalPoints: 6, chunkSize: 4, metrics } };
    const fast = await evaluateSurface(s, plan, memorySink(), { kind: evaluatorKind(s, false), batch: 1 }, ort);
    const plain = await evaluateSurface(s, plan, memorySink(), { kind: "plain", batch: 1 }, ort);
    expect(maxRel(fast.values.loss!, plain.values.loss!)).toBeLessThan(1e-12);
    expect(Array.from(fast.values.accuracy!)).toEqual(Array.from(plain.values.accuracy!));
  }, 60_000);
});
