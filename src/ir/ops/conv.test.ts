import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder, type ConvAttrs, type Value } from "../builder.js";
import type { Graph } from "../graph.js";
import { sizeOf } from "../shape.js";
import { tensor, type Tensor } from "../tensor.js";
import { getOp } from "../registry.js";
import { Rational } from "../../num/rational.js";
import { evaluate } from "../../exec/reference.js";
import { evaluateInterval, type IntervalTensor } from "../../exec/interval-interpreter.js";
import { evaluateExactFromFloat } from "../../exec/exact-interpreter.js";
import { fdDirectional, fdGradient, maxRelError, type Feeds } from "../../exec/derivative-check.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { decomposeForOnnx } from "../../exec/onnx/lower.js";
import { encodeModel, makeGraph, makeModel, makeNode, makeValueInfo } from "../../exec/onnx/onnx-proto.js";
import { createSession, releaseSession, runSession } from "../../exec/onnx/ort-session.js";
import { grad, gradName } from "../../autodiff/grad.js";
import { jvp, jvpName, tangentName } from "../../autodiff/jvp.js";
import { hvp, hvpName } from "../../autodiff/hvp.js";
import { createRng } from "../../util/random.js";

// ---- independent oracles: direct loops over the ONNX definitions ----------------------------------

interface Conv2dCase {
  n: number; cg: number; mg: number; group: number;
  h: number; w: number; kh: number; kw: number;
  strides: [number, number]; dilations: [number, number];
  /** [top, left, bottom, right] as ONNX writes them. */
  pads: [number, number, number, number];
  autoPad: "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";
  bias: boolean;
}

/** ONNX Conv auto_pad, written from the spec text: out = ceil(I/s), odd total at the end for SAME_UPPER. */
function oraclePads(c: Conv2dCase): [number, number, number, number] {
  if (c.autoPad === "NOTSET") return c.pads;
  if (c.autoPad === "VALID") return [0, 0, 0, 0];
  const one = (len: number, k: number, s: number, d: number): [number, number] => {
    const out = Math.ceil(len / s);
    const total = Math.max(0, (out - 1) * s + (k - 1) * d + 1 - len);
    const lower = c.autoPad === "SAME_LOWER" ? Math.ceil(total / 2) : Math.floor(total / 2);
    return [lower, total - lower];
  };
  const [t, b] = one(c.h, c.kh, c.strides[0], c.dilations[0]);
  const [l, r] = one(c.w, c.kw, c.strides[1], c.dilations[1]);
  return [t, l, b, r];
}

/** The seven nested loops of a 2-D convolution (plus the group loop). */
function naiveConv2d(c: Conv2dCase, x: Float64Array, w: Float64Array, b: Float64Array | undefined): { shape: number[]; data: Float64Array } {
  const [pt, pl, pb, pr] = oraclePads(c);
  const [sh, sw] = c.strides, [dh, dw] = c.dilations;
  const C = c.cg * c.group, M = c.mg * c.group;
  const oh = Math.floor((c.h + pt + pb - ((c.kh - 1) * dh + 1)) / sh) + 1;
  const ow = Math.floor((c.w + pl + pr - ((c.kw - 1) * dw + 1)) / sw) + 1;
  const y = new Float64Array(c.n * M * oh * ow);
  for (let n = 0; n < c.n; n++)
    for (let m = 0; m < M; m++) {
      const g = Math.floor(m / c.mg);
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = b ? b[m]! : 0;
          for (let cc = 0; cc < c.cg; cc++)
            for (let p = 0; p < c.kh; p++)
              for (let q = 0; q < c.kw; q++) {
                const hi = i * sh - pt + p * dh, wi = j * sw - pl + q * dw;
                if (hi < 0 || hi >= c.h || wi < 0 || wi >= c.w) continue;
                s += w[((m * c.cg + cc) * c.kh + p) * c.kw + q]! * x[((n * C + g * c.cg + cc) * c.h + hi) * c.w + wi]!;
              }
          y[((n * M + m) * oh + i) * ow + j] = s;
        }
    }
  return { shape: [c.n, M, oh, ow], data: y };
}

interface ConvT2dCase extends Omit<Conv2dCase, "autoPad"> {
  autoPad: "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";
  outputPadding: [number, number];
  outputShape?: [number, number];
}

/** ONNX ConvTranspose output size and pads, from the spec's equations. */
function oracleTransposeGeometry(c: ConvT2dCase): { pads: [number, number, number, number]; out: [number, number] } {
  const ins = [c.h, c.w], ks = [c.kh, c.kw];
  const full = [0, 1].map((a) => c.strides[a]! * (ins[a]! - 1) + c.outputPadding[a]! + (ks[a]! - 1) * c.dilations[a]! + 1);
  const target = c.outputShape ?? (c.autoPad === "SAME_UPPER" || c.autoPad === "SAME_LOWER" ? [c.h * c.strides[0], c.w * c.strides[1]] : undefined);
  if (target) {
    const split = [0, 1].map((a) => {
      const total = full[a]! - target[a]!;
      return c.autoPad === "SAME_UPPER" ? [Math.floor(total / 2), total - Math.floor(total / 2)] : [total - Math.floor(total / 2), Math.floor(total / 2)];
    });
    return { pads: [split[0]![0]!, split[1]![0]!, split[0]![1]!, split[1]![1]!], out: [target[0]!, target[1]!] };
  }
  const pads: [number, number, number, number] = c.autoPad === "VALID" ? [0, 0, 0, 0] : c.pads;
  return { pads, out: [full[0]! - pads[0] - pads[2], full[1]! - pads[1] - pads[3]] };
}

