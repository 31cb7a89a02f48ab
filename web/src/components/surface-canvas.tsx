/**
 * A rotatable 3-D loss surface on a 2-D canvas. The grid's quads are projected with the current
 * azimuth/elevation and painted back to front; the trajectory is cut into short pieces that join the
 * same depth order, so a hill in front hides the part of the path behind it. Colours are the filled
 * contour's bands (the same levels, log-spaced exactly when the contours are), shown in a colourbar,
 * and the plane's axes and the height carry ticks. Drag or use the arrow keys to rotate.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { contourLevels, niceTicks, sequentialRgb } from "../../../src/plot/index.js";
import { spansDecades } from "../../../src/plot/landscape-plots.js";
import { downloadCanvasPng } from "./download.js";
import { short } from "./plot-frames.js";
import { surfaceScene } from "./surface-scene.js";

export interface SurfaceCanvasProps {
  x: readonly number[];
  y: readonly number[];
  /** Row-major [ny][nx]; null where the value is not finite. */
  z: readonly (number | null)[];
  /** Optional path on the plane as (x, y) pairs. */
  path?: readonly number[] | undefined;
  zLabel: string;
  xLabel?: string;
  yLabel?: string;
}

interface View {
  azimuth: number;
  elevation: number;
}

/** Contour levels asked for, as the server's contour plots ask (landscape-plots.ts). */
const LEVELS = 12;
const FONT = "12px DejaVu Sans, Arial, sans-serif";


