/**
 * `losscape curvature`: decide, prove and explain the curvature of a scalar function of x on an
 * interval. DCP gives a verdict when its rules apply; otherwise the expression is split into smooth
 * pieces at the switching points of relu/abs/max/min/..., f'' is proven nonnegative or nonpositive
 * on each piece with interval bisection, and the jump of f' at each kink is signed. A function that
 * is neither gets Jensen certificates, checked exactly or with intervals.
 */
import type { Graph } from "../../ir/graph.js";
import { iv, type Interval } from "../../ir/interval-tensor.js";
import { Rational } from "../../num/rational.js";
import { UserError } from "../../util/errors.js";
import { analyzeDcp, brokenClauses, dcpTree, type DcpTree } from "../dcp/analyze-dcp.js";
import type { Curvature } from "../../ir/curvature-facts.js";
import { expressionGraph } from "../expr/expression-graph.js";
import { findCertificates, type JensenCertificate } from "./jensen-certificate.js";
import { exactScalar } from "./node-exact.js";
import { nodeIntervals } from "./node-intervals.js";
import { branchOf, findSwitches, specialize, switchGraph, withDerivatives, type Branch } from "./piecewise.js";
import { bisect, classify, floatAt, floatOne, intervalOne, simplestIn } from "./scalar-eval.js";
import { signRuns, type RunClass, type SignRun } from "./second-derivative-sign.js";
import { switchPoints, type SwitchPoint } from "./switch-roots.js";

export type Verdict = "convex" | "concave" | "affine" | "neither" | "unknown";

export interface CurvatureOptions {
  /** Closed interval [a, b] (default [-10, 10]); an end where f is undefined is treated as open. */
  domain?: readonly [number, number];
  /** Number of plot samples to include (0: none). */
  samples?: number;
  /** Interval bisection stops at boxes narrower than this fraction of the domain (default 1e-9). */
  relativeWidthLimit?: number;
  /** Box budget per piece (default 20000). */
  maxBoxes?: number;
}

export interface Kink {
  readonly x: number;
  /** f'(x+) − f'(x−): positive is a convex kink, negative a concave one. */
  readonly slopeJump: number;
  readonly slopeJumpEnclosure: readonly [number, number];
  readonly exactSlopeJump?: string;
  readonly kind: "convex" | "concave" | "undetermined";
  readonly leftSlope: number;
  readonly rightSlope: number;
  readonly isolation: SwitchPoint["isolation"];
  readonly bracket: readonly [number, number];
}

export interface Extremum {
  readonly x: number;
  readonly f: number;
  /** Every point of [x, to] is a (non-strict) local extremum: f is constant there. */
  readonly to?: number;
  readonly at: "smooth point" | "kink" | "flat stretch";
}

export interface PieceReport {
  readonly from: number;
  readonly to: number;
  /** Sign of f'' proven on the piece: zero, nonneg, nonpos, mixed (both, with inflections), unsettled. */
  readonly secondDerivative: "zero" | "nonneg" | "nonpos" | "mixed" | "unsettled";
  readonly boxes: number;
  /** Stretches where the width limit was reached without settling the sign (and no inflection explains them). */
  readonly unsettled: readonly (readonly [number, number])[];
}

export interface CurvatureProof {
  readonly method: "dcp" | "interval" | "certificate" | "none";
  readonly detail: string;
  /** For interval proofs: every switching point exact or verified unique (not just bisected). */
  readonly rigorous?: boolean;
}

export interface CurvatureSamples {
  readonly x: number[];
  readonly f: number[];
  readonly df: number[];
  readonly d2f: number[];
}

