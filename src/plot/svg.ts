/**
 * A tiny string-based SVG builder. Plots are pure functions from numbers to SVG text so they run
 * unchanged in Node and in the browser; there is no DOM here.
 */

export const FONT_FAMILY = "DejaVu Sans, Arial, sans-serif";

/** Font sizes used by every plot, so all figures look alike. */
export const FONT = {
  title: 15,
  label: 13,
  tick: 11,
  legend: 12,
  annotation: 11,
} as const;

/** Escape text for use in element content and in double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case "&": return "&amp;";
      case "<": return "&lt;";
      case ">": return "&gt;";
      case "\"": return "&quot;";
      default: return "&#39;";
    }
  });
}

/**
 * Coordinates with fixed decimals (trailing zeros trimmed) so output is compact and byte-stable.
 * A non-finite coordinate is a bug in the caller: plots must drop such points before drawing.
 */
export function fmt(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) {
    throw new Error(`plot: non-finite coordinate ${String(n)} reached the SVG writer`);
  }
  let s = n.toFixed(decimals);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

export type AttrValue = string | number | undefined | null | false;
export type Attrs = Record<string, AttrValue>;

function renderAttrs(attrs: Attrs): string {
  let out = "";
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    const text = typeof value === "number" ? fmt(value, 3) : escapeXml(value);
    out += ` ${name}="${text}"`;
  }
  return out;
}

/** An element; `children` are already-serialised SVG fragments (use `text()` for escaped text). */
export function el(tag: string, attrs: Attrs = {}, children?: string | readonly string[]): string {
  const body = children === undefined ? "" : typeof children === "string" ? children : children.join("");
  if (body === "") return `<${tag}${renderAttrs(attrs)}/>`;
  return `<${tag}${renderAttrs(attrs)}>${body}</${tag}>`;
}

/** A group, omitted entirely when it would be empty. */
export function group(attrs: Attrs, children: readonly string[]): string {
  const body = children.join("");
  return body === "" ? "" : el("g", attrs, body);
}

export interface TextOptions {
  size?: number;
  anchor?: "start" | "middle" | "end";
  /** Vertical alignment handled by shifting y, since resvg and browsers differ on dominant-baseline. */
  baseline?: "alphabetic" | "middle" | "hanging";
  weight?: "normal" | "bold";
  fill?: string;
  rotate?: number;
  /** A white outline behind the glyphs, so labels stay readable on top of lines and fills. */
  halo?: boolean;
}

/** A text element with escaped content. */
export function text(x: number, y: number, content: string, opts: TextOptions = {}): string {
  const size = opts.size ?? FONT.tick;
  let dy = 0;
  if (opts.baseline === "middle") dy = 0.35 * size;
  else if (opts.baseline === "hanging") dy = 0.8 * size;
  const attrs: Attrs = {
    x: fmt(x),
    y: fmt(y + (opts.rotate === undefined ? dy : 0)),
    "font-size": size,
    "text-anchor": opts.anchor && opts.anchor !== "start" ? opts.anchor : undefined,
    "font-weight": opts.weight === "bold" ? "bold" : undefined,
    fill: opts.fill,
  };
  if (opts.rotate !== undefined) {
    attrs.transform = `rotate(${fmt(opts.rotate)} ${fmt(x)} ${fmt(y)})`;
    if (dy !== 0) attrs.dy = fmt(dy);
  }
  if (opts.halo) {
    attrs.stroke = "#ffffff";
    attrs["stroke-width"] = 3;
    attrs["stroke-linejoin"] = "round";
    attrs["paint-order"] = "stroke";
  }
  return el("text", attrs, escapeXml(content));
}

/** A rough text width: DejaVu Sans averages about 0.6 em per character; we round up for safety. */
export function estimateTextWidth(content: string, size: number): number {
  let w = 0;
  for (const ch of content) {
    if ("il.,:;'|!".includes(ch)) w += 0.32;
    else if ("mwMW".includes(ch)) w += 0.9;
    else if (ch >= "A" && ch <= "Z") w += 0.7;
    else w += 0.62;
  }
  return w * size;
}

/** Path data for a polyline. */
export function polylinePath(points: readonly (readonly [number, number])[]): string {
  let d = "";
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i]!;
    d += `${i === 0 ? "M" : "L"}${fmt(x)} ${fmt(y)}`;
  }
  return d;
}

/** The outer document: fixed size, white background, one font family for all text. */
export function svgDocument(width: number, height: number, children: readonly string[]): string {
  const attrs: Attrs = {
    xmlns: "http://www.w3.org/2000/svg",
    width: fmt(width, 0),
    height: fmt(height, 0),
    viewBox: `0 0 ${fmt(width, 0)} ${fmt(height, 0)}`,
    "font-family": FONT_FAMILY,
  };
  const background = el("rect", { x: 0, y: 0, width: fmt(width, 0), height: fmt(height, 0), fill: "#ffffff" });
  return `<svg${renderAttrs(attrs)}>${background}${children.join("")}</svg>\n`;
}
