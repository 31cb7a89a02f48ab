import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { sizeOf } from "../ir/shape.js";
import { evaluate } from "../exec/reference.js";
import { fdDirectional, fdGradient, maxRelError, type Feeds } from "../exec/derivative-check.js";
import { grad, gradName } from "./grad.js";
import { jvp, jvpName, tangentName } from "./jvp.js";
import { hvp, hvpName } from "./hvp.js";
import { createRng } from "../util/random.js";

interface Case {
  name: string;
  inputs: Record<string, number[]>;
  /** Values are drawn from this sampler (keeps them inside the op's domain and away from kinks). */
  sample?: (u: () => number) => number;
  build: (g: GraphBuilder, x: Record<string, Value>) => Value;
  /** Second-order check too (false for piecewise-linear ops whose Hessian is 0 a.e. but FD noisy near kinks). */
  second?: boolean;
}

const awayFromZero = (u: () => number): number => (u() < 0.5 ? -1 : 1) * (0.2 + 1.8 * u());
const positive = (u: () => number): number => 0.3 + 2 * u();
const anyReal = (u: () => number): number => 4 * u() - 2;

const cases: Case[] = [
  { name: "Add (broadcast)", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.add(x.a!, x.b!) },
  { name: "Sub (broadcast)", inputs: { a: [3, 1], b: [1, 4] }, build: (g, x) => g.sub(x.a!, x.b!) },
  { name: "Mul (broadcast)", inputs: { a: [2, 3], b: [3] }, build: (g, x) => g.mul(x.a!, x.b!) },
  { name: "Div", inputs: { a: [2, 3], b: [2, 3] }, sample: awayFromZero, build: (g, x) => g.div(x.a!, x.b!) },
  { name: "Neg", inputs: { a: [5] }, build: (g, x) => g.neg(x.a!) },
  { name: "Abs", inputs: { a: [5] }, sample: awayFromZero, build: (g, x) => g.abs(x.a!), second: false },
  { name: "Exp", inputs: { a: [5] }, build: (g, x) => g.exp(x.a!) },
  { name: "Log", inputs: { a: [5] }, sample: positive, build: (g, x) => g.log(x.a!) },
  { name: "Sqrt", inputs: { a: [5] }, sample: positive, build: (g, x) => g.sqrt(x.a!) },
  { name: "Pow (both)", inputs: { a: [4], b: [4] }, sample: positive, build: (g, x) => g.pow(x.a!, x.b!) },
  { name: "Pow (integer exponent, negative base)", inputs: { a: [4] }, build: (g, x) => g.pow(x.a!, 3) },
  { name: "Sin", inputs: { a: [5] }, build: (g, x) => g.sin(x.a!) },
  { name: "Cos", inputs: { a: [5] }, build: (g, x) => g.cos(x.a!) },
  { name: "Relu", inputs: { a: [6] }, sample: awayFromZero, build: (g, x) => g.relu(x.a!), second: false },
  { name: "LeakyRelu", inputs: { a: [6] }, sample: awayFromZero, build: (g, x) => g.leakyRelu(x.a!, 0.1), second: false },
  { name: "Sigmoid", inputs: { a: [6] }, build: (g, x) => g.sigmoid(x.a!) },
  { name: "Tanh", inputs: { a: [6] }, build: (g, x) => g.tanh(x.a!) },
  { name: "Softplus", inputs: { a: [6] }, build: (g, x) => g.softplus(x.a!) },
  { name: "Elu", inputs: { a: [6] }, sample: awayFromZero, build: (g, x) => g.elu(x.a!, 0.7), second: false },
  { name: "Max", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.max(x.a!, x.b!), second: false },
  { name: "Min", inputs: { a: [3, 4], b: [3, 1] }, build: (g, x) => g.min(x.a!, x.b!), second: false },
  { name: "Where", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.where(g.greater(x.a!, 0.1), g.mul(x.a!, x.b!), x.b!) , second: false },
  { name: "MatMul 2-D", inputs: { a: [3, 4], b: [4, 2] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  { name: "MatMul batched broadcast", inputs: { a: [2, 3, 4], b: [4, 2] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  { name: "MatMul vector-matrix", inputs: { a: [4], b: [2, 4, 3] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  { name: "MatMul matrix-vector", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  {
    name: "Gemm transA transB alpha beta",
    inputs: { a: [4, 3], b: [2, 4], c: [2] },
    build: (g, x) => g.gemm(x.a!, x.b!, x.c!, { alpha: 0.7, beta: -1.3, transA: true, transB: true })
  },
  { name: "Transpose", inputs: { a: [2, 3, 4] }, build: (g, x) => g.mul(g.transpose(x.a!, [2, 0, 1]), g.transpose(x.a!, [2, 0, 1])) },
  { name: "Reshape", inputs: { a: [2, 6] }, build: (g, x) => g.exp(g.reshape(x.a!, [3, -1])) },
  { name: "Flatten", inputs: { a: [2, 3, 2] }, build: (g, x) => g.sin(g.flatten(x.a!, 2)) },
  { name: "Concat", inputs: { a: [2, 3], b: [2, 1] }, build: (g, x) => g.tanh(g.concat([x.a!, x.b!, x.a!], 1)) },
  { name: "Slice", inputs: { a: [4, 5] }, build: (g, x) => g.exp(g.slice(x.a!, [1, -4], [3, 100], [0, 1])) },
  { name: "Expand", inputs: { a: [3, 1] }, build: (g, x) => g.sin(g.expand(x.a!, [2, 3, 4])) },
  { name: "ReduceSum", inputs: { a: [3, 4] }, build: (g, x) => g.exp(g.reduceSum(x.a!, [1])) },
  { name: "ReduceMean keepdims", inputs: { a: [3, 4, 2] }, build: (g, x) => g.mul(g.reduceMean(x.a!, [0, 2], true), x.a!) },
  { name: "ReduceMax", inputs: { a: [3, 5] }, build: (g, x) => g.reduceMax(g.mul(x.a!, x.a!), [1]), second: false },
  { name: "Softmax", inputs: { a: [2, 5] }, build: (g, x) => g.softmax(x.a!, 1) },
  { name: "Softmax axis 0", inputs: { a: [3, 2] }, build: (g, x) => g.softmax(x.a!, 0) },
  { name: "LogSoftmax", inputs: { a: [3, 4] }, build: (g, x) => g.logSoftmax(x.a!) },
  { name: "Identity + Cast", inputs: { a: [3] }, build: (g, x) => g.mul(g.identity(x.a!), g.cast(x.a!, "float64")) }
];

function makeFeeds(c: Case, seed: number): Feeds {
  const rng = createRng(seed);
  const sample = c.sample ?? anyReal;
  const feeds: Feeds = {};
  for (const [name, shape] of Object.entries(c.inputs)) {
    feeds[name] = tensor(shape, Array.from({ length: sizeOf(shape) }, () => sample(() => rng.next())));
  }
  return feeds;
}

/** L = sum(w ⊙ op(x)) with fixed random weights, so every entry of the Jacobian is exercised. */
function lossGraph(c: Case) {
  const g = new GraphBuilder();
  const x: Record<string, Value> = {};
  for (const [name, shape] of Object.entries(c.inputs)) x[name] = g.input(name, shape);
  const y = c.build(g, x);
  const rng = createRng(99);
  const w = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal())));
  return g.build({ L: g.reduceSum(g.mul(y, w)), y });
}

const names = (c: Case) => Object.keys(c.inputs);

describe("every op's reverse rule matches central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
          const graph = lossGraph(c);
          const feeds = makeFeeds(c, seed);
          const gGraph = grad(graph, { of: "L", wrt: names(c) });
          const out = evaluate(gGraph, feeds);
          for (const n of names(c)) {
            expect(maxRelError(out[gradName(n)]!.data, fdGradient(graph, feeds, "L", n))).toBeLessThan(1e-6);
          }
        }),
        { numRuns: 12 }
      );
    });
  }
});