export interface CurvatureResult {
  readonly expression: string;
  readonly canonical: string;
  readonly domain: readonly [number, number];
  readonly openEnds: readonly [boolean, boolean];
  readonly verdict: Verdict;
  readonly reason: string;
  readonly proof: CurvatureProof;
  readonly certificates: { readonly notConvex?: JensenCertificate; readonly notConcave?: JensenCertificate };
  readonly dcp: { readonly curvature: Curvature; readonly tree: DcpTree; readonly broken: readonly string[] };
  readonly kinks: readonly Kink[];
  /** Every switching point (kinks plus points where only f'' jumps, e.g. huber's |x| = d). */
  readonly breakpoints: readonly number[];
  readonly inflections: readonly number[];
  readonly convexIntervals: readonly (readonly [number, number])[];
  readonly concaveIntervals: readonly (readonly [number, number])[];
  readonly minima: readonly Extremum[];
  readonly maxima: readonly Extremum[];
  readonly pieces: readonly PieceReport[];
  /** What was attempted, when the verdict is unknown. */
  readonly tried?: readonly string[];
  readonly samples?: CurvatureSamples;
}

interface Piece {
  from: number;
  to: number;
  /** The box the proof covers: widened to the brackets of its switching points. */
  boxLo: number;
  boxHi: number;
  d: Graph;
  runs: SignRun[];
  boxes: number;
}

type JumpClass = "pos" | "neg" | "zero" | "unknown";

export function parseDomain(text: string): [number, number] {
  const parts = text.split(",").map((s) => s.trim());
  const nums = parts.map((s) => (s === "" ? NaN : Number(s.replace(/^inf$/i, "Infinity"))));
  if (parts.length !== 2 || nums.some((v) => Number.isNaN(v))) {
    throw new UserError(`bad domain "${text}": write two numbers a,b with a < b, e.g. --domain=-5,5 or --domain 0,4`);
  }
  return checkDomain([nums[0]!, nums[1]!]);
}

function checkDomain([a, b]: readonly [number, number]): [number, number] {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new UserError(`domain [${a}, ${b}]: both ends must be finite numbers`);
  if (!(a < b)) throw new UserError(`domain [${a}, ${b}]: the left end must be smaller than the right end`);
  return [a, b];
}

/** Where f is defined: ends where it is not become open; undefined points inside are a user error. */
function checkDefined(graph: Graph, a: number, b: number, source: string): [boolean, boolean] {
  const n = 400;
  const xs = Array.from({ length: n + 1 }, (_, i) => (i === n ? b : a + ((b - a) * i) / n));
  const ok = xs.map((x) => Number.isFinite(floatOne(graph, x, "f")));
  const bad = xs.filter((_, i) => !ok[i] && i > 0 && i < n);
  if (bad.length > 0) {
    let best: [number, number] | undefined;
    let start = -1;
    for (let i = 0; i <= n + 1; i++) {
      if (i <= n && ok[i]) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        const seg: [number, number] = [xs[start === 0 ? 0 : start - 1]!, xs[i === n + 1 ? n : i]!];
        if (!best || seg[1] - seg[0] > best[1] - best[0]) best = seg;
        start = -1;
      }
    }
    const hint = best ? ` Try --domain=${fmtNum(best[0])},${fmtNum(best[1])}.` : "";
    throw new UserError(`"${source}" is not defined (or not finite) everywhere on [${a}, ${b}]: e.g. at x = ${fmtNum(bad[0]!)}.${hint}`);
  }
  return [!ok[0], !ok[n]];
}

