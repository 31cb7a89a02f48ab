/**
 * Contours of a function sampled on a grid: marching squares (segments joined into polylines),
 * level selection, contour-line plots with inline labels and filled (banded) contour plots, with
 * optional overlays — an optimiser trajectory and marked points.
 */
import { continuousColorbar, bandedColorbar, bandLabels } from "./colorbar.js";
import { sequential, SEMANTIC } from "./colors.js";
import { layoutFrame2D, type Frame2D } from "./frame2d.js";
import { clipPolyline, insideRect, type Point, type Rect } from "./geometry.js";
import type { LegendItem } from "./legend.js";
import { marker, type MarkerShape } from "./markers.js";
import { extent, formatValue, linearScale, logScale, niceTicks } from "./scale.js";
import { el, estimateTextWidth, FONT, fmt, polylinePath, svgDocument, text } from "./svg.js";
import { requireGrid, type Grid } from "./validate.js";
import { UserError } from "../util/errors.js";

export type { Grid };

export interface Polyline {
  /** Points in data coordinates. */
  points: Point[];
  /** True when the line is a loop (first point equals last point). */
  closed: boolean;
}

// Cell corners: c0 = (i, j), c1 = (i+1, j), c2 = (i+1, j+1), c3 = (i, j+1).
// Cell edges: e0 = c0-c1 (bottom), e1 = c1-c2 (right), e2 = c3-c2 (top), e3 = c0-c3 (left).
// Segments per corner-above mask; the saddles (5, 10) are resolved by the cell-centre average.
const SEGMENTS: readonly (readonly (readonly [number, number])[])[] = [
  [], [[3, 0]], [[0, 1]], [[3, 1]], [[1, 2]], [], [[0, 2]], [[2, 3]],
  [[2, 3]], [[0, 2]], [], [[1, 2]], [[1, 3]], [[0, 1]], [[3, 0]], [],
];

/**
 * Marching squares at one level. Segments are keyed by the grid edge they cross, so neighbouring
 * cells produce bit-identical points and joining is exact. Cells with a non-finite corner are skipped,
 * which opens contours there.
 */
export function marchingSquares(grid: Grid, level: number): Polyline[] {
  const { nx, ny } = requireGrid("marchingSquares", grid);
  if (!Number.isFinite(level)) throw new UserError(`marchingSquares: level must be finite, got ${String(level)}`);
  const { x, y, z } = grid;
  const hEdge = (i: number, j: number): number => 2 * (j * nx + i);
  const vEdge = (i: number, j: number): number => 2 * (j * nx + i) + 1;
  const edgePoint = new Map<number, Point>();
  const segments: [number, number][] = [];

  const crossing = (ia: number, ja: number, ib: number, jb: number): Point => {
    const za = z[ja * nx + ia]!, zb = z[jb * nx + ib]!;
    const t = (level - za) / (zb - za);
    return [x[ia]! + (x[ib]! - x[ia]!) * t, y[ja]! + (y[jb]! - y[ja]!) * t];
  };

  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const z0 = z[j * nx + i]!, z1 = z[j * nx + i + 1]!, z2 = z[(j + 1) * nx + i + 1]!, z3 = z[(j + 1) * nx + i]!;
      if (!Number.isFinite(z0) || !Number.isFinite(z1) || !Number.isFinite(z2) || !Number.isFinite(z3)) continue;
      const mask = (z0 >= level ? 1 : 0) | (z1 >= level ? 2 : 0) | (z2 >= level ? 4 : 0) | (z3 >= level ? 8 : 0);
      if (mask === 0 || mask === 15) continue;
      const edges = [hEdge(i, j), vEdge(i + 1, j), hEdge(i, j + 1), vEdge(i, j)];
      const ends: [[number, number], [number, number]][] = [
        [[i, j], [i + 1, j]], [[i + 1, j], [i + 1, j + 1]], [[i, j + 1], [i + 1, j + 1]], [[i, j], [i, j + 1]],
      ];
      let pairs: readonly (readonly [number, number])[] = SEGMENTS[mask]!;
      if (mask === 5 || mask === 10) {
        const centreAbove = (z0 + z1 + z2 + z3) / 4 >= level;
        // Above-corners joined through the centre cut off the two below-corners, and vice versa.
        const cutC0C2: readonly (readonly [number, number])[] = [[3, 0], [1, 2]];
        const cutC1C3: readonly (readonly [number, number])[] = [[0, 1], [2, 3]];
        pairs = (mask === 5) === centreAbove ? cutC1C3 : cutC0C2;
      }
      for (const [a, b] of pairs) {
        for (const e of [a, b]) {
          const id = edges[e]!;
          if (!edgePoint.has(id)) {
            const [[ia, ja], [ib, jb]] = ends[e]!;
            edgePoint.set(id, crossing(ia, ja, ib, jb));
          }
        }
        segments.push([edges[a]!, edges[b]!]);
      }
    }
  }
  return joinSegments(segments, edgePoint);
}