describe("every op's forward rule matches directional finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
          const graph = lossGraph(c);
          const feeds = makeFeeds(c, seed);
          const rng = createRng(seed + 7);
          const dirs: Record<string, Float64Array> = {};
          const tfeeds: Feeds = { ...feeds };
          for (const n of names(c)) {
            dirs[n] = Float64Array.from(feeds[n]!.data, () => rng.normal());
            tfeeds[tangentName(n)] = tensor(feeds[n]!.shape, dirs[n]!);
          }
          const jGraph = jvp(graph, { tangents: Object.fromEntries(names(c).map((n) => [n, tangentName(n)])), of: ["y"] });
          const got = evaluate(jGraph, tfeeds)[jvpName("y")]!.data;
          expect(maxRelError(got, fdDirectional(graph, feeds, "y", dirs))).toBeLessThan(1e-6);
        }),
        { numRuns: 12 }
      );
    });
  }
});

describe("Hessian-vector products match finite differences of gradients", () => {
  for (const c of cases.filter((k) => k.second !== false)) {
    it(c.name, () => {
      const graph = lossGraph(c);
      const wrt = names(c);
      const gGraph = grad(graph, { of: "L", wrt });
      const hGraph = hvp(graph, { of: "L", wrt });
      for (const seed of [1, 2, 3]) {
        const feeds = makeFeeds(c, seed);
        const rng = createRng(seed + 11);
        const dirs: Record<string, Float64Array> = {};
        const tfeeds: Feeds = { ...feeds };
        for (const n of wrt) {
          dirs[n] = Float64Array.from(feeds[n]!.data, () => rng.normal());
          tfeeds[tangentName(n)] = tensor(feeds[n]!.shape, dirs[n]!);
        }
        const got = evaluate(hGraph, tfeeds);
        for (const n of wrt) {
          const fd = fdDirectional(gGraph, feeds, gradName(n), dirs, 1e-5);
          expect(maxRelError(got[hvpName(n)]!.data, fd)).toBeLessThan(1e-5);
        }
      }
    });
  }
});