function fmtNum(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export function analyzeCurvature(expression: string, options: CurvatureOptions = {}): CurvatureResult {
  const parsed = expressionGraph(expression);
  const graph = parsed.graph;
  const [a, b] = checkDomain(options.domain ?? [-10, 10]);
  const openEnds = checkDefined(graph, a, b, parsed.source);
  const width = b - a;
  const widthLimit = width * (options.relativeWidthLimit ?? 1e-9);
  const maxBoxes = options.maxBoxes ?? 20000;

  // DCP, with signs sharpened by the range of every node over the domain.
  const ranges = nodeIntervals(graph, { x: { shape: [], lo: Float64Array.of(a), hi: Float64Array.of(b) } }).map((t) => ({ lo: t.lo[0]!, hi: t.hi[0]! }));
  const dcp = analyzeDcp(graph, { wrt: ["x"], ranges });
  const dcpCurv = dcp.curvature;

  // Pieces between switching points.
  const switches = findSwitches(graph);
  const kGraph = switchGraph(graph, switches);
  const points = switchPoints(kGraph, switches, a, b, { clusterWidth: width * 1e-7, maxBoxes: 200000 }, openEnds);
  const bounds = [a, ...points.map((p) => p.x), b];
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i]!, to = bounds[i + 1]!;
    const mid = from / 2 + to / 2;
    const ks = switches.length ? floatAt(kGraph, mid, switches.map((s) => s.output)) : [];
    const branches: Branch[] = ks.map(branchOf);
    const d = withDerivatives(specialize(graph, switches, branches));
    const boxLo = i === 0 ? a : points[i - 1]!.bracket[0];
    const boxHi = i + 1 === bounds.length - 1 ? b : points[i]!.bracket[1];
    const { runs, boxes } = signRuns(d, boxLo, boxHi, { widthLimit, maxBoxes });
    pieces.push({ from, to, boxLo, boxHi, d, runs, boxes });
  }

  // Inflections: f'' changes sign inside a piece.
  const inflections: number[] = [];
  const pieceReports: PieceReport[] = [];
  const atoms: { from: number; to: number; cls: RunClass }[][] = [];
  for (const p of pieces) {
    const { atoms: at, inflections: inf, unexplained } = explainRuns(p);
    inflections.push(...inf);
    atoms.push(at);
    const classes = new Set(at.map((r) => r.cls));
    const sd: PieceReport["secondDerivative"] =
      unexplained.length > 0 ? "unsettled" : inf.length > 0 || (classes.has("nonneg") && classes.has("nonpos")) ? "mixed" : classes.has("nonneg") ? "nonneg" : classes.has("nonpos") ? "nonpos" : "zero";
    pieceReports.push({ from: p.from, to: p.to, secondDerivative: sd, boxes: p.boxes, unsettled: unexplained });
  }

  // Slope jumps at switching points.
  const kinks: Kink[] = [];
  const jumps: JumpClass[] = [];
  points.forEach((pt, i) => {
    const L = pieces[i]!, R = pieces[i + 1]!;
    const B: Interval = { lo: pt.bracket[0], hi: pt.bracket[1] };
    const enc = iv.sub(intervalOne(R.d, B, "df"), intervalOne(L.d, B, "df"));
    const leftSlope = floatOne(L.d, pt.x, "df"), rightSlope = floatOne(R.d, pt.x, "df");
    let cls: JumpClass = classify(enc);
    let exact: Rational | undefined;
    if (pt.isolation === "exact") {
      const X = Rational.fromFloat(pt.x);
      const l = exactScalar(L.d, X, ["df"])?.[0], r = exactScalar(R.d, X, ["df"])?.[0];
      if (l && r) {
        exact = r.sub(l);
        cls = exact.sign() > 0 ? "pos" : exact.sign() < 0 ? "neg" : "zero";
      }
    }
    jumps.push(cls);
    const jump = exact ? exact.toNumber() : rightSlope - leftSlope;
    if (cls === "zero" || (cls === "unknown" && jump === 0)) return;
    kinks.push({
      x: pt.x,
      slopeJump: jump,
      slopeJumpEnclosure: exact ? [jump, jump] : [enc.lo, enc.hi],
      ...(exact ? { exactSlopeJump: exact.toString() } : {}),
      kind: cls === "pos" ? "convex" : cls === "neg" ? "concave" : "undetermined",
      leftSlope,
      rightSlope,
      isolation: pt.isolation,
      bracket: pt.bracket
    });
  });

  const convexIntervals = maximalIntervals(atoms, points, jumps, "convex", a, b);
  const concaveIntervals = maximalIntervals(atoms, points, jumps, "concave", a, b);
  const { minima, maxima } = extrema(graph, pieces, points, a, b);

  // The verdict and its proof.
  const settled = pieceReports.every((p) => p.unsettled.length === 0) && jumps.every((j) => j !== "unknown");
  const rigorous = points.every((p) => p.isolation !== "bisection");
  const allAtoms = atoms.flat();
  const convexProof = settled && allAtoms.every((r) => r.cls === "zero" || r.cls === "nonneg") && jumps.every((j) => j === "pos" || j === "zero");
  const concaveProof = settled && allAtoms.every((r) => r.cls === "zero" || r.cls === "nonpos") && jumps.every((j) => j === "neg" || j === "zero");
  const intervalDetail = (what: string): string =>
    `${what} proven with interval arithmetic on ${pieces.length} smooth piece${pieces.length === 1 ? "" : "s"} (${pieces.reduce((s, p) => s + p.boxes, 0)} boxes)` +
    (points.length ? `, and the slope jump at each of the ${points.length} switching point${points.length === 1 ? "" : "s"} is ${what.includes("≥") ? "≥ 0" : what.includes("≤") ? "≤ 0" : "0"}` : "");
  const lo = openEnds[0] ? a + width / 800 : a, hi = openEnds[1] ? b - width / 800 : b;
  const certs = findCertificates(graph, lo, hi);
  const certificates = { ...(certs.notConvex ? { notConvex: certs.notConvex } : {}), ...(certs.notConcave ? { notConcave: certs.notConcave } : {}) };

  let verdict: Verdict;
  let proof: CurvatureProof;
  let reason: string;
  let tried: string[] | undefined;
  const dom = `[${a}, ${b}]`;
  if (dcpCurv === "affine" || dcpCurv === "constant") {
    verdict = "affine";
    proof = { method: "dcp", detail: "DCP: the expression is affine in x (every atom affine, of affine arguments)" };
    reason = "affine by the DCP rules";
  } else if (convexProof && concaveProof) {
    verdict = "affine";
    proof = { method: "interval", detail: intervalDetail("f'' = 0"), rigorous };
    reason = `affine on ${dom}: f'' = 0 on every piece and f' does not jump (DCP cannot say so)`;
  } else if (dcpCurv === "convex" || dcpCurv === "concave") {
    verdict = dcpCurv;
    proof = { method: "dcp", detail: `DCP: ${dcp.nodes[dcp.root]!.rule}` };
    reason = `${dcpCurv} by the DCP composition rules`;
  } else if (convexProof || concaveProof) {
    verdict = convexProof ? "convex" : "concave";
    proof = { method: "interval", detail: intervalDetail(convexProof ? "f'' ≥ 0" : "f'' ≤ 0"), rigorous };
    reason = `${verdict} on ${dom}: f'' ${convexProof ? "≥" : "≤"} 0 proven on every piece${points.length ? ` and every kink is ${verdict}` : ""}${dcpCurv === "unknown" ? " (DCP says unknown)" : ""}`;
  } else if (certs.notConvex && certs.notConcave) {
    verdict = "neither";
    const by = certs.notConvex.verifiedBy === certs.notConcave.verifiedBy
      ? `both checked with ${certs.notConvex.verifiedBy}`
      : `checked with ${certs.notConvex.verifiedBy} and ${certs.notConcave.verifiedBy}`;
    proof = { method: "certificate", detail: `two Jensen certificates (not convex, not concave), ${by}` };
    reason = `neither convex nor concave on ${dom}: ${describeCert(certs.notConvex)}; ${describeCert(certs.notConcave)}`;
  } else {
    verdict = "unknown";
    proof = { method: "none", detail: "no proof and no pair of counterexamples within the limits" };
    tried = [
      `DCP: ${dcpCurv}${dcp.nodes[dcp.root]?.broken ? ` (${brokenClauses(dcp)[0] ?? ""})` : ""}`,
      `interval bisection of f'' on ${pieces.length} piece(s), down to width ${widthLimit.toExponential(1)}: ${pieceReports.filter((p) => p.unsettled.length).length} piece(s) left unsettled`,
      `Jensen chords scanned: ${certs.chords}; found ${certs.notConvex ? "a not-convex certificate" : "no not-convex certificate"}, ${certs.notConcave ? "a not-concave certificate" : "no not-concave certificate"}`
    ];
    const half = certs.notConvex ? "not convex (certificate), but concavity is not proven" : certs.notConcave ? "not concave (certificate), but convexity is not proven" : "no proof either way";
    reason = `undecided on ${dom}: ${half}`;
  }

  const samples = options.samples ? sample(graph, a, b, openEnds, options.samples) : undefined;
  return {
    expression: parsed.source,
    canonical: parsed.canonical,
    domain: [a, b],
    openEnds,
    verdict,
    reason,
    proof,
    certificates,
    dcp: { curvature: dcpCurv, tree: dcpTree(dcp), broken: brokenClauses(dcp) },
    kinks,
    breakpoints: points.map((p) => p.x),
    inflections,
    convexIntervals,
    concaveIntervals,
    minima,
    maxima,
    pieces: pieceReports,
    ...(tried ? { tried } : {}),
    ...(samples ? { samples } : {})
  };
}

