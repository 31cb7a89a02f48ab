/**
 * Dense float64 vector kernels for the Krylov solvers. Plain indexed loops: V8 compiles these to
 * tight machine code, and a fixed summation order keeps every result bit-reproducible.
 */

export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Euclidean norm, scaled so that very large or very small entries neither overflow nor underflow. */
export function norm(x: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > scale) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const t = x[i]! / scale;
    s += t * t;
  }
  return scale * Math.sqrt(s);
}

/** y ← y + a·x, in place. */
export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

/** x ← a·x, in place. */
export function scale(a: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}

/**
 * Removes from `w` its components along the orthonormal `basis` with two passes of modified
 * Gram–Schmidt ("twice is enough": one pass loses orthogonality when w is nearly in the span).
 * Returns the total coefficient removed along each basis vector.
 */
export function orthogonalizeAgainst(w: Float64Array, basis: readonly Float64Array[]): Float64Array {
  const coefficients = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < basis.length; i++) {
      const q = basis[i]!;
      const h = dot(q, w);
      axpy(-h, q, w);
      coefficients[i]! += h;
    }
  }
  return coefficients;
}

/**
 * Flips the sign of `x` so its largest-magnitude entry (first one on ties) is positive. Eigenvectors
 * are only defined up to sign; fixing it makes outputs comparable across runs and solvers.
 */
export function canonicalizeSign(x: Float64Array): void {
  let best = 0;
  let bestIndex = -1;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > best) { best = a; bestIndex = i; }
  }
  if (bestIndex >= 0 && x[bestIndex]! < 0) scale(-1, x);
}
