/**
 * `losscape curvature`: decide, prove and explain the curvature of a scalar function of x on an
 * interval. DCP gives a verdict when its rules apply (on the expression as written, or on its exact
 * stable rewriting: log(1 + e^x) is softplus(x)); otherwise the expression is split into smooth
 * pieces at the switching points of relu/abs/max/min/..., the sign of f'' is proven on each piece
 * (sign-prover.ts: natural extension, monotonicity from f''', mean-value form, bisection), and
 * the jump of f' at each switching point is signed, exactly where the crossing is rational. A
 * function that is neither gets Jensen certificates, checked exactly or with intervals.
 *
 * Everything reported as convex, concave, an inflection or an extremum is proven; what is not is
 * reported as undecided.
 */
import { GraphBuilder } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { iv, type Interval } from "../../ir/interval-tensor.js";
import { Rational } from "../../num/rational.js";
import { UserError, field } from "../../util/errors.js";
import { analyzeDcp, brokenClauses, dcpTree, type DcpTree } from "../dcp/analyze-dcp.js";
import type { Curvature } from "../../ir/curvature-facts.js";
import { expressionGraph } from "../expr/expression-graph.js";
import { findCertificates, verifyChord, type CertificateKind, type JensenCertificate } from "./jensen-certificate.js";
import { exactScalar, isPiecewiseRational } from "./node-exact.js";
import { nodeIntervals } from "./node-intervals.js";
import { dependsOnX, findSwitches, specialize, UNARY_SWITCHES, type Branch, type Switch } from "./piecewise.js";
import { compileScalar, outputIndex, type ScalarProgram } from "./scalar-program.js";
import { floatAt, floatOne, simplestIn } from "./scalar-eval.js";
import { NONNEG, NONPOS, proveSign, type SignClass, type SignFunction, type SignSegment } from "./sign-prover.js";
import { derivativeGraph, simplifyGraph } from "./simplify.js";

export type Verdict = "convex" | "concave" | "affine" | "neither" | "unknown";

export interface CurvatureOptions {
  /** Closed interval [a, b] (default [-10, 10]); an end where f is undefined is treated as open. */
  domain?: readonly [number, number];
  /** Number of plot samples to include (0: none). */
  samples?: number;
  /** Boxes narrower than this fraction of the domain are not split (default 1e-9). */
  relativeWidthLimit?: number;
  /** Box budget per sign proof (default 20000). */
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
  readonly isolation: SwitchIsolation;
  readonly bracket: readonly [number, number];
}

export type SwitchIsolation = "exact" | "verified" | "unresolved";

/** A proven point: the true point lies in `enclosure`; `x` is the simplest number in it. */
export interface ProvenPoint {
  readonly x: number;
  readonly enclosure: readonly [number, number];
  /** The point is exactly x (enclosure of width 0). */
  readonly exact: boolean;
}

export interface Extremum {
  readonly x: number;
  readonly f: number;
  /** Every point of [x, to] is a (non-strict) local extremum: f is constant there. */
  readonly to?: number;
  /** Where the extremum is proven to lie (smooth points: a sign change of f' with f' monotone). */
  readonly enclosure?: readonly [number, number];
  readonly at: "smooth point" | "kink" | "flat stretch";
}

export interface PieceReport {
  readonly from: number;
  readonly to: number;
  /** Sign of f'' proven on the piece: zero, nonneg, nonpos, mixed (both, with inflections), unsettled. */
  readonly secondDerivative: "zero" | "nonneg" | "nonpos" | "mixed" | "unsettled";
  readonly boxes: number;
  /** Stretches where the sign of f'' is not proven. */
  readonly unsettled: readonly (readonly [number, number])[];
}

export interface CurvatureProof {
  readonly method: "dcp" | "interval" | "certificate" | "none";
  readonly detail: string;
  /** For interval proofs: every switching point isolated exactly or verified unique. */
  readonly rigorous?: boolean;
}

export interface CurvatureSamples {
  readonly x: number[];
  readonly f: number[];
  /** NaN at switching points, where f' (and f'') jump: the pieces' one-sided values sit on either side. */
  readonly df: number[];
  readonly d2f: number[];
}

/** Proven bounds of f, f', f'' over the domain (outer enclosures over small boxes; open ends excluded). */
export interface CurvatureBounds {
  readonly f: readonly [number, number];
  readonly df: readonly [number, number];
  readonly d2f: readonly [number, number];
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
  readonly dcp: { readonly curvature: Curvature; readonly tree: DcpTree; readonly broken: readonly string[]; readonly stableForm?: { readonly expr: string; readonly curvature: Curvature } };
  readonly kinks: readonly Kink[];
  /** Every switching point (kinks plus points where only f'' jumps, e.g. huber's |x| = d). */
  readonly breakpoints: readonly number[];
  /** Inflection points (sign changes of f''), as the simplest number in each enclosure. */
  readonly inflections: readonly number[];
  readonly inflectionPoints: readonly ProvenPoint[];
  /** Proven: f is convex on each of these intervals. */
  readonly convexIntervals: readonly (readonly [number, number])[];
  /** Proven: f is concave on each of these intervals. */
  readonly concaveIntervals: readonly (readonly [number, number])[];
  /** Where neither convexity nor concavity is proven (empty when the analysis settled everything). */
  readonly undecided: readonly (readonly [number, number])[];
  /** No subinterval is convex (concave) anywhere: every stretch is strictly of the other kind. */
  readonly convexNowhere: boolean;
  readonly concaveNowhere: boolean;
  readonly minima: readonly Extremum[];
  readonly maxima: readonly Extremum[];
  /** True when the search for extrema covered the whole domain (so "none" is a proof). */
  readonly extremaSettled: boolean;
  readonly pieces: readonly PieceReport[];
  /** What was attempted, when the verdict is unknown. */
  readonly tried?: readonly string[];
  readonly samples?: CurvatureSamples;
  readonly bounds?: CurvatureBounds;
}

