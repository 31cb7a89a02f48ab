/**
 * Where a smooth scalar function g keeps one sign on [a, b], proven with interval arithmetic, and
 * where it changes sign, isolated to narrow enclosures. One box at a time, cheapest first:
 *   1. the natural interval extension G(X);
 *   2. monotonicity: when the enclosure of g' on X has one sign, g(X) lies between the point
 *      enclosures g(lo) and g(hi), which are tight, and a strict sign change between them is a
 *      single crossing (then narrowed by bisection on point enclosures);
 *   3. the mean-value form g(m) + g'(X)·(X − m), intersected with G(X): the dependency problem
 *      shrinks with the square of the box width instead of linearly;
 *   4. bisection (geometric on boxes far from 0, so long domains are cut on a log scale).
 * Every class reported for a segment is a proof; what is not proven is "undecided".
 */
import { iv, type Interval } from "../../ir/interval-tensor.js";
import { simplestIn } from "./scalar-eval.js";

/**
 * pos / neg: g > 0 (< 0) on the interior of the segment and ≥ 0 (≤ 0) on all of it; nonneg /
 * nonpos: g ≥ 0 (≤ 0); zero: g = 0; up / down: g is monotone on a box holding the segment and
 * goes from < 0 to > 0 (from > 0 to < 0) inside it (an exact crossing is a segment of width 0).
 */
export type SignClass = "pos" | "neg" | "zero" | "nonneg" | "nonpos" | "up" | "down" | "undecided";

export interface SignSegment {
  from: number;
  to: number;
  cls: SignClass;
  /** For up/down: the crossing point is exactly `from` (= `to`). */
  exact?: boolean;
}

export interface SignProof {
  readonly segments: SignSegment[];
  readonly boxes: number;
  /** True when the box budget ran out (what was left is undecided). */
  readonly exhausted: boolean;
}

/** g, g' (and g'' when known) over a box; g and g' at a point (all as enclosures). */
export interface SignFunction {
  box(lo: number, hi: number): [Interval, Interval, Interval?];
  point(x: number): Interval;
  pointWithSlope(x: number): [Interval, Interval];
  /** Optional exact test that g(x) = 0 (e.g. in rationals). */
  exactZero?(x: number): boolean;
}

export interface SignOptions {
  /** Boxes narrower than this are not split (default 1e-9 of the domain). */
  readonly widthLimit?: number;
  readonly maxBoxes?: number;
  /**
   * Keep splitting boxes proven only ≥ 0 or ≤ 0 down to this width, to find where g is strictly
   * signed and where it is 0 (the sign command wants that; convexity does not). Default: no.
   */
  readonly refineWeakTo?: number;
}

const isNaNI = (v: Interval): boolean => Number.isNaN(v.lo) || Number.isNaN(v.hi);

function strict(v: Interval): SignClass | undefined {
  if (isNaNI(v)) return undefined;
  if (v.lo === 0 && v.hi === 0) return "zero";
  if (v.lo > 0) return "pos";
  if (v.hi < 0) return "neg";
  return undefined;
}

function weak(v: Interval): SignClass | undefined {
  const s = strict(v);
  if (s || isNaNI(v)) return s;
  if (v.lo >= 0) return "nonneg";
  if (v.hi <= 0) return "nonpos";
  return undefined;
}

const finite = (v: Interval): boolean => Number.isFinite(v.lo) && Number.isFinite(v.hi);

/** Where to cut [lo, hi]: the geometric mean when the box is far from 0 relative to its width. */
function splitPoint(lo: number, hi: number): number {
  if (lo > 0 && hi > 4 * lo) return Math.sqrt(lo) * Math.sqrt(hi);
  if (hi < 0 && lo < 4 * hi) return -Math.sqrt(-lo) * Math.sqrt(-hi);
  return lo / 2 + hi / 2;
}

