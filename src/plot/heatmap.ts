/** Heatmaps: one cell per grid value, coloured on a linear or log scale, with a colorbar. */
import { continuousColorbar } from "./colorbar.js";
import { sequential, SEMANTIC } from "./colors.js";
import type { PointOverlay } from "./contour.js";
import { layoutFrame2D } from "./frame2d.js";
import { insideRect } from "./geometry.js";
import type { LegendItem } from "./legend.js";
import { marker } from "./markers.js";
import { extent, linearScale, logDomain, logScale, niceDomain, type Scale } from "./scale.js";
import { el, fmt, svgDocument } from "./svg.js";
import { requireIncreasing, requireLength, type Grid } from "./validate.js";

export interface HeatmapSpec extends Grid {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Title of the colorbar (what z is). */
  zLabel?: string;
  /** Log colour scale; cells <= 0 are shown as missing. */
  log?: boolean;
  /** Fixed colour range instead of the data's range. */
  zDomain?: [number, number];
  /** Marked points (θ), drawn over the cells and listed in the legend. */
  points?: PointOverlay[];
  width?: number;
  height?: number;
}

/** Cell boundaries around centres: midpoints inside, half a spacing beyond each end. */
function cellEdges(centres: ArrayLike<number>): number[] {
  const n = centres.length;
  if (n === 1) return [centres[0]! - 0.5, centres[0]! + 0.5];
  const edges = [centres[0]! - (centres[1]! - centres[0]!) / 2];
  for (let k = 0; k + 1 < n; k++) edges.push((centres[k]! + centres[k + 1]!) / 2);
  edges.push(centres[n - 1]! + (centres[n - 1]! - centres[n - 2]!) / 2);
  return edges;
}

/** Quantised colour steps: cells are grouped by colour into one path each, which keeps files small. */
const COLOR_STEPS = 256;

export function heatmapPlot(spec: HeatmapSpec): string {
  const where = "heatmapPlot";
  requireIncreasing(where, "x", spec.x, 1);
  requireIncreasing(where, "y", spec.y, 1);
  const nx = spec.x.length, ny = spec.y.length;
  requireLength(where, "z", spec.z, nx * ny);
  const log = spec.log ?? false;
  const e = extent(Array.from(spec.z), log);
  let dom: [number, number] = spec.zDomain ?? (e ? (e[0] === e[1] ? niceDomain(e[0], e[1]) : e) : [0, 1]);
  if (log && !spec.zDomain) dom = e ? (e[0] === e[1] ? logDomain(e[0], e[1]) : e) : [1, 10];
  const colorScale: Scale = log ? logScale(dom, [0, 1]) : linearScale(dom, [0, 1]);
  const colorIndex = (v: number): number => {
    const t = colorScale.map(v);
    return Number.isFinite(t) ? Math.round(Math.min(1, Math.max(0, t)) * (COLOR_STEPS - 1)) : -1;
  };
  const colorOf = (v: number): string => sequential(Math.min(1, Math.max(0, colorScale.map(v))));

  let missing = false;
  for (let k = 0; k < spec.z.length; k++) if (colorIndex(spec.z[k]!) < 0) missing = true;
  const legend: LegendItem[] = missing
    ? [{ label: log ? "missing (non-finite or ≤ 0)" : "missing (non-finite)", symbol: { kind: "area", color: SEMANTIC.missing } }]
    : [];
  for (const p of spec.points ?? []) {
    if (p.label) legend.push({ label: p.label, symbol: { kind: "marker", color: p.color ?? "#000000", shape: p.shape ?? "diamond" } });
  }
  const width = spec.width ?? 680, height = spec.height ?? 560;
  const xe = cellEdges(spec.x), ye = cellEdges(spec.y);
  const barFor = (range: [number, number]): Scale => (log ? logScale(dom, range) : linearScale(dom, range));
  const f = layoutFrame2D({
    where, width, height, title: spec.title, xLabel: spec.xLabel, yLabel: spec.yLabel,
    xDomain: [xe[0]!, xe[nx]!], yDomain: [ye[0]!, ye[ny]!], legend,
    colorbarLabels: barFor([0, 1]).formatTicks(barFor([height, 0]).ticks(Math.max(3, Math.round(height / 60)))),
    colorbarTitle: spec.zLabel,
  });
  const px = xe.map((v) => f.xScale.map(v));
  const py = ye.map((v) => f.yScale.map(v));
  const byColor = new Map<number, string>();
  for (let j = 0; j < ny; j++) {
    // Runs of equal colour along a row become one rectangle.
    let i = 0;
    while (i < nx) {
      const c = colorIndex(spec.z[j * nx + i]!);
      let end = i + 1;
      while (end < nx && colorIndex(spec.z[j * nx + end]!) === c) end++;
      if (c >= 0) {
        const d = `M${fmt(px[i]!)} ${fmt(py[j]!)}H${fmt(px[end]!)}V${fmt(py[j + 1]!)}H${fmt(px[i]!)}Z`;
        byColor.set(c, (byColor.get(c) ?? "") + d);
      }
      i = end;
    }
  }
  const r = f.rect;
  const parts: string[] = [f.header];
  parts.push(el("rect", { x: fmt(r.x), y: fmt(r.y), width: fmt(r.width), height: fmt(r.height), fill: SEMANTIC.missing }));
  for (const [c, d] of [...byColor.entries()].sort((a, b) => a[0] - b[0])) {
    const color = sequential(c / (COLOR_STEPS - 1));
    // Same-colour stroke closes anti-aliasing seams between neighbouring cells.
    parts.push(el("path", { d, fill: color, stroke: color, "stroke-width": 0.5 }));
  }
  parts.push(f.axes);
  for (const p of spec.points ?? []) {
    const x = f.xScale.map(p.x), y = f.yScale.map(p.y);
    if (Number.isFinite(x) && Number.isFinite(y) && insideRect(x, y, r, 0.5)) parts.push(marker(p.shape ?? "diamond", x, y, 5.5, p.color ?? "#000000"));
  }
  if (f.colorbarRect) {
    const cb = f.colorbarRect;
    const s = barFor([cb.y + cb.height, cb.y]);
    parts.push(continuousColorbar(cb, s, colorOf, s.ticks(Math.max(3, Math.round(cb.height / 60))), spec.zLabel));
  }
  return svgDocument(width, height, parts);
}
