import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder, type Value } from "../builder.js";
import type { Graph } from "../graph.js";
import { ShapeError, sizeOf } from "../shape.js";
import { tensor, type Tensor } from "../tensor.js";
import { Rational } from "../../num/rational.js";
import { evaluate } from "../../exec/reference.js";
import { fdDirectional, fdGradient, maxRelError, type Feeds } from "../../exec/derivative-check.js";
import { evaluateInterval } from "../../exec/interval-interpreter.js";
import { evaluateExactFromFloat } from "../../exec/exact-interpreter.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { decomposeForOnnx } from "../../exec/onnx/lower.js";
import { grad, gradName } from "../../autodiff/grad.js";
import { jvp, jvpName, tangentName } from "../../autodiff/jvp.js";
import { hvp, hvpName } from "../../autodiff/hvp.js";
import { analyzeDcp } from "../../convexity/dcp/analyze-dcp.js";
import { createRng } from "../../util/random.js";

// ---- an independent oracle: the ONNX/PyTorch definitions as direct loops ------------------------------------

type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";

interface PoolCase {
  kind: "max" | "avg";
  shape: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: AutoPad;
  ceil: boolean;
  cip: boolean;
}

interface Axis {
  pb: number;
  pe: number;
  out: number;
}

/** Per spatial axis: pads and output size as the ONNX spec states them (ceil_mode drops windows starting past the input and left pad). */
function oracleAxes(c: PoolCase): Axis[] | null {
  const k = c.kernel.length;
  const axes: Axis[] = [];
  for (let d = 0; d < k; d++) {
    const D = c.shape[2 + d]!, s = c.strides[d]!, eff = (c.kernel[d]! - 1) * c.dilations[d]! + 1;
    if (c.autoPad === "SAME_UPPER" || c.autoPad === "SAME_LOWER") {
      const out = Math.ceil(D / s);
      const total = (out - 1) * s + eff - D;
      const pb = c.autoPad === "SAME_UPPER" ? Math.floor(total / 2) : total - Math.floor(total / 2);
      if (total < 0 || pb >= c.kernel[d]! || total - pb >= c.kernel[d]!) return null;
      axes.push({ pb, pe: total - pb, out });
      continue;
    }
    const pb = c.autoPad === "VALID" ? 0 : c.pads[d]!, pe = c.autoPad === "VALID" ? 0 : c.pads[d + k]!;
    if (D + pb + pe < eff) return null;
    if (c.autoPad === "VALID") {
      axes.push({ pb, pe, out: Math.ceil((D - eff + 1) / s) });
      continue;
    }
    let out = (c.ceil ? Math.ceil((D + pb + pe - eff) / s) : Math.floor((D + pb + pe - eff) / s)) + 1;
    if (c.ceil && (out - 1) * s >= D + pb) out -= 1;
    axes.push({ pb, pe, out });
  }
  // refused by design: a window with no cell inside x (possible with dilations)
  for (let d = 0; d < k; d++) {
    for (let p = 0; p < axes[d]!.out; p++) {
      const cells = Array.from({ length: c.kernel[d]! }, (_, j) => p * c.strides[d]! - axes[d]!.pb + j * c.dilations[d]!);
      if (!cells.some((i) => i >= 0 && i < c.shape[2 + d]!)) return null;
    }
  }
  return axes;
}

function tuples(dims: readonly number[]): number[][] {
  if (dims.length === 0) return [[]];
  const rest = tuples(dims.slice(1));
  const r: number[][] = [];
  for (let i = 0; i < dims[0]!; i++) for (const t of rest) r.push([i, ...t]);
  return r;
}

function oraclePool(c: PoolCase, x: Float64Array): { shape: number[]; data: number[] } | null {
  const axes = oracleAxes(c);
  if (!axes) return null;
  const [N, C] = c.shape as [number, number];
  const spatial = c.shape.slice(2);
  const data: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let ch = 0; ch < C; ch++) {
      for (const p of tuples(axes.map((a) => a.out))) {
        let best = -Infinity, sum = 0, inside = 0, withPad = 0;
        for (const j of tuples(c.kernel)) {
          const idx = j.map((jj, d) => p[d]! * c.strides[d]! - axes[d]!.pb + jj * c.dilations[d]!);
          const inX = idx.every((i, d) => i >= 0 && i < spatial[d]!);
          const inPad = idx.every((i, d) => i >= -axes[d]!.pb && i < spatial[d]! + axes[d]!.pe);
          if (inPad) withPad++;
          if (!inX) continue;
          let off = n * C + ch;
          idx.forEach((i, d) => (off = off * spatial[d]! + i));
          const v = x[off]!;
          inside++;
          sum += v;
          if (v > best) best = v;
        }
        data.push(c.kind === "max" ? best : sum / (c.cip ? withPad : inside));
      }
    }
  }
  return { shape: [N, C, ...axes.map((a) => a.out)], data };
}

