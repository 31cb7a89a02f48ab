/**
 * Tensors of closed intervals, the values of the interval interpreter, and the kernels several op
 * records share. Every kernel is an enclosure: for all real inputs inside the input intervals, the
 * exact real result lies inside the output interval (outward rounding everywhere). A NaN endpoint
 * means "no enclosure" (e.g. log of an interval reaching below 0), as in the number-level library.
 * Bool values are [0,0], [1,1], or [0,1] when the comparison is undecided on the box.
 */
import * as iv from "../num/interval/index.js";
import type { Interval } from "../num/interval/index.js";
import { addDown, addUp, divDown, divUp, mulDown, mulUp } from "../num/interval/index.js";
import type { Attrs, ValueType } from "./graph.js";
import { matmulPlan, matmulShape, reduceAxes, reducedShape, type MatmulPlan } from "./kernels.js";
import { midRadMatmul } from "./interval-matmul.js";
import { broadcastIndexMap, broadcastShapes, sizeOf, type Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";
import { checkpoint } from "../util/checkpoint.js";

/** The number-level interval library, re-exported so op records import it from one place in ir/. */
export { iv };
export type { Interval };

export interface IntervalTensor {
  readonly shape: readonly number[];
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

export type IntervalKernel = (inputs: readonly IntervalTensor[], attrs: Attrs, out: ValueType) => IntervalTensor;

export function intervalTensor(shape: Shape, lo: ArrayLike<number>, hi: ArrayLike<number>): IntervalTensor {
  const n = sizeOf(shape);
  if (lo.length !== n || hi.length !== n) throw new Error(`interval tensor of shape [${shape.join(",")}] needs ${n} bounds`);
  const l = Float64Array.from(lo), h = Float64Array.from(hi);
  for (let i = 0; i < n; i++) {
    if (!(l[i]! <= h[i]!) && !(Number.isNaN(l[i]!) && Number.isNaN(h[i]!))) {
      throw new Error(`interval ${i}: lower bound ${l[i]} exceeds upper bound ${h[i]}`);
    }
  }
  return { shape: [...shape], lo: l, hi: h };
}

/** Degenerate intervals [v, v] for each entry (the float64 values are taken as exact reals). */
export function pointTensor(t: Tensor): IntervalTensor {
  return { shape: [...t.shape], lo: t.data.slice(), hi: t.data.slice() };
}

export function intervalAt(t: IntervalTensor, i: number): Interval {
  return { lo: t.lo[i]!, hi: t.hi[i]! };
}

function fromIntervals(shape: Shape, vals: readonly Interval[]): IntervalTensor {
  const lo = new Float64Array(vals.length), hi = new Float64Array(vals.length);
  vals.forEach((v, i) => {
    lo[i] = v.lo;
    hi[i] = v.hi;
  });
  return { shape: [...shape], lo, hi };
}

export function intervalUnary(f: (x: Interval, attrs: Attrs) => Interval): IntervalKernel {
  return ([x], attrs, type) => {
    const n = x!.lo.length;
    const lo = new Float64Array(n), hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = f({ lo: x!.lo[i]!, hi: x!.hi[i]! }, attrs);
      lo[i] = r.lo;
      hi[i] = r.hi;
    }
    return { shape: type.shape, lo, hi };
  };
}

function indexFor(s: Shape, out: Shape): (i: number) => number {
  const map = broadcastIndexMap(s, out);
  return map ? (i) => map[i]! : (i) => i;
}

/** `same` is true when both operands are the same graph value (x*x), which lets kernels avoid the dependency problem. */
export function intervalBinary(f: (x: Interval, y: Interval, attrs: Attrs, same: boolean) => Interval): IntervalKernel {
  return ([a, b], attrs, type) => {
    const shape = broadcastShapes(a!.shape, b!.shape);
    const ia = indexFor(a!.shape, shape), ib = indexFor(b!.shape, shape);
    const same = a === b;
    const n = sizeOf(shape);
    const lo = new Float64Array(n), hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = f(intervalAt(a!, ia(i)), intervalAt(b!, ib(i)), attrs, same);
      lo[i] = r.lo;
      hi[i] = r.hi;
    }
    return { shape: type.shape, lo, hi };
  };
}

