/**
 * Line plots made of vertically stacked panels sharing one x axis — f, f' and f'' of a scalar
 * function one above the other, with convex/concave shading, kinks, extrema and certificate chords —
 * and a twin right axis for a second quantity (loss and accuracy).
 */
import { dataFrame, frame, gridLines, title as titleText, TITLE_HEIGHT, xAxis, xAxisHeight, xTicks, xTitle, yAxis, yAxisWidth, yTicks, yTitle, type TickSet } from "./axes.js";
import { categorical } from "./colors.js";
import { clipPolyline, insideRect, type Rect } from "./geometry.js";
import { layoutLegend, type LegendItem } from "./legend.js";
import { marker, type MarkerShape } from "./markers.js";
import { extent, linearScale, logDomain, logScale, niceDomain, niceTicks, symlogScale, type Scale } from "./scale.js";
import { el, estimateTextWidth, FONT, fmt, polylinePath, svgDocument, text } from "./svg.js";
import { requirePositiveSize } from "./validate.js";
import { UserError } from "../util/errors.js";

export interface LineSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  /** true for the default dash pattern, or an SVG dasharray such as "6 3". */
  dash?: boolean | string;
  width?: number;
  /** Plot against the panel's right (twin) axis. */
  axis?: "left" | "right";
}

export interface ShadedRange {
  from: number;
  to: number;
  color: string;
  label?: string;
  opacity?: number;
}

/** The area between two curves sampled at the same x (e.g. a loss and the chord it rises above). */
export interface FillBetween {
  x: ArrayLike<number>;
  y1: ArrayLike<number>;
  y2: ArrayLike<number>;
  color: string;
  label?: string;
  opacity?: number;
}

export interface VerticalMarker {
  x: number;
  /** Text written above the panel at this x (e.g. "kink", "x = 0.53"). */
  label?: string;
  /** Legend entry describing what the line means (e.g. "inflection point"). */
  legend?: string;
  color?: string;
  dash?: boolean | string;
}

export interface PointMarker {
  x: number;
  y: number;
  /** Legend entry; points sharing label, shape and colour share one entry. */
  label?: string;
  color?: string;
  shape?: MarkerShape;
  axis?: "left" | "right";
}

export interface LineSegment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label?: string;
  color?: string;
  dash?: boolean | string;
  width?: number;
  /** Draw dots at both ends (a chord's endpoints). */
  endpoints?: boolean;
}

export interface AxisSpec {
  label?: string;
  log?: boolean;
  /** On a log axis, values below the floor (zero and negatives included) are drawn at the floor. */
  floor?: number;
  domain?: [number, number];
}

export interface Panel {
  series: LineSeries[];
  shaded?: ShadedRange[];
  fills?: FillBetween[];
  vlines?: VerticalMarker[];
  points?: PointMarker[];
  segments?: LineSegment[];
  /** Draw y = 0 as a reference line (and keep 0 inside the y range). */
  zeroLine?: boolean;
  yLabel?: string;
  yLog?: boolean;
  /** A symmetric-log y axis, linear within about ± this threshold (values of both signs, many magnitudes). */
  ySymlog?: number;
  yFloor?: number;
  yDomain?: [number, number];
  /** A twin y axis on the right for series with axis: "right". */
  right?: AxisSpec;
  /** Plot-area height in pixels. */
  height?: number;
}

export interface LinePlotSpec {
  panels: Panel[];
  title?: string;
  xLabel?: string;
  xDomain?: [number, number];
  xLog?: boolean;
  /** Only integer x ticks (an index axis). */
  integerX?: boolean;
  /** Shaded x ranges drawn in every panel (legend shown once, above the first panel). */
  shaded?: ShadedRange[];
  /** Vertical markers drawn in every panel (labels shown once, above the first panel). */
  vlines?: VerticalMarker[];
  width?: number;
}

const DEFAULT_DASH = "6 4";
const LANE_ROW = 15;
/**
 * Rows of marker labels above a panel at most: a function with thousands of kinks would otherwise
 * stack a label row per kink (an SVG tens of thousands of pixels tall). Labels that do not fit are
 * left out and counted in one note; the marker lines themselves are all drawn.
 */
export const MAX_LANE_ROWS = 3;

function dashOf(d: boolean | string | undefined): string | undefined {
  if (d === true) return DEFAULT_DASH;
  if (d === false || d === undefined || d === "") return undefined;
  return d;
}

