/**
 * Geometry and kernels shared by the Conv and ConvTranspose records (N, C, spatial... layout, any
 * number of spatial axes). Attributes are resolved once into explicit numbers (auto_pad and
 * output_shape become pads), so every interpreter, derivative rule and the ONNX lowering agree on one
 * reading of ONNX opset 17.
 *
 * Both ops are written as one gather per output element:
 *   Conv:          Y[n, g·Mg+m, o] = Σ_{c<Cg, k} W[g·Mg+m, c, k] · X[n, g·Cg+c, o·s − pb + k·d]
 *   ConvTranspose: Y[n, g·Mg+m, o] = Σ_{c<Cg, k, i: i·s + k·d = o + pb} X[n, g·Cg+c, i] · W[g·Cg+c, m, k]
 * (out-of-range input positions read the zero padding). A table maps (kernel offset, output position)
 * to the input position read, or −1; the exact and interval kernels multiply a gathered column
 * matrix by the weight matrix with the shared matmul kernels. The float64 ConvTranspose scatters
 * instead (col2im), which wastes no work on the zeros between strided input positions.
 */
import type { Attrs, ValueType } from "./graph.js";
import { Rational } from "../num/rational.js";
import { addDown, addUp } from "../num/interval/index.js";
import { exactMatmul, type ExactTensor } from "./exact-tensor.js";
import { intervalMatmul, type IntervalTensor } from "./interval-tensor.js";
import { ShapeError, fmtShape, sizeOf } from "./shape.js";
import type { Tensor } from "./tensor.js";

export type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";

/** Geometry needs only shapes, so value types and every interpreter's tensors can be passed alike. */
interface Shaped {
  readonly shape: readonly number[];
}

/** A Conv or ConvTranspose with every attribute resolved to numbers. */
export interface ConvGeometry {
  readonly batch: number;
  /** Channels of X and of Y. */
  readonly cIn: number;
  readonly cOut: number;
  readonly group: number;
  /** Spatial sizes of X, W and Y. */
  readonly inSize: readonly number[];
  readonly kernel: readonly number[];
  readonly outSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
  /** ConvTranspose only (zeros for Conv). */
  readonly outputPadding: readonly number[];
}

