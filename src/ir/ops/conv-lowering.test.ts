import { afterAll, describe, expect, it } from "vitest";
import { GraphBuilder } from "../builder.js";
import { sizeOf } from "../shape.js";
import { tensor, type Tensor } from "../tensor.js";
import { evaluate } from "../../exec/reference.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { decomposeForOnnx } from "../../exec/onnx/lower.js";
import { hvp } from "../../autodiff/hvp.js";
import { tangentName } from "../../autodiff/jvp.js";
import { createRng } from "../../util/random.js";

// The float64 lowerings of Conv (channels-first im2col, one GEMM per group) and ConvTranspose
// (MatMul then col2im by Pad) at the corners the random cases of conv.test.ts rarely reach.

const ort64 = createOnnxExecutor({ threads: 1 });
afterAll(async () => ort64.dispose());

function rand(shape: readonly number[], seed: number): Tensor {
  const rng = createRng(seed);
  return tensor(shape, Float64Array.from({ length: sizeOf(shape) }, () => rng.normal()));
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}

interface TCase {
  x: number[];
  w: number[];
  attrs: Record<string, number | number[]>;
  bias: boolean;
}

const transposeCases: TCase[] = [
  // one input position, pads that crop whole kernel offsets away (their col2im terms are skipped)
  { x: [2, 3, 1, 1], w: [3, 2, 3, 3], attrs: { pads: [1, 2, 1, 0] }, bias: true },
  { x: [1, 4, 3, 2], w: [4, 3, 2, 3], attrs: { group: 2, strides: [3, 2], dilations: [2, 1], pads: [1, 0, 2, 1], output_padding: [1, 1] }, bias: true },
  { x: [2, 2, 4], w: [2, 1, 3], attrs: { strides: [2], pads: [2, 2], output_padding: [1] }, bias: false },
  { x: [1, 2, 2, 3, 2], w: [2, 2, 2, 1, 3], attrs: { strides: [2, 1, 2], dilations: [1, 2, 1], pads: [1, 0, 2, 0, 0, 1] }, bias: true }
];

describe("float64 ConvTranspose as MatMul + col2im", () => {
  it("has no Conv or ConvTranspose node left and matches the reference to 1e-12, gradients and HVPs included", async () => {
    for (const [i, c] of transposeCases.entries()) {
      const g = new GraphBuilder("float64");
      const x = g.input("x", c.x);
      const w = g.input("w", c.w);
      const b = c.bias ? g.input("b", [c.w[1]! * ((c.attrs["group"] as number | undefined) ?? 1)]) : undefined;
      const y = g.convTranspose(x, w, b, c.attrs);
      const graph = g.build({ y });
      const feeds: Record<string, Tensor> = { x: rand(c.x, 10 * i + 1), w: rand(c.w, 10 * i + 2), ...(b ? { b: rand(b.shape, 10 * i + 3) } : {}) };
      const ops = decomposeForOnnx(graph).nodes.map((n) => n.op);
      expect(ops).not.toContain("Conv");
      expect(ops).not.toContain("ConvTranspose");
      expect(relErr((await ort64.run(graph, feeds)).y!.data, evaluate(graph, feeds).y!.data), `case ${i}`).toBeLessThan(1e-12);
      const h = hvp(g.build({ L: g.reduceSum(g.mul(g.tanh(y), y)) }), { wrt: Object.keys(feeds) });
      const tfeeds: Record<string, Tensor> = { ...feeds };
      Object.entries(feeds).forEach(([k, t], j) => (tfeeds[tangentName(k)] = rand(t.shape, 100 * i + j)));
      const ref = evaluate(h, tfeeds), got = await ort64.run(h, tfeeds);
      for (const k of Object.keys(ref)) expect(relErr(got[k]!.data, ref[k]!.data), `case ${i} ${k}`).toBeLessThan(1e-12);
    }
  });
});

describe("float64 Conv as a channels-first im2col", () => {
  it("matches the reference with groups, strides, dilations and pads (forward, gradient, HVP)", async () => {
    const g = new GraphBuilder("float64");
    const x = g.input("x", [3, 4, 7, 6]);
    const w = g.input("w", [6, 2, 3, 2]);
    const b = g.input("b", [6]);
    const y = g.conv(x, w, b, { group: 2, strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1] });
    const feeds = { x: rand(x.shape, 1), w: rand(w.shape, 2), b: rand(b.shape, 3) };
    const graph = g.build({ y });
    expect(relErr((await ort64.run(graph, feeds)).y!.data, evaluate(graph, feeds).y!.data)).toBeLessThan(1e-12);
    const h = hvp(g.build({ L: g.reduceSum(g.mul(g.tanh(y), y)) }), { wrt: ["x", "w", "b"] });
    const tfeeds: Record<string, Tensor> = { ...feeds, [tangentName("x")]: rand(x.shape, 4), [tangentName("w")]: rand(w.shape, 5), [tangentName("b")]: rand(b.shape, 6) };
    const ref = evaluate(h, tfeeds), got = await ort64.run(h, tfeeds);
    for (const k of Object.keys(ref)) expect(relErr(got[k]!.data, ref[k]!.data), k).toBeLessThan(1e-12);
  });
});

