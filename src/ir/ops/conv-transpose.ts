import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat, sameDType } from "../kernels.js";
import { defineOp } from "../op.js";
import { convExact, convInterval, convTransposeFloat, convTransposeGeometry, explicitAttrs, type ConvGeometry } from "../conv-kernels.js";
import { biasShape, convFacts, cropSpatial, emitConv, kernelGradient, padZeros, swap01 } from "./conv.js";

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

function geometry(inputs: readonly Value[], attrs: Attrs): ConvGeometry {
  return convTransposeGeometry(inputs[0]!, inputs[1]!, inputs[2], attrs);
}

/**
 * float64 ConvTranspose (onnxruntime's CPU provider has it for float32 only — measured) as its own
 * algorithm, MatMul then col2im: one GEMM per group gives every kernel offset's contribution
 * cols[k] = W[:, :, k]ᵀ · X ([M, N, I...], batch second so the GEMM is one big product and each
 * offset's block is contiguous), and each block is spread by the strides (zeros interleaved) and
 * shifted to k·d − pb by one Pad (negative pads crop). The previous form, a stride-1 Conv over the
 * zero-upsampled input, built an im2col K times the size of the *output* (1.25 GB for the input
 * gradient of LeNet's second conv over 2000 digits, ~5 s); these blocks are K times the input.
 */
function col2imConvTranspose(g: GraphBuilder, x: Value, w: Value, b: Value | undefined, geo: ConvGeometry): Value {
  const r = geo.kernel.length;
  const G = geo.group, Cg = geo.cIn / G, Mg = geo.cOut / G, N = geo.batch;
  const K = geo.kernel.reduce((p, q) => p * q, 1), I = geo.inSize.reduce((p, q) => p * q, 1);
  // W [C, Mg, k...] = [G, Cg, Mg, K] -> [G, K·Mg, Cg]; X [N, C, i...] -> [G, Cg, N·I]
  const wt = g.reshape(g.transpose(g.reshape(w, [G, Cg, Mg, K]), [0, 3, 2, 1]), [G, K * Mg, Cg]);
  const xt = g.reshape(swap01(g, x), [G, Cg, N * I]);
  const cols = g.reshape(g.matmul(wt, xt), [G, K, Mg, N * I]);
  const offsets: number[][] = [[]];
  for (const k of geo.kernel) offsets.splice(0, offsets.length, ...offsets.flatMap((o) => range(0, k).map((j) => [...o, j])));
  let acc: Value | null = null;
  offsets.forEach((o, q) => {
    const begin = o.map((j, a) => j * geo.dilations[a]! - geo.padsBegin[a]!);
    const kept = begin.map((bg, a) => Math.min(geo.inSize[a]! * geo.strides[a]!, geo.outSize[a]! - bg) - Math.max(0, -bg));
    if (kept.some((n) => n <= 0)) return;
    let v = g.reshape(g.slice(cols, [q], [q + 1], [1]), [geo.cOut, N, ...geo.inSize]);
    for (let a = 0; a < r; a++) {
      const s = geo.strides[a]!;
      if (s === 1) continue;
      const shape = [...v.shape];
      const ax = a + 2;
      const spread = padZeros(g, g.reshape(v, [...shape.slice(0, ax + 1), 1, ...shape.slice(ax + 1)]), ax + 1, 0, s - 1);
      shape[ax] = shape[ax]! * s;
      v = g.reshape(spread, shape);
    }
    const pads = new Array<number>(2 * (r + 2)).fill(0);
    begin.forEach((bg, a) => {
      pads[a + 2] = bg;
      pads[r + 4 + a] = geo.outSize[a]! - v.shape[a + 2]! - bg;
    });
    const placed = pads.some((p) => p !== 0) ? g.pad(v, pads) : v;
    acc = acc ? g.add(acc, placed) : placed;
  });
  const sum: Value = acc ?? g.zerosLike({ dtype: x.dtype, shape: [geo.cOut, N, ...geo.outSize] });
  const y = swap01(g, sum);
  return b ? g.add(y, biasShape(g, b, y.rank)) : y;
}

/**
 * a and b concatenated along `axis` (ConvTranspose's input-channel axis: 1 of X, 0 of W) group by group:
 * with G groups the result's group j holds a's then b's channels of group j, so a grouped ConvTranspose
 * of the stacks sums the two products.
 */
function stackGroups(g: GraphBuilder, a: Value, b: Value, axis: number, groups: number): Value {
  if (groups === 1) return g.concat([a, b], axis);
  const split = (v: Value): Value => g.reshape(v, [...v.shape.slice(0, axis), groups, v.shape[axis]! / groups, ...v.shape.slice(axis + 1)]);
  const out = [...a.shape];
  out[axis] = 2 * a.shape[axis]!;
  return g.reshape(g.concat([split(a), split(b)], axis + 1), out);
}

function emitConvTranspose(g: GraphBuilder, x: Value, w: Value, attrs: Attrs): Value {
  return g.op("ConvTranspose", [x, w], attrs);
}

