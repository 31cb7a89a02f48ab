import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat, sameDType } from "../kernels.js";
import { defineOp } from "../op.js";
import { addSign, argSign, matmulFacts, mulSign, type CurvatureFacts, type Sign } from "../curvature-facts.js";
import { convExact, convFloat, convGeometry, convInterval, explicitAttrs, type ConvGeometry } from "../conv-kernels.js";
import { sizeOf } from "../shape.js";

/**
 * Affine in X when W is constant and in W when X is constant, monotone by the sign of the constant
 * factor (zero padding contributes nothing). The product's sign is never strict: an output may read
 * only padding, or (ConvTranspose) receive no input at all, and then it is exactly 0.
 */
export function convFacts(atom: string): CurvatureFacts {
  const inner = matmulFacts(atom);
  const weak = (s: Sign): Sign => (s === "positive" ? "nonneg" : s === "negative" ? "nonpos" : s);
  return {
    atom: (ctx) => {
      const f = inner.atom({ ...ctx, attrs: {} });
      const [x, w, b] = ctx.args;
      const prod = weak(mulSign(argSign(x!), argSign(w!)));
      return {
        ...f,
        sign: b ? addSign(prod, argSign(b)) : prod,
        ...(f.curvature === "unknown" ? { note: `${atom} of two non-constant tensors` } : {})
      };
    }
  };
}

