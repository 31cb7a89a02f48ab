/**
 * Colours: a perceptually ordered sequential map (dark purple -> blue -> green -> yellow, in the
 * spirit of viridis, from our own control points) and a colour-blind-safe categorical palette.
 */

export type Rgb = readonly [number, number, number];

/** Control points of the sequential map, evenly spaced in t; lightness rises monotonically. */
const SEQUENTIAL_STOPS: readonly Rgb[] = [
  [68, 1, 84],
  [72, 38, 119],
  [63, 72, 138],
  [50, 102, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];

/** The sequential map as RGB, t clamped to [0, 1]; NaN maps to t = 0. */
export function sequentialRgb(t: number): Rgb {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = u * (SEQUENTIAL_STOPS.length - 1);
  const i = Math.min(SEQUENTIAL_STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = SEQUENTIAL_STOPS[i]!;
  const b = SEQUENTIAL_STOPS[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The sequential map as a hex colour. */
export function sequential(t: number): string {
  return rgbToHex(sequentialRgb(t));
}

/**
 * Okabe–Ito-style categorical colours, ordered so the first few are the most distinct;
 * yellow is left out because it vanishes on white.
 */
export const CATEGORICAL: readonly string[] = [
  "#0072b2", // blue
  "#d55e00", // vermillion
  "#009e73", // bluish green
  "#cc79a7", // reddish purple
  "#e69f00", // orange
  "#56b4e9", // sky blue
  "#000000", // black
  "#8c564b", // brown
];

export function categorical(i: number): string {
  const n = CATEGORICAL.length;
  return CATEGORICAL[((Math.floor(i) % n) + n) % n]!;
}

/** Semantic colours shared by plots and reports. */
export const SEMANTIC = {
  convex: "#2ca02c",
  concave: "#ff7f0e",
  linear: "#7f7f7f",
  positive: "#0072b2",
  negative: "#d55e00",
  missing: "#d9d9d9",
  grid: "#e5e5e5",
  axis: "#333333",
  trajectory: "#e31a1c",
} as const;

export function rgbToHex(c: Rgb): string {
  const h = (v: number): string => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0");
  return `#${h(c[0])}${h(c[1])}${h(c[2])}`;
}

export function hexToRgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim());
  if (!m) throw new Error(`plot: not a hex colour: ${hex}`);
  let s = m[1]!;
  if (s.length === 3) s = s[0]! + s[0]! + s[1]! + s[1]! + s[2]! + s[2]!;
  return [parseInt(s.slice(0, 2), 16), parseInt(s.slice(2, 4), 16), parseInt(s.slice(4, 6), 16)];
}

/** Multiply an RGB colour by a brightness factor (Lambert shading), clamped to 0..255. */
export function shade(c: Rgb, factor: number): Rgb {
  return [c[0] * factor, c[1] * factor, c[2] * factor];
}

/** Linear blend a -> b by f in [0, 1]. */
export function mix(a: Rgb, b: Rgb, f: number): Rgb {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Relative luminance (sRGB, gamma-expanded), used to pick readable text on coloured cells. */
export function luminance(c: Rgb): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}
