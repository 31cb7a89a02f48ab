/**
 * The picture of `losscape curvature`: f, f' and f'' stacked on one x axis, the domain shaded by
 * curvature (convex, concave, linear where both), kinks and inflection points marked, and the
 * certificate chords drawn on f.
 */
import type { CurvatureResult } from "../convexity/curvature/analyze-curvature.js";
import { SEMANTIC } from "./colors.js";
import { linePlot, type LineSegment, type PointMarker, type ShadedRange, type VerticalMarker } from "./line-plot.js";

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/** Elementary stretches of the domain labelled by which of the convex/concave interval lists cover them. */
function curvatureShading(r: CurvatureResult): ShadedRange[] {
  const cuts = [...new Set([r.domain[0], r.domain[1], ...r.convexIntervals.flat(), ...r.concaveIntervals.flat()])].sort((a, b) => a - b);
  const inAny = (list: readonly (readonly [number, number])[], u: number, v: number): boolean => list.some(([a, b]) => a <= u && v <= b);
  const out: ShadedRange[] = [];
  const labelled = new Set<string>();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const u = cuts[i]!, v = cuts[i + 1]!;
    const cx = inAny(r.convexIntervals, u, v), cv = inAny(r.concaveIntervals, u, v);
    if (!cx && !cv) continue;
    const kind = cx && cv ? "linear (convex and concave)" : cx ? "convex" : "concave";
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

/** Clip a y axis to where most of the data lies when a pole or a spike would flatten the rest. */
function robustDomain(ys: readonly number[]): [number, number] | undefined {
  const v = ys.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length < 10) return undefined;
  const q = (p: number): number => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))]!;
  const lo = q(0.02), hi = q(0.98);
  const span = hi - lo || Math.abs(hi) || 1;
  if (v[0]! >= lo - 2 * span && v[v.length - 1]! <= hi + 2 * span) return undefined;
  return [lo - 0.25 * span, hi + 0.25 * span];
}

export function curvaturePlot(r: CurvatureResult, options: { width?: number } = {}): string {
  const s = r.samples;
  if (!s) throw new Error("curvaturePlot needs a result computed with samples");
  const vlines: VerticalMarker[] = [
    ...r.kinks.map((k) => ({
      x: k.x,
      label: `kink ${k.slopeJump > 0 ? "+" : ""}${fmt(k.slopeJump)}`,
      legend: k.kind === "concave" ? "concave kink (f' jumps down)" : "convex kink (f' jumps up)",
      color: k.kind === "concave" ? SEMANTIC.negative : SEMANTIC.positive,
      dash: "5 3"
    })),
    ...r.inflections.map((x) => ({ x, label: `inflection ${fmt(x)}`, legend: "inflection point", color: "#555555", dash: "2 3" }))
  ];
  const segments: LineSegment[] = [];
  const points: PointMarker[] = [];
  for (const m of r.minima) if (m.to === undefined) points.push({ x: m.x, y: m.f, label: "local minimum", shape: "triangle-up", color: "#000000" });
  for (const m of r.maxima) if (m.to === undefined) points.push({ x: m.x, y: m.f, label: "local maximum", shape: "triangle-down", color: "#000000" });
  // Drawn last so the certificate's point stays visible where it coincides with an extremum.
  const cert = r.certificates.notConvex ?? r.certificates.notConcave;
  if (cert) {
    const what = cert.kind === "notConvex" ? "chord below the graph: not convex" : "chord above the graph: not concave";
    segments.push({ x1: cert.x1, y1: cert.f1, x2: cert.x2, y2: cert.f2, label: what, color: "#d62728", dash: true, endpoints: true });
    points.push({ x: cert.midpoint, y: cert.fMid, label: "f at t·x1 + (1−t)·x2", color: "#d62728", shape: "diamond" });
  }
  const d1Dom = robustDomain(s.df), d2Dom = robustDomain(s.d2f), fDom = robustDomain(s.f);
  return linePlot({
    title: `${r.canonical} on [${r.domain[0]}, ${r.domain[1]}]: ${r.verdict}`,
    xLabel: "x",
    xDomain: [r.domain[0], r.domain[1]],
    shaded: curvatureShading(r),
    vlines,
    width: options.width ?? 820,
    panels: [
      { series: [{ x: s.x, y: s.f, label: "f(x)" }], yLabel: "f(x)", segments, points, height: 230, ...(fDom ? { yDomain: fDom } : {}) },
      { series: [{ x: s.x, y: s.df, label: "f'(x)" }], yLabel: "f'(x)", zeroLine: true, height: 170, ...(d1Dom ? { yDomain: d1Dom } : {}) },
      { series: [{ x: s.x, y: s.d2f, label: r.kinks.length ? "f''(x) (misses the kinks: f' jumps there)" : "f''(x)" }], yLabel: "f''(x)", zeroLine: true, height: 170, ...(d2Dom ? { yDomain: d2Dom } : {}) }
    ]
  });
}
