/**
 * The pictures of `losscape curvature` and `losscape sign`: f, f' and f'' stacked on one x axis,
 * the domain shaded by proven curvature (convex, concave, linear where both) and hatched where
 * nothing is proven, kinks drawn as jumps with their one-sided slopes, inflections and extrema
 * marked, the certificate chords drawn on f.
 *
 * The y range of each panel is the hull of the samples and of the proven bounds (outer interval
 * enclosures over small boxes), so no extremum is ever clipped. Only when the proven range is
 * dominated by a pole at an open end (more than 20 times the range of the middle 90 % of the
 * samples, and the largest sample next to the open end) is it cut back to that middle range,
 * widened to keep every marked point, and the panel says so in its label. A long flat tail (σ'' on
 * [-100, 100]) keeps the full proven range: its peaks are the interesting part.
 */
import type { CurvatureResult } from "../convexity/curvature/analyze-curvature.js";
import type { SignResult } from "../convexity/curvature/analyze-sign.js";
import { SEMANTIC } from "./colors.js";
import { linePlot, type LineSegment, type PointMarker, type ShadedRange, type VerticalMarker } from "./line-plot.js";
import { niceDomain } from "./scale.js";

export const PLOT_WIDTH = 820;

const fmt = (v: number): string => String(Number(v.toPrecision(4)));
const HATCH = "#555555";

/**
 * At most this many kink and inflection lines, and this many extremum markers, per figure: sin(x) on
 * [-1e4, 1e4] has 3636 inflections, and a line for each made a 4 MB picture of solid grey.
 */
export const MAX_CURVATURE_MARKS = 60;

/** `max` items spread evenly over the list (first and last kept), or the whole list when it is short enough. */
function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!);
}

/** Elementary stretches of the domain labelled by which of the convex/concave interval lists cover them. */
function curvatureShading(r: CurvatureResult): ShadedRange[] {
  const cuts = [...new Set([r.domain[0], r.domain[1], ...r.convexIntervals.flat(), ...r.concaveIntervals.flat()])].sort((a, b) => a - b);
  // Every interval end is a cut, so an elementary stretch lies inside the union of a list exactly when
  // it lies inside one of its intervals: a binary search over the merged, sorted union answers it
  // (a scan per stretch was quadratic: seconds for the 3636 inflections of sin on [-1e4, 1e4]).
  const union = (list: readonly (readonly [number, number])[]): [number, number][] => {
    const out: [number, number][] = [];
    for (const [a, b] of [...list].sort((p, q) => p[0] - q[0])) {
      const last = out[out.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return out;
  };
  const convexU = union(r.convexIntervals), concaveU = union(r.concaveIntervals);
  const inAny = (list: readonly [number, number][], u: number, v: number): boolean => {
    let lo = 0, hi = list.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]![0] <= u) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 && v <= list[at]![1];
  };
  const out: ShadedRange[] = [];
  const labelled = new Set<string>();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const u = cuts[i]!, v = cuts[i + 1]!;
    const cx = inAny(convexU, u, v), cv = inAny(concaveU, u, v);
    if (!cx && !cv) continue;
    const kind = cx && cv ? "linear (convex and concave)" : cx ? "convex (proven)" : "concave (proven)";
    const color = cx && cv ? SEMANTIC.linear : cx ? SEMANTIC.convex : SEMANTIC.concave;
    const last = out[out.length - 1];
    if (last && last.color === color && last.to === u) {
      last.to = v;
      continue;
    }
    out.push({ from: u, to: v, color, opacity: cx && cv ? 0.12 : 0.16, ...(labelled.has(kind) ? {} : { label: kind }) });
    labelled.add(kind);
  }
  return out;
}

/** Diagonal hatching over [u, v] × [ylo, yhi], in data coordinates (clipped to the stretch). */
function hatch(ranges: readonly (readonly [number, number])[], xDom: readonly [number, number], yDom: readonly [number, number], label?: string): LineSegment[] {
  const out: LineSegment[] = [];
  const span = xDom[1] - xDom[0];
  const step = span / 110, run = span / 70;
  const minW = span / 250;
  // Stretches closer than a few pixels are hatched as one: thousands of them (sin on a wide domain)
  // would otherwise draw a line per stretch and pixel.
  const merged: [number, number][] = [];
  for (const [u, v] of [...ranges].sort((p, q) => p[0] - q[0])) {
    const last = merged[merged.length - 1];
    if (last && u - last[1] < minW) last[1] = Math.max(last[1], v);
    else merged.push([u, v]);
  }
  for (const [u0, v0] of merged) {
    // A stretch too narrow to see is drawn a few pixels wide around its middle.
    const c = u0 / 2 + v0 / 2;
    const [u, v] = v0 - u0 < minW ? [c - minW / 2, c + minW / 2] : [u0, v0];
    for (let x0 = u - run; x0 < v; x0 += step) {
      const t0 = Math.max(0, (u - x0) / run), t1 = Math.min(1, (v - x0) / run);
      if (t1 <= t0) continue;
      out.push({ x1: x0 + t0 * run, y1: yDom[0] + t0 * (yDom[1] - yDom[0]), x2: x0 + t1 * run, y2: yDom[0] + t1 * (yDom[1] - yDom[0]), color: HATCH, width: 0.8, ...(out.length === 0 && label ? { label } : {}) });
    }
  }
  return out;
}