export function intervalTernary(f: (x: Interval, y: Interval, z: Interval) => Interval): IntervalKernel {
  return ([a, b, c], _attrs, type) => {
    const shape = type.shape;
    const ia = indexFor(a!.shape, shape), ib = indexFor(b!.shape, shape), ic = indexFor(c!.shape, shape);
    const vals = new Array<Interval>(sizeOf(shape));
    for (let i = 0; i < vals.length; i++) vals[i] = f(intervalAt(a!, ia(i)), intervalAt(b!, ib(i)), intervalAt(c!, ic(i)));
    return fromIntervals(shape, vals);
  };
}

export const TRUE: Interval = { lo: 1, hi: 1 };
export const FALSE: Interval = { lo: 0, hi: 0 };
export const UNDECIDED: Interval = { lo: 0, hi: 1 };

/** A comparison's truth on a box: certainly true, certainly false, or undecided. */
export function truth(certainlyTrue: boolean, certainlyFalse: boolean): Interval {
  return certainlyTrue ? TRUE : certainlyFalse ? FALSE : UNDECIDED;
}

/** Accumulates [lo, hi] sums with outward rounding. */
class IntervalSum {
  lo = 0;
  hi = 0;
  add(alo: number, ahi: number): void {
    this.lo = addDown(this.lo, alo);
    this.hi = addUp(this.hi, ahi);
  }
  /** Adds the product [alo, ahi]·[blo, bhi]. */
  addProduct(alo: number, ahi: number, blo: number, bhi: number): void {
    if (alo === ahi && blo === bhi) {
      this.add(mulDown(alo, blo), mulUp(alo, blo));
      return;
    }
    const p = iv.mul({ lo: alo, hi: ahi }, { lo: blo, hi: bhi });
    this.add(p.lo, p.hi);
  }
}

/** Multiply-adds from which the midpoint-radius product pays off. */
export const MIDRAD_MIN_WORK = 1 << 16;

/** Enclosure of Σ a_ip b_pj with numpy matmul semantics. */
export function intervalMatmul(a: IntervalTensor, b: IntervalTensor): IntervalTensor {
  const plan = matmulPlan(a.shape, b.shape);
  // Small products keep directed rounding per term (exact products stay point intervals); large ones,
  // where that costs minutes, use the midpoint-radius bound, a few ulps wider but as rigorous.
  if (plan.batches * plan.m * plan.k * plan.n >= MIDRAD_MIN_WORK) {
    const fast = midRadMatmul(a, b, plan);
    if (fast) return { shape: matmulShape(a.shape, b.shape), ...fast };
  }
  return termByTermMatmul(a, b, plan);
}

/** Directed rounding on every product: slower, but valid with infinite bounds too. */
export function termByTermMatmul(a: IntervalTensor, b: IntervalTensor, plan: MatmulPlan): IntervalTensor {
  const { m, k, n, batches: nb, aOffset, bOffset } = plan;
  const lo = new Float64Array(nb * m * n), hi = new Float64Array(nb * m * n);
  const acc = new IntervalSum();
  for (let t = 0; t < nb; t++) {
    const ao = aOffset(t), bo = bOffset(t), ro = t * m * n;
    for (let i = 0; i < m; i++) {
      checkpoint();
      for (let j = 0; j < n; j++) {
        acc.lo = 0;
        acc.hi = 0;
        for (let p = 0; p < k; p++) {
          const ai = ao + i * k + p, bi = bo + p * n + j;
          acc.addProduct(a.lo[ai]!, a.hi[ai]!, b.lo[bi]!, b.hi[bi]!);
        }
        lo[ro + i * n + j] = acc.lo;
        hi[ro + i * n + j] = acc.hi;
      }
    }
  }
  return { shape: matmulShape(a.shape, b.shape), lo, hi };
}

