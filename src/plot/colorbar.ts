/** Colour keys drawn beside a plot: continuous (heatmaps, contour lines) and banded (filled contours). */
import { maxLabelWidth } from "./axes.js";
import type { Rect } from "./geometry.js";
import { formatValue, type Scale } from "./scale.js";
import { el, FONT, fmt, text } from "./svg.js";

export const COLORBAR_BAR_WIDTH = 16;

/** Horizontal space a colorbar needs to the right of the plot, given its tick labels. */
export function colorbarWidth(labels: readonly string[], hasTitle: boolean): number {
  return 18 + COLORBAR_BAR_WIDTH + 8 + maxLabelWidth(labels) + (hasTitle ? FONT.label + 12 : 0) + 8;
}

function barTitle(label: string | undefined, r: Rect, labelsWidth: number): string {
  if (!label) return "";
  const x = r.x + r.width + 8 + labelsWidth + 10 + FONT.label / 2;
  return text(x, r.y + r.height / 2, label, { size: FONT.label, anchor: "middle", rotate: 90, baseline: "middle", fill: "#222222" });
}

/** The bar's outline, tick marks with their labels to its right, and its title, after the bar's own `parts`. */
function finishBar(parts: string[], r: Rect, ticks: readonly { y: number; label: string }[], labels: readonly string[], label: string | undefined): string {
  parts.push(el("rect", { x: fmt(r.x), y: fmt(r.y), width: fmt(r.width), height: fmt(r.height), fill: "none", stroke: "#333333", "stroke-width": 1 }));
  let tickPath = "";
  for (const t of ticks) {
    tickPath += `M${fmt(r.x + r.width)} ${fmt(t.y)}h4`;
    parts.push(text(r.x + r.width + 7, t.y, t.label, { size: FONT.tick, baseline: "middle", fill: "#222222" }));
  }
  if (tickPath !== "") parts.push(el("path", { d: tickPath, stroke: "#333333", "stroke-width": 1 }));
  parts.push(barTitle(label, r, maxLabelWidth(labels)));
  return el("g", { class: "colorbar" }, parts);
}

/**
 * A smooth bar: `steps` stacked strips coloured by `color(value)`, ticks from the scale. `scale`
 * must map values onto the bar's vertical pixel range.
 */
export function continuousColorbar(r: Rect, scale: Scale, color: (v: number) => string, ticks: readonly number[], label?: string,
  marks: readonly number[] = []): string {
  const parts: string[] = [];
  const steps = 96;
  const [d0, d1] = scale.domain;
  const log = scale.kind === "log";
  for (let s = 0; s < steps; s++) {
    const f0 = s / steps, f1 = (s + 1) / steps;
    const v0 = log ? d0 * (d1 / d0) ** f0 : d0 + (d1 - d0) * f0;
    const v1 = log ? d0 * (d1 / d0) ** f1 : d0 + (d1 - d0) * f1;
    const vm = log ? Math.sqrt(v0 * v1) : (v0 + v1) / 2;
    const y0 = scale.map(v0), y1 = scale.map(v1);
    const top = Math.min(y0, y1), h = Math.abs(y1 - y0);
    // Strips overlap by half a pixel so no hairline gaps show between them.
    parts.push(el("rect", { x: fmt(r.x), y: fmt(top - 0.25), width: fmt(r.width), height: fmt(h + 0.5), fill: color(vm) }));
  }
  let d = "";
  for (const m of marks) {
    const y = scale.map(m);
    if (Number.isFinite(y)) d += `M${fmt(r.x)} ${fmt(y)}h${fmt(r.width)}`;
  }
  if (d !== "") {
    parts.push(el("path", { d, stroke: "#ffffff", "stroke-width": 2.5 }));
    parts.push(el("path", { d, stroke: "#222222", "stroke-width": 1 }));
  }
  const labels = scale.formatTicks(ticks);
  const marked = ticks.map((v, i) => ({ y: scale.map(v), label: labels[i]! })).filter((t) => Number.isFinite(t.y));
  return finishBar(parts, r, marked, labels, label);
}

/** Labels a banded colorbar will print at its band boundaries (thinned so they never collide). */
export function bandLabels(levels: readonly number[], heightPx: number): string[] {
  const bands = levels.length + 1;
  const bandH = heightPx / bands;
  const stride = Math.max(1, Math.ceil((FONT.tick + 4) / bandH));
  return levels.map((v, i) => (i % stride === 0 ? formatValue(v) : ""));
}

/** Equal-height blocks, one per band between consecutive levels, boundaries labelled with the level. */
export function bandedColorbar(r: Rect, levels: readonly number[], bandColor: (band: number) => string, label?: string): string {
  const parts: string[] = [];
  const bands = levels.length + 1;
  const bandH = r.height / bands;
  for (let b = 0; b < bands; b++) {
    const top = r.y + r.height - (b + 1) * bandH;
    parts.push(el("rect", { x: fmt(r.x), y: fmt(top), width: fmt(r.width), height: fmt(bandH), fill: bandColor(b) }));
  }
  const labels = bandLabels(levels, r.height);
  const marked = labels.map((l, i) => ({ y: r.y + r.height - (i + 1) * bandH, label: l })).filter((t) => t.label !== "");
  return finishBar(parts, r, marked, labels, label);
}