function joinSegments(segments: [number, number][], edgePoint: Map<number, Point>): Polyline[] {
  const byEdge = new Map<number, number[]>();
  segments.forEach(([a, b], s) => {
    for (const e of [a, b]) {
      const list = byEdge.get(e);
      if (list) list.push(s);
      else byEdge.set(e, [s]);
    }
  });
  const used = new Uint8Array(segments.length);
  const chains: number[][] = [];
  const walk = (startEdge: number, startSeg: number): number[] => {
    const edges = [startEdge];
    let edge = startEdge;
    let seg = startSeg;
    for (;;) {
      used[seg] = 1;
      const [a, b] = segments[seg]!;
      edge = a === edge ? b : a;
      edges.push(edge);
      const next = byEdge.get(edge)!.find((s) => used[s] === 0);
      if (next === undefined) break;
      seg = next;
    }
    return edges;
  };
  // Open chains start at edges used once (grid border or a missing cell); the rest are loops.
  for (const [edge, segs] of byEdge) {
    if (segs.length === 1 && used[segs[0]!] === 0) chains.push(walk(edge, segs[0]!));
  }
  for (let s = 0; s < segments.length; s++) {
    if (used[s] === 0) chains.push(walk(segments[s]![0], s));
  }
  const lines = chains.map((edges) => dedupePoints(edges.map((e) => edgePoint.get(e)!)));
  return mergeTouching(lines).filter((l) => l.points.length >= 2);
}

function samePoint(a: Point, b: Point): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function dedupePoints(points: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) if (out.length === 0 || !samePoint(out[out.length - 1]!, p)) out.push(p);
  return out;
}

/**
 * A contour passing exactly through a grid node leaves two chains that meet at the same point
 * through different edges; join chains whose ends coincide, and close chains that meet themselves.
 */
function mergeTouching(chains: Point[][]): Polyline[] {
  const isLoop = (c: Point[]): boolean => c.length >= 3 && samePoint(c[0]!, c[c.length - 1]!);
  const out: Polyline[] = [];
  let open: Point[][] = [];
  for (const c of chains) {
    if (isLoop(c)) out.push({ points: c, closed: true });
    else open.push(c);
  }
  const key = (p: Point): string => `${p[0]},${p[1]}`;
  for (let changed = true; changed;) {
    changed = false;
    const ends = new Map<string, number[]>();
    open.forEach((c, idx) => {
      for (const p of [c[0]!, c[c.length - 1]!]) {
        const list = ends.get(key(p));
        if (list) list.push(idx);
        else ends.set(key(p), [idx]);
      }
    });
    const consumed = new Set<number>();
    const next: Point[][] = [];
    for (const idxs of ends.values()) {
      const distinct = [...new Set(idxs)].filter((idx) => !consumed.has(idx));
      if (distinct.length < 2) continue;
      const p = open[distinct[0]!]!, q = open[distinct[1]!]!;
      let joined: Point[];
      if (samePoint(p[p.length - 1]!, q[0]!)) joined = [...p, ...q.slice(1)];
      else if (samePoint(p[p.length - 1]!, q[q.length - 1]!)) joined = [...p, ...q.slice(0, -1).reverse()];
      else if (samePoint(p[0]!, q[q.length - 1]!)) joined = [...q, ...p.slice(1)];
      else joined = [...q.slice().reverse(), ...p.slice(1)];
      consumed.add(distinct[0]!);
      consumed.add(distinct[1]!);
      if (isLoop(joined)) out.push({ points: joined, closed: true });
      else next.push(joined);
      changed = true;
    }
    open.forEach((c, idx) => {
      if (!consumed.has(idx)) next.push(c);
    });
    open = next;
  }
  for (const c of open) out.push({ points: c, closed: isLoop(c) });
  return out;
}

export interface LevelOptions {
  /** About how many levels (default 10). */
  count?: number;
  /** Log-spaced levels (1-2-5 per decade, or whole decades); needs positive values. */
  log?: boolean;
}

