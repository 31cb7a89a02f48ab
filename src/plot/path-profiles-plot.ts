/**
 * Loss profiles of paths between two models (the straight line, the line to an aligned copy, a trained
 * curve) in one chart, each path's barrier marked where it is, over the chord between the end losses.
 */
import { categorical } from "./colors.js";
import { linePlot, type LineSegment, type LineSeries, type PointMarker } from "./line-plot.js";

export interface PathProfile {
  label: string;
  t: ArrayLike<number>;
  loss: ArrayLike<number>;
  barrier: { height: number; t: number; loss: number; lossA: number; lossB: number };
}

export interface PathProfilesSpec {
  profiles: PathProfile[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/** How a barrier is written everywhere (plot legend, CLI text), so they never disagree in digits. */
export function formatBarrier(b: { height: number; t: number }): string {
  return `barrier ${b.height.toPrecision(4)} at t = ${b.t.toFixed(3)}`;
}

export function pathProfilesPlot(spec: PathProfilesSpec): string {
  const colors = spec.profiles.map((_, i) => categorical(i));
  const series: LineSeries[] = spec.profiles.map((p, i) => ({ x: p.t, y: p.loss, label: `${p.label}: ${formatBarrier(p.barrier)}`, color: colors[i]!, ...(i > 0 ? { dash: i === 1 ? true : "2 3" } : {}) }));
  const points: PointMarker[] = spec.profiles.map((p, i) => ({ x: p.barrier.t, y: p.barrier.loss, color: colors[i]!, shape: "diamond" as const, label: "barrier (highest rise above the chord)" }));
  const segments: LineSegment[] = [];
  const seen = new Set<string>();
  for (const p of spec.profiles) {
    const key = `${p.barrier.lossA},${p.barrier.lossB}`;
    if (seen.has(key)) continue;
    seen.add(key);
    segments.push({ x1: 0, y1: p.barrier.lossA, x2: 1, y2: p.barrier.lossB, color: "#888888", dash: "4 4", width: 1.5, endpoints: true, ...(seen.size === 1 ? { label: "chord between the losses at t = 0 and t = 1" } : {}) });
  }
  // all markers share one legend entry; the point colours tie each to its curve
  points.forEach((pt, i) => {
    if (i > 0) delete pt.label;
  });
  // headroom above the highest barrier marker, so it never sits on the frame,
  let lo = Infinity, hi = -Infinity;
  for (const p of spec.profiles) {
    for (const v of Array.from(p.loss)) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  // and a little room below, so a path flat at zero loss (an exact alignment) is not hidden by the axis
  const span = lo <= hi ? Math.max(hi - Math.min(0, lo), 1e-12) : 0;
  const yDomain: [number, number] | undefined = lo <= hi ? [Math.min(0, lo) - 0.03 * span, hi + 0.06 * span] : undefined;
  return linePlot({
    title: spec.title ?? "Loss along paths from A to B",
    xLabel: spec.xLabel ?? "t  (A at t = 0, B at t = 1)",
    panels: [{ series, points, segments, yLabel: spec.yLabel ?? "loss", height: 320, ...(yDomain ? { yDomain } : {}) }],
    width: 760
  });
}
