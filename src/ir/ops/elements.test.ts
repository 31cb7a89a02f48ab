import { afterAll, describe, expect, it } from "vitest";
import { GraphBuilder, type Value } from "../builder.js";
import type { Graph } from "../graph.js";
import { ShapeError, sizeOf } from "../shape.js";
import { tensor, type Tensor } from "../tensor.js";
import { Rational } from "../../num/rational.js";
import { evaluate } from "../../exec/reference.js";
import { evaluateExactFromFloat } from "../../exec/exact-interpreter.js";
import { evaluateInterval } from "../../exec/interval-interpreter.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { analyzeDcp } from "../../convexity/dcp/analyze-dcp.js";
import { createRng, type Rng } from "../../util/random.js";
import { checkEnclosure, checkHvp, checkJvp, checkOrt, checkVjp, type OpCase } from "./op-checks.testkit.js";

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

// ---- independent oracles: ONNX's definitions written with explicit coordinates ----------------------------

function coords(shape: readonly number[], f: number): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = f % shape[d]!;
    f = Math.floor(f / shape[d]!);
  }
  return c;
}

function offset(shape: readonly number[], c: readonly number[]): number {
  return c.reduce((o, v, d) => o * shape[d]! + v, 0);
}

function gatherDirect(data: Tensor, idx: Tensor, axis: number): number[] {
  return Array.from(idx.data, (k, f) => {
    const c = coords(idx.shape, f);
    c[axis] = k < 0 ? k + data.shape[axis]! : k;
    return data.data[offset(data.shape, c)]!;
  });
}

function scatterAddDirect(data: Tensor, idx: Tensor, upd: Tensor, axis: number): number[] {
  const out = Array.from(data.data);
  idx.data.forEach((k, f) => {
    const c = coords(idx.shape, f);
    c[axis] = k < 0 ? k + data.shape[axis]! : k;
    out[offset(data.shape, c)] += upd.data[f]!;
  });
  return out;
}

interface ElemCase {
  name: string;
  data: number[];
  idx: number[];
  axis: number;
}

const CASES: ElemCase[] = [
  { name: "1-D", data: [7], idx: [11], axis: 0 },
  { name: "2-D axis 0", data: [4, 3], idx: [5, 3], axis: 0 },
  { name: "2-D axis 1, indices narrower", data: [3, 5], idx: [2, 4], axis: 1 },
  { name: "3-D axis -1", data: [2, 3, 4], idx: [2, 2, 6], axis: -1 },
  { name: "3-D axis 1", data: [2, 3, 2], idx: [1, 4, 2], axis: 1 }
];

/** Indices with repeats and negative (from the end) entries, as ONNX allows. */
function indices(c: ElemCase, rng: Rng): Tensor {
  const len = c.data[c.axis < 0 ? c.axis + c.data.length : c.axis]!;
  return tensor(c.idx, Array.from({ length: sizeOf(c.idx) }, () => Math.floor(rng.next() * 2 * len) - len), "int64");
}

const gather = (c: ElemCase, idx: Tensor) => (g: GraphBuilder, x: Record<string, Value>): Value =>
  g.op("GatherElements", [x.data!, g.constant(idx)], { axis: c.axis });
const scatter = (c: ElemCase, idx: Tensor) => (g: GraphBuilder, x: Record<string, Value>): Value =>
  g.op("ScatterElements", [x.data!, g.constant(idx), x.upd!], { axis: c.axis, reduction: "add" });

function opCases(): OpCase[] {
  const rng = createRng(4);
  return CASES.flatMap((c): OpCase[] => {
    const idx = indices(c, rng);
    // Inside smooth nonlinear maps so the HVP is not trivially zero and a wrong index shows.
    return [
      { name: `GatherElements ${c.name}`, inputs: { data: c.data }, build: (g, x) => g.tanh(gather(c, idx)(g, { data: g.sin(x.data!) })) },
      {
        name: `ScatterElements ${c.name}`,
        inputs: { data: c.data, upd: c.idx },
        build: (g, x) => g.tanh(scatter(c, idx)(g, { data: g.sin(x.data!), upd: g.mul(x.upd!, x.upd!) }))
      }
    ];
  });
}

function single(build: (g: GraphBuilder, x: Record<string, Value>) => Value, inputs: Record<string, number[]>): Graph {
  const g = new GraphBuilder();
  const v: Record<string, Value> = {};
  for (const [k, s] of Object.entries(inputs)) v[k] = g.input(k, s);
  return g.build({ y: build(g, v) });
}

const randomTensor = (shape: number[], rng: Rng): Tensor => tensor(shape, Array.from({ length: sizeOf(shape) }, () => rng.normal()));