/** Direct scatter loops of a 2-D transposed convolution. */
function naiveConvTranspose2d(c: ConvT2dCase, x: Float64Array, w: Float64Array, b: Float64Array | undefined): { shape: number[]; data: Float64Array } {
  const { pads: [pt, pl], out: [oh, ow] } = oracleTransposeGeometry(c);
  const C = c.cg * c.group, M = c.mg * c.group;
  const y = new Float64Array(c.n * M * oh * ow);
  for (let n = 0; n < c.n; n++)
    for (let ci = 0; ci < C; ci++) {
      const g = Math.floor(ci / c.cg);
      for (let i = 0; i < c.h; i++)
        for (let j = 0; j < c.w; j++)
          for (let m = 0; m < c.mg; m++)
            for (let p = 0; p < c.kh; p++)
              for (let q = 0; q < c.kw; q++) {
                const o1 = i * c.strides[0] - pt + p * c.dilations[0], o2 = j * c.strides[1] - pl + q * c.dilations[1];
                if (o1 < 0 || o1 >= oh || o2 < 0 || o2 >= ow) continue;
                y[((n * M + g * c.mg + m) * oh + o1) * ow + o2]! +=
                  x[((n * C + ci) * c.h + i) * c.w + j]! * w[((ci * c.mg + m) * c.kh + p) * c.kw + q]!;
              }
    }
  if (b) for (let n = 0; n < c.n; n++) for (let m = 0; m < M; m++) for (let q = 0; q < oh * ow; q++) y[(n * M + m) * oh * ow + q]! += b[m]!;
  return { shape: [c.n, M, oh, ow], data: y };
}

// ---- case generators --------------------------------------------------------------------------------

const autoPads = ["NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"] as const;

const convCase = (oneD: boolean): fc.Arbitrary<Conv2dCase> =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }), mg: fc.integer({ min: 1, max: 3 }), group: fc.integer({ min: 1, max: 3 }),
      h: oneD ? fc.constant(1) : fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 9 }),
      kh: oneD ? fc.constant(1) : fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 4 }),
      strides: fc.tuple(oneD ? fc.constant(1) : fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      dilations: fc.tuple(oneD ? fc.constant(1) : fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })),
      pads: fc.tuple(oneD ? fc.constant(0) : fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), oneD ? fc.constant(0) : fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })),
      autoPad: fc.constantFrom(...autoPads),
      bias: fc.boolean()
    })
    // SAME_* on a 1-D case written as [N, C, 1, L] must not pad the unit axis: kernel 1 there keeps it unpadded.
    .filter((c) => {
      const [pt, pl, pb, pr] = oraclePads(c);
      return c.h + pt + pb >= (c.kh - 1) * c.dilations[0] + 1 && c.w + pl + pr >= (c.kw - 1) * c.dilations[1] + 1;
    });

const convTCase: fc.Arbitrary<ConvT2dCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }), mg: fc.integer({ min: 1, max: 3 }), group: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 6 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 4 }),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilations: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })),
    pads: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    autoPad: fc.constantFrom(...autoPads),
    bias: fc.boolean(),
    outputPadding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    useOutputShape: fc.integer({ min: 0, max: 3 }),
    shrink: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
  })
  .map(({ useOutputShape, shrink, ...c }): ConvT2dCase => {
    // output_padding below the stride, as ONNX requires
    const outputPadding: [number, number] = [c.outputPadding[0] % c.strides[0], c.outputPadding[1] % c.strides[1]];
    const base = { ...c, outputPadding };
    if (useOutputShape !== 0) return base;
    const full = [0, 1].map((a) => c.strides[a]! * ([c.h, c.w][a]! - 1) + outputPadding[a]! + ([c.kh, c.kw][a]! - 1) * c.dilations[a]! + 1);
    return { ...base, outputShape: [Math.max(1, full[0]! - shrink[0]), Math.max(1, full[1]! - shrink[1])] };
  })
  .filter((c) => {
    try {
      const { out, pads } = oracleTransposeGeometry(c);
      return out[0] >= 1 && out[1] >= 1 && pads.every((p) => p >= 0);
    } catch {
      return false;
    }
  });

function convAttrsOf(c: Conv2dCase, oneD: boolean): ConvAttrs {
  const attrs: ConvAttrs = oneD
    ? { strides: [c.strides[1]], dilations: [c.dilations[1]], group: c.group }
    : { strides: [...c.strides], dilations: [...c.dilations], group: c.group };
  if (c.autoPad === "NOTSET") return { ...attrs, pads: oneD ? [c.pads[1], c.pads[3]] : [...c.pads] };
  return { ...attrs, auto_pad: c.autoPad };
}

