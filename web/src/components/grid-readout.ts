/** The value of a gridded surface at a point of its plane, for hover read-outs (bilinear between grid points). */
export function gridValue(xs: readonly number[], ys: readonly number[], z: readonly (number | null)[], x: number, y: number): number | null {
  const nx = xs.length, ny = ys.length;
  if (nx < 2 || ny < 2) return null;
  const fx = ((x - xs[0]!) / (xs[nx - 1]! - xs[0]!)) * (nx - 1);
  const fy = ((y - ys[0]!) / (ys[ny - 1]! - ys[0]!)) * (ny - 1);
  if (fx < 0 || fy < 0 || fx > nx - 1 || fy > ny - 1) return null;
  const i = Math.min(nx - 2, Math.floor(fx)), j = Math.min(ny - 2, Math.floor(fy));
  const u = fx - i, v = fy - j;
  const at = (a: number, b: number): number | null => z[b * nx + a] ?? null;
  const c = [at(i, j), at(i + 1, j), at(i, j + 1), at(i + 1, j + 1)];
  if (c.some((q) => q === null || !Number.isFinite(q))) return null;
  const [a, b, d, e] = c as number[];
  return (1 - u) * (1 - v) * a! + u * (1 - v) * b! + (1 - u) * v * d! + u * v * e!;
}