describe("GatherElements and ScatterElements (reduction add)", () => {
  it("float64 kernels equal ONNX's definitions (negative and repeated indices), and so does onnxruntime", async () => {
    const rng = createRng(1);
    for (const c of CASES) {
      for (let t = 0; t < 3; t++) {
        const idx = indices(c, rng);
        const data = randomTensor(c.data, rng), upd = randomTensor(c.idx, rng);
        const gGraph = single(gather(c, idx), { data: c.data });
        const sGraph = single(scatter(c, idx), { data: c.data, upd: c.idx });
        const wantG = gatherDirect(data, idx, c.axis < 0 ? c.axis + c.data.length : c.axis);
        const wantS = scatterAddDirect(data, idx, upd, c.axis < 0 ? c.axis + c.data.length : c.axis);
        expect(Array.from(evaluate(gGraph, { data }).y!.data), c.name).toEqual(wantG);
        const gotS = evaluate(sGraph, { data, upd }).y!.data;
        gotS.forEach((v, i) => expect(v, c.name).toBeCloseTo(wantS[i]!, 14));
        expect(Array.from((await ort64.run(gGraph, { data })).y!.data), c.name).toEqual(wantG);
        (await ort64.run(sGraph, { data, upd })).y!.data.forEach((v, i) => expect(v, c.name).toBeCloseTo(wantS[i]!, 12));
        (await ort32.run(sGraph, { data, upd })).y!.data.forEach((v, i) => expect(v, c.name).toBeCloseTo(wantS[i]!, 4));
      }
    }
  });

  it("VJP, JVP and HVP match finite differences; onnxruntime agrees on the derivative graphs", async () => {
    for (const c of opCases()) {
      for (const seed of [1, 2]) {
        checkVjp(c, seed);
        checkJvp(c, seed);
        checkHvp(c, seed);
      }
      await checkOrt(c, ort64, ort32, 3);
    }
  });

  it("interval kernels enclose the exact values; the exact kernels equal the float64 ones on small integers", () => {
    for (const c of opCases()) for (const seed of [1, 2, 3]) for (const radius of [0, 0.01, 0.5]) checkEnclosure(c, seed, radius);
    const rng = createRng(8);
    for (const c of CASES) {
      const idx = indices(c, rng);
      const ints = (s: number[]): Tensor => tensor(s, Array.from({ length: sizeOf(s) }, () => Math.floor(9 * rng.next()) - 4));
      const data = ints(c.data), upd = ints(c.idx);
      for (const [graph, feeds] of [[single(gather(c, idx), { data: c.data }), { data }], [single(scatter(c, idx), { data: c.data, upd: c.idx }), { data, upd }]] as const) {
        const ex = evaluateExactFromFloat(graph, feeds).y!;
        expect(ex.data.map((r) => r.toNumber())).toEqual(Array.from(evaluate(graph, feeds).y!.data));
      }
    }
  });

  it("an index known only to an interval gives the hull of every entry it may pick or reach", () => {
    // data [4] = [1, 5, -2, 3]; index in [1, 2] gathers from {5, -2}; scattering u = 10 onto [1, 2] may or may not reach each.
    const g = new GraphBuilder();
    const d = g.input("d", [4]);
    const i = g.input("i", [1], "int64");
    const u = g.input("u", [1]);
    const graph = g.build({ ga: g.op("GatherElements", [d, i]), sc: g.op("ScatterElements", [d, i, u], { reduction: "add" }) });
    const box = (v: number[], w: number[] = v) => ({ shape: [v.length], lo: Float64Array.from(v), hi: Float64Array.from(w) });
    const out = evaluateInterval(graph, { d: box([1, 5, -2, 3]), i: box([1], [2]), u: box([10]) });
    expect([out.ga!.lo[0], out.ga!.hi[0]]).toEqual([-2, 5]);
    expect(Array.from(out.sc!.lo)).toEqual([1, 5, -2, 3]);
    expect(Array.from(out.sc!.hi)).toEqual([1, 15, 8, 3]);
  });

  it("are affine in data and updates for DCP; out-of-range indices, rank mismatches and reduction none are refused", () => {
    const g = new GraphBuilder();
    const d = g.input("d", [3, 2]);
    const idx = g.constant(tensor([2, 2], [0, 2, 1, 1], "int64"));
    const dcp = (upd: (r: Value) => Value): string => {
      const h = new GraphBuilder();
      const dd = h.input("d", [3, 2]);
      const r = h.relu(dd);
      const ii = h.constant(tensor([2, 2], [0, 2, 1, 1], "int64"));
      return analyzeDcp(h.build({ y: h.reduceSum(h.op("ScatterElements", [r, ii, h.op("GatherElements", [upd(r), ii])], { reduction: "add" })) })).curvature;
    };
    expect(dcp((r) => r)).toBe("convex"); // increasing in data and updates, gather increasing in data
    expect(dcp((r) => r.builder.neg(r))).toBe("unknown"); // a concave update
    expect(() => g.op("ScatterElements", [d, idx, g.op("GatherElements", [d, idx])])).toThrow(/reduction "add"/);
    expect(() => g.op("GatherElements", [d, g.constant(tensor([2], [0, 1], "int64"))])).toThrow(ShapeError);
    expect(() => g.op("GatherElements", [d, g.constant(tensor([2, 3], [0, 1, 0, 1, 0, 1], "int64"))], { axis: 0 })).toThrow(/exceed/);
    const bad = single((gb, x) => gb.op("GatherElements", [x.d!, gb.constant(tensor([1, 1], [3], "int64"))]), { d: [3, 2] });
    expect(() => evaluate(bad, { d: tensor([3, 2], [1, 2, 3, 4, 5, 6]) })).toThrow(/out of range/);
  });
});

