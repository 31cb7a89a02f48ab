import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { tensor, type Tensor } from "../../ir/tensor.js";
import { sizeOf } from "../../ir/shape.js";
import { grad, gradName } from "../../autodiff/grad.js";
import { hvp, hvpName } from "../../autodiff/hvp.js";
import { tangentName } from "../../autodiff/jvp.js";
import { evaluate } from "../reference.js";
import { createOnnxExecutor } from "./executor.js";
import { decomposeForOnnx } from "./lower.js";
import { createRng } from "../../util/random.js";

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const rng = createRng(seed);
  return tensor(shape, Array.from({ length: sizeOf(shape) }, () => scale * rng.normal()));
}

function relErr(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return a.length === b.length ? m : Infinity;
}

const UNARY: ((g: GraphBuilder, x: Value) => Value)[] = [
  (g, x) => g.relu(x), (g, x) => g.sigmoid(x), (g, x) => g.tanh(x), (g, x) => g.softplus(x), (g, x) => g.elu(x, 0.7),
  (g, x) => g.leakyRelu(x, 0.01), (g, x) => g.exp(g.mul(x, 0.3)), (g, x) => g.log(g.add(g.abs(x), 1)), (g, x) => g.sin(x),
  (g, x) => g.cos(x), (g, x) => g.abs(x), (g, x) => g.neg(x), (g, x) => g.sqrt(g.add(g.mul(x, x), 0.5)),
  (g, x) => g.softmax(x, -1), (g, x) => g.logSoftmax(x, 0), (g, x) => g.pow(g.abs(x), 1.5), (g, x) => g.sign(x)
];
const SIGN_OP = UNARY.length - 1;
const BINARY: ((g: GraphBuilder, a: Value, b: Value) => Value)[] = [
  (g, a, b) => g.add(a, b), (g, a, b) => g.sub(a, b), (g, a, b) => g.mul(a, b), (g, a, b) => g.div(a, g.add(g.abs(b), 1)),
  (g, a, b) => g.max(a, b), (g, a, b) => g.min(a, b), (g, a, b) => g.where(g.greater(a, b), a, g.mul(b, 2)),
  (g, a, b) => g.matmul(a, g.transpose(b))
];

/** A random graph of unary/binary ops over two [3,4] inputs, reduced to a few outputs. */
function randomGraph(choices: number[]): Graph {
  const g = new GraphBuilder();
  const a = g.input("a", [3, 4]);
  const b = g.input("b", [3, 4]);
  const pool: Value[] = [a, b];
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i]!;
    const x = pool[(c >> 8) % pool.length]!;
    const y = pool[(c >> 16) % pool.length]!;
    let v: Value;
    if (c % 3 === 0) v = BINARY[(c >> 4) % BINARY.length]!(g, x, y);
    else v = UNARY[(c >> 4) % UNARY.length]!(g, x);
    if (v.shape.length === 2 && v.shape[0] === 3 && v.shape[1] === 4) pool.push(v);
    else pool.push(g.add(g.reduceSum(v), a));
  }
  const last = pool[pool.length - 1]!;
  return g.build({ out: last, total: g.reduceMean(last, [1]), maxed: g.reduceMax(last, [0], true), flat: g.flatten(g.concat([last, a], 0)) });
}

describe("onnxruntime and the reference interpreter agree", () => {
  it("on random graphs in float64 (to 1e-12) and float32 (to 1e-4)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 2 ** 24 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 1e6 }), async (choices, seed) => {
        const graph = randomGraph(choices);
        const feeds = { a: randomTensor([3, 4], seed), b: randomTensor([3, 4], seed + 1) };
        const ref = evaluate(graph, feeds);
        const r64 = await ort64.run(graph, feeds);
        for (const k of Object.keys(ref)) expect(relErr(r64[k]!.data, ref[k]!.data)).toBeLessThan(1e-12);
        const r32 = await ort32.run(graph, feeds);
        for (const k of Object.keys(ref)) {
          // Sign and comparisons may flip for values within float32 rounding of a threshold; compare loosely.
          if (choices.some((c) => c % 3 !== 0 && (c >> 4) % UNARY.length === SIGN_OP)) continue;
          expect(r32[k]!.dtype).toBe("float32");
          expect(relErr(r32[k]!.data, ref[k]!.data)).toBeLessThan(1e-3);
        }
      }),
      { numRuns: 40 }
    );
  });

  it("on gradients and Hessian-vector products of an MLP loss", async () => {
    const g = new GraphBuilder();
    const w1 = g.input("w1", [5, 3]);
    const w2 = g.input("w2", [2, 5]);
    const x = g.constant(randomTensor([7, 3], 1));
    const y = g.constant(randomTensor([7, 2], 2));
    const h = g.tanh(g.gemm(x, w1, undefined, { transB: true }));
    const e = g.sub(g.gemm(h, w2, undefined, { transB: true }), y);
    const loss = g.build({ L: g.mul(0.5, g.reduceSum(g.mul(e, e))) });
    const hv = hvp(loss, { wrt: ["w1", "w2"] });
    const feeds = {
      w1: randomTensor([5, 3], 3), w2: randomTensor([2, 5], 4),
      [tangentName("w1")]: randomTensor([5, 3], 5), [tangentName("w2")]: randomTensor([2, 5], 6)
    };
    const ref = evaluate(hv, feeds);
    const got = await ort64.run(hv, feeds);
    for (const k of ["L", gradName("w1"), gradName("w2"), hvpName("w1"), hvpName("w2")]) {
      expect(relErr(got[k]!.data, ref[k]!.data)).toBeLessThan(1e-12);
    }
    const gr = grad(loss, { wrt: ["w1"] });
    expect(relErr((await ort64.run(gr, feeds))[gradName("w1")]!.data, evaluate(gr, feeds)[gradName("w1")]!.data)).toBeLessThan(1e-12);
  });
});

