/**
 * A static 3-D surface: z over the (x, y) grid seen from a fixed camera, drawn back to front
 * (painter's algorithm) with height colouring, Lambert shading and three labelled axes.
 */
import { rgbToHex, sequentialRgb, shade } from "./colors.js";
import { title as titleText, TITLE_HEIGHT } from "./axes.js";
import { extent, formatLinearTicks, niceDomain, niceTicks } from "./scale.js";
import { rectsOverlap, type Rect } from "./geometry.js";
import { el, estimateTextWidth, FONT, fmt, svgDocument, text } from "./svg.js";
import { requireGrid, requirePositiveSize, type Grid } from "./validate.js";
import { UserError } from "../util/errors.js";

export interface SurfaceSpec extends Grid {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
  /** Degrees above the x–y plane (default 30). */
  elevation?: number;
  /** Degrees around the z axis (default -60: looking from +x, -y). */
  azimuth?: number;
  projection?: "orthographic" | "perspective";
  /** Grids larger than this many cells per side are subsampled (default 60). */
  maxCellsPerSide?: number;
  width?: number;
  height?: number;
}

type V3 = [number, number, number];

const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: V3): V3 => {
  const l = Math.hypot(a[0], a[1], a[2]);
  return l > 0 ? [a[0] / l, a[1] / l, a[2] / l] : [0, 0, 1];
};

/** Half-height of the normalised box; x and y span [-1, 1]. */
const BOX_H = 0.65;
const PERSPECTIVE_DISTANCE = 6;

/** Indices 0..n-1 thinned to at most maxCells intervals, always keeping both ends. */
function subsample(n: number, maxCells: number): number[] {
  if (n - 1 <= maxCells) return Array.from({ length: n }, (_, k) => k);
  const out: number[] = [];
  for (let c = 0; c <= maxCells; c++) out.push(Math.round((c * (n - 1)) / maxCells));
  return out;
}

