/**
 * Legends laid out as wrapped rows in a strip reserved outside the data area, so they can never
 * cover data or each other.
 */
import { hexToRgb, luminance, type Rgb } from "./colors.js";
import { marker, type MarkerShape } from "./markers.js";
import { el, estimateTextWidth, FONT, fmt, text } from "./svg.js";

export type LegendSymbol =
  | { kind: "line"; color: string; dash?: string; width?: number }
  | { kind: "area"; color: string; opacity?: number }
  | { kind: "marker"; color: string; shape: MarkerShape }
  | { kind: "vline"; color: string; dash?: string };

export interface LegendItem {
  label: string;
  symbol: LegendSymbol;
}

export interface LegendLayout {
  width: number;
  height: number;
  /** Draw with the strip's top-left corner at (x, y). */
  render(x: number, y: number): string;
}

const SYMBOL_W = 24;
const SYMBOL_GAP = 6;
const ITEM_GAP = 18;
const ROW_H = 18;

/** Items with the same label and symbol appear once. */
export function dedupeLegend(items: readonly LegendItem[]): LegendItem[] {
  const seen = new Set<string>();
  const out: LegendItem[] = [];
  for (const item of items) {
    if (item.label === "") continue;
    const key = JSON.stringify([item.label, item.symbol]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

function hexToRgbSafe(color: string): Rgb {
  try {
    return hexToRgb(color);
  } catch {
    // Named colours: assume dark, which keeps the white outline.
    return [0, 0, 0];
  }
}

function drawSymbol(s: LegendSymbol, x: number, cy: number): string {
  switch (s.kind) {
    case "line":
      return el("path", {
        d: `M${fmt(x)} ${fmt(cy)}h${SYMBOL_W}`, stroke: s.color, "stroke-width": s.width ?? 2, "stroke-dasharray": s.dash, fill: "none",
      });
    case "area":
      return el("rect", {
        x: fmt(x), y: fmt(cy - 6), width: SYMBOL_W, height: 12, fill: s.color, "fill-opacity": s.opacity, stroke: s.color, "stroke-width": 0.8,
      });
    case "marker":
      // Pale markers (white stars on dark fills) need a dark outline to show on the white legend.
      return marker(s.shape, x + SYMBOL_W / 2, cy, 4.5, s.color, luminance(hexToRgbSafe(s.color)) > 0.6 ? "#444444" : "#ffffff");
    case "vline":
      return el("path", {
        d: `M${fmt(x + SYMBOL_W / 2)} ${fmt(cy - 7)}v14`, stroke: s.color, "stroke-width": 1.5, "stroke-dasharray": s.dash, fill: "none",
      });
  }
}

/** Lay items out left to right, wrapping at maxWidth. */
export function layoutLegend(items: readonly LegendItem[], maxWidth: number): LegendLayout {
  const unique = dedupeLegend(items);
  if (unique.length === 0) return { width: 0, height: 0, render: () => "" };
  const placed: { item: LegendItem; dx: number; row: number }[] = [];
  let row = 0;
  let cursor = 0;
  let widest = 0;
  for (const item of unique) {
    const w = SYMBOL_W + SYMBOL_GAP + estimateTextWidth(item.label, FONT.legend);
    if (cursor > 0 && cursor + w > maxWidth) {
      row += 1;
      cursor = 0;
    }
    placed.push({ item, dx: cursor, row });
    cursor += w + ITEM_GAP;
    widest = Math.max(widest, cursor - ITEM_GAP);
  }
  const height = (row + 1) * ROW_H;
  return {
    width: widest,
    height,
    render(x: number, y: number): string {
      const parts: string[] = [];
      for (const p of placed) {
        const cy = y + p.row * ROW_H + ROW_H / 2;
        parts.push(drawSymbol(p.item.symbol, x + p.dx, cy));
        parts.push(text(x + p.dx + SYMBOL_W + SYMBOL_GAP, cy, p.item.label, { size: FONT.legend, baseline: "middle", fill: "#222222" }));
      }
      return el("g", { class: "legend" }, parts);
    },
  };
}