const caseArb = (kind: "max" | "avg"): fc.Arbitrary<PoolCase> =>
  fc
    .record({
      k: fc.constantFrom(1, 2, 2),
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 2 }),
      dims: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 2, maxLength: 2 }),
      kernel: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
      strides: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
      dilations: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
      pads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
      autoPad: fc.constantFrom<AutoPad>("NOTSET", "NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"),
      ceil: fc.boolean(),
      cip: fc.boolean()
    })
    .map((r) => {
      const kernel = r.kernel.slice(0, r.k);
      const same = r.autoPad.startsWith("SAME");
      return {
        kind,
        shape: [r.n, r.c, ...r.dims.slice(0, r.k)],
        kernel,
        strides: r.strides.slice(0, r.k),
        dilations: kind === "max" && !same ? r.dilations.slice(0, r.k) : kernel.map(() => 1),
        pads: [...r.pads.slice(0, r.k), ...r.pads.slice(2, 2 + r.k)].map((p, i) => p % kernel[i % r.k]!),
        autoPad: r.autoPad,
        ceil: r.ceil,
        cip: r.cip
      };
    });

function pool(g: GraphBuilder, x: Value, c: PoolCase): Value {
  const base = { kernelShape: c.kernel, strides: c.strides, autoPad: c.autoPad, ceilMode: c.ceil, ...(c.autoPad === "NOTSET" ? { pads: c.pads } : {}) };
  return c.kind === "max" ? g.maxPool(x, { ...base, dilations: c.dilations }) : g.averagePool(x, { ...base, countIncludePad: c.cip });
}

/** Graph with y = pool(x) and L = sum(w ⊙ y), w fixed, so every Jacobian entry is seen; null when the attributes are invalid. */
function poolGraph(c: PoolCase, dtype: "float32" | "float64" = "float64"): Graph | null {
  const g = new GraphBuilder(dtype);
  const x = g.input("x", c.shape);
  let y: Value;
  try {
    y = pool(g, x, c);
  } catch (e) {
    if (e instanceof ShapeError) return null;
    throw e;
  }
  const rng = createRng(5);
  const w = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal()), dtype));
  return g.build({ L: g.reduceSum(g.mul(y, w)), y });
}

/** Distinct values (no ties inside a window), so max pooling is differentiable at the point. */
function distinct(shape: readonly number[], seed: number): Tensor {
  const rng = createRng(seed);
  const n = sizeOf(shape);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return tensor(shape, perm.map((p) => (p - n / 2) * 0.37 + 0.05 * rng.next()));
}

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

