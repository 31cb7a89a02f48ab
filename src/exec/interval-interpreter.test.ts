import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder, type Value } from "../ir/builder.js";
import type { Graph } from "../ir/graph.js";
import { sizeOf } from "../ir/shape.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { Rational } from "../num/rational.js";
import { allOps } from "../ir/registry.js";
import { createRng, type Rng } from "../util/random.js";
import { evaluate } from "./reference.js";
import { evaluateInterval, evaluateIntervalAt, type IntervalTensor } from "./interval-interpreter.js";
import { evaluateExactFromFloat, isExactlyEvaluable } from "./exact-interpreter.js";

type Domain = "any" | "positive" | "wide";

interface Case {
  name: string;
  inputs: Record<string, number[]>;
  domain?: Domain;
  /** Absolute error of the float64 reference kernel at value v (default: a few ulps of v). */
  floatError?: (v: number) => number;
  build: (g: GraphBuilder, x: Record<string, Value>) => Value;
}

const cases: Case[] = [
  { name: "Add (broadcast)", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.add(x.a!, x.b!) },
  { name: "Sub (broadcast)", inputs: { a: [3, 1], b: [1, 4] }, build: (g, x) => g.sub(x.a!, x.b!) },
  { name: "Mul (broadcast)", inputs: { a: [2, 3], b: [3] }, build: (g, x) => g.mul(x.a!, x.b!) },
  { name: "Mul (square)", inputs: { a: [5] }, build: (g, x) => g.mul(x.a!, x.a!) },
  { name: "Div", inputs: { a: [2, 3], b: [2, 3] }, domain: "positive", build: (g, x) => g.div(x.a!, x.b!) },
  { name: "Div (any sign numerator)", inputs: { a: [4], b: [4] }, build: (g, x) => g.div(x.a!, g.add(g.abs(x.b!), 0.5)) },
  { name: "Neg", inputs: { a: [5] }, build: (g, x) => g.neg(x.a!) },
  { name: "Abs", inputs: { a: [5] }, build: (g, x) => g.abs(x.a!) },
  { name: "Sign", inputs: { a: [5] }, build: (g, x) => g.sign(x.a!) },
  { name: "Exp", inputs: { a: [5] }, domain: "wide", build: (g, x) => g.exp(x.a!) },
  { name: "Log", inputs: { a: [5] }, domain: "positive", build: (g, x) => g.log(x.a!) },
  { name: "Sqrt", inputs: { a: [5] }, domain: "positive", build: (g, x) => g.sqrt(x.a!) },
  { name: "Pow (real exponents)", inputs: { a: [4], b: [4] }, domain: "positive", build: (g, x) => g.pow(x.a!, x.b!) },
  { name: "Pow (integer exponent, any base)", inputs: { a: [4] }, build: (g, x) => g.pow(x.a!, 3) },
  { name: "Pow (square)", inputs: { a: [4] }, build: (g, x) => g.pow(x.a!, 2) },
  { name: "Sin", inputs: { a: [5] }, domain: "wide", build: (g, x) => g.sin(x.a!) },
  { name: "Cos", inputs: { a: [5] }, domain: "wide", build: (g, x) => g.cos(x.a!) },
  { name: "Relu", inputs: { a: [6] }, build: (g, x) => g.relu(x.a!) },
  { name: "LeakyRelu", inputs: { a: [6] }, build: (g, x) => g.leakyRelu(x.a!, 0.1) },
  { name: "Sigmoid", inputs: { a: [6] }, domain: "wide", build: (g, x) => g.sigmoid(x.a!) },
  { name: "Tanh", inputs: { a: [6] }, domain: "wide", build: (g, x) => g.tanh(x.a!) },
  { name: "Softplus", inputs: { a: [6] }, domain: "wide", build: (g, x) => g.softplus(x.a!) },
  { name: "Elu", inputs: { a: [6] }, build: (g, x) => g.elu(x.a!, 0.7) },
  { name: "Erf", inputs: { a: [6] }, build: (g, x) => g.erf(x.a!) },
  { name: "Max", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.max(x.a!, x.b!) },
  { name: "Min", inputs: { a: [3, 4], b: [3, 1] }, build: (g, x) => g.min(x.a!, x.b!) },
  { name: "Greater", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.cast(g.greater(x.a!, x.b!), "float64") },
  { name: "Less", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.cast(g.less(x.a!, x.b!), "float64") },
  { name: "Equal (of signs)", inputs: { a: [6], b: [6] }, build: (g, x) => g.cast(g.equal(g.sign(x.a!), g.sign(x.b!)), "float64") },
  { name: "Where", inputs: { a: [3, 4], b: [4] }, build: (g, x) => g.where(g.greater(x.a!, 0.1), g.mul(x.a!, x.b!), x.b!) },
  { name: "Cast to int64 and back", inputs: { a: [5] }, build: (g, x) => g.cast(g.cast(g.mul(x.a!, 3), "int64"), "float64") },
  { name: "MatMul 2-D", inputs: { a: [3, 4], b: [4, 2] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  { name: "MatMul batched broadcast", inputs: { a: [2, 3, 4], b: [4, 2] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  { name: "MatMul vector-matrix", inputs: { a: [4], b: [2, 4, 3] }, build: (g, x) => g.matmul(x.a!, x.b!) },
  {
    name: "Gemm transA transB alpha beta",
    inputs: { a: [4, 3], b: [2, 4], c: [2] },
    build: (g, x) => g.gemm(x.a!, x.b!, x.c!, { alpha: 0.7, beta: -1.3, transA: true, transB: true })
  },
  { name: "Gemm without C", inputs: { a: [2, 3], b: [3, 2] }, build: (g, x) => g.gemm(x.a!, x.b!) },
  { name: "Transpose", inputs: { a: [2, 3, 4] }, build: (g, x) => g.transpose(x.a!, [2, 0, 1]) },
  { name: "Reshape", inputs: { a: [2, 6] }, build: (g, x) => g.reshape(x.a!, [3, -1]) },
  { name: "Flatten", inputs: { a: [2, 3, 2] }, build: (g, x) => g.flatten(x.a!, 2) },
  { name: "Concat", inputs: { a: [2, 3], b: [2, 1] }, build: (g, x) => g.concat([x.a!, x.b!, x.a!], 1) },
  { name: "Slice (steps)", inputs: { a: [5, 4] }, build: (g, x) => g.slice(x.a!, [4, 1], [0, 4], [0, 1], [-2, 2]) },
  { name: "Expand", inputs: { a: [3, 1] }, build: (g, x) => g.expand(x.a!, [2, 3, 4]) },
  { name: "Identity", inputs: { a: [3] }, build: (g, x) => g.identity(x.a!) },
  { name: "ReduceSum", inputs: { a: [3, 4] }, build: (g, x) => g.reduceSum(x.a!, [1], true) },
  { name: "ReduceMean", inputs: { a: [3, 4] }, build: (g, x) => g.reduceMean(x.a!, [0]) },
  { name: "ReduceMax", inputs: { a: [3, 4] }, build: (g, x) => g.reduceMax(x.a!, [1]) },
  { name: "Softmax", inputs: { a: [3, 4] }, domain: "wide", build: (g, x) => g.softmax(x.a!, 1) },
  // z − lse(z) cancels in float64: its error is a few ulps of lse, not of the result
  { name: "LogSoftmax", inputs: { a: [4, 3] }, domain: "wide", floatError: () => 1e-13, build: (g, x) => g.logSoftmax(x.a!, 0) },
  { name: "Constant", inputs: { a: [2] }, build: (g, x) => g.add(x.a!, g.constant(tensor([2], [0.1, -3.7]))) }
];

function buildCase(c: Case): Graph {
  const g = new GraphBuilder("float64");
  const vals: Record<string, Value> = {};
  for (const [k, s] of Object.entries(c.inputs)) vals[k] = g.input(k, s);
  return g.build({ y: c.build(g, vals) });
}

function centre(rng: Rng, d: Domain): number {
  if (d === "positive") return 0.8 + 2.5 * rng.next();
  if (d === "wide") return 30 * rng.next() - 15;
  return 4 * rng.next() - 2;
}

function randomBoxes(c: Case, rng: Rng, radius: number): Record<string, IntervalTensor> {
  const boxes: Record<string, IntervalTensor> = {};
  for (const [k, s] of Object.entries(c.inputs)) {
    const n = sizeOf(s);
    const lo = new Float64Array(n), hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = centre(rng, c.domain ?? "any");
      // positive domains keep the whole box positive
      const r = radius * rng.next() * (c.domain === "positive" ? Math.min(1, 0.7 * m / radius) : 1);
      lo[i] = m - r;
      hi[i] = m + r;
    }
    boxes[k] = { shape: s, lo, hi };
  }
  return boxes;
}

function pointIn(box: IntervalTensor, rng: Rng): Tensor {
  const d = new Float64Array(box.lo.length);
  for (let i = 0; i < d.length; i++) {
    const u = rng.next();
    // endpoints are where enclosures are most often wrong: hit them on purpose
    d[i] = u < 0.15 ? box.lo[i]! : u > 0.85 ? box.hi[i]! : Math.min(box.hi[i]!, box.lo[i]! + rng.next() * (box.hi[i]! - box.lo[i]!));
  }
  return tensor(box.shape, d);
}

describe("interval interpreter encloses every op", () => {
  it("every registered op has an interval kernel", () => {
    expect(allOps().filter((op) => !op.interval).map((op) => op.name)).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.name}: the enclosure over a random box contains the value at random points of the box`, () => {
      const graph = buildCase(c);
      const exact = isExactlyEvaluable(graph);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0, 0.01, 0.5, 2), (seed, radius) => {
          const rng = createRng(seed);
          const boxes = randomBoxes(c, rng, radius);
          const out = evaluateInterval(graph, boxes).y!;
          for (let trial = 0; trial < 4; trial++) {
            const feeds: Record<string, Tensor> = {};
            for (const [k, b] of Object.entries(boxes)) feeds[k] = pointIn(b, rng);
            if (exact) {
              // rational ops: the exact value itself must lie inside, no slack at all
              const ex = evaluateExactFromFloat(graph, feeds).y!;
              ex.data.forEach((v, i) => {
                expect(Rational.fromFloat(out.lo[i]!).le(v), `${c.name} lo[${i}]`).toBe(true);
                expect(v.le(Rational.fromFloat(out.hi[i]!)), `${c.name} hi[${i}]`).toBe(true);
              });
            } else {
              // transcendental ops: the float64 value is within a few ulps of the true one
              const y = evaluate(graph, feeds).y!;
              y.data.forEach((v, i) => {
                const slack = c.floatError ? c.floatError(v) : 1e-14 * Math.max(1e-300, Math.abs(v));
                expect(out.lo[i]! - slack, `${c.name} lo[${i}]`).toBeLessThanOrEqual(v);
                expect(out.hi[i]! + slack, `${c.name} hi[${i}]`).toBeGreaterThanOrEqual(v);
              });
            }
          }
        }),
        { numRuns: 40 }
      );
    });
  }

  it("point boxes give tight enclosures of the float64 value", () => {
    for (const c of cases) {
      const graph = buildCase(c);
      const rng = createRng(7);
      const feeds: Record<string, Tensor> = {};
      for (const [k, b] of Object.entries(randomBoxes(c, rng, 0))) feeds[k] = tensor(b.shape, b.lo);
      const y = evaluate(graph, feeds).y!;
      const out = evaluateIntervalAt(graph, feeds).y!;
      y.data.forEach((v, i) => {
        expect(out.lo[i]!, c.name).toBeLessThanOrEqual(out.hi[i]!);
        expect(out.hi[i]! - out.lo[i]!, `${c.name} width at ${i}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v)));
        expect(Math.abs(out.lo[i]! - v), c.name).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v)));
      });
    }
  });
});