function convTAttrsOf(c: ConvT2dCase): Record<string, readonly number[] | number | string> {
  const attrs: Record<string, readonly number[] | number | string> = {
    strides: [...c.strides], dilations: [...c.dilations], group: c.group, output_padding: [...c.outputPadding]
  };
  if (c.autoPad === "NOTSET") attrs["pads"] = [...c.pads];
  else attrs["auto_pad"] = c.autoPad;
  if (c.outputShape) attrs["output_shape"] = [...c.outputShape];
  return attrs;
}

function randomData(n: number, seed: number, integers = false): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => (integers ? rng.int(7) - 3 : rng.normal()));
}

function convShapes(c: Conv2dCase, oneD: boolean) {
  const C = c.cg * c.group, M = c.mg * c.group;
  return {
    x: oneD ? [c.n, C, c.w] : [c.n, C, c.h, c.w],
    w: oneD ? [M, c.cg, c.kw] : [M, c.cg, c.kh, c.kw],
    b: [M]
  };
}

function convGraph(c: Conv2dCase, oneD: boolean): Graph {
  const s = convShapes(c, oneD);
  const g = new GraphBuilder();
  const x = g.input("x", s.x), w = g.input("w", s.w);
  const b = c.bias ? g.input("b", s.b) : undefined;
  return g.build({ y: g.conv(x, w, b, convAttrsOf(c, oneD)) });
}

function convTShapes(c: ConvT2dCase) {
  const C = c.cg * c.group;
  return { x: [c.n, C, c.h, c.w], w: [C, c.mg, c.kh, c.kw], b: [c.mg * c.group] };
}

function convTGraph(c: ConvT2dCase): Graph {
  const s = convTShapes(c);
  const g = new GraphBuilder();
  const x = g.input("x", s.x), w = g.input("w", s.w);
  const b = c.bias ? g.input("b", s.b) : undefined;
  return g.build({ y: g.op("ConvTranspose", b ? [x, w, b] : [x, w], convTAttrsOf(c)) });
}

function feedsFor(shapes: { x: number[]; w: number[]; b: number[] }, bias: boolean, seed: number, integers = false): Feeds {
  const f: Feeds = {
    x: tensor(shapes.x, randomData(sizeOf(shapes.x), seed, integers)),
    w: tensor(shapes.w, randomData(sizeOf(shapes.w), seed + 1, integers))
  };
  if (bias) f["b"] = tensor(shapes.b, randomData(shapes.b[0]!, seed + 2, integers));
  return f;
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

// ---- float64 kernels against the oracles --------------------------------------------------------------

describe("Conv float64 kernel", () => {
  for (const oneD of [false, true]) {
    it(`matches the direct loops on random ${oneD ? "1-D" : "2-D"} shapes, strides, pads, dilations, groups and auto_pad`, () => {
      fc.assert(
        fc.property(convCase(oneD), fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
          const graph = convGraph(c, oneD);
          const feeds = feedsFor(convShapes(c, oneD), c.bias, seed);
          const y = evaluate(graph, feeds).y!;
          const want = naiveConv2d(c, feeds["x"]!.data, feeds["w"]!.data, feeds["b"]?.data);
          expect(oneD ? [y.shape[0], y.shape[1], 1, y.shape[2]] : [...y.shape]).toEqual(want.shape);
          expect(relErr(y.data, want.data)).toBeLessThan(1e-12);
        }),
        { numRuns: 150 }
      );
    });
  }

  it("matches the direct loops when the kernel is large and the output small (the dot-product path)", () => {
    for (const c of [
      { n: 2, cg: 5, mg: 5, group: 1, h: 9, w: 9, kh: 7, kw: 7, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], autoPad: "NOTSET", bias: true },
      { n: 1, cg: 3, mg: 2, group: 2, h: 12, w: 10, kh: 5, kw: 4, strides: [2, 3], dilations: [2, 1], pads: [1, 0, 2, 1], autoPad: "NOTSET", bias: false }
    ] satisfies Conv2dCase[]) {
      const feeds = feedsFor(convShapes(c, false), c.bias, 4);
      const y = evaluate(convGraph(c, false), feeds).y!;
      expect(relErr(y.data, naiveConv2d(c, feeds["x"]!.data, feeds["w"]!.data, feeds["b"]?.data).data)).toBeLessThan(1e-12);
    }
  });

  it("resolves SAME_UPPER / SAME_LOWER to the spec's pads (odd padding at the end / the beginning)", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 6]);
    const w = g.input("w", [1, 1, 4]);
    const up = g.conv(x, w, undefined, { auto_pad: "SAME_UPPER" });
    const lo = g.conv(x, w, undefined, { auto_pad: "SAME_LOWER" });
    expect(up.shape).toEqual([1, 1, 6]);
    const graph = g.build({ up, lo });
    const feeds = { x: tensor([1, 1, 6], [1, 2, 3, 4, 5, 6]), w: tensor([1, 1, 4], [1, 0, 0, 0]) };
    const r = evaluate(graph, feeds);
    // total padding 3: UPPER pads 1 before, LOWER pads 2 before; W picks the first tap.
    expect(Array.from(r["up"]!.data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(r["lo"]!.data)).toEqual([0, 0, 1, 2, 3, 4]);
  });

  it("rejects shapes that do not fit, naming the problem", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 4, 5, 5]);
    expect(() => g.conv(x, g.input("w1", [2, 3, 3, 3]))).toThrow(/input channels per group/);
    expect(() => g.conv(x, g.input("w2", [3, 2, 3, 3]), undefined, { group: 2 })).toThrow(/group 2 must divide/);
    expect(() => g.conv(x, g.input("w3", [2, 4, 7, 7]))).toThrow(/larger than the padded input/);
    expect(() => g.conv(x, g.input("w4", [2, 4, 3, 3]), undefined, { kernel_shape: [2, 2] })).toThrow(/kernel_shape/);
    expect(() => g.conv(x, g.input("w5", [2, 4, 3, 3]), g.input("b5", [3]))).toThrow(/B must have shape \[2\]/);
  });
});

