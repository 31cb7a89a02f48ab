/**
 * Checks every op record of this folder's tests runs the same way: derivative rules against finite
 * differences, onnxruntime against the reference interpreter, interval kernels against point values.
 */
import { expect } from "vitest";
import { GraphBuilder, type Value } from "../builder.js";
import type { Graph } from "../graph.js";
import { sizeOf } from "../shape.js";
import { tensor, type Tensor } from "../tensor.js";
import { evaluate } from "../../exec/reference.js";
import { fdDirectional, fdGradient, maxRelError, type Feeds } from "../../exec/derivative-check.js";
import { evaluateInterval, type IntervalTensor } from "../../exec/interval-interpreter.js";
import { evaluateExactFromFloat, isExactlyEvaluable } from "../../exec/exact-interpreter.js";
import type { Executor } from "../../exec/executor.js";
import { grad, gradName } from "../../autodiff/grad.js";
import { jvp, jvpName, tangentName } from "../../autodiff/jvp.js";
import { hvp, hvpName } from "../../autodiff/hvp.js";
import { Rational } from "../../num/rational.js";
import { createRng, type Rng } from "../../util/random.js";

export type Sampler = (rng: Rng) => number;

export interface OpCase {
  name: string;
  inputs: Record<string, number[]>;
  /** Per-input samplers (default: uniform on [-2, 2]); keep values inside the op's domain and off its kinks. */
  sample?: Record<string, Sampler>;
  build: (g: GraphBuilder, x: Record<string, Value>) => Value;
  /** Inputs to differentiate (default: all). */
  wrt?: string[];
}

export const anyReal: Sampler = (r) => 4 * r.next() - 2;
export const positive: Sampler = (r) => 0.3 + 2 * r.next();

export function makeFeeds(c: OpCase, seed: number): Feeds {
  const rng = createRng(seed);
  const feeds: Feeds = {};
  for (const [name, shape] of Object.entries(c.inputs)) {
    const s = c.sample?.[name] ?? anyReal;
    feeds[name] = tensor(shape, Array.from({ length: sizeOf(shape) }, () => s(rng)));
  }
  return feeds;
}

/** L = sum(w ⊙ y) with fixed random weights, so every entry of the Jacobian is exercised; y is the op's output. */
export function lossGraph(c: OpCase, dtype: "float32" | "float64" = "float64"): Graph {
  const g = new GraphBuilder(dtype);
  const x: Record<string, Value> = {};
  for (const [name, shape] of Object.entries(c.inputs)) x[name] = g.input(name, shape);
  const y = c.build(g, x);
  const rng = createRng(99);
  const w = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal()), dtype));
  return g.build({ L: g.reduceSum(g.mul(y, w)), y });
}

const wrtOf = (c: OpCase): string[] => c.wrt ?? Object.keys(c.inputs);

function tangents(c: OpCase, feeds: Feeds, seed: number): { dirs: Record<string, Float64Array>; tfeeds: Feeds } {
  const rng = createRng(seed);
  const dirs: Record<string, Float64Array> = {};
  const tfeeds: Feeds = { ...feeds };
  for (const n of wrtOf(c)) {
    dirs[n] = Float64Array.from(feeds[n]!.data, () => rng.normal());
    tfeeds[tangentName(n)] = tensor(feeds[n]!.shape, dirs[n]!);
  }
  return { dirs, tfeeds };
}

export function checkVjp(c: OpCase, seed: number, tol = 1e-6): void {
  const graph = lossGraph(c);
  const feeds = makeFeeds(c, seed);
  const out = evaluate(grad(graph, { of: "L", wrt: wrtOf(c) }), feeds);
  for (const n of wrtOf(c)) {
    expect(maxRelError(out[gradName(n)]!.data, fdGradient(graph, feeds, "L", n)), `${c.name}: ∂L/∂${n}`).toBeLessThan(tol);
  }
}

export function checkJvp(c: OpCase, seed: number, tol = 1e-6): void {
  const graph = lossGraph(c);
  const feeds = makeFeeds(c, seed);
  const { dirs, tfeeds } = tangents(c, feeds, seed + 7);
  const jGraph = jvp(graph, { tangents: Object.fromEntries(wrtOf(c).map((n) => [n, tangentName(n)])), of: ["y"] });
  const got = evaluate(jGraph, tfeeds)[jvpName("y")]!.data;
  expect(maxRelError(got, fdDirectional(graph, feeds, "y", dirs)), `${c.name}: jvp`).toBeLessThan(tol);
}

export function checkHvp(c: OpCase, seed: number, tol = 1e-5): void {
  const graph = lossGraph(c);
  const wrt = wrtOf(c);
  const gGraph = grad(graph, { of: "L", wrt });
  const feeds = makeFeeds(c, seed);
  const { dirs, tfeeds } = tangents(c, feeds, seed + 11);
  const got = evaluate(hvp(graph, { of: "L", wrt }), tfeeds);
  for (const n of wrt) {
    const fd = fdDirectional(gGraph, feeds, gradName(n), dirs, 1e-5);
    expect(maxRelError(got[hvpName(n)]!.data, fd), `${c.name}: Hv for ${n}`).toBeLessThan(tol);
  }
}