// ---- MaxPoolIndices -----------------------------------------------------------------------------------------

interface IdxCase {
  shape: number[];
  kernel: number[];
  strides: number[];
  pads: number[];
  dilations: number[];
}

const IDX_CASES: IdxCase[] = [
  { shape: [2, 3, 4, 6], kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
  { shape: [1, 2, 5, 5], kernel: [3, 3], strides: [1, 2], pads: [1, 0, 1, 2], dilations: [1, 1] },
  { shape: [2, 1, 7, 6], kernel: [2, 3], strides: [2, 1], pads: [1, 1, 0, 1], dilations: [2, 1] },
  { shape: [2, 2, 9], kernel: [3], strides: [2], pads: [2, 1], dilations: [1] }
];

/** The first cell in row-major kernel order holding the window's maximum, as a flat offset into x. */
function argmaxDirect(c: IdxCase, x: Tensor): number[] {
  const sp = c.shape.slice(2), k = sp.length;
  const out = sp.map((D, d) => Math.floor((D + c.pads[d]! + c.pads[d + k]! - ((c.kernel[d]! - 1) * c.dilations[d]! + 1)) / c.strides[d]!) + 1);
  const res: number[] = [];
  for (let plane = 0; plane < c.shape[0]! * c.shape[1]!; plane++) {
    for (let w = 0; w < sizeOf(out); w++) {
      const p = coords(out, w);
      let best = -Infinity, at = -1;
      for (let j = 0; j < sizeOf(c.kernel); j++) {
        const q = coords(c.kernel, j);
        const pos = q.map((qq, d) => p[d]! * c.strides[d]! - c.pads[d]! + qq * c.dilations[d]!);
        if (pos.some((v, d) => v < 0 || v >= sp[d]!)) continue;
        const off = plane * sizeOf(sp) + offset(sp, pos);
        if (at < 0 || x.data[off]! > best) [best, at] = [x.data[off]!, off];
      }
      res.push(at);
    }
  }
  return res;
}

function idxGraph(c: IdxCase): Graph {
  const g = new GraphBuilder();
  const x = g.input("x", c.shape);
  return g.build({ y: g.op("MaxPoolIndices", [x], { kernel_shape: c.kernel, strides: c.strides, pads: c.pads, dilations: c.dilations }) });
}

describe("MaxPoolIndices", () => {
  it("is each window's first maximiser as a flat offset into x, in the reference, the exact kernel and onnxruntime (ties included)", async () => {
    const rng = createRng(2);
    for (const c of IDX_CASES) {
      const graph = idxGraph(c);
      for (let t = 0; t < 4; t++) {
        // three values only, so most windows hold ties
        const x = tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => Math.floor(3 * rng.next()) - 1));
        const want = argmaxDirect(c, x);
        expect(Array.from(evaluate(graph, { x }).y!.data), JSON.stringify(c)).toEqual(want);
        expect(evaluateExactFromFloat(graph, { x }).y!.data.map((r) => r.toNumber())).toEqual(want);
        expect(Array.from((await ort64.run(graph, { x })).y!.data), JSON.stringify(c)).toEqual(want);
        expect(Array.from((await ort32.run(graph, { x })).y!.data), JSON.stringify(c)).toEqual(want);
      }
    }
  });

  it("the interval kernel's hull holds the argmax at random points of random boxes, and is a point where the box decides it", () => {
    const rng = createRng(5);
    for (const c of IDX_CASES) {
      const graph = idxGraph(c);
      for (const radius of [0, 0.05, 0.5]) {
        const n = sizeOf(c.shape);
        const mid = Float64Array.from({ length: n }, () => rng.normal());
        const lo = mid.map((m) => m - radius * rng.next()), hi = mid.map((m) => m + radius * rng.next());
        const out = evaluateInterval(graph, { x: { shape: c.shape, lo, hi } }).y!;
        for (let t = 0; t < 5; t++) {
          const p = tensor(c.shape, mid.map((_, i) => lo[i]! + rng.next() * (hi[i]! - lo[i]!)));
          evaluateExactFromFloat(graph, { x: p }).y!.data.forEach((v, i) => {
            expect(Rational.fromFloat(out.lo[i]!).le(v)).toBe(true);
            expect(v.le(Rational.fromFloat(out.hi[i]!))).toBe(true);
          });
        }
        if (radius === 0) expect(Array.from(out.lo)).toEqual(Array.from(out.hi));
      }
    }
  });

  it("has no derivative, is a step function for DCP, and refuses ceil_mode and storage_order 1", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 4, 4]);
    const idx = g.op("MaxPoolIndices", [x], { kernel_shape: [2, 2], strides: [2, 2] });
    expect(idx.dtype).toBe("int64");
    expect(analyzeDcp(g.build({ y: g.reduceSum(g.op("GatherElements", [g.reshape(x, [16]), g.reshape(idx, [4])])) })).curvature).toBe("unknown");
    expect(() => g.op("MaxPoolIndices", [x], { kernel_shape: [2, 2], ceil_mode: 1 })).toThrow(/ceil_mode/);
    expect(() => g.op("MaxPoolIndices", [x], { kernel_shape: [2, 2], storage_order: 1 })).toThrow(/storage_order/);
  });
});

