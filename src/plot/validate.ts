/** Input checks shared by the plots: bad sizes or axes are the caller's mistake, so UserError. */
import { UserError } from "../util/errors.js";

export function requireLength(where: string, name: string, values: ArrayLike<number>, expected: number): void {
  if (values.length !== expected) {
    throw new UserError(`${where}: ${name} has length ${values.length}, expected ${expected}`);
  }
}

/** Grid axes must be finite and strictly increasing so cells have positive size. */
export function requireIncreasing(where: string, name: string, values: ArrayLike<number>, minLength = 2): void {
  if (values.length < minLength) {
    throw new UserError(`${where}: ${name} needs at least ${minLength} values, got ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new UserError(`${where}: ${name}[${i}] is ${String(v)}; grid coordinates must be finite`);
    if (i > 0 && !(v > values[i - 1]!)) {
      throw new UserError(`${where}: ${name} must be strictly increasing, but ${name}[${i}] = ${v} follows ${values[i - 1]}`);
    }
  }
}

export function requirePositiveSize(where: string, width: number, height: number): void {
  if (!(width >= 100 && height >= 80 && width <= 20000 && height <= 20000)) {
    throw new UserError(`${where}: plot size ${width}x${height} is outside 100x80 .. 20000x20000 pixels`);
  }
}

export interface Grid {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Row-major: z[j * nx + i] is the value at (x[i], y[j]). */
  z: ArrayLike<number>;
}

export function requireGrid(where: string, g: Grid): { nx: number; ny: number } {
  requireIncreasing(where, "x", g.x);
  requireIncreasing(where, "y", g.y);
  requireLength(where, "z", g.z, g.x.length * g.y.length);
  return { nx: g.x.length, ny: g.y.length };
}