/**
 * ONNX ConvTranspose (opset 11+ semantics, unchanged through 17): X [N, C, spatial...], W [C,
 * M/group, kernel...], optional B [M]; output size s·(I−1) + output_padding + (K−1)·d + 1 − pads.
 * output_shape and auto_pad SAME_* are resolved to explicit pads by the spec's equations (total
 * padding split with the odd element at the end for SAME_UPPER and at the beginning otherwise);
 * a negative total padding is refused. Derivative graphs and the ONNX export see explicit pads.
 */
export const ConvTranspose = defineOp({
  name: "ConvTranspose",
  curvature: convFacts("conv_transpose"),
  minInputs: 2,
  maxInputs: 3,
  defaults: { group: 1 },
  onnx: {
    attrs: {
      kernel_shape: "ints", strides: "ints", pads: "ints", dilations: "ints", group: "int", auto_pad: "string",
      output_padding: "ints", output_shape: "ints"
    },
    decompose: {
      dtypes: ["float32", "float64"],
      // float32 is native; only auto_pad / output_shape are spelled out, so onnxruntime's own reading
      // of them (which has differed from the spec's) never matters.
      when: (attrs, dtype) => dtype === "float64" || (attrs["auto_pad"] ?? "NOTSET") !== "NOTSET" || attrs["output_shape"] !== undefined,
      rewrite: (g, inputs, attrs) => {
        const [x, w, b] = inputs;
        const geo = geometry(inputs, attrs);
        if (x!.dtype === "float64") return col2imConvTranspose(g, x!, w!, b, geo);
        return g.op("ConvTranspose", b ? [x!, w!, b] : [x!, w!], explicitAttrs(geo, true));
      }
    }
  },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    const geo = convTransposeGeometry(types[0]!, types[1]!, types[2], attrs);
    return { dtype, shape: [geo.batch, geo.cOut, ...geo.outSize] };
  },
  eval: ([x, w, b], attrs, type) => convTransposeFloat(x!, w!, b, convTransposeGeometry(x!, w!, b, attrs), type),
  exact: ([x, w, b], attrs, type) => convExact(x!, w!, b, convTransposeGeometry(x!, w!, b, attrs), true, type),
  interval: ([x, w, b], attrs, type) => convInterval(x!, w!, b, convTransposeGeometry(x!, w!, b, attrs), true, type),
  vjp: (g, { inputs, attrs, needs }, gy) => {
    const [x, w, b] = inputs;
    const geo = geometry(inputs, attrs);
    const r = geo.kernel.length;
    // The conv that reads gy back at i·s − pb + k·d: end padding pe − output_padding gives exactly I
    // (or K) positions; when output_padding exceeds pe the extra tail is cropped instead.
    const padsEnd = geo.padsEnd.map((p, a) => Math.max(0, p - geo.outputPadding[a]!));
    let dx: Value | null = null, dw: Value | null = null;
    if (needs[0]) {
      const c = emitConv(g, gy, w!, undefined, {
        kernel_shape: [...geo.kernel],
        strides: [...geo.strides],
        pads: [...geo.padsBegin, ...padsEnd],
        dilations: [...geo.dilations],
        group: geo.group
      });
      dx = cropSpatial(g, c, geo.inSize);
    }
    if (needs[1]) {
      // dW[c, m, k] = Σ_{n,i} X[n, c, i] gy[n, m, i·s − pb + k·d]: gy (groups to batch) convolved
      // with X (batch and channels swapped) as the kernel.
      dw = kernelGradient(g, gy, x!, geo, padsEnd);
    }
    const db = b && needs[2] ? g.reduceSum(gy, [0, ...range(2, r + 2)]) : null;
    return [dx, dw, db];
  },
  jvp: (g, { inputs, attrs, output }, [dx, dw, db]) => {
    const [x, w, b] = inputs;
    const ex = explicitAttrs(geometry(inputs, attrs), true);
    const terms: Value[] = [];
    // Both tangents: ConvT(dx, W) + ConvT(X, dW) is one ConvTranspose of [dx, X] (channels of each group
    // stacked) with [W; dW] — one col2im instead of two (float64's col2im, 25 Pads and Adds per call, was
    // ~35% of a LeNet HVP; onnxruntime's float32 kernel also spreads its columns once).
    if (dx && dw) terms.push(emitConvTranspose(g, stackGroups(g, dx, x!, 1, geometry(inputs, attrs).group), stackGroups(g, w!, dw, 0, geometry(inputs, attrs).group), ex));
    else if (dx) terms.push(emitConvTranspose(g, dx, w!, ex));
    else if (dw) terms.push(emitConvTranspose(g, x!, dw, ex));
    // The bias tangent broadcasts in the Add; an Expand to the output's shape first was measured at
    // ~230 ms of a LeNet HVP over 2000 digits. Alone it still has to carry the output's shape.
    const bias = b && db ? biasShape(g, db, output.rank) : null;
    if (!terms.length) return bias ? g.broadcastTo(bias, output.shape) : null;
    const sum = terms.reduce((s, t) => g.add(s, t));
    return bias ? g.add(sum, bias) : sum;
  }
});