describe("float64 lowering", () => {
  it("decomposes the ops onnxruntime lacks in float64 and keeps float32 ones native", () => {
    const build = (dtype: "float32" | "float64"): Graph => {
      const g = new GraphBuilder(dtype);
      const x = g.input("x", [4]);
      return g.build({ y: g.add(g.add(g.softplus(x), g.elu(x, 0.5)), g.erf(x)) });
    };
    const ops64 = decomposeForOnnx(build("float64")).nodes.map((n) => n.op);
    expect(ops64).not.toContain("Softplus");
    expect(ops64).not.toContain("Elu");
    const ops32 = decomposeForOnnx(build("float32")).nodes.map((n) => n.op);
    expect(ops32).toContain("Softplus");
    expect(ops32).toContain("Elu");
  });

  it("keeps sigmoid's far tail and LeakyRelu's alpha exact in float64", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", [3]);
    const graph = g.build({ s: g.sigmoid(x), l: g.leakyRelu(x, 0.01) });
    const feeds = { x: tensor([3], [-40, -745, 3]) };
    const ref = evaluate(graph, feeds);
    const got = await ort64.run(graph, feeds);
    expect(got["s"]!.data[0]).toBe(ref["s"]!.data[0]);
    expect(got["s"]!.data[0]).toBeGreaterThan(0);
    expect(got["l"]!.data[0]).toBe(-0.4);
  });

  it("runs float64 Erf through float32 (onnxruntime has no float64 kernel), accurate to 1e-7", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", [5]);
    const graph = g.build({ y: g.erf(x) });
    const feeds = { x: tensor([5], [-3, -0.5, 0, 0.7, 2.5]) };
    const got = (await ort64.run(graph, feeds))["y"]!.data;
    const ref = evaluate(graph, feeds)["y"]!.data;
    expect(relErr(got, ref)).toBeLessThan(1e-7);
  });

  it("computes only the requested outputs, like the reference interpreter", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", [3]);
    const graph = g.build({ a: g.exp(x), b: g.sin(x) });
    const feeds = { x: tensor([3], [0.1, 0.2, 0.3]) };
    const got = await ort64.run(graph, feeds, { outputs: ["b"] });
    expect(Object.keys(got)).toEqual(["b"]);
    expect(relErr(got["b"]!.data, evaluate(graph, feeds, { outputs: ["b"] })["b"]!.data)).toBeLessThan(1e-15);
    await expect(ort64.run(graph, feeds, { outputs: ["c"] })).rejects.toThrow(/no output "c"/);
    expect(() => evaluate(graph, feeds, { outputs: ["c"] })).toThrow(/no output "c"/);
  });

  it("rejects feeds of the wrong shape with a message naming the input", async () => {
    const g = new GraphBuilder();
    const x = g.input("theta", [3]);
    const graph = g.build({ y: g.relu(x) });
    await expect(ort64.run(graph, { theta: tensor([2], [1, 2]) })).rejects.toThrow(/theta/);
  });
});

describe("Slice bounds", () => {
  it("clamp out-of-range starts and ends as onnxruntime does, backward steps included", async () => {
    const cases: [number, number, number][] = [
      [-100, -200, -1], [-100, 0, -1], [100, -100, -1], [-6, -100, -2], [2, -100, -1], [-100, 100, 1], [3, 100, 2]
    ];
    const feeds = { x: tensor([5], [0, 1, 2, 3, 4]) };
    for (const [start, end, step] of cases) {
      const g = new GraphBuilder();
      const graph = g.build({ y: g.slice(g.input("x", [5]), [start], [end], [0], [step]) });
      const got = (await ort64.run(graph, feeds))["y"]!;
      const ref = evaluate(graph, feeds)["y"]!;
      expect({ start, end, step, ref: [...ref.data] }).toEqual({ start, end, step, ref: [...got.data] });
    }
  });
});