/** Nice contour levels strictly inside (zmin, zmax). */
export function contourLevels(zmin: number, zmax: number, opts: LevelOptions = {}): number[] {
  const count = Math.max(1, Math.floor(opts.count ?? 10));
  if (!Number.isFinite(zmin) || !Number.isFinite(zmax) || !(zmax > zmin)) return [];
  if (opts.log) {
    if (!(zmax > 0)) return [];
    const lo = zmin > 0 ? zmin : zmax * 1e-6;
    const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(zmax));
    for (const mantissas of [[1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1, 3], [1]]) {
      const out: number[] = [];
      for (let e = e0; e <= e1; e++) {
        for (const m of mantissas) {
          const v = Number(`${m}e${e}`);
          if (v > lo && v < zmax) out.push(v);
        }
      }
      if (out.length <= count) return out;
    }
    const stride = Math.ceil((e1 - e0 + 1) / count);
    const out: number[] = [];
    for (let e = Math.ceil(e0 / stride) * stride; e <= e1; e += stride) {
      const v = Number(`1e${e}`);
      if (v > lo && v < zmax) out.push(v);
    }
    return out;
  }
  const span = zmax - zmin;
  return niceTicks(zmin, zmax, count + 1).filter((v) => v > zmin + span * 1e-9 && v < zmax - span * 1e-9);
}

export interface TrajectoryOverlay {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
}

export interface PointOverlay {
  x: number;
  y: number;
  label?: string;
  color?: string;
  shape?: MarkerShape;
}

export interface ContourSpec extends Grid {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Explicit levels, or how many to choose. */
  levels?: number[] | number;
  logLevels?: boolean;
  /** Title of the colorbar (what z is). */
  zLabel?: string;
  colorbar?: boolean;
  /** Write level values along the contour lines (contourPlot only; default true). */
  labels?: boolean;
  /** Draw thin contour lines over the bands (filledContourPlot only; default true). */
  lines?: boolean;
  trajectory?: TrajectoryOverlay;
  points?: PointOverlay[];
  equalAspect?: boolean;
  width?: number;
  height?: number;
}

function resolveLevels(where: string, spec: ContourSpec): { levels: number[]; zRange: [number, number] | null } {
  const zRange = extent(Array.from(spec.z), spec.logLevels ?? false);
  if (Array.isArray(spec.levels)) {
    const levels = [...spec.levels].sort((a, b) => a - b);
    for (const l of levels) {
      if (!Number.isFinite(l)) throw new UserError(`${where}: contour level ${String(l)} is not finite`);
      if (spec.logLevels && !(l > 0)) throw new UserError(`${where}: log-spaced contour levels must be positive, got ${l}`);
    }
    return { levels: levels.filter((l, i) => i === 0 || l !== levels[i - 1]), zRange };
  }
  const count = typeof spec.levels === "number" ? spec.levels : 10;
  if (!(Number.isInteger(count) && count >= 1 && count <= 200)) {
    throw new UserError(`${where}: levels must be a list or a count from 1 to 200, got ${String(spec.levels)}`);
  }
  return { levels: zRange ? contourLevels(zRange[0], zRange[1], { count, log: spec.logLevels }) : [], zRange };
}

function overlayLegend(spec: ContourSpec): LegendItem[] {
  const items: LegendItem[] = [];
  if (spec.trajectory) {
    const c = spec.trajectory.color ?? SEMANTIC.trajectory;
    items.push({ label: spec.trajectory.label ?? "trajectory", symbol: { kind: "line", color: c, width: 2 } });
    items.push({ label: "start", symbol: { kind: "marker", color: c, shape: "circle" } });
    items.push({ label: "end", symbol: { kind: "marker", color: c, shape: "star" } });
  }
  for (const p of spec.points ?? []) {
    if (p.label) items.push({ label: p.label, symbol: { kind: "marker", color: p.color ?? "#000000", shape: p.shape ?? "diamond" } });
  }
  return items;
}