export function intervalTranspose2d(x: IntervalTensor): IntervalTensor {
  const [r, c] = [x.shape[0]!, x.shape[1]!];
  const lo = new Float64Array(r * c), hi = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      lo[j * r + i] = x.lo[i * c + j]!;
      hi[j * r + i] = x.hi[i * c + j]!;
    }
  }
  return { shape: [c, r], lo, hi };
}

export type IntervalReduction = "sum" | "mean" | "max";

/** ReduceSum / ReduceMean / ReduceMax over the `axes` attribute (all axes when absent). */
export function intervalReduce(x: IntervalTensor, attrs: Attrs, type: ValueType, kind: IntervalReduction): IntervalTensor {
  const axesAttr = attrs["axes"];
  const axes = reduceAxes(x.shape.length, Array.isArray(axesAttr) ? (axesAttr as readonly number[]) : undefined);
  const keepShape = reducedShape(x.shape, axes, true);
  const m = sizeOf(keepShape);
  const init = kind === "max" ? -Infinity : 0;
  const lo = new Float64Array(m).fill(init), hi = new Float64Array(m).fill(init);
  const map = broadcastIndexMap(keepShape, x.shape);
  for (let f = 0; f < x.lo.length; f++) {
    const o = map ? map[f]! : f;
    if (kind === "max") {
      lo[o] = Number.isNaN(x.lo[f]!) ? NaN : Math.max(lo[o]!, x.lo[f]!);
      hi[o] = Number.isNaN(x.hi[f]!) ? NaN : Math.max(hi[o]!, x.hi[f]!);
    } else {
      lo[o] = addDown(lo[o]!, x.lo[f]!);
      hi[o] = addUp(hi[o]!, x.hi[f]!);
    }
  }
  if (kind === "mean") {
    const count = sizeOf(axes.map((a) => x.shape[a]!));
    for (let o = 0; o < m; o++) {
      lo[o] = count === 0 ? NaN : divDown(lo[o]!, count);
      hi[o] = count === 0 ? NaN : divUp(hi[o]!, count);
    }
  }
  return { shape: type.shape, lo, hi };
}

/** Σ of intervals with outward rounding (for kernels that sum lanes themselves). */
export function intervalSum(vals: readonly Interval[]): Interval {
  const acc = new IntervalSum();
  for (const v of vals) acc.add(v.lo, v.hi);
  return { lo: acc.lo, hi: acc.hi };
}

/** Applies `f` to every lane along `axis` (Softmax-style kernels). */
export function intervalLanes(x: IntervalTensor, axis: number, type: ValueType, f: (lane: Interval[]) => Interval[]): IntervalTensor {
  const shape = x.shape;
  const len = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const lo = new Float64Array(x.lo.length), hi = new Float64Array(x.hi.length);
  for (let o = 0; o < outer; o++) {
    if ((o & 255) === 0) checkpoint();
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      const lane: Interval[] = [];
      for (let k = 0; k < len; k++) lane.push(intervalAt(x, base + k * inner));
      const res = f(lane);
      for (let k = 0; k < len; k++) {
        lo[base + k * inner] = res[k]!.lo;
        hi[base + k * inner] = res[k]!.hi;
      }
    }
  }
  return { shape: type.shape, lo, hi };
}

/** The hull of the two branches where the condition is undecided. */
export function intervalSelect(c: Interval, a: Interval, b: Interval): Interval {
  if (c.lo >= 1) return a;
  if (c.hi <= 0) return b;
  if (iv.isNaNInterval(a) || iv.isNaNInterval(b)) return iv.NAN_INTERVAL;
  return iv.hull(a, b);
}

export { mulDown, mulUp, addDown, addUp, divDown, divUp };