describe("ConvTranspose float64 kernel", () => {
  it("matches the direct scatter loops, with output_padding, output_shape and auto_pad", () => {
    fc.assert(
      fc.property(convTCase, fc.integer({ min: 1, max: 1e6 }), (c, seed) => {
        const graph = convTGraph(c);
        const feeds = feedsFor(convTShapes(c), c.bias, seed);
        const y = evaluate(graph, feeds).y!;
        const want = naiveConvTranspose2d(c, feeds["x"]!.data, feeds["w"]!.data, feeds["b"]?.data);
        expect([...y.shape]).toEqual(want.shape);
        expect(relErr(y.data, want.data)).toBeLessThan(1e-12);
      }),
      { numRuns: 150 }
    );
  });

  it("refuses an output_shape that would need negative padding, and output_padding out of range", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1, 3]);
    const w = g.input("w", [1, 1, 2]);
    expect(() => g.convTranspose(x, w, undefined, { output_shape: [9] })).toThrow(/negative padding/);
    expect(() => g.convTranspose(x, w, undefined, { strides: [2], output_padding: [2] })).toThrow(/less than max\(stride, dilation\)/);
  });
});

// ---- exact and interval kernels -----------------------------------------------------------------------

describe("exact kernels", () => {
  it("equal the float64 kernels on small integers (Conv and ConvTranspose)", () => {
    fc.assert(
      fc.property(convCase(false), convTCase, fc.integer({ min: 1, max: 1e6 }), (c, ct, seed) => {
        for (const [graph, feeds] of [
          [convGraph(c, false), feedsFor(convShapes(c, false), c.bias, seed, true)],
          [convTGraph(ct), feedsFor(convTShapes(ct), ct.bias, seed, true)]
        ] as const) {
          const f = evaluate(graph, feeds).y!;
          const e = evaluateExactFromFloat(graph, feeds).y!;
          expect(e.shape).toEqual(f.shape);
          e.data.forEach((v, i) => expect(v.eq(Rational.fromFloat(f.data[i]!))).toBe(true));
        }
      }),
      { numRuns: 40 }
    );
  });
});

function randomBox(shape: readonly number[], seed: number, radius: number): IntervalTensor {
  const rng = createRng(seed);
  const n = sizeOf(shape);
  const lo = new Float64Array(n), hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = 4 * rng.next() - 2, r = radius * rng.next();
    lo[i] = m - r;
    hi[i] = m + r;
  }
  return { shape: [...shape], lo, hi };
}

function pointIn(box: IntervalTensor, seed: number): Tensor {
  const rng = createRng(seed);
  return tensor(box.shape, box.lo.map((l, i) => {
    const u = rng.next();
    return u < 0.15 ? l : u > 0.85 ? box.hi[i]! : Math.min(box.hi[i]!, l + rng.next() * (box.hi[i]! - l));
  }));
}

function expectEnclosure(graph: Graph, shapes: Record<string, readonly number[]>, seed: number, radius: number, trials = 3): void {
  const boxes: Record<string, IntervalTensor> = {};
  Object.entries(shapes).forEach(([k, s], j) => (boxes[k] = randomBox(s, seed + 17 * j, radius)));
  const out = evaluateInterval(graph, boxes).y!;
  for (let trial = 0; trial < trials; trial++) {
    const feeds: Feeds = {};
    Object.entries(boxes).forEach(([k, b], j) => (feeds[k] = pointIn(b, seed * 7 + trial * 31 + j)));
    const ex = evaluateExactFromFloat(graph, feeds).y!;
    ex.data.forEach((v, i) => {
      expect(Rational.fromFloat(out.lo[i]!).le(v), `lo[${i}]`).toBe(true);
      expect(v.le(Rational.fromFloat(out.hi[i]!)), `hi[${i}]`).toBe(true);
    });
  }
}

