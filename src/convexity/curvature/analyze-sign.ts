/**
 * `losscape sign`: where a function g(x) is proven ≥ 0 and ≤ 0 on an interval, and its zeros, with
 * the proofs of the curvature analysis (sign-prover.ts) applied to g itself — the question the
 * project started from, where f'' was plotted in R and its sign read off by eye.
 */
import { expressionGraph } from "../expr/expression-graph.js";
import { checkDefined, checkDomain, smoothFn, signFunction, type ProvenPoint } from "./analyze-curvature.js";
import { floatAt, simplestIn } from "./scalar-eval.js";
import { NONNEG, NONPOS, proveSign, type SignSegment } from "./sign-prover.js";

export interface SignOptions {
  domain?: readonly [number, number];
  /** Plot samples to include (0: none). */
  samples?: number;
  maxBoxes?: number;
}

export interface SignResult {
  readonly expression: string;
  readonly canonical: string;
  readonly domain: readonly [number, number];
  readonly openEnds: readonly [boolean, boolean];
  /** Proven: g ≥ 0 on each interval (maximal). */
  readonly nonnegative: readonly (readonly [number, number])[];
  /** Proven: g ≤ 0 on each interval (maximal). */
  readonly nonpositive: readonly (readonly [number, number])[];
  /** Sign changes of g: each enclosure holds exactly one crossing (g monotone there), or is the exact zero. */
  readonly zeros: readonly ProvenPoint[];
  /** Stretches where g = 0 identically. */
  readonly zeroIntervals: readonly (readonly [number, number])[];
  /** Where no sign is proven. */
  readonly undecided: readonly (readonly [number, number])[];
  readonly proof: { readonly method: "interval"; readonly detail: string; readonly boxes: number };
  readonly segments: readonly SignSegment[];
  readonly samples?: { readonly x: number[]; readonly g: number[] };
}

function runs(segs: readonly SignSegment[], set: ReadonlySet<string>, after: "up" | "down"): [number, number][] {
  const out: [number, number][] = [];
  let start: number | undefined;
  for (const s of segs) {
    if (set.has(s.cls)) start ??= s.from;
    else {
      if (start !== undefined && s.from > start) out.push([start, s.from]);
      start = s.cls === after ? s.to : undefined;
    }
  }
  const end = segs[segs.length - 1]?.to;
  if (start !== undefined && end !== undefined && end > start) out.push([start, end]);
  return out;
}

export function analyzeSign(expression: string, options: SignOptions = {}): SignResult {
  const parsed = expressionGraph(expression);
  const [a, b] = checkDomain(options.domain ?? [-10, 10]);
  const openEnds = checkDefined(parsed.graph, a, b, parsed.source);
  const fn = smoothFn(parsed.graph);
  const proof = proveSign(signFunction(fn, "f"), a, b, { widthLimit: (b - a) * 1e-9, maxBoxes: options.maxBoxes ?? 50000, refineWeakTo: (b - a) * 1e-6 });
  const segs = proof.segments;
  const zeros: ProvenPoint[] = [];
  const point = (lo: number, hi: number): ProvenPoint => ({ x: simplestIn(lo, hi), enclosure: [lo, hi], exact: lo === hi });
  segs.forEach((s, i) => {
    if (s.cls === "up" || s.cls === "down") zeros.push(point(s.from, s.to));
    const next = segs[i + 1];
    // g ≥ 0 on a closed stretch ending at x and ≤ 0 on one starting there (or the reverse): g(x) = 0.
    const up = (c: string): boolean => c === "pos" || c === "nonneg", down = (c: string): boolean => c === "neg" || c === "nonpos";
    if (next && next.from === s.to && ((up(s.cls) && down(next.cls)) || (down(s.cls) && up(next.cls)))) zeros.push(point(s.to, s.to));
  });
  const undecided = segs.filter((s) => s.cls === "undecided").map((s) => [s.from, s.to] as [number, number]);
  const mergedUndecided: [number, number][] = [];
  for (const u of undecided) {
    const last = mergedUndecided[mergedUndecided.length - 1];
    if (last && u[0] <= last[1]) last[1] = Math.max(last[1], u[1]);
    else mergedUndecided.push(u);
  }
  const zeroIntervals = segs.filter((s) => s.cls === "zero" && s.to > s.from).map((s) => [s.from, s.to] as [number, number]);
  const n = options.samples ?? 0;
  let samples: SignResult["samples"];
  if (n > 0) {
    const lo = openEnds[0] ? a + (b - a) / (4 * n) : a, hi = openEnds[1] ? b - (b - a) / (4 * n) : b;
    const xs = Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
    samples = { x: xs, g: xs.map((x) => floatAt(parsed.graph, x, ["f"])[0]!) };
  }
  return {
    expression: parsed.source,
    canonical: parsed.canonical,
    domain: [a, b],
    openEnds,
    nonnegative: runs(segs, NONNEG, "up"),
    nonpositive: runs(segs, NONPOS, "down"),
    zeros,
    zeroIntervals,
    undecided: mergedUndecided,
    proof: {
      method: "interval",
      detail: `outward-rounded interval arithmetic on ${proof.boxes} boxes: natural extension, monotonicity from the sign of g', mean-value and second-order centred forms, bisection; each zero isolated where g is proven monotone`,
      boxes: proof.boxes
    },
    segments: segs,
    ...(samples ? { samples } : {})
  };
}