export function parseDomain(text: string): [number, number] {
  const parts = text.split(",").map((s) => s.trim());
  const nums = parts.map((s) => (s === "" ? NaN : Number(s.replace(/^inf$/i, "Infinity"))));
  if (parts.length !== 2 || nums.some((v) => Number.isNaN(v))) {
    throw new UserError(`bad ${field("domain")} "${text}": write two numbers a,b with a < b, e.g. -5,5 or 0,4`);
  }
  return checkDomain([nums[0]!, nums[1]!]);
}

export function checkDomain([a, b]: readonly [number, number]): [number, number] {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new UserError(`domain [${a}, ${b}]: both ends must be finite numbers`);
  if (!(a < b)) throw new UserError(`domain [${a}, ${b}]: the left end must be smaller than the right end`);
  return [a, b];
}

/** Where f is defined: ends where it is not become open; undefined points inside are a user error. */
export function checkDefined(graph: Graph, a: number, b: number, source: string): [boolean, boolean] {
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
    const hint = best ? ` Try the ${field("domain")} ${fmtNum(best[0])},${fmtNum(best[1])}, where it is defined.` : "";
    throw new UserError(`"${source}" is not defined (or not finite) everywhere on [${a}, ${b}]: e.g. at x = ${fmtNum(bad[0]!)}.${hint}`);
  }
  return [!ok[0], !ok[n]];
}