function intList(attrs: Attrs, name: string, len: number, def: number, min: number): number[] {
  const v = attrs[name];
  if (v === undefined) return new Array<number>(len).fill(def);
  if (!Array.isArray(v) || v.length !== len || v.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ShapeError(`${name} must be ${len} integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [...(v as readonly number[])];
}

function autoPadOf(attrs: Attrs): AutoPad {
  const v = attrs["auto_pad"] ?? "NOTSET";
  if (v !== "NOTSET" && v !== "SAME_UPPER" && v !== "SAME_LOWER" && v !== "VALID") {
    throw new ShapeError(`auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got ${JSON.stringify(v)}`);
  }
  return v;
}

function groupOf(attrs: Attrs): number {
  const g = attrs["group"] ?? 1;
  if (typeof g !== "number" || !Number.isInteger(g) || g < 1) throw new ShapeError(`group must be a positive integer, got ${JSON.stringify(g)}`);
  return g;
}

interface Common {
  r: number;
  kernel: number[];
  strides: number[];
  dilations: number[];
  group: number;
  autoPad: AutoPad;
}

function common(x: Shaped, w: Shaped, attrs: Attrs): Common {
  if (x.shape.length < 3) throw new ShapeError(`X must have shape [N, C, spatial...] with at least one spatial axis, got ${fmtShape(x.shape)}`);
  if (w.shape.length !== x.shape.length) throw new ShapeError(`W ${fmtShape(w.shape)} must have the rank of X ${fmtShape(x.shape)}`);
  const r = x.shape.length - 2;
  const kernel = w.shape.slice(2);
  const ks = attrs["kernel_shape"];
  if (ks !== undefined && (!Array.isArray(ks) || ks.length !== r || ks.some((k, i) => k !== kernel[i]))) {
    throw new ShapeError(`kernel_shape ${JSON.stringify(ks)} does not match W's spatial shape ${fmtShape(kernel)}`);
  }
  if (kernel.some((k) => k < 1)) throw new ShapeError(`W has an empty kernel ${fmtShape(kernel)}`);
  return {
    r,
    kernel,
    strides: intList(attrs, "strides", r, 1, 1),
    dilations: intList(attrs, "dilations", r, 1, 1),
    group: groupOf(attrs),
    autoPad: autoPadOf(attrs)
  };
}

function biasCheck(b: Shaped | undefined, m: number): void {
  if (b && (b.shape.length !== 1 || b.shape[0] !== m)) throw new ShapeError(`B must have shape [${m}], got ${fmtShape(b.shape)}`);
}

/** Conv: X [N, C, I...], W [M, C/group, K...], optional B [M]. */
export function convGeometry(x: Shaped, w: Shaped, b: Shaped | undefined, attrs: Attrs): ConvGeometry {
  const { r, kernel, strides, dilations, group, autoPad } = common(x, w, attrs);
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const m = w.shape[0]!;
  if (c % group !== 0 || m % group !== 0) throw new ShapeError(`group ${group} must divide the input channels ${c} and the output channels ${m}`);
  if (w.shape[1]! * group !== c) throw new ShapeError(`W ${fmtShape(w.shape)} must have C/group = ${c / group} input channels per group`);
  biasCheck(b, m);
  const inSize = x.shape.slice(2);
  let pb: number[], pe: number[];
  if (autoPad === "NOTSET") {
    const pads = intList(attrs, "pads", 2 * r, 0, 0);
    pb = pads.slice(0, r);
    pe = pads.slice(r);
  } else if (autoPad === "VALID") {
    pb = new Array<number>(r).fill(0);
    pe = new Array<number>(r).fill(0);
  } else {
    // SAME_*: output = ceil(I / s); an odd total goes to the end (UPPER) or the beginning (LOWER).
    pb = [];
    pe = [];
    for (let a = 0; a < r; a++) {
      const out = Math.ceil(inSize[a]! / strides[a]!);
      const total = Math.max(0, (out - 1) * strides[a]! + (kernel[a]! - 1) * dilations[a]! + 1 - inSize[a]!);
      const small = Math.floor(total / 2);
      pb.push(autoPad === "SAME_UPPER" ? small : total - small);
      pe.push(autoPad === "SAME_UPPER" ? total - small : small);
    }
  }
  const outSize = inSize.map((len, a) => {
    const span = (kernel[a]! - 1) * dilations[a]! + 1;
    const padded = len + pb[a]! + pe[a]!;
    if (padded < span) throw new ShapeError(`spatial axis ${a}: the dilated kernel (${span}) is larger than the padded input (${padded})`);
    return Math.floor((padded - span) / strides[a]!) + 1;
  });
  return {
    batch: n, cIn: c, cOut: m, group, inSize, kernel, outSize, strides, dilations,
    padsBegin: pb, padsEnd: pe, outputPadding: new Array<number>(r).fill(0)
  };
}

/** ConvTranspose: X [N, C, I...], W [C, M/group, K...], optional B [M]. */
export function convTransposeGeometry(x: Shaped, w: Shaped, b: Shaped | undefined, attrs: Attrs): ConvGeometry {
  const { r, kernel, strides, dilations, group, autoPad } = common(x, w, attrs);
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  if (w.shape[0] !== c) throw new ShapeError(`W ${fmtShape(w.shape)} must have the ${c} input channels of X first`);
  if (c % group !== 0) throw new ShapeError(`group ${group} must divide the input channels ${c}`);
  const m = w.shape[1]! * group;
  biasCheck(b, m);
  const inSize = x.shape.slice(2);
  const outputPadding = intList(attrs, "output_padding", r, 0, 0);
  outputPadding.forEach((p, a) => {
    // ONNX: "less than the corresponding stride/dilation"; onnxruntime reads it as max(stride, dilation).
    if (p >= Math.max(strides[a]!, dilations[a]!)) {
      throw new ShapeError(`output_padding ${p} on spatial axis ${a} must be less than max(stride, dilation) = ${Math.max(strides[a]!, dilations[a]!)}`);
    }
  });
  const full = inSize.map((len, a) => strides[a]! * (len - 1) + outputPadding[a]! + (kernel[a]! - 1) * dilations[a]! + 1);
  let target: number[] | undefined;
  const os = attrs["output_shape"];
  if (os !== undefined) {
    // ONNX says spatial sizes only; onnxruntime also accepts [N, C, spatial...].
    const v = os as readonly number[];
    const spatial = Array.isArray(v) && v.length === r + 2 ? v.slice(2) : v;
    if (!Array.isArray(spatial) || spatial.length !== r || spatial.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ShapeError(`output_shape must list the ${r} spatial output sizes, got ${JSON.stringify(os)}`);
    }
    target = [...spatial];
  } else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    target = inSize.map((len, a) => len * strides[a]!);
  }
  let pb: number[], pe: number[];
  if (target) {
    pb = [];
    pe = [];
    for (let a = 0; a < r; a++) {
      const total = full[a]! - target[a]!;
      if (total < 0) {
        throw new ShapeError(`spatial axis ${a}: output size ${target[a]} exceeds the full transposed convolution (${full[a]}); negative padding is not supported`);
      }
      // The spec's split: SAME_UPPER puts the odd element at the end, everything else at the beginning.
      const small = Math.floor(total / 2);
      pb.push(autoPad === "SAME_UPPER" ? small : total - small);
      pe.push(autoPad === "SAME_UPPER" ? total - small : small);
    }
  } else if (autoPad === "VALID") {
    pb = new Array<number>(r).fill(0);
    pe = new Array<number>(r).fill(0);
  } else {
    const pads = intList(attrs, "pads", 2 * r, 0, 0);
    pb = pads.slice(0, r);
    pe = pads.slice(r);
  }
  const outSize = full.map((f, a) => {
    const o = f - pb[a]! - pe[a]!;
    if (o < 1) throw new ShapeError(`spatial axis ${a}: pads ${pb[a]}+${pe[a]} leave no output (full size ${f})`);
    return o;
  });
  return {
    batch: n, cIn: c, cOut: m, group, inSize, kernel, outSize, strides, dilations,
    padsBegin: pb, padsEnd: pe, outputPadding
  };
}