function relErr(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}

/** The forward, gradient and Hessian-vector graphs of the case. */
export function derivativeGraphs(c: OpCase): { name: string; graph: Graph }[] {
  const graph = lossGraph(c);
  return [
    { name: "forward", graph },
    { name: "grad", graph: grad(graph, { of: "L", wrt: wrtOf(c) }) },
    { name: "hvp", graph: hvp(graph, { of: "L", wrt: wrtOf(c) }) }
  ];
}

/** onnxruntime agrees with the reference interpreter on the forward, gradient and HVP graphs. */
export async function checkOrt(c: OpCase, ort64: Executor, ort32: Executor, seed: number, tol32 = 2e-3): Promise<void> {
  const feeds = makeFeeds(c, seed);
  const { tfeeds } = tangents(c, feeds, seed + 3);
  for (const { name, graph } of derivativeGraphs(c)) {
    const ref = evaluate(graph, tfeeds);
    const r64 = await ort64.run(graph, tfeeds);
    for (const k of Object.keys(ref)) expect(relErr(r64[k]!.data, ref[k]!.data), `${c.name} ${name} ${k} float64`).toBeLessThan(1e-12);
    const r32 = await ort32.run(graph, tfeeds);
    for (const k of Object.keys(ref)) {
      expect(r32[k]!.dtype, `${c.name} ${name} ${k}`).toBe("float32");
      expect(relErr(r32[k]!.data, ref[k]!.data), `${c.name} ${name} ${k} float32`).toBeLessThan(tol32);
    }
  }
}

/** Random boxes around sampled centres (radius scaled by `radius`); `keepPositive` inputs stay > 0. */
export function randomBoxes(c: OpCase, rng: Rng, radius: number, keepPositive: readonly string[] = []): Record<string, IntervalTensor> {
  const boxes: Record<string, IntervalTensor> = {};
  for (const [k, s] of Object.entries(c.inputs)) {
    const n = sizeOf(s);
    const sample = c.sample?.[k] ?? anyReal;
    const lo = new Float64Array(n), hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = sample(rng);
      const r = radius * rng.next() * (keepPositive.includes(k) ? Math.min(1, (0.7 * m) / Math.max(radius, 1e-300)) : 1);
      lo[i] = m - r;
      hi[i] = m + r;
    }
    boxes[k] = { shape: s, lo, hi };
  }
  return boxes;
}

export function pointIn(box: IntervalTensor, rng: Rng): Tensor {
  const d = new Float64Array(box.lo.length);
  for (let i = 0; i < d.length; i++) {
    const u = rng.next();
    // endpoints are where enclosures are most often wrong: hit them on purpose
    d[i] = u < 0.15 ? box.lo[i]! : u > 0.85 ? box.hi[i]! : Math.min(box.hi[i]!, box.lo[i]! + rng.next() * (box.hi[i]! - box.lo[i]!));
  }
  return tensor(box.shape, d);
}

/**
 * The enclosure over random boxes contains the value at random points of each box: the exact value
 * (no slack) when the graph is rational, the float64 value within `slack` otherwise.
 */
export function checkEnclosure(c: OpCase, seed: number, radius: number, opts: { keepPositive?: readonly string[]; slack?: (v: number) => number } = {}): void {
  const g = new GraphBuilder();
  const x: Record<string, Value> = {};
  for (const [name, shape] of Object.entries(c.inputs)) x[name] = g.input(name, shape);
  const graph = g.build({ y: c.build(g, x) });
  const exact = isExactlyEvaluable(graph);
  const rng = createRng(seed);
  const boxes = randomBoxes(c, rng, radius, opts.keepPositive);
  const out = evaluateInterval(graph, boxes).y!;
  for (let trial = 0; trial < 4; trial++) {
    const feeds: Record<string, Tensor> = {};
    for (const [k, b] of Object.entries(boxes)) feeds[k] = pointIn(b, rng);
    if (exact) {
      evaluateExactFromFloat(graph, feeds).y!.data.forEach((v, i) => {
        expect(Rational.fromFloat(out.lo[i]!).le(v), `${c.name} lo[${i}]`).toBe(true);
        expect(v.le(Rational.fromFloat(out.hi[i]!)), `${c.name} hi[${i}]`).toBe(true);
      });
    } else {
      evaluate(graph, feeds).y!.data.forEach((v, i) => {
        const s = opts.slack ? opts.slack(v) : 1e-13 * (1 + Math.abs(v));
        expect(out.lo[i]! - s, `${c.name} lo[${i}]`).toBeLessThanOrEqual(v);
        expect(out.hi[i]! + s, `${c.name} hi[${i}]`).toBeGreaterThanOrEqual(v);
      });
    }
  }
}