function* finiteYs(series: readonly LineSeries[], side: "left" | "right", inX: (x: number) => boolean): Generator<number> {
  for (const s of series) {
    if ((s.axis ?? "left") !== side) continue;
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) if (inX(s.x[i]!)) yield s.y[i]!;
  }
}

interface AxisResolved {
  scale: (range: [number, number]) => Scale;
  ticks: TickSet;
  floor: number | undefined;
  label: string | undefined;
  color: string | undefined;
}

/** Choose a y axis's domain from its data and build its ticks for a plot `heightPx` tall. */
function resolveAxis(values: number[], log: boolean, floor: number | undefined, domain: [number, number] | undefined,
  includeZero: boolean, heightPx: number, label: string | undefined, color: string | undefined, symlog?: number): AxisResolved {
  let dom: [number, number];
  if (symlog !== undefined) {
    const e = extent(values) ?? [0, 0];
    // a fifth of a decade of headroom at each end (markers stay inside the frame), and 0 always inside
    dom = domain ?? [Math.min(0, e[0] * 1.6), Math.max(0, e[1] * 1.6)];
    const make = (range: [number, number]): Scale => symlogScale(dom, range, symlog);
    const s = make([heightPx, 0]);
    const values2 = s.ticks(Math.min(9, Math.max(3, Math.round(heightPx / 30))));
    return { scale: make, ticks: { values: values2, labels: s.formatTicks(values2) }, floor: undefined, label, color };
  }
  if (log) {
    const vals = floor !== undefined ? values.map((v) => (Number.isNaN(v) ? v : Math.max(v, floor))) : values;
    const e = extent(vals, true);
    dom = domain ?? (e ? logDomain(e[0], e[1]) : [1, 10]);
    if (floor !== undefined && domain === undefined) dom = [Math.max(dom[0], floor), Math.max(dom[1], floor * 10)];
  } else {
    let e = extent(values);
    if (includeZero) e = e ? [Math.min(e[0], 0), Math.max(e[1], 0)] : [0, 0];
    const budget = Math.min(8, Math.max(3, Math.round(heightPx / 45)));
    dom = domain ?? (e ? niceDomain(e[0], e[1], budget) : [0, 1]);
  }
  const make = (range: [number, number]): Scale => (log ? logScale(dom, range) : linearScale(dom, range));
  return { scale: make, ticks: yTicks(make([heightPx, 0]), heightPx), floor: log ? floor : undefined, label, color };
}

/** Place text labels centred at given x positions in as few rows as needed, never overlapping. */
function laneRows(labels: { x: number; text: string }[], left: number, right: number): { x: number; text: string; row: number }[] {
  const rowsEnd: number[] = [];
  const sorted = [...labels].sort((a, b) => a.x - b.x);
  return sorted.map((l) => {
    const w = estimateTextWidth(l.text, FONT.annotation);
    const cx = Math.min(right - w / 2, Math.max(left + w / 2, l.x));
    let row = rowsEnd.findIndex((end) => cx - w / 2 >= end + 6);
    if (row < 0) {
      if (rowsEnd.length >= MAX_LANE_ROWS) return { x: cx, text: l.text, row: -1 };
      row = rowsEnd.length;
      rowsEnd.push(0);
    }
    rowsEnd[row] = cx + w / 2;
    return { x: cx, text: l.text, row };
  });
}

function legendItemsFor(panel: Panel, colors: string[], shared: { shaded: ShadedRange[]; vlines: VerticalMarker[] } | null): LegendItem[] {
  const items: LegendItem[] = [];
  panel.series.forEach((s, i) => {
    if (s.label) {
      const suffix = panel.right && s.axis === "right" ? " (right axis)" : "";
      items.push({ label: s.label + suffix, symbol: { kind: "line", color: colors[i]!, dash: dashOf(s.dash), width: s.width ?? 2 } });
    }
  });
  const shaded = [...(shared?.shaded ?? []), ...(panel.shaded ?? [])];
  for (const r of shaded) if (r.label) items.push({ label: r.label, symbol: { kind: "area", color: r.color, opacity: r.opacity ?? 0.18 } });
  for (const f of panel.fills ?? []) if (f.label) items.push({ label: f.label, symbol: { kind: "area", color: f.color, opacity: f.opacity ?? 0.3 } });
  const vl = [...(shared?.vlines ?? []), ...(panel.vlines ?? [])];
  for (const v of vl) if (v.legend) items.push({ label: v.legend, symbol: { kind: "vline", color: v.color ?? "#555555", dash: dashOf(v.dash ?? true) } });
  for (const s of panel.segments ?? []) if (s.label) items.push({ label: s.label, symbol: { kind: "line", color: s.color ?? "#333333", dash: dashOf(s.dash), width: s.width ?? 1.8 } });
  for (const p of panel.points ?? []) if (p.label) items.push({ label: p.label, symbol: { kind: "marker", color: p.color ?? "#000000", shape: p.shape ?? "circle" } });
  return items;
}