/** The explicit ONNX attributes that reproduce a geometry (no auto_pad, no output_shape). */
export function explicitAttrs(geo: ConvGeometry, transposed: boolean): Attrs {
  const a: Record<string, readonly number[] | number> = {
    kernel_shape: [...geo.kernel],
    strides: [...geo.strides],
    pads: [...geo.padsBegin, ...geo.padsEnd],
    dilations: [...geo.dilations],
    group: geo.group
  };
  if (transposed) a["output_padding"] = [...geo.outputPadding];
  return a;
}

// ---- gather tables --------------------------------------------------------------------------------

/**
 * For every kernel offset k and every position p of a `loop` grid, the flat index into a `target`
 * grid of coordinate p·s − pb + k·d (per axis), or −1 when it falls outside: Conv's gather (loop =
 * output, target = input) and ConvTranspose's scatter (loop = input, target = output) alike.
 * Layout: table[k·P + p].
 */
export function affineTable(loop: readonly number[], target: readonly number[], kernel: readonly number[], strides: readonly number[], padsBegin: readonly number[], dilations: readonly number[]): Int32Array {
  const r = loop.length;
  // Per axis: coord[a][k·L + p] (−1 outside), then combined over axes with row-major strides.
  const perAxis = loop.map((len, a) => {
    const t = new Int32Array(kernel[a]! * len);
    for (let k = 0; k < kernel[a]!; k++) {
      for (let p = 0; p < len; p++) {
        const c = p * strides[a]! - padsBegin[a]! + k * dilations[a]!;
        t[k * len + p] = c >= 0 && c < target[a]! ? c : -1;
      }
    }
    return t;
  });
  return combine(perAxis, loop, target, kernel, r);
}

/** ConvTranspose's gather: output position o reads input (o + pb − k·d)/s where that is an integer in range. */
export function transposedGatherTable(geo: ConvGeometry): Int32Array {
  const { outSize, inSize, kernel, strides, padsBegin, dilations } = geo;
  const perAxis = outSize.map((len, a) => {
    const t = new Int32Array(kernel[a]! * len);
    for (let k = 0; k < kernel[a]!; k++) {
      for (let o = 0; o < len; o++) {
        const num = o + padsBegin[a]! - k * dilations[a]!;
        const i = num / strides[a]!;
        t[k * len + o] = num >= 0 && Number.isInteger(i) && i < inSize[a]! ? i : -1;
      }
    }
    return t;
  });
  return combine(perAxis, outSize, inSize, kernel, outSize.length);
}