for (const kind of ["max", "avg"] as const) {
  const name = kind === "max" ? "MaxPool" : "AveragePool";
  describe(name, () => {
    it("float64 kernel equals the direct loop over random shapes and attributes; invalid attributes are refused", () => {
      let valid = 0;
      fc.assert(
        fc.property(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const x = distinct(c.shape, seed);
          const want = oraclePool(c, x.data);
          const graph = poolGraph(c);
          expect(graph === null, JSON.stringify(c)).toBe(want === null);
          if (!graph || !want) return;
          valid++;
          const y = evaluate(graph, { x }).y!;
          expect(y.shape).toEqual(want.shape);
          expect(Array.from(y.data)).toEqual(want.data);
        }),
        { numRuns: 300 }
      );
      expect(valid).toBeGreaterThan(150);
    });

    it("VJP and JVP match finite differences", () => {
      fc.assert(
        fc.property(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const graph = poolGraph(c);
          if (!graph) return;
          const feeds: Feeds = { x: distinct(c.shape, seed) };
          const gx = evaluate(grad(graph, { of: "L", wrt: ["x"] }), feeds)[gradName("x")]!.data;
          expect(maxRelError(gx, fdGradient(graph, feeds, "L", "x"))).toBeLessThan(1e-6);
          const rng = createRng(seed + 1);
          const dir = Float64Array.from(feeds["x"]!.data, () => rng.normal());
          const jGraph = jvp(graph, { tangents: { x: tangentName("x") }, of: ["y"] });
          const got = evaluate(jGraph, { ...feeds, [tangentName("x")]: tensor(c.shape, dir) })[jvpName("y")]!.data;
          expect(maxRelError(got, fdDirectional(graph, feeds, "y", { x: dir }))).toBeLessThan(1e-6);
        }),
        { numRuns: 60 }
      );
    });

    it("Hessian-vector products of sum(pool(x ⊙ w)²) in w match finite differences of the gradient", () => {
      fc.assert(
        fc.property(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const g = new GraphBuilder();
          const x = g.input("x", c.shape);
          const w = g.input("w", c.shape);
          let y: Value;
          try {
            y = pool(g, g.mul(x, w), c);
          } catch (e) {
            if (e instanceof ShapeError) return;
            throw e;
          }
          const graph = g.build({ L: g.reduceSum(g.mul(y, y)) });
          const rng = createRng(seed);
          const feeds: Feeds = { x: distinct(c.shape, seed), w: tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => 0.5 + rng.next())) };
          const dir = Float64Array.from(feeds["w"]!.data, () => rng.normal());
          const h = evaluate(hvp(graph, { of: "L", wrt: ["w"] }), { ...feeds, [tangentName("w")]: tensor(c.shape, dir) })[hvpName("w")]!.data;
          const fd = fdDirectional(grad(graph, { of: "L", wrt: ["w"] }), feeds, gradName("w"), { w: dir }, 1e-5);
          expect(maxRelError(h, fd)).toBeLessThan(1e-5);
        }),
        { numRuns: 40 }
      );
    });

    it("ONNX Runtime agrees with the reference for the value, gradient and HVP graphs (float64 to 1e-12, float32 to 1e-4)", async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
          const graph = poolGraph(c);
          if (!graph) return;
          const x = distinct(c.shape, seed);
          const gGraph = grad(graph, { of: "L", wrt: ["x"] });
          const rng = createRng(seed + 3);
          const hFeeds = { x, [tangentName("x")]: tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => rng.normal())) };
          const hGraph = hvp(graph, { of: "L", wrt: ["x"] });
          for (const [gr, feeds] of [[gGraph, { x }], [hGraph, hFeeds]] as const) {
            const ref = evaluate(gr, feeds);
            const r64 = await ort64.run(gr, feeds);
            for (const k of Object.keys(ref)) expect(maxRelError(r64[k]!.data, ref[k]!.data), `${k} ${JSON.stringify(c)}`).toBeLessThan(1e-12);
            const r32 = await ort32.run(gr, feeds);
            for (const k of Object.keys(ref)) expect(maxRelError(r32[k]!.data, ref[k]!.data), `${k} f32 ${JSON.stringify(c)}`).toBeLessThan(1e-4);
          }
        }),
        { numRuns: 40 }
      );
    });

    it("the interval kernel encloses the exact value at random points of random boxes", () => {
      fc.assert(
        fc.property(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, 0.01, 0.5, 2), (c, seed, radius) => {
          const graph = poolGraph(c);
          if (!graph) return;
          const rng = createRng(seed);
          const n = sizeOf(c.shape);
          const mid = Float64Array.from({ length: n }, () => 4 * rng.next() - 2);
          const rad = Float64Array.from({ length: n }, () => radius * rng.next());
          const box = { shape: c.shape, lo: mid.map((m, i) => m - rad[i]!), hi: mid.map((m, i) => m + rad[i]!) };
          const out = evaluateInterval(graph, { x: box }).y!;
          for (let t = 0; t < 3; t++) {
            const p = tensor(c.shape, mid.map((m, i) => (t === 0 ? box.lo[i]! : t === 1 ? box.hi[i]! : m + (2 * rng.next() - 1) * rad[i]!)));
            const ex = evaluateExactFromFloat(graph, { x: p }).y!;
            ex.data.forEach((v, i) => {
              expect(Rational.fromFloat(out.lo[i]!).le(v)).toBe(true);
              expect(v.le(Rational.fromFloat(out.hi[i]!))).toBe(true);
            });
          }
        }),
        { numRuns: 80 }
      );
    });

    it("the exact kernel equals the float64 kernel on small integers", () => {
      fc.assert(
        fc.property(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const graph = poolGraph(c);
          if (!graph) return;
          const rng = createRng(seed);
          const x = tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => Math.floor(11 * rng.next()) - 5));
          const ex = evaluateExactFromFloat(graph, { x }).y!;
          const fl = evaluate(graph, { x }).y!;
          expect(ex.data.map((r) => r.toNumber())).toEqual(Array.from(fl.data));
        }),
        { numRuns: 100 }
      );
    });
  });
}