/** The y range of a panel (see the module comment); clipped says whether a pole was cut off. */
function yRange(samples: readonly number[], proven: readonly [number, number] | undefined, keep: readonly number[], openEnds: readonly [boolean, boolean] = [false, false]): { dom: [number, number]; clipped: boolean } {
  // A pole: the largest |value| sits in the last 2 % of the samples next to an open end.
  let peak = -1;
  samples.forEach((y, i) => {
    if (Number.isFinite(y) && (peak < 0 || Math.abs(y) > Math.abs(samples[peak]!))) peak = i;
  });
  const edge = Math.max(1, Math.round(samples.length * 0.02));
  const pole = peak >= 0 && ((openEnds[0] && peak < edge) || (openEnds[1] && peak >= samples.length - edge));
  const v = samples.filter(Number.isFinite).sort((a, b) => a - b);
  let lo = Math.min(...v, ...keep), hi = Math.max(...v, ...keep);
  if (proven && Number.isFinite(proven[0]) && Number.isFinite(proven[1])) {
    lo = Math.min(lo, proven[0]);
    hi = Math.max(hi, proven[1]);
  }
  let clipped = false;
  if (pole && v.length >= 20) {
    const q = (p: number): number => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))]!;
    const mlo = q(0.05), mhi = q(0.95);
    const mid = mhi - mlo || Math.abs(mhi) || 1;
    if (hi - lo > 20 * mid) {
      lo = Math.min(mlo - 0.5 * mid, ...keep);
      hi = Math.max(mhi + 0.5 * mid, ...keep);
      clipped = true;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { dom: [-1, 1], clipped };
  return { dom: niceDomain(lo, hi, 5), clipped };
}

/** The y ranges of the f, f' and f'' panels (see the module comment). */
export function curvaturePanelRanges(r: CurvatureResult): Record<"f" | "df" | "d2f", { dom: [number, number]; clipped: boolean }> {
  const s = r.samples;
  if (!s) throw new Error("curvaturePanelRanges needs a result computed with samples");
  const keepF = [...r.minima, ...r.maxima].filter((m) => m.to === undefined).map((m) => m.f);
  const cert = r.certificates.notConvex ?? r.certificates.notConcave;
  if (cert) keepF.push(cert.f1, cert.f2, cert.fMid);
  return {
    f: yRange(s.f, r.bounds?.f, keepF, r.openEnds),
    df: yRange(s.df, r.bounds?.df, [0, ...r.kinks.flatMap((k) => [k.leftSlope, k.rightSlope])], r.openEnds),
    d2f: yRange(s.d2f, r.bounds?.d2f, [0], r.openEnds)
  };
}

export interface CurvaturePlotOptions {
  width?: number;
}