function combine(perAxis: Int32Array[], loop: readonly number[], target: readonly number[], kernel: readonly number[], r: number): Int32Array {
  const P = sizeOf(loop), K = sizeOf(kernel);
  const tstr = new Array<number>(r);
  for (let a = r - 1, acc = 1; a >= 0; a--) {
    tstr[a] = acc;
    acc *= target[a]!;
  }
  const table = new Int32Array(K * P);
  const ki = new Array<number>(r).fill(0);
  const pi = new Array<number>(r).fill(0);
  for (let k = 0; k < K; k++) {
    pi.fill(0);
    for (let p = 0; p < P; p++) {
      let off = 0;
      for (let a = 0; a < r; a++) {
        const c = perAxis[a]![ki[a]! * loop[a]! + pi[a]!]!;
        if (c < 0) {
          off = -1;
          break;
        }
        off += c * tstr[a]!;
      }
      table[k * P + p] = off;
      for (let a = r - 1; a >= 0; a--) {
        if (++pi[a]! < loop[a]!) break;
        pi[a] = 0;
      }
    }
    for (let a = r - 1; a >= 0; a--) {
      if (++ki[a]! < kernel[a]!) break;
      ki[a] = 0;
    }
  }
  return table;
}

interface Sizes {
  N: number; C: number; M: number; G: number; Cg: number; Mg: number; I: number; O: number; K: number;
}

function sizes(geo: ConvGeometry): Sizes {
  const G = geo.group;
  return {
    N: geo.batch, C: geo.cIn, M: geo.cOut, G, Cg: geo.cIn / G, Mg: geo.cOut / G,
    I: sizeOf(geo.inSize), O: sizeOf(geo.outSize), K: sizeOf(geo.kernel)
  };
}

function addBias(y: Float64Array, b: Tensor | undefined, N: number, M: number, O: number): void {
  if (!b) return;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const bv = b.data[m]!, base = (n * M + m) * O;
      for (let o = 0; o < O; o++) y[base + o]! += bv;
    }
  }
}

// ---- float64 --------------------------------------------------------------------------------------

/**
 * y[yoff + o] += Σ_p a[aoff + p] · cols[p·O + o] for o < O, p < P: eight (then four) reduction terms
 * per pass over y, which is what makes a scalar JS loop fast (one load and store of y per eight
 * multiply-adds; measured 3-4x faster than one term per pass).
 */
function accumulateRows(y: Float64Array, yoff: number, a: Float64Array, aoff: number, P: number, cols: Float64Array, O: number): void {
  let p = 0;
  for (; p + 8 <= P; p += 8) {
    const q = aoff + p;
    const a0 = a[q]!, a1 = a[q + 1]!, a2 = a[q + 2]!, a3 = a[q + 3]!, a4 = a[q + 4]!, a5 = a[q + 5]!, a6 = a[q + 6]!, a7 = a[q + 7]!;
    const c0 = p * O, c1 = c0 + O, c2 = c1 + O, c3 = c2 + O, c4 = c3 + O, c5 = c4 + O, c6 = c5 + O, c7 = c6 + O;
    for (let o = 0; o < O; o++) {
      y[yoff + o]! += a0 * cols[c0 + o]! + a1 * cols[c1 + o]! + a2 * cols[c2 + o]! + a3 * cols[c3 + o]! +
        a4 * cols[c4 + o]! + a5 * cols[c5 + o]! + a6 * cols[c6 + o]! + a7 * cols[c7 + o]!;
    }
  }
  for (; p + 4 <= P; p += 4) {
    const a0 = a[aoff + p]!, a1 = a[aoff + p + 1]!, a2 = a[aoff + p + 2]!, a3 = a[aoff + p + 3]!;
    const c0 = p * O, c1 = c0 + O, c2 = c1 + O, c3 = c2 + O;
    for (let o = 0; o < O; o++) y[yoff + o]! += a0 * cols[c0 + o]! + a1 * cols[c1 + o]! + a2 * cols[c2 + o]! + a3 * cols[c3 + o]!;
  }
  for (; p < P; p++) {
    const av = a[aoff + p]!;
    if (av === 0) continue;
    const cb = p * O;
    for (let o = 0; o < O; o++) y[yoff + o]! += av * cols[cb + o]!;
  }
}

