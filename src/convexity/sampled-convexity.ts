/**
 * Is a sampled curve convex? A function is convex on an interval exactly when every chord lies on or
 * above it; for samples (x_i, y_i) the discrete form is that every sample lies on or below the chord
 * of every pair of samples around it — equivalently, the slopes between neighbours never decrease
 * (non-negative second differences). Testing only the chord between the two ends misses a W-shaped
 * curve whose ends are high, so every pair is checked and the worst violation is reported.
 */

/** Relative float tolerance: a sample counts as above a chord only by more than this × max |y|. */
export const SAMPLED_CONVEXITY_TOLERANCE = 1e-9;

export interface ChordViolation {
  /** The chord's ends (sample abscissae). */
  from: number;
  to: number;
  /** The sample above the chord and by how much. */
  at: number;
  gap: number;
}

export interface SampledConvexity {
  /** True when no sample lies more than `tolerance` above any chord. */
  convex: boolean;
  /** The absolute tolerance used: SAMPLED_CONVEXITY_TOLERANCE × max |y|. */
  tolerance: number;
  /** The largest rise above a chord (null when there is none beyond the tolerance). */
  worst: ChordViolation | null;
  /** The rise above the chord between the two ends, for comparison (≤ 0 when the curve stays below it). */
  endChordGap: number;
  /** Samples used (finite ones) and samples skipped because they were not finite. */
  samples: number;
  skipped: number;
}

/** Every sample against the chord of every pair of samples around it; x must increase. */
export function sampledConvexity(x: ArrayLike<number>, y: ArrayLike<number | null>): SampledConvexity {
  if (x.length !== y.length) throw new Error(`sampledConvexity: ${x.length} abscissae but ${y.length} values`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      if (xs.length && !(x[i]! > xs[xs.length - 1]!)) throw new Error("sampledConvexity: abscissae must increase");
      xs.push(x[i]!);
      ys.push(v);
    }
  }
  const n = xs.length;
  const scale = ys.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const tolerance = SAMPLED_CONVEXITY_TOLERANCE * scale;
  let worst: ChordViolation | null = null;
  // n ≤ a few hundred here (the page samples 101 to 401 points), so the O(n³) pair scan is a few ms.
  for (let i = 0; i + 2 < n; i++) {
    for (let j = i + 2; j < n; j++) {
      const xi = xs[i]!, xj = xs[j]!, yi = ys[i]!, yj = ys[j]!;
      for (let k = i + 1; k < j; k++) {
        const t = (xs[k]! - xi) / (xj - xi);
        const gap = ys[k]! - ((1 - t) * yi + t * yj);
        if (gap > tolerance && (!worst || gap > worst.gap)) worst = { from: xi, to: xj, at: xs[k]!, gap };
      }
    }
  }
  let endChordGap = -Infinity;
  for (let k = 1; k + 1 < n; k++) {
    const t = (xs[k]! - xs[0]!) / (xs[n - 1]! - xs[0]!);
    endChordGap = Math.max(endChordGap, ys[k]! - ((1 - t) * ys[0]! + t * ys[n - 1]!));
  }
  return { convex: worst === null, tolerance, worst, endChordGap: n > 2 ? endChordGap : 0, samples: n, skipped: x.length - n };
}
