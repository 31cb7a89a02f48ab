/**
 * Pixel-space geometry shared by the plots: rectangles and polyline clipping. We clip ourselves
 * instead of using <clipPath> so documents need no ids (ids collide when several plots are inlined
 * into one HTML page) and so huge values never reach the SVG as huge coordinates.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Point = [number, number];

/** Liang–Barsky: the part of segment a->b inside rect, as parameters [t0, t1], or null. */
function clipSegment(ax: number, ay: number, bx: number, by: number, r: Rect): [number, number] | null {
  const dx = bx - ax;
  const dy = by - ay;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, ax - r.x],
    [dx, r.x + r.width - ax],
    [-dy, ay - r.y],
    [dy, r.y + r.height - ay],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  return [t0, t1];
}

/**
 * Split a polyline at non-finite points and clip it to `rect`; returns the visible pieces
 * (each with at least two points). A lone finite point between gaps is dropped.
 */
export function clipPolyline(xs: ArrayLike<number>, ys: ArrayLike<number>, rect: Rect): Point[][] {
  const pieces: Point[][] = [];
  let current: Point[] = [];
  const flush = (): void => {
    if (current.length >= 2) pieces.push(current);
    current = [];
  };
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i + 1 < n; i++) {
    const ax = xs[i]!, ay = ys[i]!, bx = xs[i + 1]!, by = ys[i + 1]!;
    if (!Number.isFinite(ax) || !Number.isFinite(ay) || !Number.isFinite(bx) || !Number.isFinite(by)) {
      flush();
      continue;
    }
    const t = clipSegment(ax, ay, bx, by, rect);
    if (t === null) {
      flush();
      continue;
    }
    const p0: Point = [ax + (bx - ax) * t[0], ay + (by - ay) * t[0]];
    const p1: Point = [ax + (bx - ax) * t[1], ay + (by - ay) * t[1]];
    if (current.length === 0 || t[0] > 0) {
      flush();
      current.push(p0);
    }
    current.push(p1);
    if (t[1] < 1) flush();
  }
  flush();
  return pieces;
}

export function insideRect(x: number, y: number, r: Rect, slack = 0): boolean {
  return x >= r.x - slack && x <= r.x + r.width + slack && y >= r.y - slack && y <= r.y + r.height + slack;
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