/** Σ_p a[aoff + p] · b[boff + p] with four partial sums. */
function dot(a: Float64Array, aoff: number, b: Float64Array, boff: number, P: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p = 0;
  for (; p + 4 <= P; p += 4) {
    s0 += a[aoff + p]! * b[boff + p]!;
    s1 += a[aoff + p + 1]! * b[boff + p + 1]!;
    s2 += a[aoff + p + 2]! * b[boff + p + 2]!;
    s3 += a[aoff + p + 3]! * b[boff + p + 3]!;
  }
  for (; p < P; p++) s0 += a[aoff + p]! * b[boff + p]!;
  return s0 + s1 + (s2 + s3);
}

/** y[yoff + j·ystride] += Σ_p a[aoff + j·astride + p] · b[boff + p] for j < 4: one load of b per four multiply-adds. */
function dot4(y: Float64Array, yoff: number, ystride: number, a: Float64Array, aoff: number, astride: number, b: Float64Array, boff: number, P: number): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const a1 = aoff + astride, a2 = a1 + astride, a3 = a2 + astride;
  for (let p = 0; p < P; p++) {
    const bv = b[boff + p]!;
    s0 += a[aoff + p]! * bv;
    s1 += a[a1 + p]! * bv;
    s2 += a[a2 + p]! * bv;
    s3 += a[a3 + p]! * bv;
  }
  y[yoff]! += s0;
  y[yoff + ystride]! += s1;
  y[yoff + 2 * ystride]! += s2;
  y[yoff + 3 * ystride]! += s3;
}

/** Column blocks of about this many entries stay in cache. */
const FLOAT_BLOCK = 1 << 16;

/**
 * im2col for a block of input channels (their K×O columns stacked, so W's rows are contiguous over
 * the block's (channel, kernel offset) pairs), then each output channel accumulates its row block.
 */
export function convFloat(x: Tensor, w: Tensor, b: Tensor | undefined, geo: ConvGeometry, type: ValueType): Tensor {
  const { N, C, M, G, Cg, Mg, I, O, K } = sizes(geo);
  const table = affineTable(geo.outSize, geo.inSize, geo.kernel, geo.strides, geo.padsBegin, geo.dilations);
  const xd = x.data, wd = w.data;
  const y = new Float64Array(N * M * O);
  const chunk = Math.max(1, Math.min(Cg, Math.floor(FLOAT_BLOCK / Math.max(1, K * O))));
  const dots = O < 64 && chunk * K > 4 * O;
  const cols = new Float64Array(dots ? 0 : chunk * K * O);
  const colsT = new Float64Array(dots ? chunk * K * O : 0);
  const tableT = new Int32Array(dots ? K * O : 0);
  if (dots) for (let k = 0; k < K; k++) for (let o = 0; o < O; o++) tableT[o * K + k] = table[k * O + o]!;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      for (let c0 = 0; c0 < Cg; c0 += chunk) {
        const cc = Math.min(chunk, Cg - c0);
        if (dots) {
          // Few output positions (weight-gradient convs): one long dot product per output instead.
          const P = cc * K;
          for (let c = 0; c < cc; c++) {
            const xoff = (n * C + g * Cg + c0 + c) * I;
            for (let o = 0; o < O; o++) {
              const base = o * P + c * K;
              for (let k = 0; k < K; k++) {
                const t = tableT[o * K + k]!;
                colsT[base + k] = t < 0 ? 0 : xd[xoff + t]!;
              }
            }
          }
          let m = 0;
          for (; m + 4 <= Mg; m += 4) {
            const aoff = ((g * Mg + m) * Cg + c0) * K, yoff = (n * M + g * Mg + m) * O;
            for (let o = 0; o < O; o++) dot4(y, yoff + o, O, wd, aoff, Cg * K, colsT, o * P, P);
          }
          for (; m < Mg; m++) {
            const aoff = ((g * Mg + m) * Cg + c0) * K, yoff = (n * M + g * Mg + m) * O;
            for (let o = 0; o < O; o++) y[yoff + o]! += dot(wd, aoff, colsT, o * P, P);
          }
        } else {
          for (let c = 0; c < cc; c++) {
            const xoff = (n * C + g * Cg + c0 + c) * I, base = c * K * O;
            for (let q = 0; q < K * O; q++) {
              const t = table[q]!;
              cols[base + q] = t < 0 ? 0 : xd[xoff + t]!;
            }
          }
          for (let m = 0; m < Mg; m++) {
            accumulateRows(y, (n * M + g * Mg + m) * O, wd, ((g * Mg + m) * Cg + c0) * K, cc * K, cols, O);
          }
        }
      }
    }
  }
  addBias(y, b, N, M, O);
  return { dtype: type.dtype, shape: type.shape, data: y };
}

