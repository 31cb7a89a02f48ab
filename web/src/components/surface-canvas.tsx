/**
 * A rotatable 3-D loss surface on a 2-D canvas: the grid's quads are projected with the current
 * azimuth/elevation, sorted back to front (painter's algorithm) and coloured by height. Drag to
 * rotate; arrow keys work too. The trajectory, if given, is drawn on the surface.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { sequentialRgb } from "../../../src/plot/index.js";

export interface SurfaceCanvasProps {
  x: readonly number[];
  y: readonly number[];
  /** Row-major [ny][nx]; null where the value is not finite. */
  z: readonly (number | null)[];
  /** Optional path on the plane as (x, y) pairs. */
  path?: readonly number[] | undefined;
  zLabel: string;
}

interface View {
  azimuth: number;
  elevation: number;
}

const WIDTH = 560;
const HEIGHT = 420;

function bilinear(xs: readonly number[], ys: readonly number[], h: (i: number, j: number) => number, px: number, py: number): number {
  const nx = xs.length, ny = ys.length;
  const fx = ((px - xs[0]!) / (xs[nx - 1]! - xs[0]!)) * (nx - 1);
  const fy = ((py - ys[0]!) / (ys[ny - 1]! - ys[0]!)) * (ny - 1);
  const i = Math.max(0, Math.min(nx - 2, Math.floor(fx))), j = Math.max(0, Math.min(ny - 2, Math.floor(fy)));
  const u = Math.max(0, Math.min(1, fx - i)), v = Math.max(0, Math.min(1, fy - j));
  return (1 - u) * (1 - v) * h(i, j) + u * (1 - v) * h(i + 1, j) + (1 - u) * v * h(i, j + 1) + u * v * h(i + 1, j + 1);
}

export function SurfaceCanvas(props: SurfaceCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState<View>({ azimuth: -0.7, elevation: 0.55 });
  const [logZ, setLogZ] = useState(true);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = WIDTH * dpr;
    c.height = HEIGHT * dpr;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const { x: xs, y: ys, z } = props;
    const nx = xs.length, ny = ys.length;
    const finite = z.filter((v): v is number => v !== null && Number.isFinite(v));
    if (finite.length === 0 || nx < 2 || ny < 2) return;
    const canLog = logZ && finite.every((v) => v > 0);
    const tf = (v: number): number => (canLog ? Math.log10(v) : v);
    let lo = Infinity, hi = -Infinity;
    for (const v of finite) {
      lo = Math.min(lo, tf(v));
      hi = Math.max(hi, tf(v));
    }
    const span = hi - lo || 1;
    const height = (i: number, j: number): number => {
      const v = z[j * nx + i];
      return v === null || v === undefined || !Number.isFinite(v) ? 1 : (tf(v) - lo) / span;
    };
    const ca = Math.cos(view.azimuth), sa = Math.sin(view.azimuth), ce = Math.cos(view.elevation), se = Math.sin(view.elevation);
    const scale = Math.min(WIDTH, HEIGHT) * 0.3;
    // World: u, v in [-1, 1] across the grid, w in [-0.6, 0.6] for height.
    const project = (u: number, v: number, w: number): [number, number, number] => {
      const rx = ca * u - sa * v;
      const ry = sa * u + ca * v;
      const sy = ry * se - w * ce;
      const depth = ry * ce + w * se;
      return [WIDTH / 2 + rx * scale, HEIGHT / 2 + 10 + sy * scale, depth];
    };
    const U = (i: number): number => -1 + (2 * i) / (nx - 1);
    const V = (j: number): number => -1 + (2 * j) / (ny - 1);
    const W = (h: number): number => (h - 0.5) * 1.2;
    const quads: { pts: [number, number][]; depth: number; h: number }[] = [];
    for (let j = 0; j + 1 < ny; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        const corners: [number, number][] = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
        const pr = corners.map(([a, b]) => project(U(a), V(b), W(height(a, b))));
        const h = corners.reduce((s, [a, b]) => s + height(a, b), 0) / 4;
        quads.push({ pts: pr.map((p) => [p[0], p[1]]), depth: pr.reduce((s, p) => s + p[2], 0) / 4, h });
      }
    }
    quads.sort((a, b) => b.depth - a.depth);
    ctx.lineWidth = 0.4;
    for (const q of quads) {
      const [r, g, b] = sequentialRgb(q.h);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.strokeStyle = "rgba(0,0,0,0.18)";
      ctx.beginPath();
      q.pts.forEach(([px, py], k) => (k === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
    // Base frame and axis names.
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
    ctx.font = "12px DejaVu Sans, Arial, sans-serif";
    const [ax, ay] = project(1.15, -1, -0.6);
    ctx.fillText("PC1", ax, ay);
    const [bx, by] = project(-1, 1.15, -0.6);
    ctx.fillText("PC2", bx, by);
    ctx.fillText(`height: ${canLog ? `log10 ${props.zLabel}` : props.zLabel} (${canLog ? `10^${lo.toFixed(2)}…10^${hi.toFixed(2)}` : `${lo.toPrecision(3)}…${hi.toPrecision(3)}`})`, 10, 18);
    // Trajectory on the surface.
    const path = props.path;
    if (path && path.length >= 4) {
      const toU = (px: number): number => -1 + (2 * (px - xs[0]!)) / (xs[nx - 1]! - xs[0]!);
      const toV = (py: number): number => -1 + (2 * (py - ys[0]!)) / (ys[ny - 1]! - ys[0]!);
      ctx.strokeStyle = "#e31a1c";
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let k = 0; k < path.length; k += 2) {
        const px = path[k]!, py = path[k + 1]!;
        const [sx, sy] = project(toU(px), toV(py), W(bilinear(xs, ys, height, px, py)) + 0.01);
        if (k === 0) ctx.moveTo(sx, sy);
        else ctx.lineTo(sx, sy);
      }
      ctx.stroke();
    }
  }, [props.x, props.y, props.z, props.path, view, logZ, props.zLabel]);

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
  return (
    <div class="surface3d">
      <canvas
        ref={canvas}
        style={{ width: `${WIDTH}px`, height: `${HEIGHT}px` }}
        tabIndex={0}
        role="img"
        aria-label={`3-D surface of the ${props.zLabel}; drag or use the arrow keys to rotate`}
        data-testid="surface-canvas"
        data-azimuth={view.azimuth.toFixed(2)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onKeyDown={onKey}
      />
      <label class="inline">
        <input type="checkbox" checked={logZ} onChange={(e) => setLogZ((e.currentTarget as HTMLInputElement).checked)} /> log height
      </label>
      <span class="hint">drag to rotate</span>
    </div>
  );
}