function drawOverlays(spec: ContourSpec, f: Frame2D): string {
  const parts: string[] = [];
  const t = spec.trajectory;
  if (t) {
    if (t.x.length !== t.y.length) throw new UserError(`contour: trajectory has ${t.x.length} x values but ${t.y.length} y values`);
    const color = t.color ?? SEMANTIC.trajectory;
    const px = Array.from(t.x, (v) => f.xScale.map(v));
    const py = Array.from(t.y, (v) => f.yScale.map(v));
    const d = clipPolyline(px, py, f.rect).map(polylinePath).join("");
    if (d !== "") {
      parts.push(el("path", { d, fill: "none", stroke: "#ffffff", "stroke-width": 4, "stroke-linejoin": "round", "stroke-opacity": 0.8 }));
      parts.push(el("path", { d, fill: "none", stroke: color, "stroke-width": 2, "stroke-linejoin": "round" }));
    }
    const finite = px.map((_, k) => k).filter((k) => Number.isFinite(px[k]!) && Number.isFinite(py[k]!) && insideRect(px[k]!, py[k]!, f.rect));
    if (finite.length > 0) {
      const s = finite[0]!, e = finite[finite.length - 1]!;
      parts.push(marker("circle", px[s]!, py[s]!, 5, color));
      parts.push(marker("star", px[e]!, py[e]!, 6, color));
    }
  }
  for (const p of spec.points ?? []) {
    const px = f.xScale.map(p.x), py = f.yScale.map(p.y);
    if (Number.isFinite(px) && Number.isFinite(py) && insideRect(px, py, f.rect, 0.5)) {
      parts.push(marker(p.shape ?? "diamond", px, py, 5.5, p.color ?? "#000000"));
    }
  }
  return el("g", { class: "overlay" }, parts);
}

