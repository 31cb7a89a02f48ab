/**
 * Jensen certificates: points x1 < x2 and t in (0, 1) with
 *   f(t·x1 + (1−t)·x2) > t·f(x1) + (1−t)·f(x2)   (f is not convex), or "<" (f is not concave).
 * Found by scanning chords on a grid, then re-checked independently: exactly in rationals when the
 * expression is piecewise-polynomial, otherwise with interval enclosures (the gap's lower bound > 0).
 */
import type { Graph } from "../../ir/graph.js";
import { iv, type Interval } from "../../ir/interval-tensor.js";
import { Rational } from "../../num/rational.js";
import { exactScalar, isPiecewiseRational } from "./node-exact.js";
import { floatOne, intervalOne, pointInterval } from "./scalar-eval.js";

export type CertificateKind = "notConvex" | "notConcave";

export interface JensenCertificate {
  readonly kind: CertificateKind;
  readonly x1: number;
  readonly x2: number;
  readonly t: number;
  /** The gap f(t·x1 + (1−t)·x2) − (t·f(x1) + (1−t)·f(x2)): > 0 refutes convexity, < 0 concavity. */
  readonly gap: number;
  /** A proven enclosure of the gap (a point when checked exactly). */
  readonly gapEnclosure: readonly [number, number];
  /** The exact gap as a fraction, when checked in rationals. */
  readonly exactGap?: string;
  readonly verifiedBy: "exact rationals" | "intervals";
  readonly f1: number;
  readonly f2: number;
  readonly fMid: number;
  readonly midpoint: number;
}

interface Candidate {
  x1: number;
  x2: number;
  gap: number;
}

/** Verify one chord; undefined when the check does not confirm it. */
export function verifyChord(graph: Graph, kind: CertificateKind, x1: number, x2: number, t: number): JensenCertificate | undefined {
  const want = kind === "notConvex" ? 1 : -1;
  const floatGapParts = (): { f1: number; f2: number; fMid: number; mid: number } => {
    const mid = t * x1 + (1 - t) * x2;
    return { f1: floatOne(graph, x1, "f"), f2: floatOne(graph, x2, "f"), fMid: floatOne(graph, mid, "f"), mid };
  };
  if (isPiecewiseRational(graph)) {
    const X1 = Rational.fromFloat(x1), X2 = Rational.fromFloat(x2), T = Rational.fromFloat(t);
    const M = T.mul(X1).add(Rational.ONE.sub(T).mul(X2));
    const f1 = exactScalar(graph, X1, ["f"])?.[0];
    const f2 = exactScalar(graph, X2, ["f"])?.[0];
    const fm = exactScalar(graph, M, ["f"])?.[0];
    if (f1 && f2 && fm) {
      const gap = fm.sub(T.mul(f1).add(Rational.ONE.sub(T).mul(f2)));
      if (gap.sign() !== want) return undefined;
      const g = gap.toNumber();
      return { kind, x1, x2, t, gap: g, gapEnclosure: [g, g], exactGap: gap.toString(), verifiedBy: "exact rationals", f1: f1.toNumber(), f2: f2.toNumber(), fMid: fm.toNumber(), midpoint: M.toNumber() };
    }
  }
  const T: Interval = pointInterval(t);
  const oneMinusT = iv.sub(pointInterval(1), T);
  const M = iv.add(iv.mul(T, pointInterval(x1)), iv.mul(oneMinusT, pointInterval(x2)));
  const F1 = intervalOne(graph, pointInterval(x1), "f");
  const F2 = intervalOne(graph, pointInterval(x2), "f");
  const FM = intervalOne(graph, M, "f");
  const gap = iv.sub(FM, iv.add(iv.mul(T, F1), iv.mul(oneMinusT, F2)));
  const ok = want > 0 ? gap.lo > 0 : gap.hi < 0;
  if (!ok) return undefined;
  const p = floatGapParts();
  return { kind, x1, x2, t, gap: p.fMid - (t * p.f1 + (1 - t) * p.f2), gapEnclosure: [gap.lo, gap.hi], verifiedBy: "intervals", f1: p.f1, f2: p.f2, fMid: p.fMid, midpoint: p.mid };
}

/**
 * Scan midpoint chords x ± h on a grid (h = 1, 2, 4, ... grid steps) for the largest gap of each
 * sign and verify the best few.
 */
export function findCertificates(graph: Graph, lo: number, hi: number, gridSize = 400): { notConvex?: JensenCertificate; notConcave?: JensenCertificate; chords: number } {
  const n = gridSize;
  // (lo·(n−i) + hi·i)/n keeps grid points such as 0.5 exact, so certificates read cleanly.
  const xs = Array.from({ length: n + 1 }, (_, i) => (lo * (n - i) + hi * i) / n);
  const fs = xs.map((x) => floatOne(graph, x, "f"));
  const pos: Candidate[] = [];
  const neg: Candidate[] = [];
  let chords = 0;
  for (let h = 1; 2 * h <= n; h *= 2) {
    for (let i = h; i + h <= n; i++) {
      const g = fs[i]! - (fs[i - h]! + fs[i + h]!) / 2;
      if (!Number.isFinite(g)) continue;
      chords++;
      const c = { x1: xs[i - h]!, x2: xs[i + h]!, gap: g };
      if (g > 0) keepBest(pos, c, (a, b) => b.gap - a.gap);
      else if (g < 0) keepBest(neg, c, (a, b) => a.gap - b.gap);
    }
  }
  const first = (cands: Candidate[], kind: CertificateKind): JensenCertificate | undefined => {
    for (const c of cands) {
      const cert = verifyChord(graph, kind, c.x1, c.x2, 0.5);
      if (cert) return cert;
    }
    return undefined;
  };
  const notConvex = first(pos, "notConvex");
  const notConcave = first(neg, "notConcave");
  return { ...(notConvex ? { notConvex } : {}), ...(notConcave ? { notConcave } : {}), chords };
}

function keepBest(list: Candidate[], c: Candidate, cmp: (a: Candidate, b: Candidate) => number, size = 6): void {
  list.push(c);
  list.sort(cmp);
  if (list.length > size) list.length = size;
}