export function describeCert(c: JensenCertificate): string {
  const at = `x1 = ${fmtNum(c.x1)}, x2 = ${fmtNum(c.x2)}, t = ${c.t}`;
  const rel = c.kind === "notConvex" ? "above" : "below";
  return `not ${c.kind === "notConvex" ? "convex" : "concave"}: at ${at} the graph lies ${rel} the chord by ${fmtNum(Math.abs(c.gap))} (${c.verifiedBy})`;
}

/**
 * Turn a piece's runs into atoms with a definite class: an unsettled stretch between a nonneg and
 * a nonpos run holds an inflection point, located by bisection on the sign of f''; the stretch is
 * split there. Other unsettled stretches stay unexplained.
 */
function explainRuns(p: Piece): { atoms: { from: number; to: number; cls: RunClass }[]; inflections: number[]; unexplained: [number, number][] } {
  const runs = p.runs.map((r) => ({ ...r, from: Math.max(r.from, p.from), to: Math.min(r.to, p.to) })).filter((r) => r.to > r.from || p.from === p.to);
  const atoms: { from: number; to: number; cls: RunClass }[] = [];
  const inflections: number[] = [];
  const unexplained: [number, number][] = [];
  let i = 0;
  while (i < runs.length) {
    const r = runs[i]!;
    if (r.cls !== "unsettled") {
      const prev = atoms[atoms.length - 1];
      // Proven f'' ≥ 0 on [u, x] and f'' ≤ 0 on [x, v]: f''(x) = 0 and x is an inflection point.
      if (prev && prev.to === r.from && ((prev.cls === "nonneg" && r.cls === "nonpos") || (prev.cls === "nonpos" && r.cls === "nonneg"))) inflections.push(r.from);
      atoms.push({ ...r });
      i++;
      continue;
    }
    let j = i;
    while (j < runs.length && runs[j]!.cls === "unsettled") j++;
    const left = atoms[atoms.length - 1];
    const right = runs[j];
    const from = r.from, to = runs[j - 1]!.to;
    const opposite = left && right && ((left.cls === "nonneg" && right.cls === "nonpos") || (left.cls === "nonpos" && right.cls === "nonneg"));
    if (opposite) {
      const rightPositive = right.cls === "nonneg";
      const s = (x: number): number => floatOne(p.d, x, "d2f");
      const [bl, bh] = bisect(from, to, (m) => {
        const v = s(m);
        return v === 0 ? "hit" : (v > 0) === rightPositive;
      });
      const x = simplestIn(bl, bh);
      inflections.push(x);
      left.to = x;
      atoms.push({ from: x, to, cls: right.cls });
    } else {
      unexplained.push([from, to]);
      atoms.push({ from, to, cls: "unsettled" });
    }
    i = j;
  }
  // Adjacent atoms of one class merge (a split run meets its twin).
  const merged: typeof atoms = [];
  for (const t of atoms) {
    const last = merged[merged.length - 1];
    if (last && last.cls === t.cls) last.to = t.to;
    else merged.push(t);
  }
  return { atoms: merged, inflections, unexplained };
}

