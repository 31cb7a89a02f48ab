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
import { grad, gradName } from "../../autodiff/grad.js";
import { jvp, jvpName, tangentName } from "../../autodiff/jvp.js";
import { hvp, hvpName } from "../../autodiff/hvp.js";
import { analyzeDcp } from "../../convexity/dcp/analyze-dcp.js";
import { createRng } from "../../util/random.js";

type Mode = "constant" | "reflect" | "edge";

interface PadCase {
  shape: number[];
  pads: number[];
  mode: Mode;
  value: number;
}

/** numpy-style padding of the cropped array (crop first, then extend), one axis at a time; null when invalid. */
function oraclePad(c: PadCase, x: Float64Array): { shape: number[]; data: number[] } | null {
  const r = c.shape.length;
  let shape = [...c.shape];
  let data = Array.from(x);
  for (let a = 0; a < r; a++) {
    const b = c.pads[a]!, e = c.pads[a + r]!;
    const D = shape[a]!;
    const lo = Math.max(0, -b), n = D - lo - Math.max(0, -e);
    const pb = Math.max(0, b), pe = Math.max(0, e);
    if (n < 0) return null;
    if (c.mode !== "constant" && n < 1) return null;
    if ((pb > 0 || pe > 0) && c.mode === "reflect" && (pb > n - 1 || pe > n - 1)) return null;
    const outLen = n + pb + pe;
    const outer = sizeOf(shape.slice(0, a)), inner = sizeOf(shape.slice(a + 1));
    const next: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < outLen; j++) {
        let t = j - pb;
        let src: number | null = null;
        if (t >= 0 && t < n) src = t;
        else if (c.mode === "reflect") src = t < 0 ? -t : 2 * (n - 1) - t;
        else if (c.mode === "edge") src = t < 0 ? 0 : n - 1;
        for (let i = 0; i < inner; i++) next.push(src === null ? c.value : data[(o * D + lo + src) * inner + i]!);
        t++;
      }
    }
    shape = [...shape.slice(0, a), outLen, ...shape.slice(a + 1)];
    data = next;
  }
  return { shape, data };
}

const caseArb: fc.Arbitrary<PadCase> = fc
  .record({
    dims: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
    pads: fc.array(fc.integer({ min: -2, max: 3 }), { minLength: 6, maxLength: 6 }),
    mode: fc.constantFrom<Mode>("constant", "constant", "reflect", "edge"),
    value: fc.constantFrom(0, 0, -1.5, 2.25)
  })
  .map((r) => ({ shape: r.dims, pads: [...r.pads.slice(0, r.dims.length), ...r.pads.slice(3, 3 + r.dims.length)], mode: r.mode, value: r.mode === "constant" ? r.value : 0 }));

function padGraph(c: PadCase, dtype: "float32" | "float64" = "float64"): Graph | null {
  const g = new GraphBuilder(dtype);
  const x = g.input("x", c.shape);
  let y: Value;
  try {
    y = g.pad(x, c.pads, { mode: c.mode, value: c.value });
  } catch (e) {
    if (e instanceof ShapeError) return null;
    throw e;
  }
  const rng = createRng(3);
  const w = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal()), dtype));
  return g.build({ L: g.reduceSum(g.mul(g.mul(y, y), w)), y });
}

function randomX(shape: readonly number[], seed: number): Tensor {
  const rng = createRng(seed);
  return tensor(shape, Array.from({ length: sizeOf(shape) }, () => 4 * rng.next() - 2));
}

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