export function surfacePlot(spec: SurfaceSpec): string {
  const where = "surfacePlot";
  const { nx, ny } = requireGrid(where, spec);
  const width = spec.width ?? 700, height = spec.height ?? 580;
  requirePositiveSize(where, width, height);
  const elev = spec.elevation ?? 30, azim = spec.azimuth ?? -60;
  if (!Number.isFinite(elev) || elev < -90 || elev > 90) throw new UserError(`${where}: elevation must be within -90..90 degrees, got ${elev}`);
  if (!Number.isFinite(azim)) throw new UserError(`${where}: azimuth must be finite, got ${azim}`);
  const maxCells = spec.maxCellsPerSide ?? 60;
  if (!(Number.isInteger(maxCells) && maxCells >= 1)) throw new UserError(`${where}: maxCellsPerSide must be a positive integer`);

  const { x, y, z } = spec;
  const x0 = x[0]!, x1 = x[nx - 1]!, y0 = y[0]!, y1 = y[ny - 1]!;
  const ze = extent(Array.from(z));
  const [z0, z1] = ze ? niceDomain(ze[0], ze[1], 5) : [0, 1];
  const nX = (v: number): number => (2 * (v - x0)) / (x1 - x0) - 1;
  const nY = (v: number): number => (2 * (v - y0)) / (y1 - y0) - 1;
  const nZ = (v: number): number => BOX_H * ((2 * (v - z0)) / (z1 - z0) - 1);

  const th = (elev * Math.PI) / 180, ph = (azim * Math.PI) / 180;
  const right: V3 = [-Math.sin(ph), Math.cos(ph), 0];
  const up: V3 = [-Math.sin(th) * Math.cos(ph), -Math.sin(th) * Math.sin(ph), Math.cos(th)];
  const toward: V3 = [Math.cos(th) * Math.cos(ph), Math.cos(th) * Math.sin(ph), Math.sin(th)];
  const perspective = spec.projection === "perspective";
  const view = (p: V3): { sx: number; sy: number; depth: number } => {
    const depth = dot(p, toward);
    const k = perspective ? PERSPECTIVE_DISTANCE / (PERSPECTIVE_DISTANCE - depth) : 1;
    return { sx: dot(p, right) * k, sy: dot(p, up) * k, depth };
  };

  // Fit the box into the space left after the title and a label margin on every side.
  const corners: V3[] = [];
  for (const a of [-1, 1]) for (const b of [-1, 1]) for (const c of [-BOX_H, BOX_H]) corners.push([a, b, c]);
  const proj = corners.map(view);
  const minX = Math.min(...proj.map((p) => p.sx)), maxX = Math.max(...proj.map((p) => p.sx));
  const minY = Math.min(...proj.map((p) => p.sy)), maxY = Math.max(...proj.map((p) => p.sy));
  const top = spec.title ? TITLE_HEIGHT : 10;
  // Tick labels and axis titles sit beside and below the box; nothing goes above it.
  const side = 80, above = 16, below = 64;
  const availW = width - 2 * side, availH = height - top - above - below;
  if (availW < 40 || availH < 40) throw new UserError(`${where}: size ${width}x${height} is too small for a surface plot`);
  const scale = Math.min(availW / (maxX - minX), availH / (maxY - minY));
  const cx = width / 2 - ((minX + maxX) / 2) * scale;
  const cy = top + above + availH / 2 + ((minY + maxY) / 2) * scale;
  const screen = (p: V3): [number, number] => {
    const v = view(p);
    return [cx + v.sx * scale, cy - v.sy * scale];
  };
  const centre = screen([0, 0, 0]);

  const parts: string[] = [];
  if (spec.title) parts.push(titleText(spec.title, width));

  const xTicks = niceTicks(x0, x1, 5), yTicks = niceTicks(y0, y1, 5), zTicks = niceTicks(z0, z1, 5);
  // Back panes: the floor and the two walls facing away from the camera, with grid lines.
  const farX = toward[0] > 0 ? -1 : 1, farY = toward[1] > 0 ? -1 : 1;
  const floorZ = toward[2] >= 0 ? -BOX_H : BOX_H;
  const pane = (pts: V3[]): string => el("path", {
    d: pts.map((p, k) => { const [a, b] = screen(p); return `${k === 0 ? "M" : "L"}${fmt(a)} ${fmt(b)}`; }).join("") + "Z",
    fill: "#f3f3f3", stroke: "#bbbbbb", "stroke-width": 0.8,
  });
  parts.push(pane([[-1, -1, floorZ], [1, -1, floorZ], [1, 1, floorZ], [-1, 1, floorZ]]));
  parts.push(pane([[farX, -1, -BOX_H], [farX, 1, -BOX_H], [farX, 1, BOX_H], [farX, -1, BOX_H]]));
  parts.push(pane([[-1, farY, -BOX_H], [1, farY, -BOX_H], [1, farY, BOX_H], [-1, farY, BOX_H]]));
  let grid = "";
  const line = (a: V3, b: V3): void => {
    const [ax, ay] = screen(a), [bx, by] = screen(b);
    grid += `M${fmt(ax)} ${fmt(ay)}L${fmt(bx)} ${fmt(by)}`;
  };
  for (const t of xTicks) { const u = nX(t); line([u, -1, floorZ], [u, 1, floorZ]); line([u, farY, -BOX_H], [u, farY, BOX_H]); }
  for (const t of yTicks) { const u = nY(t); line([-1, u, floorZ], [1, u, floorZ]); line([farX, u, -BOX_H], [farX, u, BOX_H]); }
  for (const t of zTicks) { const u = nZ(t); line([farX, -1, u], [farX, 1, u]); line([-1, farY, u], [1, farY, u]); }
  if (grid !== "") parts.push(el("path", { d: grid, stroke: "#dddddd", "stroke-width": 0.8, fill: "none" }));

  // Surface quads, far to near.
  const light = norm([toward[0] * 0.7 + up[0] * 0.6 - right[0] * 0.3, toward[1] * 0.7 + up[1] * 0.6 - right[1] * 0.3, toward[2] * 0.7 + up[2] * 0.6 - right[2] * 0.3]);
  const iu = subsample(nx, maxCells), ju = subsample(ny, maxCells);
  const quads: { depth: number; d: string; fill: string }[] = [];
  for (let b = 0; b + 1 < ju.length; b++) {
    for (let a = 0; a + 1 < iu.length; a++) {
      const idx: [number, number][] = [[iu[a]!, ju[b]!], [iu[a + 1]!, ju[b]!], [iu[a + 1]!, ju[b + 1]!], [iu[a]!, ju[b + 1]!]];
      const zs = idx.map(([i, j]) => z[j * nx + i]!);
      if (zs.some((v) => !Number.isFinite(v))) continue;
      const P = idx.map(([i, j], k): V3 => [nX(x[i]!), nY(y[j]!), nZ(zs[k]!)]);
      const normal = norm(cross(sub(P[2]!, P[0]!), sub(P[3]!, P[1]!)));
      const lambert = 0.5 + 0.5 * Math.abs(dot(normal, light));
      const t = ((zs[0]! + zs[1]! + zs[2]! + zs[3]!) / 4 - z0) / (z1 - z0);
      const fill = rgbToHex(shade(sequentialRgb(t), lambert));
      const depth = P.reduce((s, p) => s + dot(p, toward), 0) / 4;
      const d = P.map((p, k) => { const [sx, sy] = screen(p); return `${k === 0 ? "M" : "L"}${fmt(sx)} ${fmt(sy)}`; }).join("") + "Z";
      quads.push({ depth, d, fill });
    }
  }
  quads.sort((p, q) => p.depth - q.depth);
  parts.push(el("g", { stroke: "#000000", "stroke-opacity": 0.28, "stroke-width": 0.4, "stroke-linejoin": "round" },
    quads.map((q) => el("path", { d: q.d, fill: q.fill }))));

  // Axes on the outer edges: x and y along the front of the floor, z on the leftmost vertical edge.
  const nearX = -farX, nearY = -farY;
  const axisParts: string[] = [];
  const placedLabels: Rect[] = [];
  const drawAxis = (from: V3, to: V3, ticks: number[], toUnit: (v: number) => number, along: 0 | 1 | 2, label: string | undefined): void => {
    const [ax, ay] = screen(from), [bx, by] = screen(to);
    axisParts.push(el("path", { d: `M${fmt(ax)} ${fmt(ay)}L${fmt(bx)} ${fmt(by)}`, stroke: "#333333", "stroke-width": 1 }));
    const mid: [number, number] = [(ax + bx) / 2, (ay + by) / 2];
    let ox = mid[0] - centre[0], oy = mid[1] - centre[1];
    if (along === 2) { ox = -1; oy = 0; }
    const ol = Math.hypot(ox, oy) || 1;
    ox /= ol; oy /= ol;
    const anchor = ox > 0.35 ? "start" : ox < -0.35 ? "end" : "middle";
    const labels = formatLinearTicks(ticks);
    let tickPath = "";
    ticks.forEach((t, k) => {
      const p: V3 = [...from];
      p[along] = toUnit(t);
      const [px, py] = screen(p);
      tickPath += `M${fmt(px)} ${fmt(py)}l${fmt(ox * 5)} ${fmt(oy * 5)}`;
      const tx = px + ox * 14, ty = py + oy * 14 + (anchor === "middle" && oy > 0 ? 4 : 0);
      const w = estimateTextWidth(labels[k]!, FONT.tick);
      const box: Rect = { x: anchor === "start" ? tx : anchor === "end" ? tx - w : tx - w / 2, y: ty - FONT.tick / 2, width: w, height: FONT.tick };
      // Where two axes meet at a corner their end labels would collide; the first one drawn wins.
      if (placedLabels.some((b) => rectsOverlap(b, box))) return;
      placedLabels.push(box);
      axisParts.push(text(tx, ty, labels[k]!, { size: FONT.tick, anchor, baseline: "middle", fill: "#222222" }));
    });
    if (tickPath !== "") axisParts.push(el("path", { d: tickPath, stroke: "#333333", "stroke-width": 1 }));
    if (label) {
      const w = Math.max(...labels.map((l) => estimateTextWidth(l, FONT.tick)), 0);
      const dist = along === 2 ? 14 + w + 6 + FONT.label / 2 + 2 : 22 + Math.abs(ox) * w + FONT.tick;
      const lx = mid[0] + ox * dist, ly = mid[1] + oy * dist;
      // Rotate the title to run along its axis, kept upright.
      let angle = along === 2 ? -90 : (Math.atan2(by - ay, bx - ax) * 180) / Math.PI;
      if (angle > 90) angle -= 180;
      if (angle < -90) angle += 180;
      axisParts.push(text(lx, ly, label, { size: FONT.label, anchor: "middle", baseline: "middle", rotate: angle, fill: "#222222" }));
    }
  };
  const bottomZ = toward[2] >= 0 ? -BOX_H : BOX_H;
  drawAxis([-1, nearY, bottomZ], [1, nearY, bottomZ], xTicks, nX, 0, spec.xLabel);
  drawAxis([nearX, -1, bottomZ], [nearX, 1, bottomZ], yTicks, nY, 1, spec.yLabel);
  const verticals: V3[] = [[-1, -1, -BOX_H], [1, -1, -BOX_H], [1, 1, -BOX_H], [-1, 1, -BOX_H]];
  let zBase = verticals[0]!;
  for (const v of verticals) if (screen(v)[0] < screen(zBase)[0]) zBase = v;
  drawAxis(zBase, [zBase[0], zBase[1], BOX_H], zTicks, nZ, 2, spec.zLabel);
  parts.push(el("g", { class: "axes" }, axisParts));
  return svgDocument(width, height, parts);
}