describe("MaxPool specifics", () => {
  it("ties send the whole adjoint to the first maximiser in row-major window order", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 2, 3]);
    const graph = g.build({ L: g.reduceSum(g.maxPool(x, { kernelShape: [2, 2], strides: [1, 1] })) });
    // windows [[1,1],[1,1]] and [[1,0],[1,0]]: the first cell of each takes the gradient
    const r = evaluate(grad(graph, { wrt: ["x"] }), { x: tensor([1, 1, 2, 3], [1, 1, 0, 1, 1, 0]) });
    expect(Array.from(r[gradName("x")]!.data)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it("onnxruntime's MaxPool Indices break ties as the reference does (gradient and tangent graphs, float64 and float32)", async () => {
    await fc.assert(
      fc.asyncProperty(caseArb("max"), fc.integer({ min: 1, max: 1e6 }), async (c0, seed) => {
        const c = { ...c0, ceil: false };
        const graph = poolGraph(c);
        if (!graph) return;
        const rng = createRng(seed);
        // three values only, so most windows hold ties
        const x = tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => Math.floor(3 * rng.next())));
        const dir = tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => rng.normal()));
        const cases = [[grad(graph, { of: "L", wrt: ["x"] }), { x }], [jvp(graph, { tangents: { x: tangentName("x") }, of: ["y"] }), { x, [tangentName("x")]: dir }]] as const;
        for (const [gr, feeds] of cases) {
          const ref = evaluate(gr, feeds);
          const r64 = await ort64.run(gr, feeds);
          const r32 = await ort32.run(gr, feeds);
          for (const k of Object.keys(ref)) {
            expect(maxRelError(r64[k]!.data, ref[k]!.data), `${k} ${JSON.stringify(c)}`).toBeLessThan(1e-12);
            expect(maxRelError(r32[k]!.data, ref[k]!.data), `${k} f32 ${JSON.stringify(c)}`).toBeLessThan(1e-5);
          }
        }
      }),
      { numRuns: 40 }
    );
  });

  it("the argmax-index rules (GatherElements / ScatterElements) agree with the comparison-mask rules, ties included", () => {
    // ceil_mode over windows that tile x changes no window but takes the per-offset comparison masks,
    // an independent implementation of the same tie rule.
    const shape = [2, 3, 4, 6];
    const tiles = (g: GraphBuilder, x: Value): Value => g.maxPool(x, { kernelShape: [2, 2], strides: [2, 2] });
    const generic = (g: GraphBuilder, x: Value): Value => g.maxPool(x, { kernelShape: [2, 2], strides: [2, 2], ceilMode: true });
    const rng = createRng(3);
    // Values on a coarse grid so many windows hold ties.
    const xs = tensor(shape, Array.from({ length: sizeOf(shape) }, () => Math.floor(rng.next() * 3)));
    const ws = tensor([2, 3, 2, 3], Array.from({ length: 36 }, () => rng.normal()));
    const build = (pool: (g: GraphBuilder, x: Value) => Value) => {
      const g = new GraphBuilder();
      const x = g.input("x", shape);
      const y = pool(g, x);
      return g.build({ L: g.reduceSum(g.mul(g.mul(y, y), g.constant(ws))), y });
    };
    const a = build(tiles), b = build(generic);
    const ga = evaluate(grad(a, { of: "L", wrt: ["x"] }), { x: xs })[gradName("x")]!.data;
    const gb = evaluate(grad(b, { of: "L", wrt: ["x"] }), { x: xs })[gradName("x")]!.data;
    const plain = (a: ArrayLike<number>): number[] => Array.from(a, (v) => v + 0); // −0 and 0 alike
    expect(plain(ga)).toEqual(plain(gb));
    const dir = tensor(shape, Array.from({ length: sizeOf(shape) }, () => rng.normal()));
    const ja = evaluate(jvp(a, { tangents: { x: tangentName("x") }, of: ["y"] }), { x: xs, [tangentName("x")]: dir })[jvpName("y")]!.data;
    const jb = evaluate(jvp(b, { tangents: { x: tangentName("x") }, of: ["y"] }), { x: xs, [tangentName("x")]: dir })[jvpName("y")]!.data;
    expect(plain(ja)).toEqual(plain(jb));
    const ha = evaluate(hvp(a, { of: "L", wrt: ["x"] }), { x: xs, [tangentName("x")]: dir })[hvpName("x")]!.data;
    const hb = evaluate(hvp(b, { of: "L", wrt: ["x"] }), { x: xs, [tangentName("x")]: dir })[hvpName("x")]!.data;
    expect(maxRelError(ha, hb)).toBeLessThan(1e-14);
    // and at a point without ties the index-rule gradient matches finite differences
    const feeds: Feeds = { x: distinct(shape, 9) };
    expect(maxRelError(evaluate(grad(a, { of: "L", wrt: ["x"] }), feeds)[gradName("x")]!.data, fdGradient(a, feeds, "L", "x"))).toBeLessThan(1e-6);
  });

  it("padding never wins: an all-negative border window takes its max from the input", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 2]);
    const graph = g.build({ y: g.maxPool(x, { kernelShape: [2], pads: [1, 1] }) });
    expect(Array.from(evaluate(graph, { x: tensor([1, 1, 2], [-3, -5]) }).y!.data)).toEqual([-3, -3, -5]);
    const gr = evaluate(grad(g.build({ L: g.reduceSum(g.maxPool(x, { kernelShape: [2], pads: [1, 1] })) }), { wrt: ["x"] }), { x: tensor([1, 1, 2], [0, 0]) });
    // x = 0 equals the padding's zero in the gradient's gathered cells; only real cells may take the adjoint
    expect(Array.from(gr[gradName("x")]!.data)).toEqual([2, 1]);
  });

  it("is convex and increasing for DCP; the average pools and GlobalAveragePool are affine", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 2, 4, 4]);
    const opts = { kernelShape: [2, 2], strides: [2, 2] };
    const graph = g.build({
      max: g.reduceSum(g.relu(g.maxPool(x, opts))),
      negmax: g.neg(g.maxPool(x, opts)),
      avg: g.reduceSum(g.mul(g.averagePool(x, opts), 3)),
      gap: g.globalAveragePool(x)
    });
    expect(analyzeDcp(graph, { of: "max" }).curvature).toBe("convex");
    expect(analyzeDcp(graph, { of: "negmax" }).curvature).toBe("concave");
    expect(analyzeDcp(graph, { of: "avg" }).curvature).toBe("affine");
    expect(analyzeDcp(graph, { of: "gap" }).curvature).toBe("affine");
  });

  it("SAME padding with dilations > 1 is refused", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 7]);
    expect(() => g.maxPool(x, { kernelShape: [2], dilations: [3], autoPad: "SAME_LOWER" })).toThrow(ShapeError);
  });
});