/** Normalised position of a level within [lo, hi], in log space for log levels. */
function normaliser(lo: number, hi: number, log: boolean): (v: number) => number {
  if (log) {
    const a = Math.log10(lo), b = Math.log10(hi);
    return (v) => (b > a ? (Math.log10(v) - a) / (b - a) : 0.5);
  }
  return (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
}

/** Lines stop short of the map's palest yellow, which would vanish on white. */
const LINE_T_MAX = 0.86;

function toPixels(line: Polyline, f: Frame2D): Point[][] {
  const px = line.points.map((p) => f.xScale.map(p[0]));
  const py = line.points.map((p) => f.yScale.map(p[1]));
  return clipPolyline(px, py, f.rect);
}

function arcLength(points: readonly Point[]): number {
  let s = 0;
  for (let k = 1; k < points.length; k++) s += Math.hypot(points[k]![0] - points[k - 1]![0], points[k]![1] - points[k - 1]![1]);
  return s;
}

/** A label at the middle of each long enough contour piece, skipped where it would collide. */
function contourLabels(pieces: { points: Point[]; label: string }[], rect: Rect): string {
  const placed: { x: number; y: number; r: number }[] = [];
  const parts: string[] = [];
  const sorted = [...pieces].sort((a, b) => arcLength(b.points) - arcLength(a.points));
  for (const piece of sorted) {
    const w = estimateTextWidth(piece.label, FONT.annotation);
    const len = arcLength(piece.points);
    if (len < w * 2.5) continue;
    let target = len / 2;
    let k = 1;
    for (; k < piece.points.length; k++) {
      const seg = Math.hypot(piece.points[k]![0] - piece.points[k - 1]![0], piece.points[k]![1] - piece.points[k - 1]![1]);
      if (seg >= target) break;
      target -= seg;
    }
    k = Math.min(k, piece.points.length - 1);
    const [ax, ay] = piece.points[k - 1]!, [bx, by] = piece.points[k]!;
    const seg = Math.hypot(bx - ax, by - ay) || 1;
    const cx = ax + ((bx - ax) * target) / seg, cy = ay + ((by - ay) * target) / seg;
    const r = w / 2 + 4;
    if (!insideRect(cx, cy, { x: rect.x + r, y: rect.y + 8, width: rect.width - 2 * r, height: rect.height - 16 })) continue;
    if (placed.some((p) => Math.hypot(p.x - cx, p.y - cy) < p.r + r)) continue;
    placed.push({ x: cx, y: cy, r });
    let angle = (Math.atan2(by - ay, bx - ax) * 180) / Math.PI;
    if (angle > 90) angle -= 180;
    if (angle < -90) angle += 180;
    // A white plate (not just a glyph halo) so the line does not show between the characters.
    const plate = el("rect", {
      x: fmt(cx - w / 2 - 2), y: fmt(cy - FONT.annotation * 0.6), width: fmt(w + 4), height: fmt(FONT.annotation * 1.2),
      rx: 2, fill: "#ffffff", "fill-opacity": 0.85,
    });
    const label = text(cx, cy, piece.label, { size: FONT.annotation, anchor: "middle", baseline: "middle", fill: "#222222" });
    parts.push(el("g", { transform: `rotate(${fmt(angle)} ${fmt(cx)} ${fmt(cy)})` }, [plate, label]));
  }
  return el("g", { class: "contour-labels" }, parts);
}

/** Contour lines coloured by level, optionally labelled, with a colorbar and overlays. */
export function contourPlot(spec: ContourSpec): string {
  const where = "contourPlot";
  const { nx, ny } = requireGrid(where, spec);
  const { levels, zRange } = resolveLevels(where, spec);
  const log = spec.logLevels ?? false;
  const lo = levels.length > 0 ? Math.min(levels[0]!, zRange?.[0] ?? levels[0]!) : 0;
  const hi = levels.length > 0 ? Math.max(levels[levels.length - 1]!, zRange?.[1] ?? levels[0]!) : 1;
  const norm = normaliser(lo, hi, log);
  const lineColor = (v: number): string => sequential(LINE_T_MAX * norm(v));
  const showBar = (spec.colorbar ?? true) && levels.length > 0;
  const barDomain: [number, number] = [lo, hi > lo ? hi : lo + 1];
  const barScaleFor = (range: [number, number]) => (log ? logScale(barDomain, range) : linearScale(barDomain, range));
  const width = spec.width ?? 680, height = spec.height ?? 560;
  const approxTicks = barScaleFor([height, 0]).ticks(Math.max(3, Math.round(height / 60)));
  const f = layoutFrame2D({
    where, width, height, title: spec.title, xLabel: spec.xLabel, yLabel: spec.yLabel,
    xDomain: [spec.x[0]!, spec.x[nx - 1]!], yDomain: [spec.y[0]!, spec.y[ny - 1]!],
    legend: overlayLegend(spec), colorbarLabels: showBar ? barScaleFor([0, 1]).formatTicks(approxTicks) : null,
    colorbarTitle: spec.zLabel, equalAspect: spec.equalAspect,
  });
  const parts: string[] = [f.header];
  const labelPieces: { points: Point[]; label: string }[] = [];
  for (const level of levels) {
    const pieces = marchingSquares(spec, level).flatMap((l) => toPixels(l, f));
    const d = pieces.map(polylinePath).join("");
    if (d === "") continue;
    parts.push(el("path", { d, fill: "none", stroke: lineColor(level), "stroke-width": 1.5, "stroke-linejoin": "round" }));
    if (spec.labels ?? true) for (const p of pieces) labelPieces.push({ points: p, label: formatValue(level) });
  }
  parts.push(contourLabels(labelPieces, f.rect));
  parts.push(drawOverlays(spec, f));
  parts.push(f.axes);
  if (showBar && f.colorbarRect) {
    const r = f.colorbarRect;
    const s = barScaleFor([r.y + r.height, r.y]);
    parts.push(continuousColorbar(r, s, lineColor, s.ticks(Math.max(3, Math.round(r.height / 60))), spec.zLabel, levels));
  }
  return svgDocument(width, height, parts);
}

/** Clip a convex polygon with per-vertex values to the part where value >= bound (sign = 1) or <= bound (sign = -1). */
function clipByValue(poly: { p: Point; v: number }[], bound: number, sign: 1 | -1): { p: Point; v: number }[] {
  const out: { p: Point; v: number }[] = [];
  for (let k = 0; k < poly.length; k++) {
    const a = poly[k]!, b = poly[(k + 1) % poly.length]!;
    const ina = sign * (a.v - bound) >= 0, inb = sign * (b.v - bound) >= 0;
    if (ina) out.push(a);
    if (ina !== inb) {
      const t = (bound - a.v) / (b.v - a.v);
      out.push({ p: [a.p[0] + (b.p[0] - a.p[0]) * t, a.p[1] + (b.p[1] - a.p[1]) * t], v: bound });
    }
  }
  return out;
}

function bandOf(levels: readonly number[], v: number): number {
  let lo = 0, hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (levels[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Filled bands between consecutive levels. Cells inside one band are merged into row runs; cells
 * that cross levels are split into two triangles whose band pieces are exact under linear
 * interpolation. Missing cells show the light grey background (with a legend entry).
 */
export function filledContourPlot(spec: ContourSpec): string {
  const where = "filledContourPlot";
  const { nx, ny } = requireGrid(where, spec);
  const { levels } = resolveLevels(where, spec);
  const bands = levels.length + 1;
  const bandColor = (b: number): string => sequential(bands === 1 ? 0.5 : b / (bands - 1));
  const width = spec.width ?? 680, height = spec.height ?? 560;
  const { x, y, z } = spec;
  let missing = false;
  for (let k = 0; k < z.length; k++) if (!Number.isFinite(z[k]!)) missing = true;
  const legend = overlayLegend(spec);
  if (missing) legend.push({ label: "missing (non-finite)", symbol: { kind: "area", color: SEMANTIC.missing } });
  const showBar = (spec.colorbar ?? true) && levels.length > 0;
  const f = layoutFrame2D({
    where, width, height, title: spec.title, xLabel: spec.xLabel, yLabel: spec.yLabel,
    xDomain: [x[0]!, x[nx - 1]!], yDomain: [y[0]!, y[ny - 1]!],
    legend, colorbarLabels: showBar ? bandLabels(levels, 1e9) : null, colorbarTitle: spec.zLabel, equalAspect: spec.equalAspect,
  });
  const px = Array.from(x, (v) => f.xScale.map(v));
  const py = Array.from(y, (v) => f.yScale.map(v));
  const paths: string[] = Array.from({ length: bands }, () => "");
  const poly = (pts: readonly Point[]): string => pts.map(([a, b], k) => `${k === 0 ? "M" : "L"}${fmt(a)} ${fmt(b)}`).join("") + "Z";
  for (let j = 0; j + 1 < ny; j++) {
    let runBand = -1, runStart = 0;
    const flushRun = (end: number): void => {
      if (runBand >= 0) paths[runBand] += `M${fmt(px[runStart]!)} ${fmt(py[j]!)}H${fmt(px[end]!)}V${fmt(py[j + 1]!)}H${fmt(px[runStart]!)}Z`;
      runBand = -1;
    };
    for (let i = 0; i + 1 < nx; i++) {
      const c: { p: Point; v: number }[] = [
        { p: [px[i]!, py[j]!], v: z[j * nx + i]! },
        { p: [px[i + 1]!, py[j]!], v: z[j * nx + i + 1]! },
        { p: [px[i + 1]!, py[j + 1]!], v: z[(j + 1) * nx + i + 1]! },
        { p: [px[i]!, py[j + 1]!], v: z[(j + 1) * nx + i]! },
      ];
      if (c.some((q) => !Number.isFinite(q.v))) {
        flushRun(i);
        continue;
      }
      const bs = c.map((q) => bandOf(levels, q.v));
      const b0 = Math.min(...bs), b1 = Math.max(...bs);
      if (b0 === b1) {
        if (runBand !== b0) {
          flushRun(i);
          runBand = b0;
          runStart = i;
        }
        continue;
      }
      flushRun(i);
      for (const tri of [[c[0]!, c[1]!, c[2]!], [c[0]!, c[2]!, c[3]!]]) {
        for (let b = b0; b <= b1; b++) {
          let piece = tri;
          if (b > 0) piece = clipByValue(piece, levels[b - 1]!, 1);
          if (b < levels.length && piece.length > 0) piece = clipByValue(piece, levels[b]!, -1);
          if (piece.length >= 3) paths[b] += poly(piece.map((q) => q.p));
        }
      }
    }
    flushRun(nx - 1);
  }
  const r = f.rect;
  const parts: string[] = [f.header];
  parts.push(el("rect", { x: fmt(r.x), y: fmt(r.y), width: fmt(r.width), height: fmt(r.height), fill: SEMANTIC.missing }));
  paths.forEach((d, b) => {
    // The same-colour stroke hides hairline anti-aliasing seams between neighbouring bands.
    if (d !== "") parts.push(el("path", { d, fill: bandColor(b), stroke: bandColor(b), "stroke-width": 0.6, "stroke-linejoin": "round" }));
  });
  if (spec.lines ?? true) {
    let d = "";
    for (const level of levels) d += marchingSquares(spec, level).flatMap((l) => toPixels(l, f)).map(polylinePath).join("");
    if (d !== "") parts.push(el("path", { d, fill: "none", stroke: "#000000", "stroke-opacity": 0.35, "stroke-width": 0.8 }));
  }
  parts.push(drawOverlays(spec, f));
  parts.push(f.axes);
  if (showBar && f.colorbarRect) parts.push(bandedColorbar(f.colorbarRect, levels, bandColor, spec.zLabel));
  return svgDocument(width, height, parts);
}
