/** Axis drawing shared by the 2-D plots: frame, ticks, tick labels, grid lines and axis titles. */
import type { Rect } from "./geometry.js";
import type { Scale } from "./scale.js";
import { el, estimateTextWidth, FONT, fmt, text } from "./svg.js";
import { SEMANTIC } from "./colors.js";

export interface TickSet {
  values: number[];
  labels: string[];
}

const TICK_LEN = 5;

/** Tick count for an axis of the given pixel length (about one tick per 45 px vertically). */
export function yTickBudget(lengthPx: number): number {
  return Math.min(8, Math.max(3, Math.round(lengthPx / 45)));
}

function ticksWithin(scale: Scale, maxTicks: number): TickSet {
  const [d0, d1] = scale.domain;
  const lo = Math.min(d0, d1), hi = Math.max(d0, d1);
  const slack = (hi - lo) * 1e-9;
  const values = scale.ticks(maxTicks).filter((v) => v >= lo - slack && v <= hi + slack);
  return { values, labels: scale.formatTicks(values) };
}

/** Y ticks for a scale; the budget depends only on the axis length. */
export function yTicks(scale: Scale, lengthPx: number): TickSet {
  return ticksWithin(scale, yTickBudget(lengthPx));
}

/** X ticks, thinned until neighbouring labels have room to breathe. */
export function xTicks(scale: Scale, lengthPx: number): TickSet {
  for (let budget = Math.min(11, Math.max(2, Math.round(lengthPx / 70))); budget >= 2; budget--) {
    const set = ticksWithin(scale, budget);
    if (set.values.length <= 1) return set;
    let ok = true;
    for (let i = 1; i < set.values.length && ok; i++) {
      const gap = Math.abs(scale.map(set.values[i]!) - scale.map(set.values[i - 1]!));
      const need = (estimateTextWidth(set.labels[i]!, FONT.tick) + estimateTextWidth(set.labels[i - 1]!, FONT.tick)) / 2 + 10;
      if (gap < need) ok = false;
    }
    if (ok) return set;
  }
  return ticksWithin(scale, 2);
}

export function maxLabelWidth(labels: readonly string[], size: number = FONT.tick): number {
  let w = 0;
  for (const l of labels) w = Math.max(w, estimateTextWidth(l, size));
  return w;
}

/** Light grid lines behind the data. */
export function gridLines(xScale: Scale | null, xs: readonly number[], yScale: Scale | null, ys: readonly number[], r: Rect): string {
  let d = "";
  if (xScale) {
    for (const v of xs) {
      const px = xScale.map(v);
      if (Number.isFinite(px)) d += `M${fmt(px)} ${fmt(r.y)}v${fmt(r.height)}`;
    }
  }
  if (yScale) {
    for (const v of ys) {
      const py = yScale.map(v);
      if (Number.isFinite(py)) d += `M${fmt(r.x)} ${fmt(py)}h${fmt(r.width)}`;
    }
  }
  return d === "" ? "" : el("path", { d, stroke: SEMANTIC.grid, "stroke-width": 1, fill: "none" });
}

/**
 * An invisible copy of a plot rectangle that records its axes' scales (kind, domain, pixel range),
 * so a viewer can map a pointer back to data for hover read-outs. Symlog axes are not invertible
 * in closed form here, so they get none.
 */
export function dataFrame(r: Rect, x: Scale, y: Scale): string {
  if (x.kind === "symlog" || y.kind === "symlog") return "";
  const enc = (s: Scale): string => [s.kind, ...s.domain, ...s.range].map((v) => (typeof v === "number" ? String(v) : v)).join(" ");
  return el("rect", { x: fmt(r.x), y: fmt(r.y), width: fmt(r.width), height: fmt(r.height), fill: "none", stroke: "none", "data-x": enc(x), "data-y": enc(y) });
}