/** Maximal intervals on which f is convex (or concave): runs of the right f'' sign joined across kinks of the right sign. */
function maximalIntervals(atoms: readonly { from: number; to: number; cls: RunClass }[][], points: readonly SwitchPoint[], jumps: readonly JumpClass[], kind: "convex" | "concave", a: number, b: number): [number, number][] {
  const good: RunClass = kind === "convex" ? "nonneg" : "nonpos";
  const goodJump: JumpClass = kind === "convex" ? "pos" : "neg";
  const out: [number, number][] = [];
  let start: number | undefined;
  const close = (x: number): void => {
    if (start !== undefined && x > start) out.push([start, x]);
    start = undefined;
  };
  atoms.forEach((pieceAtoms, i) => {
    for (const t of pieceAtoms) {
      if (t.cls === good || t.cls === "zero") start ??= t.from;
      else close(t.from);
    }
    if (i < points.length) {
      const j = jumps[i]!;
      if (j !== goodJump && j !== "zero") {
        close(points[i]!.x);
        start = points[i]!.x;
      }
    }
  });
  close(b);
  return out.filter(([u, v]) => v > u && u >= a);
}

function extrema(graph: Graph, pieces: readonly Piece[], points: readonly SwitchPoint[], a: number, b: number): { minima: Extremum[]; maxima: Extremum[] } {
  const minima: Extremum[] = [];
  const maxima: Extremum[] = [];
  const fAt = (x: number): number => floatOne(graph, x, "f");
  const flat = pieces.map((p) => {
    const d = intervalOne(p.d, { lo: p.boxLo, hi: p.boxHi }, "df");
    return d.lo === 0 && d.hi === 0;
  });
  pieces.forEach((p, i) => {
    if (flat[i]) {
      // Slope just outside the flat stretch on each side (0: the domain ends there).
      const leftSlope = i === 0 ? 0 : Math.sign(floatOne(pieces[i - 1]!.d, p.from, "df"));
      const rightSlope = i === pieces.length - 1 ? 0 : Math.sign(floatOne(pieces[i + 1]!.d, p.to, "df"));
      if (leftSlope === 0 && rightSlope === 0) return;
      const e: Extremum = { x: p.from, to: p.to, f: fAt(p.from / 2 + p.to / 2), at: "flat stretch" };
      if (leftSlope <= 0 && rightSlope >= 0) minima.push(e);
      else if (leftSlope >= 0 && rightSlope <= 0) maxima.push(e);
      return;
    }
    const n = Math.max(16, Math.round((400 * (p.to - p.from)) / (b - a)));
    let prev: { x: number; s: number } | undefined;
    for (let k = 0; k <= n; k++) {
      const x = k === n ? p.to : p.from + ((p.to - p.from) * k) / n;
      if ((k === 0 && p.from === a) || (k === n && p.to === b)) continue;
      const s = Math.sign(floatOne(p.d, x, "df"));
      if (s === 0 || Number.isNaN(s)) continue;
      if (prev && prev.s !== s) {
        const [bl, bh] = bisect(prev.x, x, (m) => {
          const v = floatOne(p.d, m, "df");
          return v === 0 ? "hit" : Math.sign(v) === s;
        });
        const xe = simplestIn(bl, bh);
        (prev.s < 0 ? minima : maxima).push({ x: xe, f: fAt(xe), at: "smooth point" });
      }
      prev = { x, s };
    }
  });
  points.forEach((pt, i) => {
    if (flat[i] || flat[i + 1]) return;
    const l = floatOne(pieces[i]!.d, pt.x, "df"), r = floatOne(pieces[i + 1]!.d, pt.x, "df");
    if (l < 0 && r > 0) minima.push({ x: pt.x, f: fAt(pt.x), at: "kink" });
    else if (l > 0 && r < 0) maxima.push({ x: pt.x, f: fAt(pt.x), at: "kink" });
  });
  const byX = (u: Extremum, v: Extremum): number => u.x - v.x;
  return { minima: minima.sort(byX), maxima: maxima.sort(byX) };
}

function sample(graph: Graph, a: number, b: number, openEnds: readonly [boolean, boolean], n: number): CurvatureSamples {
  const d = withDerivatives(graph);
  const lo = openEnds[0] ? a + (b - a) / (4 * n) : a;
  const hi = openEnds[1] ? b - (b - a) / (4 * n) : b;
  const out: CurvatureSamples = { x: [], f: [], df: [], d2f: [] };
  for (let i = 0; i < n; i++) {
    const x = i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1);
    const [f, df, d2f] = floatAt(d, x, ["f", "df", "d2f"]);
    out.x.push(x);
    out.f.push(f!);
    out.df.push(df!);
    out.d2f.push(d2f!);
  }
  return out;
}
