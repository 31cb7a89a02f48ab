/**
 * The 3-D surface's scene in painter's order: the grid's quads and the trajectory, cut into short
 * pieces, each piece sorted just after the quad it lies on. Painting in this order, a quad nearer
 * the viewer than a piece (a hill in front of the path) is drawn over it, so the path disappears
 * behind the surface instead of being drawn through it; the quad under a piece never covers it.
 */

/** Screen x, screen y and depth (larger is nearer the viewer) of a point of the box. */
export type Projection = (u: number, v: number, w: number) => [number, number, number];

export type SceneItem =
  | { kind: "quad"; pts: [number, number][]; depth: number; i: number; j: number }
  | { kind: "path"; a: [number, number]; b: [number, number]; depth: number };

export interface SceneInput {
  xs: readonly number[];
  ys: readonly number[];
  /** Height of grid point (i, j), already scaled to the box's w range. */
  w: (i: number, j: number) => number;
  /** Path on the plane as (x, y) pairs. */
  path?: readonly number[] | undefined;
  project: Projection;
}

export function surfaceScene({ xs, ys, w, path, project }: SceneInput): SceneItem[] {
  const nx = xs.length, ny = ys.length;
  const U = (px: number): number => -1 + (2 * (px - xs[0]!)) / (xs[nx - 1]! - xs[0]!);
  const V = (py: number): number => -1 + (2 * (py - ys[0]!)) / (ys[ny - 1]! - ys[0]!);
  const items: SceneItem[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const corners: [number, number][] = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
      const pr = corners.map(([a, b]) => project(U(xs[a]!), V(ys[b]!), w(a, b)));
      items.push({ kind: "quad", pts: pr.map((p) => [p[0], p[1]]), depth: pr.reduce((s, p) => s + p[2], 0) / 4, i, j });
    }
  }
  const cellOf = (px: number, py: number): [number, number, number, number] => {
    const fx = ((px - xs[0]!) / (xs[nx - 1]! - xs[0]!)) * (nx - 1), fy = ((py - ys[0]!) / (ys[ny - 1]! - ys[0]!)) * (ny - 1);
    const i = Math.max(0, Math.min(nx - 2, Math.floor(fx))), j = Math.max(0, Math.min(ny - 2, Math.floor(fy)));
    return [i, j, Math.max(0, Math.min(1, fx - i)), Math.max(0, Math.min(1, fy - j))];
  };
  const heightAt = (px: number, py: number): number => {
    const [i, j, s, t] = cellOf(px, py);
    return (1 - s) * (1 - t) * w(i, j) + s * (1 - t) * w(i + 1, j) + (1 - s) * t * w(i, j + 1) + s * t * w(i + 1, j + 1);
  };
  if (path && path.length >= 4) {
    const piece = Math.min(xs[nx - 1]! - xs[0]!, ys[ny - 1]! - ys[0]!) / Math.max(nx, ny) / 5;
    for (let k = 0; k + 3 < path.length; k += 2) {
      const x0 = path[k]!, y0 = path[k + 1]!, x1 = path[k + 2]!, y1 = path[k + 3]!;
      const pieces = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / piece));
      let prev = project(U(x0), V(y0), heightAt(x0, y0) + 0.01);
      for (let q = 1; q <= pieces; q++) {
        const px = x0 + ((x1 - x0) * q) / pieces, py = y0 + ((y1 - y0) * q) / pieces;
        const cur = project(U(px), V(py), heightAt(px, py) + 0.01);
        const [i, j] = cellOf(x0 + ((x1 - x0) * (q - 0.5)) / pieces, y0 + ((y1 - y0) * (q - 0.5)) / pieces);
        items.push({ kind: "path", a: [prev[0], prev[1]], b: [cur[0], cur[1]], depth: items[j * (nx - 1) + i]!.depth + 1e-9 });
        prev = cur;
      }
    }
  }
  // Farthest first; the sort is stable, and a piece's depth is its quad's plus a hair.
  return items.sort((a, b) => a.depth - b.depth);
}