export function frame(r: Rect): string {
  return el("rect", {
    x: fmt(r.x), y: fmt(r.y), width: fmt(r.width), height: fmt(r.height), fill: "none", stroke: SEMANTIC.axis, "stroke-width": 1,
  });
}

/** Tick marks below the rect and, optionally, their labels. */
export function xAxis(scale: Scale, ticks: TickSet, r: Rect, showLabels: boolean): string {
  const bottom = r.y + r.height;
  let d = "";
  const parts: string[] = [];
  ticks.values.forEach((v, i) => {
    const px = scale.map(v);
    if (!Number.isFinite(px)) return;
    d += `M${fmt(px)} ${fmt(bottom)}v${TICK_LEN}`;
    if (showLabels) parts.push(text(px, bottom + TICK_LEN + 3, ticks.labels[i]!, { size: FONT.tick, anchor: "middle", baseline: "hanging", fill: "#222222" }));
  });
  if (d !== "") parts.unshift(el("path", { d, stroke: SEMANTIC.axis, "stroke-width": 1 }));
  return parts.join("");
}

/** Tick marks and labels on the left or right edge of the rect. */
export function yAxis(scale: Scale, ticks: TickSet, r: Rect, side: "left" | "right", color = "#222222"): string {
  const x0 = side === "left" ? r.x : r.x + r.width;
  const dir = side === "left" ? -1 : 1;
  let d = "";
  const parts: string[] = [];
  ticks.values.forEach((v, i) => {
    const py = scale.map(v);
    if (!Number.isFinite(py)) return;
    d += `M${fmt(x0)} ${fmt(py)}h${dir * TICK_LEN}`;
    parts.push(text(x0 + dir * (TICK_LEN + 3), py, ticks.labels[i]!, {
      size: FONT.tick, anchor: side === "left" ? "end" : "start", baseline: "middle", fill: color,
    }));
  });
  if (d !== "") parts.unshift(el("path", { d, stroke: SEMANTIC.axis, "stroke-width": 1 }));
  return parts.join("");
}

/** Horizontal space a y axis needs outside the plot: ticks, labels and a rotated title. */
export function yAxisWidth(ticks: TickSet, hasTitle: boolean): number {
  return TICK_LEN + 3 + maxLabelWidth(ticks.labels) + 8 + (hasTitle ? FONT.label + 6 : 0);
}

/** Rotated axis title centred on the rect's left or right side, `offset` px out from the edge. */
export function yTitle(label: string, r: Rect, side: "left" | "right", offset: number, color = "#222222"): string {
  const x = side === "left" ? r.x - offset : r.x + r.width + offset;
  const y = r.y + r.height / 2;
  return text(x, y, label, { size: FONT.label, anchor: "middle", rotate: side === "left" ? -90 : 90, baseline: "middle", fill: color });
}

/** Height an x axis needs below the plot: ticks, labels and the axis title. */
export function xAxisHeight(hasLabels: boolean, hasTitle: boolean): number {
  return TICK_LEN + (hasLabels ? FONT.tick + 8 : 2) + (hasTitle ? FONT.label + 8 : 0);
}

export function xTitle(label: string, r: Rect, hasTickLabels: boolean): string {
  const y = r.y + r.height + TICK_LEN + (hasTickLabels ? FONT.tick + 8 : 2) + 4;
  return text(r.x + r.width / 2, y, label, { size: FONT.label, anchor: "middle", baseline: "hanging", fill: "#222222" });
}

/** A centred title, set smaller (down to the tick size) when it would not fit a narrow plot. */
export function title(label: string, width: number, y = 10): string {
  const natural = estimateTextWidth(label, FONT.title);
  const size = natural <= width - 16 ? FONT.title : Math.max(FONT.tick, Math.floor((FONT.title * (width - 16)) / natural));
  return text(width / 2, y, label, { size, anchor: "middle", baseline: "hanging", weight: "bold", fill: "#111111" });
}

export const TITLE_HEIGHT = FONT.title + 16;