describe("Pad", () => {
  it("float64 kernel equals numpy-style padding (crop, then constant/reflect/edge) and refuses what cannot be padded", () => {
    let valid = 0;
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
        const x = randomX(c.shape, seed);
        const want = oraclePad(c, x.data);
        const graph = padGraph(c);
        expect(graph === null, JSON.stringify(c)).toBe(want === null);
        if (!graph || !want) return;
        valid++;
        const y = evaluate(graph, { x }).y!;
        expect(y.shape).toEqual(want.shape);
        expect(Array.from(y.data)).toEqual(want.data);
      }),
      { numRuns: 400 }
    );
    expect(valid).toBeGreaterThan(150);
  });

  it("VJP, JVP and HVP match finite differences in every mode", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
        const graph = padGraph(c);
        if (!graph) return;
        const feeds: Feeds = { x: randomX(c.shape, seed) };
        const gGraph = grad(graph, { of: "L", wrt: ["x"] });
        expect(maxRelError(evaluate(gGraph, feeds)[gradName("x")]!.data, fdGradient(graph, feeds, "L", "x"))).toBeLessThan(1e-6);
        const rng = createRng(seed + 1);
        const dir = Float64Array.from(feeds["x"]!.data, () => rng.normal());
        const tfeeds = { ...feeds, [tangentName("x")]: tensor(c.shape, dir) };
        const got = evaluate(jvp(graph, { tangents: { x: tangentName("x") }, of: ["y"] }), tfeeds)[jvpName("y")]!.data;
        expect(maxRelError(got, fdDirectional(graph, feeds, "y", { x: dir }))).toBeLessThan(1e-6);
        const h = evaluate(hvp(graph, { of: "L", wrt: ["x"] }), tfeeds)[hvpName("x")]!.data;
        expect(maxRelError(h, fdDirectional(gGraph, feeds, gradName("x"), { x: dir }, 1e-5))).toBeLessThan(1e-5);
      }),
      { numRuns: 120 }
    );
  });

  it("ONNX Runtime agrees with the reference on value, gradient and HVP graphs (float64 to 1e-12, float32 to 1e-5)", async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
        const graph = padGraph(c);
        if (!graph) return;
        const x = randomX(c.shape, seed);
        const rng = createRng(seed + 2);
        const feeds = { x, [tangentName("x")]: tensor(c.shape, Array.from({ length: sizeOf(c.shape) }, () => rng.normal())) };
        for (const gr of [grad(graph, { of: "L", wrt: ["x"] }), hvp(graph, { of: "L", wrt: ["x"] })]) {
          const used = Object.fromEntries(gr.inputs.map((i) => [i.name, feeds[i.name]!]));
          const ref = evaluate(gr, used);
          const r64 = await ort64.run(gr, used);
          const r32 = await ort32.run(gr, used);
          for (const k of Object.keys(ref)) {
            expect(maxRelError(r64[k]!.data, ref[k]!.data), `${k} ${JSON.stringify(c)}`).toBeLessThan(1e-12);
            expect(maxRelError(r32[k]!.data, ref[k]!.data), `${k} f32 ${JSON.stringify(c)}`).toBeLessThan(1e-5);
          }
        }
        ran++;
      }),
      { numRuns: 60 }
    );
    expect(ran).toBeGreaterThan(20);
  });

  it("a -inf constant survives hash-consing and ONNX export (it is not merged with +inf)", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 2]);
    const graph = g.build({ lo: g.pad(x, [0, 1, 0, 0], { value: -Infinity }), hi: g.pad(x, [0, 1, 0, 0], { value: Infinity }) });
    const feeds = { x: tensor([1, 2], [3, 4]) };
    for (const r of [evaluate(graph, feeds), await ort64.run(graph, feeds)]) {
      expect(Array.from(r["lo"]!.data)).toEqual([-Infinity, 3, 4]);
      expect(Array.from(r["hi"]!.data)).toEqual([Infinity, 3, 4]);
    }
  });

  it("the interval kernel encloses the exact value at random points of random boxes; exact equals float on integers", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, 0.01, 0.5, 2), (c, seed, radius) => {
        const graph = padGraph(c);
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
        const xi = tensor(c.shape, Array.from({ length: n }, () => Math.floor(9 * rng.next()) - 4));
        const ex = evaluateExactFromFloat(graph, { x: xi });
        const fl = evaluate(graph, { x: xi });
        expect(ex["y"]!.data.map((r) => r.toNumber())).toEqual(Array.from(fl["y"]!.data));
      }),
      { numRuns: 150 }
    );
  });

  it("DCP: padding is affine and increasing; the sign joins the argument's with the constant's", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 3]);
    const r = g.relu(x);
    const graph = g.build({
      zero: g.pad(r, [1, 1, 0, 2]),
      neg: g.pad(r, [1, 1, 0, 2], { value: -1 }),
      reflect: g.pad(r, [1, 1, 0, 2], { mode: "reflect" }),
      convex: g.reduceSum(g.relu(g.pad(g.mul(x, 2), [1, 0, 1, 0], { mode: "edge" })))
    });
    const zero = analyzeDcp(graph, { of: "zero" });
    expect([zero.curvature, zero.sign]).toEqual(["convex", "nonneg"]);
    expect(analyzeDcp(graph, { of: "neg" }).sign).toBe("unknown");
    expect(analyzeDcp(graph, { of: "reflect" }).sign).toBe("nonneg");
    expect(analyzeDcp(graph, { of: "convex" }).curvature).toBe("convex");
  });
});
