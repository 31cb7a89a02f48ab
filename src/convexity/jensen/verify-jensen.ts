/**
 * The independent check of a Jensen violation L(t·θa + (1−t)·θb) > t·L(θa) + (1−t)·L(θb) for a loss
 * graph with one flat parameter input. It uses only the exact and interval interpreters — no search
 * code — so a certificate is as trustworthy as those two kernels:
 *   - exact rationals when every op on the way to the loss is rational (piecewise-linear or
 *     polynomial): θa, θb and t are taken exactly from their doubles, the point t·θa + (1−t)·θb is
 *     formed exactly, and the gap is an exact fraction;
 *   - otherwise outward-rounded intervals: the point is enclosed in a box, each loss in an interval,
 *     and the certificate holds when the gap's lower bound is > 0.
 * Claimed values in the certificate must agree with the recomputed ones, so a hand-edited number
 * makes the certificate invalid even when the points themselves would still show a violation.
 */
import type { Graph } from "../../ir/graph.js";
import { inputNode } from "../../ir/graph.js";
import { sizeOf } from "../../ir/shape.js";
import { Rational } from "../../num/rational.js";
import { iv, type Interval } from "../../ir/interval-tensor.js";
import { evaluateExact, exactScalar, isExactlyEvaluable, type ExactTensor } from "../../exec/exact-interpreter.js";
import { evaluateInterval, type IntervalTensor } from "../../exec/interval-interpreter.js";
import type { Tensor } from "../../ir/tensor.js";

/** What a certificate asserts (everything else in the JSON file is commentary). */
export interface JensenClaim {
  readonly thetaA: ArrayLike<number>;
  readonly thetaB: ArrayLike<number>;
  readonly t: number;
  /** Claimed L(θa), L(θb) and L(t·θa + (1−t)·θb), as doubles. */
  readonly losses?: { readonly a: number; readonly b: number; readonly mid: number };
  readonly gap?: number;
  /** Claimed exact values ("p/q") when the claim was checked in rationals. */
  readonly exact?: { readonly a: string; readonly b: string; readonly mid: string; readonly gap: string };
}

export interface LossGraphRef {
  readonly graph: Graph;
  /** The flat parameter input. */
  readonly input: string;
  /** The scalar loss output. */
  readonly output: string;
  /** Values of the graph's other inputs (held fixed). */
  readonly fixed?: Readonly<Record<string, Tensor>>;
}

export type VerificationMethod = "exact rationals" | "intervals";

export interface JensenVerification {
  readonly valid: boolean;
  readonly method: VerificationMethod;
  /** Enclosures of L(θa), L(θb), L(mid) and of the gap (points when exact). */
  readonly losses: { readonly a: Interval; readonly b: Interval; readonly mid: Interval };
  readonly gap: Interval;
  /** Exact fractions when method is "exact rationals". */
  readonly exact?: { readonly a: string; readonly b: string; readonly mid: string; readonly gap: string };
  /** Why the certificate is invalid (empty when valid). */
  readonly problems: readonly string[];
}

function checkShape(ref: LossGraphRef, claim: JensenClaim): string[] {
  const problems: string[] = [];
  const n = sizeOf(inputNode(ref.graph, ref.input).shape);
  if (claim.thetaA.length !== n) problems.push(`thetaA has ${claim.thetaA.length} entries, the model has ${n} parameters`);
  if (claim.thetaB.length !== n) problems.push(`thetaB has ${claim.thetaB.length} entries, the model has ${n} parameters`);
  if (![...Array.from(claim.thetaA), ...Array.from(claim.thetaB)].every(Number.isFinite)) problems.push("thetaA and thetaB must be finite numbers");
  if (!(claim.t > 0 && claim.t < 1)) problems.push(`t must lie strictly between 0 and 1, got ${claim.t}`);
  return problems;
}

/** A claimed double agrees with an enclosure when it lies inside it up to a relative 1e-9 (it was printed from float64). */
function agrees(claimed: number, enc: Interval): boolean {
  if (iv.isNaNInterval(enc)) return false;
  const slack = 1e-9 * Math.max(1, Math.abs(claimed));
  return enc.lo - slack <= claimed && claimed <= enc.hi + slack;
}

function claimProblems(claim: JensenClaim, losses: JensenVerification["losses"], gap: Interval, exact?: JensenVerification["exact"]): string[] {
  const problems: string[] = [];
  const names = { a: "L(thetaA)", b: "L(thetaB)", mid: "L(t*thetaA + (1-t)*thetaB)" } as const;
  const show = (i: Interval): string => (i.lo === i.hi ? String(i.lo) : `[${i.lo}, ${i.hi}]`);
  if (claim.losses) {
    for (const k of ["a", "b", "mid"] as const) {
      if (!agrees(claim.losses[k], losses[k])) problems.push(`claimed ${names[k]} = ${claim.losses[k]}, but it is ${show(losses[k])}`);
    }
  }
  if (claim.gap !== undefined) {
    if (!(claim.gap > 0)) problems.push(`claimed gap ${claim.gap} is not positive, so it shows no violation of convexity`);
    else if (!agrees(claim.gap, gap)) problems.push(`claimed gap = ${claim.gap}, but it is ${show(gap)}`);
  }
  if (claim.exact && exact) {
    for (const k of ["a", "b", "mid", "gap"] as const) {
      let ok: boolean;
      try {
        ok = Rational.parse(claim.exact[k]).eq(Rational.parse(exact[k]));
      } catch {
        ok = false;
      }
      if (!ok) problems.push(`claimed exact ${k === "gap" ? "gap" : names[k]} = ${claim.exact[k]}, but it is ${exact[k]}`);
    }
  }
  return problems;
}