describe("GlobalAveragePool", () => {
  const shapes = [[2, 3, 4, 5], [1, 2, 7], [2, 1, 2, 3, 2]];
  it("is the mean over the spatial axes with shape [N, C, 1, ...]; gradients, HVP, intervals and ONNX Runtime agree", async () => {
    for (const [si, shape] of shapes.entries()) {
      const g = new GraphBuilder();
      const x = g.input("x", shape);
      const y = g.globalAveragePool(x);
      const rng = createRng(si);
      const w = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal())));
      const graph = g.build({ L: g.reduceSum(g.mul(g.mul(y, y), w)), y });
      const xs = distinct(shape, si + 10);
      const [N, C] = shape as [number, number];
      const plane = sizeOf(shape.slice(2));
      const want = Array.from({ length: N * C }, (_, p) => {
        let s = 0;
        for (let i = 0; i < plane; i++) s += xs.data[p * plane + i]!;
        return s / plane;
      });
      const yv = evaluate(graph, { x: xs }).y!;
      expect(yv.shape).toEqual([N, C, ...shape.slice(2).map(() => 1)]);
      expect(maxRelError(yv.data, want)).toBeLessThan(1e-15);
      const gGraph = grad(graph, { of: "L", wrt: ["x"] });
      expect(maxRelError(evaluate(gGraph, { x: xs })[gradName("x")]!.data, fdGradient(graph, { x: xs }, "L", "x"))).toBeLessThan(1e-6);
      const dir = tensor(shape, Array.from({ length: sizeOf(shape) }, () => rng.normal()));
      const hGraph = hvp(graph, { of: "L", wrt: ["x"] });
      const hv = evaluate(hGraph, { x: xs, [tangentName("x")]: dir })[hvpName("x")]!.data;
      expect(maxRelError(hv, fdDirectional(gGraph, { x: xs }, gradName("x"), { x: dir.data }, 1e-5))).toBeLessThan(1e-5);
      for (const gr of [gGraph, hGraph]) {
        const feeds = { x: xs, [tangentName("x")]: dir };
        const used = Object.fromEntries(gr.inputs.map((i) => [i.name, feeds[i.name]!]));
        const ref = evaluate(gr, used);
        const r64 = await ort64.run(gr, used);
        const r32 = await ort32.run(gr, used);
        for (const k of Object.keys(ref)) {
          expect(maxRelError(r64[k]!.data, ref[k]!.data)).toBeLessThan(1e-12);
          expect(maxRelError(r32[k]!.data, ref[k]!.data)).toBeLessThan(1e-4);
        }
      }
      const box = { shape, lo: xs.data.map((v) => v - 0.1), hi: xs.data.map((v) => v + 0.2) };
      const iv = evaluateInterval(graph, { x: box }).y!;
      const ex = evaluateExactFromFloat(graph, { x: xs }).y!;
      ex.data.forEach((v, i) => {
        expect(Rational.fromFloat(iv.lo[i]!).le(v) && v.le(Rational.fromFloat(iv.hi[i]!))).toBe(true);
      });
    }
  });

  it("float64 lowering replaces GlobalAveragePool and AveragePool (no onnxruntime kernels) but keeps MaxPool", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 4, 4]);
    const graph = g.build({ a: g.globalAveragePool(x), b: g.averagePool(x, { kernelShape: [2, 2] }), c: g.maxPool(x, { kernelShape: [2, 2] }) });
    const ops = new Set(decomposeForOnnx(graph).nodes.map((n) => n.op));
    expect(ops.has("GlobalAveragePool") || ops.has("AveragePool")).toBe(false);
    expect(ops.has("MaxPool")).toBe(true);
  });
});