describe("float32 Conv over many input channels (the weight gradient's form) as an im2col GEMM", () => {
  it("is exported without a Conv node and matches the float64 reference to float32 accuracy", async () => {
    const g = new GraphBuilder("float32");
    // [C, N, H, W] ⊛ [O, N, h, w]: what Conv's weight gradient computes with the batch N as channels.
    const x = g.input("x", [2, 300, 9, 9]);
    const w = g.input("w", [3, 300, 5, 5]);
    const graph = g.build({ y: g.conv(x, w, undefined, { group: 1 }) });
    expect(decomposeForOnnx(graph).nodes.some((n) => n.op === "Conv")).toBe(false);
    const narrow = new GraphBuilder("float32");
    const built = narrow.build({ y: narrow.conv(narrow.input("x", [2, 8, 9, 9]), narrow.input("w", [3, 8, 5, 5])) });
    expect(decomposeForOnnx(built).nodes.some((n) => n.op === "Conv")).toBe(true);
    const feeds = { x: rand(x.shape, 7), w: rand(w.shape, 8) };
    const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
    try {
      const got = (await ort32.run(graph, feeds)).y!.data;
      const want = evaluate(graph, feeds).y!.data;
      // 300·25 products of unit normals per output: float32 rounding is ~1e-6 of the sum's scale.
      expect(relErr(got, want)).toBeLessThan(2e-4);
    } finally {
      await ort32.dispose();
    }
  });
});

describe("Conv whose output is smaller than its kernel (the weight gradient's form), group 1: windows by one IndexSelect", () => {
  it("has no Conv or Slice left and matches the reference with strides, dilations and pads (float64, float32; gradient and HVP)", async () => {
    const cases = [
      { x: [3, 5, 9, 8], w: [4, 5, 6, 5], attrs: { strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1] } },
      { x: [2, 3, 11], w: [2, 3, 7], attrs: { strides: [3], pads: [2, 1] } },
      // wide enough (>= 256 channels) that float32 also takes this form
      { x: [2, 260, 6, 6], w: [3, 260, 5, 4], attrs: {} }
    ];
    const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
    try {
      for (const [i, c] of cases.entries()) {
        const g = new GraphBuilder("float64");
        const x = g.input("x", c.x);
        const w = g.input("w", c.w);
        const y = g.conv(x, w, undefined, c.attrs);
        expect(sizeOf(y.shape.slice(2)), `case ${i}`).toBeLessThan(sizeOf(c.w.slice(2)));
        const graph = g.build({ y });
        const ops = decomposeForOnnx(graph).nodes.map((n) => n.op);
        expect(ops).toContain("IndexSelect");
        for (const op of ["Conv", "Slice"]) expect(ops, `case ${i}`).not.toContain(op);
        const feeds = { x: rand(c.x, 20 * i + 1), w: rand(c.w, 20 * i + 2) };
        const want = evaluate(graph, feeds).y!.data;
        expect(relErr((await ort64.run(graph, feeds)).y!.data, want), `case ${i}`).toBeLessThan(1e-12);
        expect(relErr((await ort32.run(graph, feeds)).y!.data, want), `case ${i} float32`).toBeLessThan(2e-4 * Math.sqrt(sizeOf(c.w.slice(1))));
        const h = hvp(g.build({ L: g.reduceSum(g.mul(g.tanh(y), y)) }), { wrt: ["x", "w"] });
        const tfeeds: Record<string, Tensor> = { ...feeds, [tangentName("x")]: rand(c.x, 20 * i + 3), [tangentName("w")]: rand(c.w, 20 * i + 4) };
        const ref = evaluate(h, tfeeds), got = await ort64.run(h, tfeeds);
        // the HVP sums products of products in another order than the reference: rounding of ~1e-12 of the scale
        for (const k of Object.keys(ref)) expect(relErr(got[k]!.data, ref[k]!.data), `case ${i} ${k}`).toBeLessThan(1e-10);
      }
    } finally {
      await ort32.dispose();
    }
  });
});