describe("interval semantics of decisions", () => {
  const g = new GraphBuilder("float64");
  const a = g.input("a", [1]);
  const b = g.input("b", [1]);
  const graph = g.build({ gt: g.cast(g.greater(a, b), "float64"), w: g.where(g.greater(a, b), g.add(a, 10), b) });
  const box = (lo: number, hi: number): IntervalTensor => ({ shape: [1], lo: Float64Array.of(lo), hi: Float64Array.of(hi) });

  it("a comparison is [1,1] or [0,0] when decided on the box and [0,1] when not", () => {
    expect(Array.from(evaluateInterval(graph, { a: box(2, 3), b: box(0, 1) }).gt!.lo)).toEqual([1]);
    expect(Array.from(evaluateInterval(graph, { a: box(0, 1), b: box(2, 3) }).gt!.hi)).toEqual([0]);
    const und = evaluateInterval(graph, { a: box(0, 2), b: box(1, 3) }).gt!;
    expect([und.lo[0], und.hi[0]]).toEqual([0, 1]);
  });

  it("Where with an undecided condition is the hull of both branches", () => {
    const w = evaluateInterval(graph, { a: box(0, 2), b: box(1, 3) }).w!;
    expect([w.lo[0], w.hi[0]]).toEqual([1, 12]);
  });

  it("a square is never negative (x*x uses the dependency-free square)", () => {
    const g2 = new GraphBuilder("float64");
    const x = g2.input("x", [1]);
    const sq = evaluateInterval(g2.build({ y: g2.mul(x, x) }), { x: box(-1, 2) }).y!;
    expect([sq.lo[0], sq.hi[0]]).toEqual([0, 4]);
  });

  it("softmax enclosures at a point sum to an interval containing 1", () => {
    const g3 = new GraphBuilder("float64");
    const z = g3.input("z", [5]);
    const s = evaluateIntervalAt(g3.build({ y: g3.reduceSum(g3.softmax(z)) }), { z: tensor([5], [1, -200, 3, 700, 0.5]) }).y!;
    expect(s.lo[0]).toBeLessThanOrEqual(1);
    expect(s.hi[0]).toBeGreaterThanOrEqual(1);
    expect(s.hi[0]! - s.lo[0]!).toBeLessThan(1e-12);
  });
});