describe("closed-form second derivatives", () => {
  const scalarGraph = (f: (g: GraphBuilder, x: Value) => Value) => {
    const g = new GraphBuilder();
    const x = g.input("x", []);
    return g.build({ f: f(g, x) });
  };
  const second = (f: (g: GraphBuilder, x: Value) => Value, x: number): number => {
    const h = hvp(scalarGraph(f), { wrt: ["x"] });
    const r = evaluate(h, { x: tensor([], [x]), [tangentName("x")]: tensor([], [1]) });
    return r[hvpName("x")]!.data[0]!;
  };
  it("sigmoid'' = s(1-s)(1-2s) to 1e-12", () => {
    for (const x of [-30, -5, -1.3, -0.2, 0, 0.2, 1, 3.7, 12]) {
      const s = 1 / (1 + Math.exp(-x));
      expect(Math.abs(second((g, v) => g.sigmoid(v), x) - s * (1 - s) * (1 - 2 * s))).toBeLessThan(1e-12);
    }
  });
  it("tanh'' = -2 tanh (1 - tanh²)", () => {
    for (const x of [-3, -0.5, 0, 0.7, 2]) {
      const t = Math.tanh(x);
      expect(second((g, v) => g.tanh(v), x)).toBeCloseTo(-2 * t * (1 - t * t), 12);
    }
  });
  it("softplus'' = s(1-s) and log'' = -1/x²", () => {
    for (const x of [-4, -0.3, 0.5, 6]) {
      const s = 1 / (1 + Math.exp(-x));
      expect(second((g, v) => g.softplus(v), x)).toBeCloseTo(s * (1 - s), 12);
    }
    for (const x of [0.25, 1, 3]) expect(second((g, v) => g.log(v), x)).toBeCloseTo(-1 / (x * x), 12);
  });
  it("third derivative through grad of grad: (x^4)''' = 24x", () => {
    const g1 = grad(scalarGraph((g, v) => g.pow(v, 4)), { wrt: ["x"], keepOutputs: false });
    const g2 = grad({ ...g1, outputs: [{ name: "d1", id: g1.outputs[0]!.id }] }, { wrt: ["x"], keepOutputs: false });
    const g3 = grad({ ...g2, outputs: [{ name: "d2", id: g2.outputs[0]!.id }] }, { wrt: ["x"], keepOutputs: false });
    const r = evaluate(g3, { x: tensor([], [1.5]) });
    expect(Object.values(r)[0]!.data[0]).toBeCloseTo(36, 10);
  });
});

describe("non-smooth conventions", () => {
  const at0 = (f: (g: GraphBuilder, x: Value) => Value): number => {
    const g = new GraphBuilder();
    const x = g.input("x", [1]);
    const gr = grad(g.build({ f: g.reduceSum(f(g, x)) }), { wrt: ["x"] });
    return evaluate(gr, { x: tensor([1], [0]) })[gradName("x")]!.data[0]!;
  };
  it("Relu'(0) = 0 and Abs'(0) = 0", () => {
    expect(at0((g, x) => g.relu(x))).toBe(0);
    expect(at0((g, x) => g.abs(x))).toBe(0);
  });
});

export type { Tensor };