describe("interval kernels", () => {
  it("enclose the exact value at random points of random boxes (Conv and ConvTranspose)", () => {
    fc.assert(
      fc.property(convCase(false), convTCase, fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, 0.01, 0.5), (c, ct, seed, radius) => {
        const s = convShapes(c, false), st = convTShapes(ct);
        expectEnclosure(convGraph(c, false), c.bias ? s : { x: s.x, w: s.w }, seed, radius);
        expectEnclosure(convTGraph(ct), ct.bias ? st : { x: st.x, w: st.w }, seed, radius);
      }),
      { numRuns: 30 }
    );
  });

  it("stay rigorous on blocks large enough for the midpoint-radius product", () => {
    const c: Conv2dCase = {
      n: 1, cg: 8, mg: 8, group: 1, h: 12, w: 12, kh: 3, kw: 3, strides: [1, 1], dilations: [1, 1],
      pads: [1, 1, 1, 1], autoPad: "NOTSET", bias: true
    };
    const s = convShapes(c, false);
    // 8 output channels × 72 reduction terms × 144 positions per block: above MIDRAD_MIN_WORK
    for (const radius of [0, 0.01]) expectEnclosure(convGraph(c, false), s, 5, radius, 1);
    const ct: ConvT2dCase = { ...c, h: 6, w: 6, strides: [2, 2], outputPadding: [1, 1] };
    expectEnclosure(convTGraph(ct), convTShapes(ct), 6, 0.01, 1);
  });

  it("are tight on point boxes", () => {
    const c: Conv2dCase = {
      n: 2, cg: 2, mg: 3, group: 2, h: 5, w: 6, kh: 3, kw: 2, strides: [2, 1], dilations: [1, 2],
      pads: [1, 0, 2, 1], autoPad: "NOTSET", bias: true
    };
    const graph = convGraph(c, false);
    const feeds = feedsFor(convShapes(c, false), true, 3);
    const y = evaluate(graph, feeds).y!;
    const boxes: Record<string, IntervalTensor> = {};
    for (const [k, t] of Object.entries(feeds)) boxes[k] = { shape: [...t.shape], lo: t.data.slice(), hi: t.data.slice() };
    const out = evaluateInterval(graph, boxes).y!;
    y.data.forEach((v, i) => {
      expect(out.hi[i]! - out.lo[i]!).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(v)));
      expect(out.lo[i]!).toBeLessThanOrEqual(v);
      expect(out.hi[i]!).toBeGreaterThanOrEqual(v);
    });
  });
});

// ---- derivatives -------------------------------------------------------------------------------------------

interface DerivCase {
  name: string;
  inputs: Record<string, number[]>;
  build: (g: GraphBuilder, x: Record<string, Value>) => Value;
}

const derivCases: DerivCase[] = [
  { name: "Conv 2-D, bias, padding", inputs: { x: [2, 3, 5, 5], w: [4, 3, 3, 3], b: [4] }, build: (g, v) => g.conv(v.x!, v.w!, v.b!, { pads: [1, 1, 1, 1] }) },
  {
    // H: (7 + 2 − 3) mod 4 = 2 rows past the last window, all of them end padding.
    name: "Conv strided, dilated, asymmetric pads",
    inputs: { x: [1, 2, 7, 8], w: [3, 2, 2, 3] },
    build: (g, v) => g.conv(v.x!, v.w!, undefined, { strides: [4, 2], dilations: [2, 1], pads: [0, 1, 2, 0] })
  },
  {
    // remainder 3 ≥ dilation 1 with end padding 0: the weight-gradient conv must crop its tail.
    name: "Conv with an unused input tail",
    inputs: { x: [2, 2, 8, 9], w: [2, 2, 2, 2] },
    build: (g, v) => g.conv(v.x!, v.w!, undefined, { strides: [4, 3] })
  },
  { name: "Conv grouped", inputs: { x: [2, 4, 5, 4], w: [6, 2, 2, 3], b: [6] }, build: (g, v) => g.conv(v.x!, v.w!, v.b!, { group: 2, strides: [2, 1], pads: [1, 0, 0, 1] }) },
  { name: "Conv depthwise", inputs: { x: [1, 3, 6, 6], w: [3, 1, 3, 3] }, build: (g, v) => g.conv(v.x!, v.w!, undefined, { group: 3, dilations: [2, 2], pads: [2, 2, 2, 2] }) },
  { name: "Conv SAME_LOWER", inputs: { x: [1, 2, 5, 6], w: [2, 2, 2, 3] }, build: (g, v) => g.conv(v.x!, v.w!, undefined, { auto_pad: "SAME_LOWER", strides: [2, 2] }) },
  { name: "Conv 1-D", inputs: { x: [2, 2, 9], w: [3, 2, 3], b: [3] }, build: (g, v) => g.conv(v.x!, v.w!, v.b!, { strides: [2], pads: [1, 2], dilations: [2] }) },
  { name: "ConvTranspose 2-D, bias", inputs: { x: [2, 3, 3, 4], w: [3, 2, 3, 2], b: [2] }, build: (g, v) => g.convTranspose(v.x!, v.w!, v.b!, { strides: [2, 2], pads: [1, 0, 0, 1] }) },
  {
    // output_padding above the end pad: the reverse convs crop their tails.
    name: "ConvTranspose output_padding > pads",
    inputs: { x: [1, 2, 3, 3], w: [2, 3, 2, 3] },
    build: (g, v) => g.convTranspose(v.x!, v.w!, undefined, { strides: [3, 2], dilations: [1, 2], output_padding: [2, 1] })
  },
  { name: "ConvTranspose grouped", inputs: { x: [2, 4, 3, 3], w: [4, 3, 2, 2], b: [6] }, build: (g, v) => g.convTranspose(v.x!, v.w!, v.b!, { group: 2, strides: [2, 1], pads: [0, 1, 1, 0] }) },
  { name: "ConvTranspose SAME_UPPER", inputs: { x: [1, 2, 3, 4], w: [2, 2, 3, 3] }, build: (g, v) => g.convTranspose(v.x!, v.w!, undefined, { strides: [2, 2], auto_pad: "SAME_UPPER" }) },
  { name: "ConvTranspose 1-D", inputs: { x: [2, 3, 5], w: [3, 2, 3] }, build: (g, v) => g.convTranspose(v.x!, v.w!, undefined, { strides: [3], output_shape: [13] }) }
];