// ---- IndexSelect ---------------------------------------------------------------------------------------------

describe("IndexSelect", () => {
  const SEL = [
    { shape: [5], axis: 0, indices: [4, 0, 0, 2] },
    { shape: [2, 4, 3], axis: 1, indices: [3, 1, 1, 0, 3, 2] },
    { shape: [3, 2], axis: -1, indices: [1] }
  ];
  const sel = (c: (typeof SEL)[number]) => (g: GraphBuilder, x: Record<string, Value>): Value => g.op("IndexSelect", [x.a!], { axis: c.axis, indices: c.indices });

  it("takes the listed positions of one axis in order (repeats allowed), in the reference, the exact kernel and onnxruntime", async () => {
    const rng = createRng(6);
    for (const c of SEL) {
      const a = randomTensor(c.shape, rng);
      const axis = c.axis < 0 ? c.axis + c.shape.length : c.axis;
      const outShape = [...c.shape];
      outShape[axis] = c.indices.length;
      const want = Array.from({ length: sizeOf(outShape) }, (_, f) => {
        const q = coords(outShape, f);
        q[axis] = c.indices[q[axis]!]!;
        return a.data[offset(c.shape, q)]!;
      });
      const graph = single(sel(c), { a: c.shape });
      expect(evaluate(graph, { a }).y!.shape).toEqual(outShape);
      expect(Array.from(evaluate(graph, { a }).y!.data)).toEqual(want);
      expect(evaluateExactFromFloat(graph, { a }).y!.data.map((r) => r.toNumber())).toEqual(want);
      expect(Array.from((await ort64.run(graph, { a })).y!.data)).toEqual(want);
      expect(Array.from((await ort32.run(graph, { a })).y!.data)).toEqual(want.map(Math.fround));
    }
  });

  it("derivatives match finite differences, onnxruntime agrees on them, intervals enclose; bad indices are refused", async () => {
    for (const c of SEL) {
      const oc: OpCase = { name: `IndexSelect ${JSON.stringify(c)}`, inputs: { a: c.shape }, build: (g, x) => g.tanh(sel(c)(g, { a: g.sin(x.a!) })) };
      for (const seed of [1, 2]) {
        checkVjp(oc, seed);
        checkJvp(oc, seed);
        checkHvp(oc, seed);
        for (const radius of [0, 0.1, 1]) checkEnclosure({ ...oc, build: sel(c) }, seed, radius);
      }
      await checkOrt(oc, ort64, ort32, 5);
    }
    const g = new GraphBuilder();
    const a = g.input("a", [3, 2]);
    expect(() => g.op("IndexSelect", [a], { axis: 0, indices: [3] })).toThrow(/out of range/);
    expect(() => g.op("IndexSelect", [a], { axis: 0, indices: [] })).toThrow(ShapeError);
    expect(analyzeDcp(g.build({ y: g.reduceSum(g.op("IndexSelect", [g.relu(a)], { axis: 1, indices: [1, 1] })) })).curvature).toBe("convex");
  });
});