/** Columns W_gᵀ X_g (K×I per output channel, four input channels per pass), scattered onto the output (col2im). */
export function convTransposeFloat(x: Tensor, w: Tensor, b: Tensor | undefined, geo: ConvGeometry, type: ValueType): Tensor {
  const { N, C, M, G, Cg, Mg, I, O, K } = sizes(geo);
  const table = affineTable(geo.inSize, geo.outSize, geo.kernel, geo.strides, geo.padsBegin, geo.dilations);
  const xd = x.data, wd = w.data;
  const y = new Float64Array(N * M * O);
  const col = new Float64Array(K * I);
  const wstride = Mg * K;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      for (let m = 0; m < Mg; m++) {
        col.fill(0);
        for (let k = 0; k < K; k++) {
          const cb = k * I;
          let c = 0;
          for (; c + 4 <= Cg; c += 4) {
            const wi = ((g * Cg + c) * Mg + m) * K + k;
            const w0 = wd[wi]!, w1 = wd[wi + wstride]!, w2 = wd[wi + 2 * wstride]!, w3 = wd[wi + 3 * wstride]!;
            const x0 = (n * C + g * Cg + c) * I, x1 = x0 + I, x2 = x1 + I, x3 = x2 + I;
            for (let i = 0; i < I; i++) col[cb + i]! += w0 * xd[x0 + i]! + w1 * xd[x1 + i]! + w2 * xd[x2 + i]! + w3 * xd[x3 + i]!;
          }
          for (; c < Cg; c++) {
            const wv = wd[((g * Cg + c) * Mg + m) * K + k]!;
            if (wv === 0) continue;
            const xoff = (n * C + g * Cg + c) * I;
            for (let i = 0; i < I; i++) col[cb + i]! += wv * xd[xoff + i]!;
          }
        }
        const ybase = (n * M + g * Mg + m) * O;
        for (let q = 0; q < K * I; q++) {
          const t = table[q]!;
          if (t >= 0) y[ybase + t]! += col[q]!;
        }
      }
    }
  }
  addBias(y, b, N, M, O);
  return { dtype: type.dtype, shape: type.shape, data: y };
}

// ---- exact and interval: Y_g = Σ over channel chunks of Wmat[Mg, cc·K] × cols[cc·K, O] --------------

/** Flat index of the weight entry multiplying channel c (within group g) at kernel offset k for output channel m. */
type WeightIndex = (g: number, m: number, c: number, k: number) => number;

function weightIndex(geo: ConvGeometry, transposed: boolean): WeightIndex {
  const { Cg, Mg, K } = sizes(geo);
  return transposed
    ? (g, m, c, k) => ((g * Cg + c) * Mg + m) * K + k
    : (g, m, c, k) => ((g * Mg + m) * Cg + c) * K + k;
}

/** Channels per chunk so that a column block stays near a million entries. */
function chunkChannels(Cg: number, K: number, O: number): number {
  return Math.max(1, Math.min(Cg, Math.floor((1 << 20) / Math.max(1, K * O))));
}

interface GatherPlan {
  s: Sizes;
  table: Int32Array;
  widx: WeightIndex;
  chunk: number;
}

function gatherPlan(geo: ConvGeometry, transposed: boolean): GatherPlan {
  const s = sizes(geo);
  const table = transposed
    ? transposedGatherTable(geo)
    : affineTable(geo.outSize, geo.inSize, geo.kernel, geo.strides, geo.padsBegin, geo.dilations);
  return { s, table, widx: weightIndex(geo, transposed), chunk: chunkChannels(s.Cg, s.K, s.O) };
}