function derivLoss(c: DerivCase): Graph {
  const g = new GraphBuilder();
  const v: Record<string, Value> = {};
  for (const [k, s] of Object.entries(c.inputs)) v[k] = g.input(k, s);
  const y = c.build(g, v);
  const rng = createRng(99);
  const weights = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal())));
  return g.build({ L: g.reduceSum(g.mul(y, weights)), y });
}

/** A loss with real curvature: L = Σ c ⊙ tanh(conv(...))², second order in both X and W. */
function curvedLoss(c: DerivCase): Graph {
  const g = new GraphBuilder();
  const v: Record<string, Value> = {};
  for (const [k, s] of Object.entries(c.inputs)) v[k] = g.input(k, s);
  const y = g.tanh(c.build(g, v));
  const rng = createRng(98);
  const weights = g.constant(tensor(y.shape, Array.from({ length: sizeOf(y.shape) }, () => rng.normal())));
  return g.build({ L: g.reduceSum(g.mul(g.mul(y, y), weights)) });
}

function derivFeeds(c: DerivCase, seed: number, scale = 1): Feeds {
  const rng = createRng(seed);
  const f: Feeds = {};
  for (const [k, s] of Object.entries(c.inputs)) f[k] = tensor(s, Array.from({ length: sizeOf(s) }, () => scale * rng.normal()));
  return f;
}

function tangents(c: DerivCase, feeds: Feeds, seed: number): { dirs: Record<string, Float64Array>; tfeeds: Feeds } {
  const rng = createRng(seed);
  const dirs: Record<string, Float64Array> = {};
  const tfeeds: Feeds = { ...feeds };
  for (const k of Object.keys(c.inputs)) {
    dirs[k] = Float64Array.from(feeds[k]!.data, () => rng.normal());
    tfeeds[tangentName(k)] = tensor(feeds[k]!.shape, dirs[k]!);
  }
  return { dirs, tfeeds };
}

describe("derivative rules", () => {
  for (const c of derivCases) {
    const names = Object.keys(c.inputs);
    it(`${c.name}: VJP matches central differences`, () => {
      const graph = derivLoss(c);
      const gGraph = grad(graph, { of: "L", wrt: names });
      for (const seed of [1, 2]) {
        const feeds = derivFeeds(c, seed);
        const out = evaluate(gGraph, feeds);
        for (const n of names) {
          expect(out[gradName(n)]!.shape).toEqual(feeds[n]!.shape);
          expect(maxRelError(out[gradName(n)]!.data, fdGradient(graph, feeds, "L", n))).toBeLessThan(1e-6);
        }
      }
    });
    it(`${c.name}: JVP matches directional differences`, () => {
      const graph = derivLoss(c);
      const jGraph = jvp(graph, { tangents: Object.fromEntries(names.map((n) => [n, tangentName(n)])), of: ["y"] });
      for (const seed of [3, 4]) {
        const feeds = derivFeeds(c, seed);
        const { dirs, tfeeds } = tangents(c, feeds, seed + 7);
        expect(maxRelError(evaluate(jGraph, tfeeds)[jvpName("y")]!.data, fdDirectional(graph, feeds, "y", dirs))).toBeLessThan(1e-6);
      }
    });
    it(`${c.name}: HVP matches differences of the gradient`, () => {
      const graph = curvedLoss(c);
      const gGraph = grad(graph, { of: "L", wrt: names });
      const hGraph = hvp(graph, { of: "L", wrt: names });
      const feeds = derivFeeds(c, 5, 0.5);
      const { dirs, tfeeds } = tangents(c, feeds, 12);
      const got = evaluate(hGraph, tfeeds);
      for (const n of names) {
        const fd = fdDirectional(gGraph, feeds, gradName(n), dirs, 1e-5);
        expect(maxRelError(got[hvpName(n)]!.data, fd)).toBeLessThan(1e-5);
      }
    });
  }

  it("derivative graphs carry explicit pads only", () => {
    const c = derivCases.find((k) => k.name === "Conv SAME_LOWER")!;
    const h = hvp(curvedLoss(c), { of: "L", wrt: ["x", "w"] });
    const convs = h.nodes.filter((n) => n.op === "Conv" || n.op === "ConvTranspose");
    expect(convs.length).toBeGreaterThan(3);
    // the forward node keeps the user's auto_pad; every node the rules emitted has explicit pads
    expect(convs.filter((n) => n.attrs["auto_pad"] !== undefined).length).toBe(1);
  });
});