/** Bias [M] as [1, M, 1, ...] against an output of rank `rank`. */
export function biasShape(g: GraphBuilder, b: Value, rank: number): Value {
  return g.reshape(b, [1, b.shape[0]!, ...new Array<number>(rank - 2).fill(1)]);
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

/** Swap the first two axes (N and C). */
export function swap01(g: GraphBuilder, v: Value): Value {
  return g.transpose(v, [1, 0, ...range(2, v.rank)]);
}

/**
 * [N, G·Cg, S...] -> [Cg, G·N, S...]: each group's channels become the batch, and the batch becomes
 * the channels of that group — the layout in which a grouped Conv computes per-group weight gradients.
 */
export function groupsToBatch(g: GraphBuilder, v: Value, groups: number): Value {
  if (groups === 1) return swap01(g, v);
  const [n, c] = [v.shape[0]!, v.shape[1]!];
  const sp = v.shape.slice(2);
  const r = g.reshape(v, [n, groups, c / groups, ...sp]);
  const t = g.transpose(r, [2, 1, 0, ...range(3, r.rank)]);
  return g.reshape(t, [c / groups, groups * n, ...sp]);
}

/** Keep the first `sizes` entries of each spatial axis (no-op when they already have them). */
export function cropSpatial(g: GraphBuilder, v: Value, sizes: readonly number[]): Value {
  const axes: number[] = [], ends: number[] = [];
  sizes.forEach((s, a) => {
    if (v.shape[a + 2] !== s) {
      axes.push(a + 2);
      ends.push(s);
    }
  });
  return axes.length ? g.slice(v, axes.map(() => 0), ends, axes) : v;
}

/** Zeros on both sides of `axis` (blocks of zero length are left out). */
export function padZeros(g: GraphBuilder, v: Value, axis: number, before: number, after: number): Value {
  if (before === 0 && after === 0) return v;
  const block = (len: number): Value => {
    const s = [...v.shape];
    s[axis] = len;
    return g.zerosLike({ dtype: v.dtype, shape: s });
  };
  return g.concat([...(before > 0 ? [block(before)] : []), v, ...(after > 0 ? [block(after)] : [])], axis);
}

/**
 * float64 Conv from ops onnxruntime has in float64 (its CPU provider registers Conv for float32
 * only — measured: "Could not find an implementation for Conv(11)"): zero padding by Concat, one
 * strided Slice per kernel offset (or, where the output is smaller than the kernel — weight gradients —
 * one IndexSelect of every window's cells for group 1, a Slice per output position otherwise), then one
 * batched MatMul over groups.
 */
function im2colConv(g: GraphBuilder, x: Value, w: Value, b: Value | undefined, geo: ConvGeometry): Value {
  const r = geo.kernel.length;
  const G = geo.group, Cg = geo.cIn / G, Mg = geo.cOut / G;
  const N = geo.batch, K = sizeOf(geo.kernel), O = sizeOf(geo.outSize);
  let xp = x;
  for (let a = 0; a < r; a++) xp = padZeros(g, xp, a + 2, geo.padsBegin[a]!, geo.padsEnd[a]!);
  const axes = range(2, r + 2);
  const grid = (dims: readonly number[]): number[][] => {
    let acc: number[][] = [[]];
    for (const d of dims) acc = acc.flatMap((p) => range(0, d).map((i) => [...p, i]));
    return acc;
  };
  const wm = g.reshape(w, [G, Mg, Cg * K]);
  let y: Value;
  if (O >= K) {
    // Channels first, batch second ([C, N, ...]): each offset's slice is then one contiguous block of
    // the im2col, and the product is one big GEMM per group instead of N small ones (measured 3-5x
    // faster on LeNet's convs over 2000 digits in float64).
    const xc = swap01(g, xp);
    const cols = grid(geo.kernel).map((k) => {
      const starts = k.map((kk, a) => kk * geo.dilations[a]!);
      const ends = starts.map((s, a) => s + (geo.outSize[a]! - 1) * geo.strides[a]! + 1);
      return g.reshape(g.slice(xc, starts, ends, axes, geo.strides), [G, Cg, 1, N * O]);
    });
    const prod = g.matmul(wm, g.reshape(g.concat(cols, 2), [G, Cg * K, N * O]));
    const out = swap01(g, g.reshape(prod, [geo.cOut, N, ...geo.outSize]));
    return b ? g.add(out, biasShape(g, b, out.rank)) : out;
  } else if (G === 1) {
    // Every window's cells gathered in one IndexSelect from x laid out [N, H·W, C]: each pick is a run of
    // C contiguous values (C is the batch in a weight gradient, 2000 for LeNet over 2000 digits), where a
    // strided Slice per output position copies rows of a few values and a Concat copies it all again.
    const padded = xp.shape.slice(2);
    const pstr = padded.map((_, a) => padded.slice(a + 1).reduce((p, q) => p * q, 1));
    const C = geo.cIn, M = geo.cOut;
    const cells = grid(geo.outSize).flatMap((o) =>
      grid(geo.kernel).map((k) => k.reduce((f, kk, a) => f + (o[a]! * geo.strides[a]! + kk * geo.dilations[a]!) * pstr[a]!, 0))
    );
    const xq = g.reshape(g.transpose(xp, [0, ...axes, 1]), [N, sizeOf(padded), C]);
    const cols = g.reshape(g.op("IndexSelect", [xq], { axis: 1, indices: cells }), [N * O, K * C]);
    // W as [M, K·C] keeps C innermost (a [.., C, M] layout transposed runs of M = a few values: measured
    // ~4x slower); its transpose is folded into the GEMM by onnxruntime.
    const wmk = g.reshape(g.transpose(g.reshape(w, [M, C, K]), [0, 2, 1]), [M, K * C]);
    y = g.transpose(g.reshape(g.matmul(cols, g.transpose(wmk, [1, 0])), [N, O, M]), [0, 2, 1]);
  } else {
    const windows = grid(geo.outSize).map((o) => {
      const starts = o.map((oo, a) => oo * geo.strides[a]!);
      const ends = starts.map((s, a) => s + (geo.kernel[a]! - 1) * geo.dilations[a]! + 1);
      return g.reshape(g.slice(xp, starts, ends, axes, geo.dilations), [N, G, 1, Cg * K]);
    });
    const prod = g.matmul(g.concat(windows, 2), g.transpose(wm, [0, 2, 1]));
    y = g.transpose(prod, [0, 1, 3, 2]);
  }
  const out = g.reshape(y, [N, geo.cOut, ...geo.outSize]);
  return b ? g.add(out, biasShape(g, b, out.rank)) : out;
}

function geometry(inputs: readonly Value[], attrs: Attrs): ConvGeometry {
  return convGeometry(inputs[0]!, inputs[1]!, inputs[2], attrs);
}

/** Conv with explicit attributes (what derivative rules emit). */
/**
 * The kernel's gradient shared by Conv and ConvTranspose: Σ over the batch and positions of `data`
 * against `slid`, as a grouped Conv of `data` (groups moved to the batch) with `slid` (batch and
 * channels swapped) as its kernel — stride and dilation exchanged — cropped to the kernel's size.
 * For Conv, data = X and slid = gy; for ConvTranspose, data = gy and slid = X.
 */
export function kernelGradient(g: GraphBuilder, data: Value, slid: Value, geo: ConvGeometry, padsEnd: readonly number[]): Value {
  const corr = emitConv(g, groupsToBatch(g, data, geo.group), swap01(g, slid), undefined, {
    kernel_shape: slid.shape.slice(2),
    strides: [...geo.dilations],
    pads: [...geo.padsBegin, ...padsEnd],
    dilations: [...geo.strides],
    group: geo.group
  });
  return swap01(g, cropSpatial(g, corr, geo.kernel));
}

export function emitConv(g: GraphBuilder, x: Value, w: Value, b: Value | undefined, attrs: Attrs): Value {
  return g.op("Conv", b ? [x, w, b] : [x, w], attrs);
}

/**
 * ONNX Conv (opset 11+ semantics, unchanged through 17): X [N, C, spatial...], W [M, C/group,
 * kernel...], optional bias B [M]. auto_pad is resolved to explicit pads here (SAME_*: output
 * ceil(I/s), odd padding at the end for SAME_UPPER, at the beginning for SAME_LOWER); derivative
 * graphs and the ONNX export only ever see explicit pads.
 */
/** Input channels per group from which a float32 Conv is exported as an im2col GEMM (see the lowering). */
export const IM2COL_MIN_CHANNELS_FLOAT32 = 256;

export const Conv = defineOp({
  name: "Conv",
  curvature: convFacts("conv"),
  minInputs: 2,
  maxInputs: 3,
  defaults: { group: 1 },
  onnx: {
    attrs: { kernel_shape: "ints", strides: "ints", pads: "ints", dilations: "ints", group: "int", auto_pad: "string" },
    decompose: {
      dtypes: ["float32", "float64"],
      // float64 has no onnxruntime kernel. float32 is native, with auto_pad spelled out, except for
      // convolutions over very many input channels — the weight gradient's form, where the batch is
      // the channel axis ([C, N, H, W] ⊛ [O, N, h, w]) — which onnxruntime's Conv runs slower than one
      // GEMM over an im2col (measured on LeNet-5 over 2000 digits, three interleaved pairs: gradient
      // 448/377/414 → 383/344/303 ms; the HVP unchanged within the noise).
      when: () => true,
      rewrite: (g, inputs, attrs) => {
        const [x, w, b] = inputs;
        const geo = geometry(inputs, attrs);
        const wide = x!.shape[1]! / geo.group >= IM2COL_MIN_CHANNELS_FLOAT32;
        return x!.dtype === "float64" || wide ? im2colConv(g, x!, w!, b, geo) : emitConv(g, x!, w!, b, explicitAttrs(geo, false));
      }
    }
  },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    const geo = convGeometry(types[0]!, types[1]!, types[2], attrs);
    return { dtype, shape: [geo.batch, geo.cOut, ...geo.outSize] };
  },
  eval: ([x, w, b], attrs, type) => convFloat(x!, w!, b, convGeometry(x!, w!, b, attrs), type),
  exact: ([x, w, b], attrs, type) => convExact(x!, w!, b, convGeometry(x!, w!, b, attrs), false, type),
  interval: ([x, w, b], attrs, type) => convInterval(x!, w!, b, convGeometry(x!, w!, b, attrs), false, type),
  vjp: (g, { inputs, attrs, needs }, gy) => {
    const [x, w, b] = inputs;
    const geo = geometry(inputs, attrs);
    const r = geo.kernel.length;
    // Input positions past the last window: the transposed conv must grow by them to give X's shape.
    const rem = geo.inSize.map((len, a) => len + geo.padsBegin[a]! + geo.padsEnd[a]! - ((geo.kernel[a]! - 1) * geo.dilations[a]! + 1) - geo.strides[a]! * (geo.outSize[a]! - 1));
    let dx: Value | null = null, dw: Value | null = null;
    if (needs[0]) {
      dx = g.op("ConvTranspose", [gy, w!], { ...explicitAttrs(geo, true), output_padding: rem });
    }
    if (needs[1]) {
      // dW[m, c, k] = Σ_{n,o} gy[n, m, o] X[n, c, o·s − pb + k·d]: a Conv of X (batch and channels
      // swapped) with gy as the kernel, stride and dilation exchanged; the unused tail is not padded.
      const padsEnd = geo.padsEnd.map((p, a) => Math.max(0, p - rem[a]!));
      dw = kernelGradient(g, x!, gy, geo, padsEnd);
    }
    const db = b && needs[2] ? g.reduceSum(gy, [0, ...range(2, r + 2)]) : null;
    return [dx, dw, db];
  },
  jvp: (g, { inputs, attrs, output }, [dx, dw, db]) => {
    const [x, w, b] = inputs;
    const ex = explicitAttrs(geometry(inputs, attrs), false);
    // The bias tangent rides on one of the Convs as its bias input, which onnxruntime adds inside the
    // kernel (a broadcast Add over LeNet's conv1 output was ~4% of its HVP over 2000 digits).
    const bias = b && db ? db : undefined;
    const terms: Value[] = [];
    if (dx) terms.push(emitConv(g, dx, w!, bias, ex));
    if (dw) terms.push(emitConv(g, x!, dw, dx ? undefined : bias, ex));
    if (!terms.length) return bias ? g.broadcastTo(biasShape(g, bias, output.rank), output.shape) : null;
    return terms.reduce((s, t) => g.add(s, t));
  }
});
