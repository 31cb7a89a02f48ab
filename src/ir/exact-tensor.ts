/**
 * Tensors of exact rationals, the values of the exact interpreter, and the kernels several op records
 * share. Bool values are 0/1, int64 values integers; floats are the real numbers their bits denote, so a
 * graph evaluated here computes its mathematical function with no rounding at all.
 */
import { Rational } from "../num/rational.js";
import type { Attrs, ValueType } from "./graph.js";
import { broadcastIndexMap, broadcastShapes, sizeOf, type Shape } from "./shape.js";
import { matmulPlan, matmulShape, reduceAxes, reducedShape } from "./kernels.js";
import type { Tensor } from "./tensor.js";
import { checkpoint } from "../util/checkpoint.js";

export interface ExactTensor {
  readonly shape: readonly number[];
  readonly data: readonly Rational[];
}

/** Raised by an exact kernel when its result is not a rational function of its inputs (x^0.5, 0^-1). */
export class NotExactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotExactError";
  }
}

export type ExactKernel = (inputs: readonly ExactTensor[], attrs: Attrs, out: ValueType) => ExactTensor;

export function exactTensor(shape: Shape, data: readonly Rational[]): ExactTensor {
  if (data.length !== sizeOf(shape)) throw new Error(`exact tensor of shape [${shape.join(",")}] needs ${sizeOf(shape)} values, got ${data.length}`);
  return { shape: [...shape], data };
}

/** The exact value of every float64 entry (from its bits); non-finite entries are refused. */
export function exactFromTensor(t: Tensor): ExactTensor {
  return { shape: [...t.shape], data: Array.from(t.data, (v) => Rational.fromFloat(v)) };
}

/** Each entry rounded to the nearest double. */
export function exactToFloat64(t: ExactTensor): Float64Array {
  return Float64Array.from(t.data, (r) => r.toNumber());
}

export function exactUnary(f: (x: Rational, attrs: Attrs) => Rational): ExactKernel {
  return ([x], attrs, type) => ({ shape: type.shape, data: x!.data.map((v) => f(v, attrs)) });
}

function gatherBroadcast(t: ExactTensor, out: Shape): readonly Rational[] {
  const map = broadcastIndexMap(t.shape, out);
  if (!map) return t.data;
  return Array.from(map, (i) => t.data[i]!);
}

export function exactBinary(f: (x: Rational, y: Rational, attrs: Attrs) => Rational): ExactKernel {
  return ([a, b], attrs, type) => {
    const shape = broadcastShapes(a!.shape, b!.shape);
    const ad = gatherBroadcast(a!, shape), bd = gatherBroadcast(b!, shape);
    return { shape: type.shape, data: ad.map((x, i) => f(x, bd[i]!, attrs)) };
  };
}

export function exactTernary(f: (x: Rational, y: Rational, z: Rational) => Rational): ExactKernel {
  return ([a, b, c], _attrs, type) => {
    const shape = type.shape;
    const ad = gatherBroadcast(a!, shape), bd = gatherBroadcast(b!, shape), cd = gatherBroadcast(c!, shape);
    return { shape, data: ad.map((x, i) => f(x, bd[i]!, cd[i]!)) };
  };
}

export function exactBool(v: boolean): Rational {
  return v ? Rational.ONE : Rational.ZERO;
}

/** Exact Σ a_ip b_pj with numpy matmul semantics (1-D promotion, batch broadcasting). */
export function exactMatmul(a: ExactTensor, b: ExactTensor): ExactTensor {
  const { m, k, n, batches: nb, aOffset, bOffset } = matmulPlan(a.shape, b.shape);
  const r = new Array<Rational>(nb * m * n);
  for (let t = 0; t < nb; t++) {
    const ao = aOffset(t), bo = bOffset(t), ro = t * m * n;
    for (let i = 0; i < m; i++) {
      checkpoint();
      for (let j = 0; j < n; j++) {
        let s = Rational.ZERO;
        for (let p = 0; p < k; p++) {
          const av = a.data[ao + i * k + p]!;
          if (av.isZero()) continue;
          s = s.add(av.mul(b.data[bo + p * n + j]!));
        }
        r[ro + i * n + j] = s;
      }
    }
  }
  return { shape: matmulShape(a.shape, b.shape), data: r };
}

export function exactTranspose2d(x: ExactTensor): ExactTensor {
  const [r, c] = [x.shape[0]!, x.shape[1]!];
  const d = new Array<Rational>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) d[j * r + i] = x.data[i * c + j]!;
  return { shape: [c, r], data: d };
}

/** Folds each element into its output slot; `finish` maps each slot's accumulator and element count. */
export function exactReduce(
  x: ExactTensor,
  attrs: Attrs,
  type: ValueType,
  fold: (acc: Rational | undefined, v: Rational) => Rational,
  finish?: (acc: Rational, count: number) => Rational,
  empty?: Rational
): ExactTensor {
  const axesAttr = attrs["axes"];
  const axes = reduceAxes(x.shape.length, Array.isArray(axesAttr) ? (axesAttr as readonly number[]) : undefined);
  const keepShape = reducedShape(x.shape, axes, true);
  const slots = new Array<Rational | undefined>(sizeOf(keepShape));
  const map = broadcastIndexMap(keepShape, x.shape);
  for (let f = 0; f < x.data.length; f++) {
    const o = map ? map[f]! : f;
    slots[o] = fold(slots[o], x.data[f]!);
  }
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  const data = slots.map((acc) => {
    if (acc === undefined) {
      if (empty === undefined) throw new NotExactError("reduction over an empty axis has no exact value");
      return empty;
    }
    return finish ? finish(acc, count) : acc;
  });
  return { shape: type.shape, data };
}