// ---- ONNX Runtime ----------------------------------------------------------------------------------------

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

describe("onnxruntime agrees with the reference", () => {
  it("lowers float64 Conv/ConvTranspose to ops onnxruntime has, and float32 to native nodes with explicit pads", () => {
    const build = (dtype: "float32" | "float64"): Graph => {
      const g = new GraphBuilder(dtype);
      const x = g.input("x", [1, 2, 5, 5]);
      const w = g.input("w", [3, 2, 3, 3]);
      const wt = g.input("wt", [3, 2, 2, 2]);
      const y = g.conv(x, w, undefined, { auto_pad: "SAME_UPPER" });
      return g.build({ z: g.convTranspose(y, wt, undefined, { strides: [2, 2], output_shape: [9, 10] }) });
    };
    const ops64 = decomposeForOnnx(build("float64")).nodes.map((n) => n.op);
    expect(ops64).not.toContain("Conv");
    expect(ops64).not.toContain("ConvTranspose");
    const n32 = decomposeForOnnx(build("float32")).nodes.filter((n) => n.op === "Conv" || n.op === "ConvTranspose");
    expect(n32.map((n) => n.op)).toEqual(["Conv", "ConvTranspose"]);
    for (const n of n32) {
      expect(n.attrs["auto_pad"]).toBeUndefined();
      expect(n.attrs["output_shape"]).toBeUndefined();
      expect(n.attrs["pads"]).toBeDefined();
    }
  });

  it("on forward graphs of random Conv and ConvTranspose cases (float64 to 1e-12, float32 to 1e-4)", async () => {
    await fc.assert(
      fc.asyncProperty(convCase(false), convCase(true), convTCase, fc.integer({ min: 1, max: 1e6 }), async (c2, c1, ct, seed) => {
        const runs: [Graph, Feeds][] = [
          [convGraph(c2, false), feedsFor(convShapes(c2, false), c2.bias, seed)],
          [convGraph(c1, true), feedsFor(convShapes(c1, true), c1.bias, seed + 3)],
          [convTGraph(ct), feedsFor(convTShapes(ct), ct.bias, seed + 6)]
        ];
        for (const [graph, feeds] of runs) {
          const ref = evaluate(graph, feeds).y!;
          expect(relErr((await ort64.run(graph, feeds)).y!.data, ref.data)).toBeLessThan(1e-12);
          expect(relErr((await ort32.run(graph, feeds)).y!.data, ref.data)).toBeLessThan(1e-4);
        }
      }),
      { numRuns: 25 }
    );
  });

  it("on 3-D convolutions (onnxruntime's float32 kernel is the oracle; float64 runs the decomposition)", async () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 4, 5, 4, 6]);
    const w = g.input("w", [6, 2, 2, 3, 2]);
    const b = g.input("b", [6]);
    const wt = g.input("wt", [6, 2, 2, 2, 3]);
    const y = g.conv(x, w, b, { group: 2, strides: [2, 1, 2], pads: [1, 0, 1, 0, 2, 1], dilations: [1, 1, 2] });
    const z = g.convTranspose(y, wt, undefined, { strides: [2, 1, 2], output_padding: [1, 0, 1] });
    const graph = g.build({ y, z });
    const feeds = {
      x: tensor(x.shape, randomData(sizeOf(x.shape), 1)), w: tensor(w.shape, randomData(sizeOf(w.shape), 2)),
      b: tensor(b.shape, randomData(6, 3)), wt: tensor(wt.shape, randomData(sizeOf(wt.shape), 4))
    };
    const ref = evaluate(graph, feeds);
    const r32 = await ort32.run(graph, feeds), r64 = await ort64.run(graph, feeds);
    for (const k of ["y", "z"]) {
      expect(relErr(r32[k]!.data, ref[k]!.data)).toBeLessThan(1e-4);
      expect(relErr(r64[k]!.data, ref[k]!.data)).toBeLessThan(1e-12);
    }
    const h = hvp(g.build({ L: g.reduceSum(g.mul(z, z)) }), { wrt: ["x", "w", "b", "wt"] });
    const tfeeds: Feeds = { ...feeds };
    Object.entries(feeds).forEach(([k, t], j) => (tfeeds[tangentName(k)] = tensor(t.shape, randomData(t.data.length, 10 + j))));
    const href = evaluate(h, tfeeds), h64 = await ort64.run(h, tfeeds);
    for (const k of Object.keys(href)) expect(relErr(h64[k]!.data, href[k]!.data), k).toBeLessThan(1e-12);
  });

  it("on gradient and Hessian-vector-product graphs", async () => {
    for (const c of derivCases) {
      const names = Object.keys(c.inputs);
      const graph = curvedLoss(c);
      const h = hvp(graph, { of: "L", wrt: names });
      const feeds = derivFeeds(c, 21, 0.5);
      const { tfeeds } = tangents(c, feeds, 22);
      const ref = evaluate(h, tfeeds);
      const got64 = await ort64.run(h, tfeeds);
      const got32 = await ort32.run(h, tfeeds);
      for (const k of ["L", ...names.map(gradName), ...names.map(hvpName)]) {
        expect(relErr(got64[k]!.data, ref[k]!.data), `${c.name} ${k} float64`).toBeLessThan(1e-12);
        expect(relErr(got32[k]!.data, ref[k]!.data), `${c.name} ${k} float32`).toBeLessThan(1e-4);
      }
    }
  });
});