export function linePlot(spec: LinePlotSpec): string {
  const where = "linePlot";
  if (spec.panels.length === 0) throw new UserError(`${where}: at least one panel is needed`);
  const width = spec.width ?? 760;
  const n = spec.panels.length;
  const defaultHeight = n === 1 ? 340 : n === 2 ? 240 : 190;
  const heights = spec.panels.map((p) => p.height ?? defaultHeight);
  requirePositiveSize(where, width, Math.max(...heights));
  for (const [i, s] of spec.panels.flatMap((p) => p.series).entries()) {
    if (s.x.length !== s.y.length) throw new UserError(`${where}: series ${i} ("${s.label ?? ""}") has ${s.x.length} x values but ${s.y.length} y values`);
  }

  // Shared x domain from everything that has an x position.
  const xs: number[] = [];
  for (const p of spec.panels) {
    for (const s of p.series) for (let i = 0; i < s.x.length; i++) xs.push(s.x[i]!);
    for (const pt of p.points ?? []) xs.push(pt.x);
    for (const sg of p.segments ?? []) xs.push(sg.x1, sg.x2);
  }
  let xDom: [number, number];
  if (spec.xDomain) xDom = spec.xDomain;
  else if (spec.xLog) {
    const e = extent(xs, true);
    xDom = e ? logDomain(e[0], e[1]) : [1, 10];
  } else {
    const e = extent(xs);
    xDom = e ? (e[0] === e[1] ? niceDomain(e[0], e[1]) : e) : [0, 1];
  }
  const xLo = Math.min(xDom[0], xDom[1]), xHi = Math.max(xDom[0], xDom[1]);
  const inX = (x: number): boolean => Number.isFinite(x) && x >= xLo && x <= xHi && (!spec.xLog || x > 0);

  // Colours are assigned across panels so f, f', f'' get distinct colours by default.
  let colorIndex = 0;
  const panelColors = spec.panels.map((p) => p.series.map((s) => s.color ?? categorical(colorIndex++)));

  const axes = spec.panels.map((p, pi) => {
    const h = heights[pi]!;
    const leftVals = [...finiteYs(p.series, "left", inX)];
    for (const pt of p.points ?? []) if ((pt.axis ?? "left") === "left" && inX(pt.x)) leftVals.push(pt.y);
    for (const sg of p.segments ?? []) leftVals.push(sg.y1, sg.y2);
    const leftColor = p.right ? panelColors[pi]![p.series.findIndex((s) => (s.axis ?? "left") === "left")] : undefined;
    const left = resolveAxis(leftVals, p.yLog ?? false, p.yFloor, p.yDomain, p.zeroLine ?? false, h, p.yLabel, leftColor, p.ySymlog);
    let right: AxisResolved | null = null;
    if (p.right) {
      const rightVals = [...finiteYs(p.series, "right", inX)];
      for (const pt of p.points ?? []) if (pt.axis === "right" && inX(pt.x)) rightVals.push(pt.y);
      const rightColor = panelColors[pi]![p.series.findIndex((s) => s.axis === "right")];
      right = resolveAxis(rightVals, p.right.log ?? false, p.right.floor, p.right.domain, false, h, p.right.label, rightColor);
    }
    return { left, right };
  });

  const marginLeft = 14 + Math.max(...axes.map((a) => yAxisWidth(a.left.ticks, a.left.label !== undefined)));
  const rightAxisW = Math.max(0, ...axes.map((a) => (a.right ? yAxisWidth(a.right.ticks, a.right.label !== undefined) : 0)));
  const marginRight = Math.max(24, rightAxisW + 14);
  const plotW = width - marginLeft - marginRight;
  if (plotW < 60) throw new UserError(`${where}: width ${width} leaves no room for the plot after axis labels`);

  const xScale = (spec.xLog ? logScale : linearScale)(xDom, [marginLeft, marginLeft + plotW]);
  let xt = xTicks(xScale, plotW);
  if (spec.integerX && !spec.xLog) {
    let budget = Math.min(11, Math.max(2, Math.round(plotW / 70)));
    let values = niceTicks(xLo, xHi, budget, 1);
    while (values.length > budget && budget > 2) values = niceTicks(xLo, xHi, --budget, 1);
    xt = { values, labels: xScale.formatTicks(values) };
  }

  const shared = { shaded: spec.shaded ?? [], vlines: spec.vlines ?? [] };
  const parts: string[] = [];
  let y = 10;
  if (spec.title) {
    parts.push(titleText(spec.title, width));
    y = TITLE_HEIGHT;
  }
  const hasXTitle = spec.xLabel !== undefined;

  spec.panels.forEach((p, pi) => {
    const colors = panelColors[pi]!;
    const legend = layoutLegend(legendItemsFor(p, colors, pi === 0 ? shared : null), plotW);
    if (legend.height > 0) {
      parts.push(legend.render(marginLeft, y));
      y += legend.height + 4;
    }
    const vlines = [...(pi === 0 ? shared.vlines : []), ...(p.vlines ?? [])];
    const laneLabels = vlines
      .filter((v) => v.label && inX(v.x))
      .map((v) => ({ x: xScale.map(v.x), text: v.label! }));
    const lanes = laneRows(laneLabels, marginLeft, marginLeft + plotW);
    const placed = lanes.filter((l) => l.row >= 0);
    const dropped = lanes.length - placed.length;
    if (dropped > 0) {
      const rows = Math.max(0, ...placed.map((l) => l.row)) + 1;
      placed.push({ x: marginLeft + plotW / 2, text: `${dropped} more marker label${dropped === 1 ? "" : "s"} not drawn (room for ${MAX_LANE_ROWS} rows)`, row: rows });
    }
    const laneH = placed.length === 0 ? 0 : (Math.max(...placed.map((l) => l.row)) + 1) * LANE_ROW + 2;
    for (const l of placed) {
      parts.push(text(l.x, y + l.row * LANE_ROW + LANE_ROW / 2, l.text, { size: FONT.annotation, anchor: "middle", baseline: "middle", fill: "#333333" }));
    }
    y += laneH;

    const rect: Rect = { x: marginLeft, y, width: plotW, height: heights[pi]! };
    const { left, right } = axes[pi]!;
    const yScale = left.scale([rect.y + rect.height, rect.y]);
    const yScaleR = right ? right.scale([rect.y + rect.height, rect.y]) : null;
    parts.push(drawPanel(p, colors, shared.shaded, [...shared.vlines, ...(p.vlines ?? [])], rect, xScale, yScale, left.floor, yScaleR, right?.floor, xt, left.ticks));
    parts.push(dataFrame(rect, xScale, yScale));
    parts.push(yAxis(yScale, left.ticks, rect, "left", left.color));
    if (left.label) parts.push(yTitle(left.label, rect, "left", yAxisWidth(left.ticks, false) + 6, left.color));
    if (right && yScaleR) {
      parts.push(yAxis(yScaleR, right.ticks, rect, "right", right.color));
      if (right.label) parts.push(yTitle(right.label, rect, "right", yAxisWidth(right.ticks, false) + 6, right.color));
    }
    const last = pi === n - 1;
    parts.push(xAxis(xScale, xt, rect, last));
    if (last && spec.xLabel) parts.push(xTitle(spec.xLabel, rect, true));
    y += rect.height + (last ? xAxisHeight(true, hasXTitle) + 10 : 14);
  });

  // Rounded up so the document has an integer size.
  return svgDocument(width, Math.ceil(y), parts);
}