export function curvaturePlot(r: CurvatureResult, options: CurvaturePlotOptions = {}): string {
  const s = r.samples;
  if (!s) throw new Error("curvaturePlot needs a result computed with samples");
  const allVlines: VerticalMarker[] = [
    ...r.kinks.map((k) => ({
      x: k.x,
      label: `kink ${k.slopeJump > 0 ? "+" : ""}${fmt(k.slopeJump)}`,
      legend: k.kind === "concave" ? "concave kink (f' jumps down)" : k.kind === "convex" ? "convex kink (f' jumps up)" : "kink of unproven sign",
      color: k.kind === "concave" ? SEMANTIC.negative : k.kind === "convex" ? SEMANTIC.positive : HATCH,
      dash: "5 3"
    })),
    ...r.inflectionPoints.map((p) => ({ x: p.x, label: `inflection ${fmt(p.x)}`, legend: "inflection point (proven)", color: "#555555", dash: "2 3" }))
  ].sort((a, b) => a.x - b.x);
  const vlines = spread(allVlines, MAX_CURVATURE_MARKS);
  const segments: LineSegment[] = [];
  const extrema: PointMarker[] = [
    ...r.minima.filter((m) => m.to === undefined).map((m): PointMarker => ({ x: m.x, y: m.f, label: "local minimum", shape: "triangle-up", color: "#000000" })),
    ...r.maxima.filter((m) => m.to === undefined).map((m): PointMarker => ({ x: m.x, y: m.f, label: "local maximum", shape: "triangle-down", color: "#000000" }))
  ].sort((a, b) => a.x - b.x);
  const points = spread(extrema, MAX_CURVATURE_MARKS);
  // Stretches a few pixels wide each are noise, not information: past the cap none is shaded.
  const shading = curvatureShading(r);
  const shaded = shading.length <= 4 * MAX_CURVATURE_MARKS ? shading : [];
  const thinned = [
    ...(shaded.length < shading.length ? [`none of ${shading.length} convex and concave stretches shaded`] : []),
    ...(vlines.length < allVlines.length ? [`${vlines.length} of ${allVlines.length} kinks and inflections`] : []),
    ...(points.length < extrema.length ? [`${points.length} of ${extrema.length} extrema`] : [])
  ];
  // Drawn last so the certificate's point stays visible where it coincides with an extremum.
  const cert = r.certificates.notConvex ?? r.certificates.notConcave;
  if (cert) {
    const what = cert.kind === "notConvex" ? "chord below the graph: not convex" : "chord above the graph: not concave";
    segments.push({ x1: cert.x1, y1: cert.f1, x2: cert.x2, y2: cert.f2, label: what, color: "#d62728", dash: true, endpoints: true });
    points.push({ x: cert.midpoint, y: cert.fMid, label: "f at t·x1 + (1−t)·x2", color: "#d62728", shape: "diamond" });
  }
  // Kinks as jumps: f' ends on one side and starts on the other (the samples break there).
  const slopePoints: PointMarker[] = spread(r.kinks, MAX_CURVATURE_MARKS / 2).flatMap((k) => [
    { x: k.x, y: k.leftSlope, label: "one-sided slopes f'(x−), f'(x+) at a kink", shape: "circle" as const, color: "#444444" },
    { x: k.x, y: k.rightSlope, label: "one-sided slopes f'(x−), f'(x+) at a kink", shape: "circle" as const, color: "#444444" }
  ]);
  const { f: fR, df: dR, d2f: d2R } = curvaturePanelRanges(r);
  const xDom: [number, number] = [r.domain[0], r.domain[1]];
  const undecidedLabel = "undecided (nothing proven)";
  const cut = (label: string, c: boolean): string => (c ? `${label} (clipped at a pole)` : label);
  return linePlot({
    title: `${r.canonical} on [${r.domain[0]}, ${r.domain[1]}]: ${r.verdict}${thinned.length ? ` (${thinned.join("; ")} marked)` : ""}`,
    xLabel: "x",
    xDomain: xDom,
    shaded,
    vlines,
    width: options.width ?? PLOT_WIDTH,
    panels: [
      { series: [{ x: s.x, y: s.f, label: "f(x)" }], yLabel: cut("f(x)", fR.clipped), segments: [...segments, ...hatch(r.undecided, xDom, fR.dom, undecidedLabel)], points, height: 230, yDomain: fR.dom },
      { series: [{ x: s.x, y: s.df, label: "f'(x)" }], yLabel: cut("f'(x)", dR.clipped), zeroLine: true, height: 170, yDomain: dR.dom, points: slopePoints, segments: hatch(r.undecided, xDom, dR.dom) },
      { series: [{ x: s.x, y: s.d2f, label: r.kinks.length ? "f''(x) (misses the kinks: f' jumps there)" : "f''(x)" }], yLabel: cut("f''(x)", d2R.clipped), zeroLine: true, height: 170, yDomain: d2R.dom, segments: hatch(r.undecided, xDom, d2R.dom) }
    ]
  });
}

/** g with its proven signs shaded (≥ 0, ≤ 0), zeros marked, and the unproven stretches hatched. */
export function signPlot(r: SignResult, options: CurvaturePlotOptions = {}): string {
  const s = r.samples;
  if (!s) throw new Error("signPlot needs a result computed with samples");
  const shaded: ShadedRange[] = [
    ...r.nonnegative.map(([from, to], i) => ({ from, to, color: SEMANTIC.positive, opacity: 0.14, ...(i === 0 ? { label: "g ≥ 0 (proven)" } : {}) })),
    ...r.nonpositive.map(([from, to], i) => ({ from, to, color: SEMANTIC.negative, opacity: 0.14, ...(i === 0 ? { label: "g ≤ 0 (proven)" } : {}) }))
  ];
  const vlines: VerticalMarker[] = r.zeros.map((z) => ({ x: z.x, label: `zero ${fmt(z.x)}`, legend: "zero (proven sign change)", color: "#555555", dash: "2 3" }));
  const R = yRange(s.g, undefined, [0], r.openEnds);
  const xDom: [number, number] = [r.domain[0], r.domain[1]];
  return linePlot({
    title: `sign of ${r.canonical} on [${r.domain[0]}, ${r.domain[1]}]`,
    xLabel: "x",
    xDomain: xDom,
    shaded,
    vlines,
    width: options.width ?? PLOT_WIDTH,
    panels: [{ series: [{ x: s.x, y: s.g, label: "g(x)" }], yLabel: R.clipped ? "g(x) (clipped at a pole)" : "g(x)", zeroLine: true, height: 300, yDomain: R.dom, segments: hatch(r.undecided, xDom, R.dom, "undecided (no sign proven)") }]
  });
}