describe("ONNX Runtime's own pooling kernels (float32, no static output shapes) mean what the reference means", () => {
  async function runNative(c: PoolCase, x: Tensor): Promise<Float64Array> {
    const { attr, encodeModel, makeGraph, makeModel, makeNode, makeValueInfo } = await import("../../exec/onnx/onnx-proto.js");
    const { createSession, runSession, releaseSession } = await import("../../exec/onnx/ort-session.js");
    const attrs: Record<string, ReturnType<typeof attr.int>> = {
      kernel_shape: attr.ints(c.kernel),
      strides: attr.ints(c.strides),
      auto_pad: attr.string(c.autoPad),
      ceil_mode: attr.int(c.ceil ? 1 : 0)
    };
    if (c.autoPad === "NOTSET") attrs["pads"] = attr.ints(c.pads);
    if (c.kind === "max") attrs["dilations"] = attr.ints(c.dilations);
    else attrs["count_include_pad"] = attr.int(c.cip ? 1 : 0);
    const model = makeModel(
      makeGraph({
        name: "native",
        nodes: [makeNode(c.kind === "max" ? "MaxPool" : "AveragePool", ["x"], ["y"], attrs)],
        inputs: [makeValueInfo("x", "float32", c.shape)],
        outputs: [makeValueInfo("y", "float32")]
      }),
      { opset: 17 }
    );
    const s = await createSession(encodeModel(model), { intraOpThreads: 1 });
    try {
      const r = await runSession(s, { x: { dtype: "float32", dims: c.shape, data: x.data } });
      return Float64Array.from(r["y"]!.data as Float32Array);
    } finally {
      await releaseSession(s);
    }
  }

  for (const kind of ["max", "avg"] as const) {
    it(`${kind === "max" ? "MaxPool" : "AveragePool"}: ceil_mode, pads, auto_pad and count_include_pad`, async () => {
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(caseArb(kind), fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
          const graph = poolGraph(c);
          if (!graph) return;
          // VALID with ceil_mode: ONNX's formula ignores ceil_mode and the reference follows it; the kernel does not
          if (c.autoPad === "VALID" && c.ceil) return;
          const x = tensor(c.shape, distinct(c.shape, seed).data, "float32");
          const want = evaluate(graph, { x }).y!.data;
          expect(maxRelError(await runNative(c, x), want), JSON.stringify(c)).toBeLessThan(1e-5);
          ran++;
        }),
        { numRuns: 60 }
      );
      expect(ran).toBeGreaterThan(25);
    });
  }
});