export function proveSign(fn: SignFunction, a: number, b: number, opts: SignOptions = {}): SignProof {
  const widthLimit = opts.widthLimit ?? (b - a) * 1e-9;
  const maxBoxes = opts.maxBoxes ?? 50000;
  // Boxes are taken widest first (a queue), so a budget spent on one hard stretch (a tail where
  // the enclosures cannot resolve a tiny value) leaves the rest of the domain decided; the
  // segments are put in order at the end.
  const raw: SignSegment[] = [];
  const emit = (from: number, to: number, cls: SignClass, exact?: boolean): void => {
    if (to < from) return;
    raw.push(exact ? { from, to, cls, exact } : { from, to, cls });
  };
  const queue: [number, number][] = [[a, b]];
  let head = 0;
  let boxes = 0;
  let exhausted = false;
  while (head < queue.length) {
    const [lo, hi] = queue[head++]!;
    if (boxes >= maxBoxes) {
      exhausted = true;
      emit(lo, hi, "undecided");
      continue;
    }
    boxes++;
    const [G, D, D2] = fn.box(lo, hi);
    const s0 = strict(G);
    if (s0) {
      emit(lo, hi, s0);
      continue;
    }
    const refining = opts.refineWeakTo !== undefined && hi - lo > opts.refineWeakTo && splitPoint(lo, hi) > lo && splitPoint(lo, hi) < hi;
    const weakDone = (cls: SignClass): boolean => {
      if (cls !== "nonneg" && cls !== "nonpos") {
        emit(lo, hi, cls);
        return true;
      }
      if (refining) return false;
      emit(lo, hi, cls);
      return true;
    };
    // Centred forms at the midpoint: first order g(m) + g'(X)(X − m), and second order
    // g(m) + g'(m)(X − m) + g''(X)(X − m)²/2, whose overestimation shrinks like the cube of the width.
    if (lo < hi) {
      const m = lo / 2 + hi / 2;
      const [gm, dm] = fn.pointWithSlope(m);
      if (finite(gm)) {
        const dx = iv.sub({ lo, hi }, { lo: m, hi: m });
        let mv = isNaNI(G) ? iv.ENTIRE : G;
        if (finite(D)) mv = iv.intersect(mv, iv.add(gm, iv.mul(D, dx)));
        if (D2 && finite(D2) && finite(dm)) mv = iv.intersect(mv, iv.add(iv.add(gm, iv.mul(dm, dx)), iv.mul(iv.mul(D2, iv.sqr(dx)), { lo: 0.5, hi: 0.5 })));
        const s = isNaNI(mv) ? undefined : strict(mv) ?? weak(mv);
        if (s && weakDone(s)) continue;
      }
    }
    const monotone = !isNaNI(D) && (D.lo >= 0 || D.hi <= 0);
    if (monotone) {
      const up = D.lo >= 0;
      const gl = fn.point(lo), gh = fn.point(hi);
      const least = up ? gl : gh, most = up ? gh : gl;
      if (!isNaNI(least) && !isNaNI(most)) {
        if (least.lo > 0) {
          emit(lo, hi, "pos");
          continue;
        }
        if (most.hi < 0) {
          emit(lo, hi, "neg");
          continue;
        }
        if (least.lo >= 0 && weakDone("nonneg")) continue;
        if (most.hi <= 0 && weakDone("nonpos")) continue;
        const leftNeg = gl.hi < 0 && gh.lo > 0;
        const leftPos = gl.lo > 0 && gh.hi < 0;
        if (leftNeg || leftPos) {
          crossing(fn, lo, hi, leftNeg, D.lo > 0 || D.hi < 0, emit);
          continue;
        }
      }
    }
    const w = weak(G);
    const m = splitPoint(lo, hi);
    if (hi - lo <= widthLimit || !(m > lo && m < hi)) {
      emit(lo, hi, w ?? "undecided");
      continue;
    }
    queue.push([lo, m], [m, hi]);
  }
  raw.sort((p, q) => p.from - q.from || p.to - q.to);
  const segments: SignSegment[] = [];
  for (const r of raw) {
    const last = segments[segments.length - 1];
    if (last && last.cls === r.cls && last.to === r.from && r.cls !== "up" && r.cls !== "down") last.to = r.to;
    else segments.push(r);
  }
  return { segments, boxes, exhausted };
}

/**
 * g is monotone on [lo, hi] with a strict sign change between the ends: narrow the crossing by
 * bisection on point enclosures (to adjacent floats where they allow), and try the simplest
 * number inside for an exact zero.
 */
function crossing(fn: SignFunction, lo: number, hi: number, up: boolean, strictlyMonotone: boolean, emit: (from: number, to: number, cls: SignClass, exact?: boolean) => void): void {
  let l = lo, h = hi;
  let exactAt: number | undefined;
  for (let i = 0; i < 1100; i++) {
    const m = l / 2 + h / 2;
    if (!(m > l && m < h)) break;
    const g = fn.point(m);
    if (g.lo === 0 && g.hi === 0) {
      exactAt = m;
      break;
    }
    if (up ? g.hi < 0 : g.lo > 0) l = m;
    else if (up ? g.lo > 0 : g.hi < 0) h = m;
    else break;
  }
  if (exactAt === undefined) {
    const s = simplestIn(l, h);
    const g = fn.point(s);
    if ((g.lo === 0 && g.hi === 0) || fn.exactZero?.(s)) exactAt = s;
  }
  const before: SignClass = up ? "neg" : "pos", after: SignClass = up ? "pos" : "neg";
  const cls: SignClass = up ? "up" : "down";
  if (exactAt !== undefined) {
    // g(exactAt) = 0: strictly signed on either side only if g is strictly monotone.
    const [b0, a0]: SignClass[] = strictlyMonotone ? [before, after] : up ? ["nonpos", "nonneg"] : ["nonneg", "nonpos"];
    emit(lo, exactAt, b0!);
    emit(exactAt, exactAt, cls, true);
    emit(exactAt, hi, a0!);
    return;
  }
  emit(lo, l, before);
  emit(l, h, cls);
  emit(h, hi, after);
}

/** Classes that make the function ≥ 0 (≤ 0) on a segment. */
export const NONNEG: ReadonlySet<SignClass> = new Set<SignClass>(["pos", "nonneg", "zero"]);
export const NONPOS: ReadonlySet<SignClass> = new Set<SignClass>(["neg", "nonpos", "zero"]);