function drawPanel(p: Panel, colors: string[], sharedShaded: ShadedRange[], vlines: VerticalMarker[], rect: Rect,
  xScale: Scale, yScale: Scale, yFloor: number | undefined, yScaleR: Scale | null, rFloor: number | undefined,
  xt: TickSet, yt: TickSet): string {
  const parts: string[] = [];
  const clampX = (px: number): number => Math.min(rect.x + rect.width, Math.max(rect.x, px));
  for (const r of [...sharedShaded, ...(p.shaded ?? [])]) {
    const a = xScale.map(r.from), b = xScale.map(r.to);
    const fa = Number.isFinite(a) ? clampX(a) : r.from === -Infinity ? rect.x : NaN;
    const fb = Number.isFinite(b) ? clampX(b) : r.to === Infinity ? rect.x + rect.width : NaN;
    if (!Number.isFinite(fa) || !Number.isFinite(fb) || Math.abs(fb - fa) < 0.01) continue;
    parts.push(el("rect", {
      x: fmt(Math.min(fa, fb)), y: fmt(rect.y), width: fmt(Math.abs(fb - fa)), height: fmt(rect.height), fill: r.color, "fill-opacity": r.opacity ?? 0.18,
    }));
  }
  parts.push(gridLines(xScale, xt.values, yScale, yt.values, rect));
  for (const f of p.fills ?? []) {
    const d = fillPath(f, xScale, yScale, rect);
    if (d) parts.push(el("path", { d, fill: f.color, "fill-opacity": f.opacity ?? 0.3, stroke: "none" }));
  }
  if (p.zeroLine) {
    const py = yScale.map(0);
    if (Number.isFinite(py) && insideRect(rect.x, py, rect)) {
      parts.push(el("path", { d: `M${fmt(rect.x)} ${fmt(py)}h${fmt(rect.width)}`, stroke: "#777777", "stroke-width": 1.2 }));
    }
  }
  for (const v of vlines) {
    const px = xScale.map(v.x);
    if (!Number.isFinite(px) || !insideRect(px, rect.y, rect)) continue;
    parts.push(el("path", {
      d: `M${fmt(px)} ${fmt(rect.y)}v${fmt(rect.height)}`, stroke: v.color ?? "#555555", "stroke-width": 1.2, "stroke-dasharray": dashOf(v.dash ?? true),
    }));
  }
  const mapY = (scale: Scale, floor: number | undefined) => (v: number): number =>
    scale.map(floor !== undefined && !Number.isNaN(v) ? Math.max(v, floor) : v);
  const left = mapY(yScale, yFloor);
  const right = yScaleR ? mapY(yScaleR, rFloor) : left;
  p.series.forEach((s, i) => {
    const my = s.axis === "right" ? right : left;
    const n = Math.min(s.x.length, s.y.length);
    const px = new Float64Array(n), py = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      px[k] = xScale.map(s.x[k]!);
      py[k] = my(s.y[k]!);
    }
    const d = clipPolyline(px, py, rect).map(polylinePath).join("");
    if (d === "") return;
    parts.push(el("path", {
      d, fill: "none", stroke: colors[i]!, "stroke-width": s.width ?? 2, "stroke-dasharray": dashOf(s.dash), "stroke-linejoin": "round", "stroke-linecap": "round",
    }));
  });
  for (const s of p.segments ?? []) {
    const xsP = [xScale.map(s.x1), xScale.map(s.x2)];
    const ysP = [left(s.y1), left(s.y2)];
    const d = clipPolyline(xsP, ysP, rect).map(polylinePath).join("");
    if (d === "") continue;
    const color = s.color ?? "#333333";
    parts.push(el("path", { d, fill: "none", stroke: color, "stroke-width": s.width ?? 1.8, "stroke-dasharray": dashOf(s.dash) }));
    if (s.endpoints) {
      for (let k = 0; k < 2; k++) {
        if (Number.isFinite(xsP[k]!) && Number.isFinite(ysP[k]!) && insideRect(xsP[k]!, ysP[k]!, rect)) {
          parts.push(marker("circle", xsP[k]!, ysP[k]!, 3.5, color));
        }
      }
    }
  }
  for (const pt of p.points ?? []) {
    const px = xScale.map(pt.x);
    const py = (pt.axis === "right" ? right : left)(pt.y);
    if (!Number.isFinite(px) || !Number.isFinite(py) || !insideRect(px, py, rect, 0.5)) continue;
    parts.push(marker(pt.shape ?? "circle", px, py, 5, pt.color ?? "#000000"));
  }
  parts.push(frame(rect));
  return el("g", { class: "panel" }, parts);
}

/** Polygon along y1 forward and y2 backward, with every vertex clamped into the panel; skips non-finite samples. */
function fillPath(f: FillBetween, xScale: Scale, yScale: Scale, rect: Rect): string {
  const n = Math.min(f.x.length, f.y1.length, f.y2.length);
  const cx = (v: number): number => Math.min(rect.x + rect.width, Math.max(rect.x, v));
  const cy = (v: number): number => Math.min(rect.y + rect.height, Math.max(rect.y, v));
  const top: string[] = [], bottom: string[] = [];
  for (let k = 0; k < n; k++) {
    const px = xScale.map(f.x[k]!), p1 = yScale.map(f.y1[k]!), p2 = yScale.map(f.y2[k]!);
    if (!Number.isFinite(px) || !Number.isFinite(p1) || !Number.isFinite(p2)) continue;
    top.push(`${fmt(cx(px))} ${fmt(cy(p1))}`);
    bottom.push(`${fmt(cx(px))} ${fmt(cy(p2))}`);
  }
  if (top.length < 2) return "";
  return `M${top.join("L")}L${bottom.reverse().join("L")}Z`;
}