function exactFeeds(ref: LossGraphRef, theta: readonly Rational[]): Record<string, ExactTensor> {
  const feeds: Record<string, ExactTensor> = { [ref.input]: { shape: [theta.length], data: theta } };
  for (const [k, v] of Object.entries(ref.fixed ?? {})) feeds[k] = { shape: v.shape, data: Array.from(v.data, (x) => Rational.fromFloat(x)) };
  return feeds;
}

function intervalFeeds(ref: LossGraphRef, lo: Float64Array, hi: Float64Array): Record<string, IntervalTensor> {
  const feeds: Record<string, IntervalTensor> = { [ref.input]: { shape: [lo.length], lo, hi } };
  for (const [k, v] of Object.entries(ref.fixed ?? {})) feeds[k] = { shape: v.shape, lo: v.data.slice(), hi: v.data.slice() };
  return feeds;
}

function verifyExact(ref: LossGraphRef, claim: JensenClaim): JensenVerification {
  const T = Rational.fromFloat(claim.t);
  const S = Rational.ONE.sub(T);
  const A = Array.from(claim.thetaA, (v) => Rational.fromFloat(v));
  const B = Array.from(claim.thetaB, (v) => Rational.fromFloat(v));
  const M = A.map((a, i) => T.mul(a).add(S.mul(B[i]!)));
  const loss = (theta: readonly Rational[]): Rational => exactScalar(evaluateExact(ref.graph, exactFeeds(ref, theta), [ref.output])[ref.output]!);
  const la = loss(A), lb = loss(B), lm = loss(M);
  const gap = lm.sub(T.mul(la).add(S.mul(lb)));
  const pt = (r: Rational): Interval => {
    const v = r.toNumber();
    // the exact value as a (rounded) point: claims are compared to it with a relative tolerance
    return { lo: v, hi: v };
  };
  const exact = { a: la.toString(), b: lb.toString(), mid: lm.toString(), gap: gap.toString() };
  const losses = { a: pt(la), b: pt(lb), mid: pt(lm) };
  const problems: string[] = [];
  if (gap.sign() <= 0) problems.push(`the loss at the point is not above the chord: gap = ${gap.toString()} ≤ 0`);
  problems.push(...claimProblems(claim, losses, pt(gap), exact));
  return { valid: problems.length === 0, method: "exact rationals", losses, gap: pt(gap), exact, problems };
}

function verifyIntervals(ref: LossGraphRef, claim: JensenClaim): JensenVerification {
  const T = iv.point(claim.t);
  const S = iv.sub(iv.ONE, T);
  const n = claim.thetaA.length;
  const mlo = new Float64Array(n), mhi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = iv.add(iv.mul(T, iv.point(claim.thetaA[i]!)), iv.mul(S, iv.point(claim.thetaB[i]!)));
    mlo[i] = m.lo;
    mhi[i] = m.hi;
  }
  const loss = (lo: Float64Array, hi: Float64Array): Interval => {
    const r = evaluateInterval(ref.graph, intervalFeeds(ref, lo, hi), [ref.output])[ref.output]!;
    if (r.lo.length !== 1) throw new Error(`loss output "${ref.output}" is not a scalar`);
    return { lo: r.lo[0]!, hi: r.hi[0]! };
  };
  const a = Float64Array.from(claim.thetaA), b = Float64Array.from(claim.thetaB);
  const la = loss(a, a), lb = loss(b, b), lm = loss(mlo, mhi);
  const gap = iv.sub(lm, iv.add(iv.mul(T, la), iv.mul(S, lb)));
  const losses = { a: la, b: lb, mid: lm };
  const problems: string[] = [];
  if (iv.isNaNInterval(gap)) problems.push("the loss has no enclosure at these points (a value outside an op's domain)");
  else if (!(gap.lo > 0)) {
    problems.push(
      gap.hi <= 0
        ? `the loss at the point is not above the chord: the gap lies in [${gap.lo}, ${gap.hi}]`
        : `interval arithmetic cannot prove the gap positive: it lies in [${gap.lo}, ${gap.hi}]`
    );
  }
  problems.push(...claimProblems(claim, losses, gap));
  return { valid: problems.length === 0, method: "intervals", losses, gap, problems };
}

/** Re-check a Jensen violation from scratch (exactly when the graph allows it, else with intervals). */
export function verifyJensen(ref: LossGraphRef, claim: JensenClaim): JensenVerification {
  const shapeProblems = checkShape(ref, claim);
  if (shapeProblems.length) {
    const nan: Interval = iv.NAN_INTERVAL;
    return { valid: false, method: "intervals", losses: { a: nan, b: nan, mid: nan }, gap: nan, problems: shapeProblems };
  }
  return isExactlyEvaluable(ref.graph, [ref.output]) ? verifyExact(ref, claim) : verifyIntervals(ref, claim);
}