export function fmtNum(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** A smooth formula with its derivatives compiled for interval proofs. */
export interface SmoothFn {
  readonly graph: Graph;
  readonly prog: ScalarProgram;
  readonly out: { readonly f: number; readonly df: number; readonly d2f: number; readonly d3f: number; readonly d4f: number };
  readonly rational: boolean;
  /** No switches: the derivative graphs are the true derivatives everywhere (with switches, f'' misses the kinks). */
  readonly smooth: boolean;
}

export function smoothFn(graph: Graph): SmoothFn {
  const d = derivativeGraph(graph, 4);
  const prog = compileScalar(d);
  return {
    graph: d,
    prog,
    out: { f: outputIndex(prog, "f"), df: outputIndex(prog, "df"), d2f: outputIndex(prog, "d2f"), d3f: outputIndex(prog, "d3f"), d4f: outputIndex(prog, "d4f") },
    rational: isPiecewiseRational(d),
    smooth: findSwitches(d).length === 0
  };
}

type Order = "f" | "df" | "d2f";
const NEXT: Record<Order, "df" | "d2f" | "d3f"> = { f: "df", df: "d2f", d2f: "d3f" };
const NEXT2: Record<Order, "d2f" | "d3f" | "d4f"> = { f: "d2f", df: "d3f", d2f: "d4f" };

/** The sign problem for one derivative of a smooth formula (its next derivative drives monotonicity). */
export function signFunction(s: SmoothFn, of: Order): SignFunction {
  const v = s.out[of], d = s.out[NEXT[of]], d2 = s.out[NEXT2[of]];
  const triple = [v, d, d2], pair = [v, d], one = [v];
  return {
    // Only g' enters the first-order forms, and for a continuous piecewise-smooth g its enclosure
    // covers both one-sided slopes at a kink; g'' would miss the kink, so it is used only when smooth.
    box: s.smooth ? (lo, hi) => s.prog.box(lo, hi, triple) as [Interval, Interval, Interval] : (lo, hi) => s.prog.box(lo, hi, pair) as [Interval, Interval],
    point: (x) => s.prog.box(x, x, one)[0]!,
    pointWithSlope: (x) => s.prog.box(x, x, pair) as [Interval, Interval],
    ...(s.rational ? { exactZero: (x: number) => exactScalar(s.graph, Rational.fromFloat(x), [of])?.[0]?.isZero() ?? false } : {})
  };
}

const encl = (s: SmoothFn, of: Order | "d3f", lo: number, hi: number): Interval => s.prog.box(lo, hi, [s.out[of]])[0]!;

// ---------------------------------------------------------------------------------------------
// Switching points

interface SwitchPointInternal {
  lo: number;
  hi: number;
  switches: number[];
  isolation: SwitchIsolation;
}

interface BranchRun {
  from: number;
  to: number;
  branch: Branch;
}

function branchOfClass(c: SignClass): Branch | undefined {
  if (c === "pos" || c === "nonneg") return "pos";
  if (c === "neg" || c === "nonpos") return "neg";
  if (c === "zero") return "zero";
  return undefined;
}

/**
 * Switching points of one switch from the proven sign of its argument k: crossings (isolated with k
 * monotone), boundaries between a positive and a negative stretch, edges of stretches where k ≡ 0,
 * and stretches where the sign is not proven (unresolved). Stretches where k ≥ 0 with isolated
 * touching zeros keep the positive branch: every switch of the language is continuous there.
 */
function switchPointsOf(k: SmoothFn, j: number, a: number, b: number, widthLimit: number, maxBoxes: number): { points: SwitchPointInternal[]; runs: BranchRun[]; boxes: number } {
  const proof = proveSign(signFunction(k, "f"), a, b, { widthLimit, maxBoxes });
  const points: SwitchPointInternal[] = [];
  const runs: BranchRun[] = [];
  let prev: Branch | undefined;
  for (const s of proof.segments) {
    const br = branchOfClass(s.cls);
    if (br) {
      if (prev !== undefined && prev !== br) {
        const last = points[points.length - 1];
        if (!last || last.hi < s.from) points.push({ lo: s.from, hi: s.from, switches: [j], isolation: "exact" });
      }
      const r = runs[runs.length - 1];
      if (r && r.branch === br && r.to === s.from) r.to = s.to;
      else runs.push({ from: s.from, to: s.to, branch: br });
      prev = br;
    } else {
      points.push({ lo: s.from, hi: s.to, switches: [j], isolation: s.cls === "undecided" ? "unresolved" : s.exact ? "exact" : "verified" });
      prev = undefined;
    }
  }
  return { points: points.filter((p) => p.hi > a && p.lo < b), runs, boxes: proof.boxes };
}

function mergePoints(pts: SwitchPointInternal[]): SwitchPointInternal[] {
  pts.sort((p, q) => p.lo - q.lo);
  const rank: Record<SwitchIsolation, number> = { exact: 0, verified: 1, unresolved: 2 };
  const out: SwitchPointInternal[] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (last && p.lo <= last.hi) {
      last.hi = Math.max(last.hi, p.hi);
      last.switches = [...new Set([...last.switches, ...p.switches])];
      if (rank[p.isolation] > rank[last.isolation] || (last.lo !== last.hi && last.isolation === "exact")) last.isolation = rank[p.isolation] > rank[last.isolation] ? p.isolation : "verified";
    } else out.push({ ...p, switches: [...p.switches] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The analysis

interface Piece {
  from: number;
  to: number;
  fn: SmoothFn;
  branches: Branch[];
  /** Sign of f'' on [boxLo, boxHi] (the piece widened over its switching points' brackets). */
  curv: SignSegment[];
  /** Sign of f' on [from, to]. */
  slope: SignSegment[];
  boxes: number;
}

type JumpClass = "pos" | "neg" | "zero" | "unknown";

/** One stretch of the domain, in order: a proven sign of f'' on a piece, or a switching point. */
interface Atom {
  from: number;
  to: number;
  kind: "curv" | "junction";
  cls: SignClass;
  /** Junctions: f convex (concave) across the switching point. */
  convex?: boolean;
  concave?: boolean;
}

/** Whether every segment overlapping [u, v] is in the set (false when none overlaps). */
function allOn(segs: readonly SignSegment[], u: number, v: number, set: ReadonlySet<SignClass>): boolean {
  let any = false;
  for (const s of segs) {
    if (s.to < u || s.from > v) continue;
    if (s.to === u && s.from < u && u < v) continue;
    if (s.from === v && s.to > v && u < v) continue;
    any = true;
    if (!set.has(s.cls)) return false;
  }
  return any;
}

function clip(segs: readonly SignSegment[], u: number, v: number): SignSegment[] {
  const out: SignSegment[] = [];
  for (const s of segs) {
    const from = Math.max(s.from, u), to = Math.min(s.to, v);
    if (to < from || (to === from && s.cls !== "up" && s.cls !== "down")) continue;
    if ((s.cls === "up" || s.cls === "down") && (s.from < u || s.to > v)) {
      // A crossing bracket reaching past the piece: what is inside the piece is not settled.
      out.push({ from, to, cls: "undecided" });
      continue;
    }
    out.push({ ...s, from, to });
  }
  return out;
}

export function analyzeCurvature(expression: string, options: CurvatureOptions = {}): CurvatureResult {
  const parsed = expressionGraph(expression);
  const graph0 = parsed.graph;
  const [a, b] = checkDomain(options.domain ?? [-10, 10]);
  const openEnds = checkDefined(graph0, a, b, parsed.source);
  const width = b - a;
  const widthLimit = width * (options.relativeWidthLimit ?? 1e-9);
  const maxBoxes = options.maxBoxes ?? 20000;
  const graph = simplifyGraph(graph0);

  // DCP, with signs sharpened by the range of every node over the domain; the stable form too.
  const dcpOf = (g: Graph): ReturnType<typeof analyzeDcp> => {
    const ranges = nodeIntervals(g, { x: { shape: [], lo: Float64Array.of(a), hi: Float64Array.of(b) } }).map((t) => ({ lo: t.lo[0]!, hi: t.hi[0]! }));
    return analyzeDcp(g, { wrt: ["x"], ranges });
  };
  const dcp = dcpOf(graph0);
  const decisive = (c: Curvature): boolean => c === "convex" || c === "concave" || c === "affine" || c === "constant";
  let stable: ReturnType<typeof analyzeDcp> | undefined;
  if (!decisive(dcp.curvature)) {
    try {
      stable = dcpOf(graph);
    } catch {
      stable = undefined;
    }
  }
  const dcpCurv: Curvature = decisive(dcp.curvature) ? dcp.curvature : stable && decisive(stable.curvature) ? stable.curvature : dcp.curvature;
  const dcpRule = decisive(dcp.curvature) ? dcp.nodes[dcp.root]!.rule : stable ? `${stable.nodes[stable.root]!.rule} (on the exact stable form ${stable.nodes[stable.root]!.expr})` : "";

  // Switching points of every switch, merged.
  const switches: Switch[] = findSwitches(graph);
  // Each switching argument as written (inner switches kept): the sign prover takes continuous
  // piecewise-smooth functions, since the enclosure of k' then covers both one-sided slopes.
  const perSwitch = switches.map((sw, j) => switchPointsOf(smoothFn(argumentGraph(graph, sw)), j, a, b, widthLimit, maxBoxes));
  const points = mergePoints(perSwitch.flatMap((p) => p.points)).filter((p) => p.hi > a && p.lo < b);
  const runs = perSwitch.map((p) => p.runs);

  // Pieces between switching points.
  const bounds: [number, number][] = [];
  {
    let start = a;
    for (const p of points) {
      bounds.push([start, Math.max(start, p.lo)]);
      start = Math.min(b, p.hi);
    }
    bounds.push([start, b]);
  }
  const pieces: Piece[] = bounds.map(([from, to], i) => {
    const mid = from / 2 + to / 2;
    const branches: Branch[] = runs.map((rs) => rs.find((r) => r.from <= mid && mid <= r.to)?.branch ?? "pos");
    const fn = smoothFn(specialize(graph, switches, branches));
    const left = points[i - 1], right = points[i];
    const boxLo = left && left.isolation !== "unresolved" ? Math.max(a, left.lo) : from;
    const boxHi = right && right.isolation !== "unresolved" ? Math.min(b, right.hi) : to;
    const c = boxHi > boxLo ? proveSign(signFunction(fn, "d2f"), boxLo, boxHi, { widthLimit, maxBoxes }) : { segments: [{ from: boxLo, to: boxHi, cls: weakClass(encl(fn, "d2f", boxLo, boxHi)) }], boxes: 1 };
    const sl = to > from ? proveSign(signFunction(fn, "df"), from, to, { widthLimit, maxBoxes: Math.ceil(maxBoxes / 12) }) : { segments: [{ from, to, cls: weakClass(encl(fn, "df", from, to)) }], boxes: 1 };
    return { from, to, fn, branches, curv: c.segments, slope: sl.segments, boxes: c.boxes + sl.boxes };
  });

  // Slope jumps at the switching points.
  const kinks: Kink[] = [];
  const jumps: JumpClass[] = [];
  points.forEach((pt, i) => {
    const L = pieces[i]!, R = pieces[i + 1]!;
    if (pt.isolation === "unresolved") {
      jumps.push("unknown");
      return;
    }
    const lS = encl(L.fn, "df", pt.lo, pt.hi), rS = encl(R.fn, "df", pt.lo, pt.hi);
    const enc = iv.sub(rS, lS);
    let cls: JumpClass = jumpClass(enc);
    let exact: Rational | undefined;
    if (cls === "unknown" || pt.lo === pt.hi) {
      const X = pt.lo === pt.hi ? Rational.fromFloat(pt.lo) : rationalCrossing(graph, switches, L.branches, pt);
      if (X && L.fn.rational && R.fn.rational) {
        const l = exactScalar(L.fn.graph, X, ["df"])?.[0], r = exactScalar(R.fn.graph, X, ["df"])?.[0];
        if (l && r) {
          exact = r.sub(l);
          cls = exact.sign() > 0 ? "pos" : exact.sign() < 0 ? "neg" : "zero";
        }
      }
    }
    jumps.push(cls);
    if (cls === "zero") return;
    const x = simplestIn(pt.lo, pt.hi);
    const leftSlope = floatOne(L.fn.graph, x, "df"), rightSlope = floatOne(R.fn.graph, x, "df");
    const jump = exact ? exact.toNumber() : rightSlope - leftSlope;
    if (cls === "unknown" && enc.lo === 0 && enc.hi === 0) return;
    kinks.push({
      x,
      slopeJump: jump,
      slopeJumpEnclosure: exact ? [jump, jump] : [enc.lo, enc.hi],
      ...(exact ? { exactSlopeJump: exact.toString() } : {}),
      kind: cls === "pos" ? "convex" : cls === "neg" ? "concave" : "undetermined",
      leftSlope,
      rightSlope,
      isolation: pt.isolation,
      bracket: [pt.lo, pt.hi]
    });
  });

  // The domain as atoms, left to right.
  const atoms: Atom[] = [];
  pieces.forEach((p, i) => {
    for (const s of clip(p.curv, p.from, p.to)) atoms.push({ from: s.from, to: s.to, kind: "curv", cls: s.exact ? s.cls : s.cls });
    const pt = points[i];
    if (!pt) return;
    const R = pieces[i + 1]!;
    const j = jumps[i]!;
    const cx = j !== "unknown" && (j === "pos" || j === "zero") && allOn(p.curv, pt.lo, pt.hi, NONNEG) && allOn(R.curv, pt.lo, pt.hi, NONNEG);
    const cv = j !== "unknown" && (j === "neg" || j === "zero") && allOn(p.curv, pt.lo, pt.hi, NONPOS) && allOn(R.curv, pt.lo, pt.hi, NONPOS);
    const proven = (segs: readonly SignSegment[]): boolean => allOn(segs, pt.lo, pt.hi, NONNEG) || allOn(segs, pt.lo, pt.hi, NONPOS);
    const undecided = j === "unknown" || (!cx && !cv && !(proven(p.curv) && proven(R.curv)));
    atoms.push({ from: pt.lo, to: pt.hi, kind: "junction", cls: undecided ? "undecided" : j === "pos" ? "pos" : j === "neg" ? "neg" : "zero", convex: cx, concave: cv });
  });

  const convexIntervals = maximalIntervals(atoms, "convex", a, b);
  const concaveIntervals = maximalIntervals(atoms, "concave", a, b);
  const undecided = mergeRanges(atoms.filter((t) => t.cls === "undecided").map((t) => [t.from, t.to] as [number, number]));
  const inflectionPoints: ProvenPoint[] = inflectionsOf(atoms);

  const ext = extrema(graph0, pieces, points);
  const extremaSettled = ext.settled;
  // An extremum at a switching point where f' does not jump is a smooth point.
  const atKink = new Set(kinks.map((k) => k.x));
  const relabel = (e: Extremum): Extremum => (e.at === "kink" && !atKink.has(e.x) ? { ...e, at: "smooth point" } : e);
  const minima = ext.minima.map(relabel), maxima = ext.maxima.map(relabel);

  // Verdict.
  const settled = undecided.length === 0;
  const rigorous = points.every((p) => p.isolation !== "unresolved");
  const allConvex = convexIntervals.length === 1 && convexIntervals[0]![0] === a && convexIntervals[0]![1] === b;
  const allConcave = concaveIntervals.length === 1 && concaveIntervals[0]![0] === a && concaveIntervals[0]![1] === b;
  const totalBoxes = pieces.reduce((s, p) => s + p.boxes, 0) + perSwitch.reduce((s, p) => s + p.boxes, 0);
  const intervalDetail = (what: string): string =>
    `${what} proven with interval arithmetic (natural extension, monotonicity from f''', mean-value form) on ${pieces.length} smooth piece${pieces.length === 1 ? "" : "s"} (${totalBoxes} boxes)` +
    (points.length ? `, and the slope jump at each of the ${points.length} switching point${points.length === 1 ? "" : "s"} is ${what.includes("≥") ? "≥ 0" : what.includes("≤") ? "≤ 0" : "0"}` : "");

  const lo = openEnds[0] ? a + width / 800 : a, hi = openEnds[1] ? b - width / 800 : b;
  // Once a proof settles the verdict the grid scan can only add an illustration: it is skipped.
  const provenAlready = allConvex || allConcave || decisive(dcpCurv);
  const certs = certificatesFor(graph0, atoms, points, jumps, lo, hi, !provenAlready);
  const certificates = { ...(certs.notConvex ? { notConvex: certs.notConvex } : {}), ...(certs.notConcave ? { notConcave: certs.notConcave } : {}) };

  let verdict: Verdict;
  let proof: CurvatureProof;
  let reason: string;
  let tried: string[] | undefined;
  let convexOut = convexIntervals, concaveOut = concaveIntervals, undecidedOut = undecided;
  const dom = `[${a}, ${b}]`;
  const whole: [number, number][] = [[a, b]];
  if (dcpCurv === "affine" || dcpCurv === "constant") {
    verdict = "affine";
    proof = { method: "dcp", detail: "DCP: the expression is affine in x (every atom affine, of affine arguments)" };
    reason = "affine by the DCP rules";
    convexOut = whole;
    concaveOut = whole;
    undecidedOut = [];
  } else if (allConvex && allConcave) {
    verdict = "affine";
    proof = { method: "interval", detail: intervalDetail("f'' = 0"), rigorous };
    reason = `affine on ${dom}: f'' = 0 on every piece and f' does not jump (DCP cannot say so)`;
  } else if (dcpCurv === "convex" || dcpCurv === "concave") {
    verdict = dcpCurv;
    proof = { method: "dcp", detail: `DCP: ${dcpRule}` };
    reason = `${dcpCurv} by the DCP composition rules${decisive(dcp.curvature) ? "" : " applied to the exact stable form"}`;
    if (dcpCurv === "convex") convexOut = whole;
    else concaveOut = whole;
    undecidedOut = [];
  } else if (allConvex || allConcave) {
    verdict = allConvex ? "convex" : "concave";
    proof = { method: "interval", detail: intervalDetail(allConvex ? "f'' ≥ 0" : "f'' ≤ 0"), rigorous };
    reason = `${verdict} on ${dom}: f'' ${allConvex ? "≥" : "≤"} 0 proven on every piece${points.length ? ` and every switching point is ${verdict}` : ""}${dcpCurv === "unknown" ? " (DCP says unknown)" : ""}`;
    undecidedOut = [];
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
      `DCP: ${dcp.curvature}${dcp.nodes[dcp.root]?.broken ? ` (${brokenClauses(dcp)[0] ?? ""})` : ""}`,
      `interval proofs of the sign of f'' on ${pieces.length} piece(s), down to width ${widthLimit.toExponential(1)}: undecided on ${undecided.map(([u, v]) => `[${fmtNum(u)}, ${fmtNum(v)}]`).join(", ") || "nothing"}`,
      `Jensen chords scanned: ${certs.chords}; found ${certs.notConvex ? "a not-convex certificate" : "no not-convex certificate"}, ${certs.notConcave ? "a not-concave certificate" : "no not-concave certificate"}`
    ];
    const half = certs.notConvex ? "not convex (certificate), but concavity is not proven" : certs.notConcave ? "not concave (certificate), but convexity is not proven" : "no proof either way";
    reason = `undecided on ${dom}: ${half}`;
  }
  if (!settled && verdict !== "unknown" && proof.method === "certificate") {
    reason += `; the sign of f'' is not proven on ${undecided.map(([u, v]) => `[${fmtNum(u)}, ${fmtNum(v)}]`).join(", ")}`;
  }
  const strictOnly = (set: ReadonlySet<SignClass>): boolean => atoms.every((t) => set.has(t.cls) || t.from === t.to && t.kind === "curv");
  const convexNowhere = convexOut.length === 0 && strictOnly(new Set<SignClass>(["neg", "up", "down"]));
  const concaveNowhere = concaveOut.length === 0 && strictOnly(new Set<SignClass>(["pos", "up", "down"]));

  const pieceReports: PieceReport[] = pieces.map((p) => {
    const segs = clip(p.curv, p.from, p.to);
    const un = segs.filter((s) => s.cls === "undecided").map((s) => [s.from, s.to] as const);
    const classes = new Set(segs.map((s) => s.cls));
    const pos = classes.has("pos") || classes.has("nonneg"), neg = classes.has("neg") || classes.has("nonpos");
    const sd: PieceReport["secondDerivative"] = un.length ? "unsettled" : classes.has("up") || classes.has("down") || (pos && neg) ? "mixed" : pos ? "nonneg" : neg ? "nonpos" : "zero";
    return { from: p.from, to: p.to, secondDerivative: sd, boxes: p.boxes, unsettled: un };
  });

  const samples = options.samples ? sample(graph0, pieces, points, a, b, openEnds, options.samples) : undefined;
  const plotBounds = options.samples ? proveBounds(pieces, a, b, openEnds) : undefined;
  const stableExpr = stable ? stable.nodes[stable.root]!.expr : undefined;
  return {
    expression: parsed.source,
    canonical: parsed.canonical,
    domain: [a, b],
    openEnds,
    verdict,
    reason,
    proof,
    certificates,
    dcp: {
      curvature: dcp.curvature,
      tree: dcpTree(dcp),
      broken: brokenClauses(dcp),
      ...(stable && stableExpr !== undefined && stableExpr !== dcp.nodes[dcp.root]!.expr ? { stableForm: { expr: stableExpr, curvature: stable.curvature } } : {})
    },
    kinks,
    breakpoints: points.map((p) => simplestIn(p.lo, p.hi)),
    inflections: inflectionPoints.map((p) => p.x),
    inflectionPoints,
    convexIntervals: convexOut,
    concaveIntervals: concaveOut,
    undecided: undecidedOut,
    convexNowhere,
    concaveNowhere,
    minima,
    maxima,
    extremaSettled,
    pieces: pieceReports,
    ...(tried ? { tried } : {}),
    ...(samples ? { samples } : {}),
    ...(plotBounds ? { bounds: plotBounds } : {})
  };
}

function weakClass(v: Interval): SignClass {
  if (Number.isNaN(v.lo) || Number.isNaN(v.hi)) return "undecided";
  if (v.lo === 0 && v.hi === 0) return "zero";
  if (v.lo > 0) return "pos";
  if (v.hi < 0) return "neg";
  if (v.lo >= 0) return "nonneg";
  if (v.hi <= 0) return "nonpos";
  return "undecided";
}

function jumpClass(v: Interval): JumpClass {
  if (Number.isNaN(v.lo) || Number.isNaN(v.hi)) return "unknown";
  if (v.lo === 0 && v.hi === 0) return "zero";
  if (v.lo > 0) return "pos";
  if (v.hi < 0) return "neg";
  return "unknown";
}

/** The switching argument of a switch as written (inner switches kept), as a graph with output f. */
function argumentGraph(graph: Graph, s: Switch): Graph {
  const n = graph.nodes[s.id]!;
  const { g, values } = GraphBuilder.fromGraph(graph);
  const k = UNARY_SWITCHES.has(n.op) ? values[n.inputs[0]!]! : g.sub(values[n.inputs[0]!]!, values[n.inputs[1]!]!);
  return g.build({ f: k });
}

/**
 * The exact crossing of a switching point whose argument k is affine on its bracket (k' does not
 * depend on x): x* = −k(0)/k', a rational; undefined otherwise or outside the bracket.
 */
function rationalCrossing(graph: Graph, switches: readonly Switch[], branches: readonly Branch[], pt: SwitchPointInternal): Rational | undefined {
  if (pt.switches.length !== 1) return undefined;
  const k = derivativeGraph(specialize(graph, switches, branches, pt.switches[0]!), 1);
  const dkId = k.outputs.find((o) => o.name === "df")!.id;
  if (dependsOnX(k)[dkId] || !isPiecewiseRational(k)) return undefined;
  const v = exactScalar(k, Rational.ZERO, ["f", "df"]);
  if (!v || v[1]!.isZero()) return undefined;
  const x = v[0]!.neg().div(v[1]!);
  if (x.lt(Rational.fromFloat(pt.lo)) || x.gt(Rational.fromFloat(pt.hi))) return undefined;
  return x;
}

/** Maximal intervals on which f is convex (or concave): atoms of the right kind, joined. */
function maximalIntervals(atoms: readonly Atom[], kind: "convex" | "concave", a: number, b: number): [number, number][] {
  const set = kind === "convex" ? NONNEG : NONPOS;
  const out: [number, number][] = [];
  let start: number | undefined;
  const close = (x: number): void => {
    if (start !== undefined && x > start) out.push([start, x]);
    start = undefined;
  };
  for (const t of atoms) {
    const good = t.kind === "junction" ? (kind === "convex" ? t.convex : t.concave) === true : set.has(t.cls);
    if (good) start ??= t.from;
    else {
      close(t.from);
      // After an up crossing f is convex from its right end on (down: concave).
      if (t.kind === "curv" && ((t.cls === "up" && kind === "convex") || (t.cls === "down" && kind === "concave"))) start = t.to;
      else if (t.kind === "junction" && t.cls !== "undecided") start = t.to;
    }
  }
  close(b);
  return out.filter(([u, v]) => v > u && u >= a);
}

function mergeRanges(rs: [number, number][]): [number, number][] {
  rs.sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const r of rs) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** f'' ≥ 0 on one side and ≤ 0 on the other, and not identically 0 on either. */
function flips(u: SignClass, v: SignClass): boolean {
  const p = (c: SignClass): boolean => c === "pos" || c === "nonneg";
  const n = (c: SignClass): boolean => c === "neg" || c === "nonpos";
  return (p(u) && n(v)) || (n(u) && p(v));
}

/** Sign changes of f'': crossings inside pieces, and boundaries between strictly signed stretches. */
function inflectionsOf(atoms: readonly Atom[]): ProvenPoint[] {
  const out: ProvenPoint[] = [];
  const point = (lo: number, hi: number): ProvenPoint => ({ x: simplestIn(lo, hi), enclosure: [lo, hi], exact: lo === hi });
  for (let i = 0; i < atoms.length; i++) {
    const t = atoms[i]!;
    if (t.kind === "curv" && (t.cls === "up" || t.cls === "down")) {
      out.push(point(t.from, t.to));
      continue;
    }
    const next = atoms[i + 1];
    if (t.kind === "curv" && next && next.kind === "curv" && next.from === t.to && flips(t.cls, next.cls)) out.push(point(t.to, t.to));
    // f'' changes sign across a switching point where f' does not jump (x·|x| at 0).
    const prev = atoms[i - 1];
    if (t.kind === "junction" && t.cls === "zero" && prev && next && prev.kind === "curv" && next.kind === "curv" && flips(prev.cls, next.cls)) out.push(point(t.from, t.to));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Extrema

function extrema(graph: Graph, pieces: readonly Piece[], points: readonly SwitchPointInternal[]): { minima: Extremum[]; maxima: Extremum[]; settled: boolean } {
  const minima: Extremum[] = [];
  const maxima: Extremum[] = [];
  const fAt = (x: number): number => floatOne(graph, x, "f");
  // The slope classes along the domain, switching points included (as the one-sided slopes).
  interface S { from: number; to: number; cls: SignClass; kink?: { left: SignClass; right: SignClass } }
  const seq: S[] = [];
  let settled = true;
  pieces.forEach((p, i) => {
    for (const s of clip(p.slope, p.from, p.to)) {
      if (s.cls === "undecided") settled = false;
      seq.push(s);
    }
    const pt = points[i];
    if (pt) {
      const R = pieces[i + 1]!;
      if (pt.isolation === "unresolved") {
        settled = false;
        seq.push({ from: pt.lo, to: pt.hi, cls: "undecided" });
        return;
      }
      const left = weakClass(encl(p.fn, "df", pt.lo, pt.hi)), right = weakClass(encl(R.fn, "df", pt.lo, pt.hi));
      seq.push({ from: pt.lo, to: pt.hi, cls: "undecided", kink: { left, right } });
    }
  });
  // f' ≤ 0 then ≥ 0 (neither identically 0): a local minimum, strict or not.
  const neg = new Set<SignClass>(["neg", "nonpos"]), pos = new Set<SignClass>(["pos", "nonneg"]);
  for (let i = 0; i < seq.length; i++) {
    const s = seq[i]!;
    if (s.kink) {
      const x = simplestIn(s.from, s.to);
      // Where a one-sided slope is 0 at the switching point itself (a smooth junction such as
      // huber's), the sign of f' on the stretch next to it decides.
      const prevS = seq[i - 1], nextS = seq[i + 1];
      const left = s.kink.left === "zero" && prevS && !prevS.kink && prevS.cls !== "zero" ? prevS.cls : s.kink.left;
      const right = s.kink.right === "zero" && nextS && !nextS.kink && nextS.cls !== "zero" ? nextS.cls : s.kink.right;
      if (neg.has(left) && pos.has(right)) minima.push({ x, f: fAt(x), at: "kink", enclosure: [s.from, s.to] });
      else if (pos.has(left) && neg.has(right)) maxima.push({ x, f: fAt(x), at: "kink", enclosure: [s.from, s.to] });
      continue;
    }
    if (s.cls === "up" || s.cls === "down") {
      const x = simplestIn(s.from, s.to);
      (s.cls === "up" ? minima : maxima).push({ x, f: fAt(x), at: "smooth point", enclosure: [s.from, s.to] });
      continue;
    }
    const next = seq[i + 1];
    if (next && !next.kink && next.from === s.to && s.cls !== "zero" && next.cls !== "zero") {
      if (neg.has(s.cls) && pos.has(next.cls)) minima.push({ x: s.to, f: fAt(s.to), at: "smooth point", enclosure: [s.to, s.to] });
      else if (pos.has(s.cls) && neg.has(next.cls)) maxima.push({ x: s.to, f: fAt(s.to), at: "smooth point", enclosure: [s.to, s.to] });
    }
  }
  // Flat stretches (f' = 0 proven), joined across switching points where both sides are flat.
  for (let i = 0; i < seq.length; i++) {
    if (seq[i]!.cls !== "zero") continue;
    let j = i;
    while (j + 1 < seq.length && (seq[j + 1]!.cls === "zero" || (seq[j + 1]!.kink && seq[j + 1]!.kink!.left === "zero" && seq[j + 1]!.kink!.right === "zero"))) j++;
    const from = seq[i]!.from, to = seq[j]!.to;
    const before = i > 0 ? seq[i - 1]! : undefined, after = j + 1 < seq.length ? seq[j + 1]! : undefined;
    const leftCls = before ? (before.kink ? before.kink.left : before.cls) : "edge";
    const rightCls = after ? (after.kink ? after.kink.right : after.cls) : "edge";
    // Left of the stretch f decreases (or the domain ends), right of it f increases: a flat minimum.
    const decLeft = leftCls === "edge" || NONPOS.has(leftCls as SignClass);
    const incRight = rightCls === "edge" || NONNEG.has(rightCls as SignClass);
    const incLeft = leftCls === "edge" || NONNEG.has(leftCls as SignClass);
    const decRight = rightCls === "edge" || NONPOS.has(rightCls as SignClass);
    if (!(leftCls === "edge" && rightCls === "edge") && to > from) {
      const e: Extremum = { x: from, to, f: fAt(from / 2 + to / 2), at: "flat stretch" };
      if (decLeft && incRight) minima.push(e);
      else if (incLeft && decRight) maxima.push(e);
    }
    i = j;
  }
  const byX = (u: Extremum, v: Extremum): number => u.x - v.x;
  return { minima: minima.sort(byX), maxima: maxima.sort(byX), settled };
}

// ---------------------------------------------------------------------------------------------
// Certificates

/**
 * Certificates from the structure first: a chord across a stretch where f'' < 0 is proven (f is
 * strictly concave there, so the graph lies above it), or a short chord centred on a concave kink,
 * shrunk until the kink dominates the curvature of the pieces; then the grid scan.
 */
function certificatesFor(graph: Graph, atoms: readonly Atom[], points: readonly SwitchPointInternal[], jumps: readonly JumpClass[], lo: number, hi: number, scan: boolean): { notConvex?: JensenCertificate; notConcave?: JensenCertificate; chords: number } {
  let chords = 0;
  const tryChords = (kind: CertificateKind): JensenCertificate | undefined => {
    const strictCls: SignClass = kind === "notConvex" ? "neg" : "pos";
    const stretches = atoms.filter((t) => t.kind === "curv" && t.cls === strictCls && t.to > t.from && t.from >= lo && t.to <= hi).sort((u, v) => v.to - v.from - (u.to - u.from));
    for (const t of stretches.slice(0, 4)) {
      const c = t.from / 2 + t.to / 2;
      let h = (t.to - t.from) / 2;
      for (let k = 0; k < 12 && h > 0; k++, h /= 4) {
        chords++;
        const cert = verifyChord(graph, kind, c - h, c + h, 0.5);
        if (cert) return cert;
      }
    }
    const wantJump: JumpClass = kind === "notConvex" ? "neg" : "pos";
    for (const [i, pt] of points.entries()) {
      if (jumps[i] !== wantJump) continue;
      const x = simplestIn(pt.lo, pt.hi);
      const prev = i > 0 ? simplestIn(points[i - 1]!.lo, points[i - 1]!.hi) : lo;
      const next = i + 1 < points.length ? simplestIn(points[i + 1]!.lo, points[i + 1]!.hi) : hi;
      let h = Math.min(x - Math.max(prev, lo), Math.min(next, hi) - x) / 2;
      for (let k = 0; k < 60 && h > Math.max(pt.hi - pt.lo, Math.abs(x) * 1e-15, 1e-300) * 4; k++, h /= 2) {
        chords++;
        const cert = verifyChord(graph, kind, x - h, x + h, 0.5);
        if (cert) return cert;
      }
    }
    return undefined;
  };
  let notConvex = tryChords("notConvex");
  let notConcave = tryChords("notConcave");
  if (scan && (!notConvex || !notConcave)) {
    const scan = findCertificates(graph, lo, hi);
    chords += scan.chords;
    notConvex ??= scan.notConvex;
    notConcave ??= scan.notConcave;
  }
  return { ...(notConvex ? { notConvex } : {}), ...(notConcave ? { notConcave } : {}), chords };
}

export function describeCert(c: JensenCertificate): string {
  const at = `x1 = ${fmtNum(c.x1)}, x2 = ${fmtNum(c.x2)}, t = ${c.t}`;
  const rel = c.kind === "notConvex" ? "above" : "below";
  return `not ${c.kind === "notConvex" ? "convex" : "concave"}: at ${at} the graph lies ${rel} the chord by ${fmtNum(Math.abs(c.gap))} (${c.verifiedBy})`;
}

// ---------------------------------------------------------------------------------------------
// Plot data

function sample(graph: Graph, pieces: readonly Piece[], points: readonly SwitchPointInternal[], a: number, b: number, openEnds: readonly [boolean, boolean], n: number): CurvatureSamples {
  const lo = openEnds[0] ? a + (b - a) / (4 * n) : a;
  const hi = openEnds[1] ? b - (b - a) / (4 * n) : b;
  const out: CurvatureSamples = { x: [], f: [], df: [], d2f: [] };
  const push = (x: number, f: number, df: number, d2f: number): void => {
    out.x.push(x);
    out.f.push(f);
    out.df.push(df);
    out.d2f.push(d2f);
  };
  pieces.forEach((p, i) => {
    const u = Math.max(lo, p.from), v = Math.min(hi, p.to);
    if (v < u) return;
    const k = Math.max(2, Math.round((n * (v - u)) / (hi - lo)));
    for (let s = 0; s <= k; s++) {
      const x = s === k ? v : u + ((v - u) * s) / k;
      const [f, df, d2f] = floatAt(p.fn.graph, x, ["f", "df", "d2f"]);
      push(x, f!, df!, d2f!);
    }
    const pt = points[i];
    // f' and f'' break at a switching point: their one-sided values end and start the pieces.
    if (pt) push(simplestIn(pt.lo, pt.hi), floatOne(graph, simplestIn(pt.lo, pt.hi), "f"), NaN, NaN);
  });
  return out;
}

/** Outer enclosures of f, f', f'' over 256 boxes per piece (boxes at an open end left out). */
function proveBounds(pieces: readonly Piece[], a: number, b: number, openEnds: readonly [boolean, boolean]): CurvatureBounds {
  const acc = { f: [Infinity, -Infinity], df: [Infinity, -Infinity], d2f: [Infinity, -Infinity] } as Record<Order, [number, number]>;
  for (const p of pieces) {
    const k = 256;
    for (let s = 0; s < k; s++) {
      const u = p.from + ((p.to - p.from) * s) / k, v = s === k - 1 ? p.to : p.from + ((p.to - p.from) * (s + 1)) / k;
      if ((openEnds[0] && u === a) || (openEnds[1] && v === b)) continue;
      const [F, D, D2] = p.fn.prog.box(u, v, [p.fn.out.f, p.fn.out.df, p.fn.out.d2f]);
      for (const [name, e] of [["f", F], ["df", D], ["d2f", D2]] as const) {
        if (!Number.isFinite(e!.lo) || !Number.isFinite(e!.hi)) continue;
        acc[name][0] = Math.min(acc[name][0], e!.lo);
        acc[name][1] = Math.max(acc[name][1], e!.hi);
      }
    }
  }
  return acc;
}