export function SurfaceCanvas(props: SurfaceCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState<View>({ azimuth: -0.7, elevation: 0.55 });
  const finiteZ = props.z.filter((v): v is number => v !== null && Number.isFinite(v));
  const contoursLog = spansDecades(finiteZ);
  const [logZ, setLogZ] = useState(contoursLog);
  const [width, setWidth] = useState(560);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);

  // Drawn at the width the page gives it, so text keeps its size on a narrow screen.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(280, Math.min(640, Math.round(c.clientWidth)))));
    ro.observe(c);
    return () => ro.disconnect();
  }, []);

  const canLog = logZ && finiteZ.length > 0 && finiteZ.every((v) => v > 0);
  let zlo = Infinity, zhi = -Infinity;
  for (const v of finiteZ) {
    zlo = Math.min(zlo, v);
    zhi = Math.max(zhi, v);
  }
  const levels = contourLevels(zlo, zhi, { count: LEVELS, log: canLog });

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const W = width, H = Math.round(width * 0.78);
    const dpr = window.devicePixelRatio || 1;
    c.width = W * dpr;
    c.height = H * dpr;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    const { x: xs, y: ys, z } = props;
    const nx = xs.length, ny = ys.length;
    if (finiteZ.length === 0 || nx < 2 || ny < 2) return;
    const tf = (v: number): number => (canLog ? Math.log10(v) : v);
    const lo = tf(zlo), hi = tf(zhi);
    const span = hi - lo || 1;
    const height = (i: number, j: number): number => {
      const v = z[j * nx + i];
      return v === null || v === undefined || !Number.isFinite(v) ? 1 : (tf(v) - lo) / span;
    };
    const bands = levels.length + 1;
    const bandOf = (v: number): number => {
      let b = 0;
      while (b < levels.length && v >= levels[b]!) b++;
      return b;
    };
    const colourOf = (b: number): string => {
      const [r, g, bl] = sequentialRgb(bands === 1 ? 0.5 : b / (bands - 1));
      return `rgb(${r},${g},${bl})`;
    };
    const barW = 14, barRight = 50;
    const plotW = W - barRight - barW;
    const ca = Math.cos(view.azimuth), sa = Math.sin(view.azimuth), ce = Math.cos(view.elevation), se = Math.sin(view.elevation);
    // Fit the box (with room for tick labels and axis names outside it) to the area left of the colourbar.
    const raw = (u: number, v: number, w: number): [number, number] => [ca * u - sa * v, (sa * u + ca * v) * se - w * ce];
    const outline: [number, number][] = [];
    for (const u of [-1.3, 1.3]) for (const v of [-1.3, 1.3]) for (const w of [-0.6, 0.6]) outline.push(raw(u, v, w));
    const minX = Math.min(...outline.map((p) => p[0])), maxX = Math.max(...outline.map((p) => p[0]));
    const minY = Math.min(...outline.map((p) => p[1])), maxY = Math.max(...outline.map((p) => p[1]));
    const left = 44, roof = 26;
    const scale = Math.min((plotW - left - 4) / (maxX - minX), (H - roof - 6) / (maxY - minY));
    const offX = left - minX * scale + (plotW - left - 4 - (maxX - minX) * scale) / 2;
    const offY = roof - minY * scale + (H - roof - 6 - (maxY - minY) * scale) / 2;
    // World: u, v in [-1, 1] across the grid, w in [-0.6, 0.6] for height. depth is the coordinate
    // along the direction toward the viewer (orthogonal to both screen axes): larger is nearer.
    const project = (u: number, v: number, w: number): [number, number, number] => {
      const rx = ca * u - sa * v;
      const ry = sa * u + ca * v;
      const sy = ry * se - w * ce;
      const depth = ry * ce + w * se;
      return [offX + rx * scale, offY + sy * scale, depth];
    };
    const U = (px: number): number => -1 + (2 * (px - xs[0]!)) / (xs[nx - 1]! - xs[0]!);
    const V = (py: number): number => -1 + (2 * (py - ys[0]!)) / (ys[ny - 1]! - ys[0]!);
    const W3 = (h: number): number => (h - 0.5) * 1.2;
    const bandAt = (i: number, j: number): number => {
      const vals = [z[j * nx + i], z[j * nx + i + 1], z[(j + 1) * nx + i], z[(j + 1) * nx + i + 1]].filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
      return bandOf(vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : zhi);
    };
    const items = surfaceScene({ xs, ys, w: (i, j) => W3(height(i, j)), path: props.path, project });
    ctx.lineJoin = "round";
    ctx.lineCap = "round";
    for (const it of items) {
      if (it.kind === "quad") {
        ctx.fillStyle = colourOf(bandAt(it.i, it.j));
        ctx.strokeStyle = "rgba(0,0,0,0.18)";
        ctx.lineWidth = 0.4;
        ctx.beginPath();
        it.pts.forEach(([px, py], k) => (k === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
        ctx.closePath();
        ctx.fill();
        ctx.stroke();
      } else {
        ctx.strokeStyle = "#e31a1c";
        ctx.lineWidth = 2.2;
        ctx.beginPath();
        ctx.moveTo(it.a[0], it.a[1]);
        ctx.lineTo(it.b[0], it.b[1]);
        ctx.stroke();
      }
    }
    // Base frame with ticks on two edges, and a height axis at the corner nearest the left.
    ctx.strokeStyle = "#555";
    ctx.lineWidth = 1;
    ctx.beginPath();
    [[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]].forEach(([u, v], k) => {
      const [px, py] = project(u!, v!, -0.6);
      if (k === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
    ctx.stroke();
    ctx.fillStyle = "#222";
    ctx.font = FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const tickAlong = (values: number[], at: (v: number) => [number, number], out: [number, number]): void => {
      for (const t of values) {
        const [u, v] = at(t);
        const [px, py] = project(u, v, -0.6);
        const [qx, qy] = project(u + out[0] * 0.06, v + out[1] * 0.06, -0.6);
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo(qx, qy);
        ctx.stroke();
        const [lx, ly] = project(u + out[0] * 0.2, v + out[1] * 0.2, -0.6);
        ctx.fillText(short(t), lx, ly);
      }
    };
    // Ticks go on the two edges nearer the viewer (larger depth), in front of the surface.
    const vEdge = ca >= 0 ? 1 : -1;
    const uEdge = sa >= 0 ? 1 : -1;
    tickAlong(niceTicks(xs[0]!, xs[nx - 1]!, 5), (t) => [U(t), vEdge], [0, vEdge]);
    tickAlong(niceTicks(ys[0]!, ys[ny - 1]!, 5), (t) => [uEdge, V(t)], [uEdge, 0]);
    const [ax, ay] = project(0, vEdge * 1.45, -0.6);
    ctx.fillText(props.xLabel ?? "PC1", ax, ay);
    const [bx, by] = project(uEdge * 1.45, 0, -0.6);
    ctx.fillText(props.yLabel ?? "PC2", bx, by);
    // Height axis: a vertical line at the corner drawn farthest left, ticked at the contour levels
    // with their labels outside it, clear of the surface.
    const corners: [number, number][] = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
    const [cu, cv] = corners.reduce((best, c) => (project(c[0], c[1], 0)[0] < project(best[0], best[1], 0)[0] ? c : best));
    const [z0x, z0y] = project(cu, cv, -0.6);
    const [z1x, z1y] = project(cu, cv, 0.6);
    ctx.beginPath();
    ctx.moveTo(z0x, z0y);
    ctx.lineTo(z1x, z1y);
    ctx.stroke();
    ctx.textAlign = "right";
    // Every level whose label clears the previous one by a line.
    let lastY = Infinity;
    for (const l of levels) {
      const [px, py] = project(cu, cv, W3((tf(l) - lo) / span));
      if (lastY - py < 14) continue;
      lastY = py;
      ctx.beginPath();
      ctx.moveTo(px - 4, py);
      ctx.lineTo(px, py);
      ctx.stroke();
      ctx.fillText(short(l), px - 6, py);
    }
    // Colourbar: the filled contour's bands, bounded by the levels (log-spaced on a log axis).
    const top = 34, bottom = H - 24, bx0 = W - barRight - barW + 6;
    const pos = (v: number): number => bottom - ((tf(v) - lo) / span) * (bottom - top);
    const edges = [zlo, ...levels, zhi];
    for (let b = 0; b + 1 < edges.length; b++) {
      ctx.fillStyle = colourOf(b);
      const y0 = pos(edges[b]!), y1 = pos(edges[b + 1]!);
      ctx.fillRect(bx0, y1, barW, y0 - y1);
    }
    ctx.strokeStyle = "#555";
    ctx.strokeRect(bx0, top, barW, bottom - top);
    ctx.fillStyle = "#222";
    ctx.textAlign = "left";
    const every = Math.max(1, Math.ceil(levels.length / Math.max(2, Math.floor((bottom - top) / 18))));
    levels.forEach((l, i) => {
      if (i % every) return;
      const py = pos(l);
      ctx.fillText(short(l), bx0 + barW + 4, py);
    });
    ctx.textAlign = "left";
    ctx.textBaseline = "alphabetic";
    ctx.fillText(`height and colour: ${props.zLabel}${canLog ? " (log scale, as the contours)" : " (linear, as the contours)"}`, 8, 16);
  }, [props.x, props.y, props.z, props.path, view, canLog, props.zLabel, width, levels.join(",")]);

  const onPointerDown = (e: PointerEvent): void => {
    drag.current = { x: e.clientX, y: e.clientY, view };
    (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent): void => {
    const d = drag.current;
    if (!d) return;
    setView({ azimuth: d.view.azimuth + (e.clientX - d.x) * 0.01, elevation: Math.max(0.05, Math.min(1.5, d.view.elevation + (e.clientY - d.y) * 0.01)) });
  };
  const onKey = (e: KeyboardEvent): void => {
    const step = 0.1;
    if (e.key === "ArrowLeft") setView({ ...view, azimuth: view.azimuth - step });
    else if (e.key === "ArrowRight") setView({ ...view, azimuth: view.azimuth + step });
    else if (e.key === "ArrowUp") setView({ ...view, elevation: Math.min(1.5, view.elevation + step) });
    else if (e.key === "ArrowDown") setView({ ...view, elevation: Math.max(0.05, view.elevation - step) });
    else return;
    e.preventDefault();
  };
  const lohi = finiteZ.length ? `${short(zlo)} to ${short(zhi)}` : "no finite values";
  return (
    <figure class="surface3d">
      <canvas
        ref={canvas}
        style={{ aspectRatio: `${width} / ${Math.round(width * 0.78)}` }}
        tabIndex={0}
        role="img"
        aria-label={`3-D surface of the ${props.zLabel} over the ${props.xLabel ?? "PC1"}–${props.yLabel ?? "PC2"} plane, ${lohi}, ${levels.length} contour levels${canLog ? " (log)" : ""}${props.path ? ", with the training path" : ""}; drag or use the arrow keys to rotate`}
        data-testid="surface-canvas"
        data-azimuth={view.azimuth.toFixed(2)}
        data-levels={levels.join(",")}
        data-log={canLog ? "1" : "0"}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onKeyDown={onKey}
      />
      <div class="plot-actions">
        <span>
          <label class="inline">
            <input type="checkbox" checked={logZ} onChange={(e) => setLogZ((e.currentTarget as HTMLInputElement).checked)} /> log height
            {contoursLog === logZ ? "" : " (the contours use the other scale)"}
          </label>
          <span class="hint">drag to rotate</span>
        </span>
        <button type="button" class="secondary small" data-testid="download-surface-png" aria-label="download the 3-D surface as PNG" onClick={() => canvas.current && downloadCanvasPng("surface-3d", canvas.current)}>
          PNG
        </button>
      </div>
    </figure>
  );
}