describe("against onnxruntime's own kernels, bypassing losscape's lowering", () => {
  /** A one-node model handed to onnxruntime unchanged (float32). */
  async function ortNode(op: string, x: Tensor, w: Tensor, attrs: Record<string, readonly number[] | number | string>): Promise<Float32Array> {
    const model = makeModel(makeGraph({
      nodes: [makeNode(op, ["x", "w"], ["y"], attrs)],
      inputs: [makeValueInfo("x", "float32", x.shape), makeValueInfo("w", "float32", w.shape)],
      outputs: [makeValueInfo("y", "float32")]
    }));
    const s = await createSession(encodeModel(model), { intraOpThreads: 1 });
    try {
      const r = await runSession(s, { x: { dtype: "float32", dims: x.shape, data: x.data }, w: { dtype: "float32", dims: w.shape, data: w.data } });
      return r["y"]!.data as Float32Array;
    } finally {
      await releaseSession(s);
    }
  }

  it("reads auto_pad SAME_UPPER / SAME_LOWER and output_shape as losscape does (Conv and ConvTranspose)", async () => {
    const x = tensor([1, 2, 5, 6], randomData(60, 1)), w = tensor([2, 2, 2, 3], randomData(24, 2));
    const cases: [string, Record<string, readonly number[] | number | string>][] = [
      ["Conv", { auto_pad: "SAME_UPPER", strides: [2, 1] }],
      // onnxruntime refuses dilations with SAME_* ("Dilation not supported"); losscape's export spells the pads out
      ["Conv", { auto_pad: "SAME_LOWER", strides: [1, 2] }],
      ["ConvTranspose", { auto_pad: "SAME_UPPER", strides: [2, 2] }],
      ["ConvTranspose", { auto_pad: "SAME_LOWER", strides: [2, 3] }],
      ["ConvTranspose", { output_shape: [9, 12], strides: [2, 2] }],
      ["ConvTranspose", { output_shape: [10, 13], strides: [2, 2], output_padding: [1, 1] }]
    ];
    for (const [op, attrs] of cases) {
      const g = new GraphBuilder();
      const graph = g.build({ y: g.op(op, [g.input("x", x.shape), g.input("w", w.shape)], attrs) });
      const ref = evaluate(graph, { x, w }).y!;
      expect(relErr(await ortNode(op, x, w, attrs), ref.data), `${op} ${JSON.stringify(attrs)}`).toBeLessThan(1e-4);
    }
  });

  it("agrees on explicit pads, strides, dilations, groups and output_padding", async () => {
    await fc.assert(
      fc.asyncProperty(convTCase, fc.integer({ min: 1, max: 1e6 }), async (c0, seed) => {
        const c = { ...c0, autoPad: "NOTSET" as const, outputShape: undefined };
        const feeds = feedsFor(convTShapes(c), false, seed);
        const attrs = { strides: [...c.strides], dilations: [...c.dilations], group: c.group, output_padding: [...c.outputPadding], pads: [...c.pads] };
        fc.pre(oracleTransposeGeometry(c).out.every((o) => o >= 1));
        const got = await ortNode("ConvTranspose", feeds["x"]!, feeds["w"]!, attrs);
        const want = naiveConvTranspose2d(c, feeds["x"]!.data, feeds["w"]!.data, undefined);
        expect(relErr(got, want.data)).toBeLessThan(1e-4);
        const ref = evaluate(convTGraph({ ...c, bias: false }), feeds).y!;
        expect(relErr(got, ref.data)).toBeLessThan(1e-4);
      }),
      { numRuns: 40 }
    );
  });
});

describe("curvature facts", () => {
  const facts = getOp("Conv").curvature!;
  const pos = { data: Float64Array.of(1, 2), shape: [2], dtype: "float64" as const };
  it("are affine in one argument when the other is constant, monotone by its sign, never strictly signed", () => {
    const f = facts.atom({
      attrs: {},
      sameOperands: false,
      args: [{ curvature: "affine", sign: "positive" }, { curvature: "constant", sign: "positive", value: pos }]
    });
    expect(f.curvature).toBe("affine");
    expect(f.monotonicity).toEqual(["increasing", "none"]);
    expect(f.sign).toBe("nonneg");
    const both = facts.atom({ attrs: {}, sameOperands: false, args: [{ curvature: "affine", sign: "unknown" }, { curvature: "affine", sign: "unknown" }] });
    expect(both.curvature).toBe("unknown");
    const neg = getOp("ConvTranspose").curvature!.atom({
      attrs: {},
      sameOperands: false,
      args: [{ curvature: "constant", sign: "negative" }, { curvature: "convex", sign: "unknown" }, { curvature: "constant", sign: "nonneg" }]
    });
    expect(neg.curvature).toBe("affine");
    expect(neg.monotonicity).toEqual(["none", "decreasing", "increasing"]);
  });
});