export function convExact(x: ExactTensor, w: ExactTensor, b: ExactTensor | undefined, geo: ConvGeometry, transposed: boolean, type: ValueType): ExactTensor {
  const { s: { N, C, M, G, Cg, Mg, I, O, K }, table, widx, chunk } = gatherPlan(geo, transposed);
  const y = new Array<Rational>(N * M * O).fill(Rational.ZERO);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      for (let c0 = 0; c0 < Cg; c0 += chunk) {
        const cc = Math.min(chunk, Cg - c0);
        const a = new Array<Rational>(Mg * cc * K);
        for (let m = 0; m < Mg; m++) {
          for (let c = 0; c < cc; c++) for (let k = 0; k < K; k++) a[(m * cc + c) * K + k] = w.data[widx(g, m, c0 + c, k)]!;
        }
        const cols = new Array<Rational>(cc * K * O);
        for (let c = 0; c < cc; c++) {
          const xoff = (n * C + g * Cg + c0 + c) * I;
          for (let q = 0; q < K * O; q++) {
            const t = table[q]!;
            cols[c * K * O + q] = t < 0 ? Rational.ZERO : x.data[xoff + t]!;
          }
        }
        const part = exactMatmul({ shape: [Mg, cc * K], data: a }, { shape: [cc * K, O], data: cols });
        const ybase = (n * M + g * Mg) * O;
        for (let q = 0; q < Mg * O; q++) y[ybase + q] = y[ybase + q]!.add(part.data[q]!);
      }
    }
  }
  if (b) {
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) for (let o = 0; o < O; o++) y[(n * M + m) * O + o] = y[(n * M + m) * O + o]!.add(b.data[m]!);
    }
  }
  return { shape: type.shape, data: y };
}

/**
 * Each chunk's product is an enclosure (intervalMatmul: directed rounding, or the midpoint-radius
 * bound for large blocks); chunk sums and the bias are added with outward rounding, so the result
 * encloses the exact real convolution of every point of the input boxes. Padding reads exact zeros.
 */
export function convInterval(x: IntervalTensor, w: IntervalTensor, b: IntervalTensor | undefined, geo: ConvGeometry, transposed: boolean, type: ValueType): IntervalTensor {
  const { s: { N, C, M, G, Cg, Mg, I, O, K }, table, widx, chunk } = gatherPlan(geo, transposed);
  const lo = new Float64Array(N * M * O), hi = new Float64Array(N * M * O);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      for (let c0 = 0; c0 < Cg; c0 += chunk) {
        const cc = Math.min(chunk, Cg - c0);
        const alo = new Float64Array(Mg * cc * K), ahi = new Float64Array(Mg * cc * K);
        for (let m = 0; m < Mg; m++) {
          for (let c = 0; c < cc; c++) {
            for (let k = 0; k < K; k++) {
              const src = widx(g, m, c0 + c, k), dst = (m * cc + c) * K + k;
              alo[dst] = w.lo[src]!;
              ahi[dst] = w.hi[src]!;
            }
          }
        }
        const clo = new Float64Array(cc * K * O), chi = new Float64Array(cc * K * O);
        for (let c = 0; c < cc; c++) {
          const xoff = (n * C + g * Cg + c0 + c) * I;
          for (let q = 0; q < K * O; q++) {
            const t = table[q]!;
            if (t >= 0) {
              clo[c * K * O + q] = x.lo[xoff + t]!;
              chi[c * K * O + q] = x.hi[xoff + t]!;
            }
          }
        }
        const part = intervalMatmul({ shape: [Mg, cc * K], lo: alo, hi: ahi }, { shape: [cc * K, O], lo: clo, hi: chi });
        const ybase = (n * M + g * Mg) * O;
        if (c0 === 0) {
          lo.set(part.lo, ybase);
          hi.set(part.hi, ybase);
        } else {
          for (let q = 0; q < Mg * O; q++) {
            lo[ybase + q] = addDown(lo[ybase + q]!, part.lo[q]!);
            hi[ybase + q] = addUp(hi[ybase + q]!, part.hi[q]!);
          }
        }
      }
    }
  }
  if (b) {
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        for (let o = 0; o < O; o++) {
          const q = (n * M + m) * O + o;
          lo[q] = addDown(lo[q]!, b.lo[m]!);
          hi[q] = addUp(hi[q]!, b.hi[m]!);
        }
      }
    }
  }
  return { shape: type.shape, lo, hi };
}
