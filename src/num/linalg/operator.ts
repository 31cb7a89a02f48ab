/**
 * The abstract symmetric operator the kernels work on, and the one place where its outputs are
 * checked. A Hessian-vector product is the usual implementation.
 */
import { UserError } from "../../util/errors.js";

/** v ↦ A·v for a symmetric n×n matrix A. It may be async (e.g. ONNX Runtime). */
export type MatVec = (v: Float64Array) => Float64Array | Promise<Float64Array>;

export function checkDimension(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`${where}: dimension n must be a positive integer, got ${String(n)}`);
  }
}

export function checkPositiveInteger(value: number, name: string, where: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(`${where}: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Calls `matvec` on a private copy of `v` and returns a private copy of its result, so a callback
 * that scribbles on its input or reuses one output buffer cannot corrupt a stored Krylov basis.
 */
export async function applyMatVec(
  matvec: MatVec,
  v: Float64Array,
  where: string
): Promise<Float64Array> {
  const out: unknown = await matvec(v.slice());
  if (!(out instanceof Float64Array)) {
    throw new UserError(`${where}: matvec must return a Float64Array`);
  }
  if (out.length !== v.length) {
    throw new UserError(
      `${where}: matvec returned a vector of length ${out.length}, expected ${v.length}`
    );
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new UserError(`${where}: matvec returned a non-finite value (${out[i]}) at index ${i}`);
    }
  }
  return out.slice();
}

/** Matrix-vector product with a dense row-major n×n matrix; for tests and small exact Hessians. */
export function denseMatVec(a: Float64Array, n: number): MatVec {
  if (a.length !== n * n) {
    throw new UserError(`denseMatVec: matrix has ${a.length} entries, expected ${n}×${n}`);
  }
  return (v: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = i * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += a[row + j]! * v[j]!;
      out[i] = s;
    }
    return out;
  };
}
