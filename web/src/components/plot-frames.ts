/**
 * The plotting kit marks every plot rectangle with its axes' scales (src/plot/axes.ts dataFrame):
 * read them back from the SVG text so a pointer over the picture maps to data coordinates.
 */

interface Axis {
  kind: "linear" | "log";
  d0: number;
  d1: number;
  r0: number;
  r1: number;
}

export interface PlotFrame {
  /** Rectangle in SVG user units. */
  x: number;
  y: number;
  width: number;
  height: number;
  xAxis: Axis;
  yAxis: Axis;
}

function axis(text: string): Axis | null {
  const [kind, ...rest] = text.trim().split(/\s+/);
  const v = rest.map(Number);
  if ((kind !== "linear" && kind !== "log") || v.length !== 4 || v.some((n) => !Number.isFinite(n))) return null;
  return { kind, d0: v[0]!, d1: v[1]!, r0: v[2]!, r1: v[3]! };
}

export function plotFrames(svg: string): { width: number; height: number; frames: PlotFrame[] } {
  const head = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  const width = Number(attr(head, "width") ?? NaN), height = Number(attr(head, "height") ?? NaN);
  const frames: PlotFrame[] = [];
  for (const m of svg.matchAll(/<rect\b[^>]*\sdata-x="[^"]*"[^>]*>/g)) {
    const tag = m[0];
    const xAxis = axis(attr(tag, "data-x") ?? ""), yAxis = axis(attr(tag, "data-y") ?? "");
    if (!xAxis || !yAxis) continue;
    frames.push({ x: Number(attr(tag, "x")), y: Number(attr(tag, "y")), width: Number(attr(tag, "width")), height: Number(attr(tag, "height")), xAxis, yAxis });
  }
  return { width, height, frames };
}

/** The data value at pixel p (SVG units) on an axis. */
export function invert(a: Axis, p: number): number {
  const t = (p - a.r0) / (a.r1 - a.r0);
  return a.kind === "log" ? 10 ** (Math.log10(a.d0) + t * (Math.log10(a.d1) - Math.log10(a.d0))) : a.d0 + t * (a.d1 - a.d0);
}

/** Which frame holds the SVG point (px, py), and the data coordinates there. */
export function dataAt(frames: readonly PlotFrame[], px: number, py: number): { frame: number; x: number; y: number } | null {
  const i = frames.findIndex((f) => px >= f.x && px <= f.x + f.width && py >= f.y && py <= f.y + f.height);
  if (i < 0) return null;
  const f = frames[i]!;
  return { frame: i, x: invert(f.xAxis, px), y: invert(f.yAxis, py) };
}

export const short = (v: number): string => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2));
