/**
 * Stochastic trace estimation. Hutchinson: E[zᵀAz] = tr A for Rademacher z. Hutch++ (Meyer,
 * Musco, Musco, Woodruff 2021): spend a third of the budget sketching the dominant range of A,
 * take that part of the trace exactly, and use Hutchinson only on the deflated remainder, whose
 * variance is far smaller when the spectrum decays.
 */
import { UserError } from "../../util/errors.js";
import { createRng } from "../../util/random.js";
import type { Rng } from "../../util/random.js";
import { applyMatVec, checkDimension, checkPositiveInteger } from "./operator.js";
import type { MatVec } from "./operator.js";
import { dot, norm, orthogonalizeAgainst, scale } from "./vector-ops.js";

export interface TraceEstimate {
  trace: number;
  /**
   * Standard error of `trace` (sample standard deviation of the probe values / √probes). NaN when
   * fewer than two random probes were used; 0 when the estimate is exact.
   */
  standardError: number;
  /** Random Rademacher probes used. */
  probes: number;
  matvecs: number;
}

/**
 * Hutch++ result. Its standardError is that of the Hutchinson part on the deflated remainder,
 * conditional on the sketch (the exact part carries no sampling error once Q is fixed).
 */
export interface HutchPlusPlusEstimate extends TraceEstimate {
  /** Dimension of the sketched subspace whose trace was computed exactly. */
  sketchRank: number;
}

export interface HutchinsonOptions {
  probes: number;
  seed?: number;
}

export interface HutchPlusPlusOptions {
  /** Total matvec budget (at least 3). */
  matvecs: number;
  seed?: number;
}

function rademacher(rng: Rng, n: number): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.sign();
  return z;
}

function checkSeed(seed: number, where: string): void {
  if (!Number.isFinite(seed)) throw new UserError(`${where}: seed must be a finite number, got ${seed}`);
}

/** Running mean and variance (Welford): stable, and a fixed order keeps results bit-reproducible. */
class SampleMoments {
  count = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  /** Standard error of the mean; NaN below two samples. */
  standardError(): number {
    if (this.count < 2) return Number.NaN;
    return Math.sqrt(this.m2 / (this.count - 1) / this.count);
  }
}

/**
 * The Rademacher vectors hutchinsonTrace (and slqDensity, for its start vectors) draws from `seed`,
 * one after another: vector k is the k-th n-sign draw. `at(k)` lets another process compute probe k
 * alone; going forward from the last vector costs only the draws in between.
 */
export function rademacherSequence(seed: number, n: number): { at(k: number): Float64Array } {
  let rng = createRng(seed);
  let next = 0;
  return {
    at(k) {
      if (k < next) {
        rng = createRng(seed);
        next = 0;
      }
      for (; next < k; next++) for (let i = 0; i < n; i++) rng.sign();
      next++;
      return rademacher(rng, n);
    }
  };
}

/** The estimate from the probe values zᵀAz in probe order: bit for bit what hutchinsonTrace returns for them. */
export function hutchinsonFromValues(values: ArrayLike<number>): TraceEstimate {
  const moments = new SampleMoments();
  for (let p = 0; p < values.length; p++) moments.add(values[p]!);
  return { trace: moments.mean, standardError: moments.standardError(), probes: values.length, matvecs: values.length };
}

export async function hutchinsonTrace(
  matvec: MatVec,
  n: number,
  options: HutchinsonOptions
): Promise<TraceEstimate> {
  const where = "hutchinsonTrace";
  checkDimension(n, where);
  checkPositiveInteger(options.probes, "probes", where);
  const seed = options.seed ?? 0;
  checkSeed(seed, where);
  const rng = createRng(seed);
  const moments = new SampleMoments();
  for (let p = 0; p < options.probes; p++) {
    const z = rademacher(rng, n);
    const az = await applyMatVec(matvec, z, `${where} (probe ${p + 1})`);
    moments.add(dot(z, az));
  }
  return {
    trace: moments.mean,
    standardError: moments.standardError(),
    probes: options.probes,
    matvecs: options.probes
  };
}

export async function hutchPlusPlus(
  matvec: MatVec,
  n: number,
  options: HutchPlusPlusOptions
): Promise<HutchPlusPlusEstimate> {
  const where = "hutchPlusPlus";
  checkDimension(n, where);
  const budget = options.matvecs;
  checkPositiveInteger(budget, "matvecs", where);
  if (budget < 3) throw new UserError(`${where}: matvecs must be at least 3, got ${budget}`);
  const seed = options.seed ?? 0;
  checkSeed(seed, where);
  const rng = createRng(seed);
  let used = 0;

  // Sketch: Q = orth(A S), S Gaussian (unlike Rademacher columns, full rank with probability 1
  // even for tiny n). Columns that orthogonalise to (numerically) nothing are dropped, so a
  // low-rank A does not waste exact-trace matvecs on noise directions.
  const sketchSize = Math.min(Math.floor(budget / 3), n);
  const q: Float64Array[] = [];
  for (let s = 0; s < sketchSize; s++) {
    const sketch = new Float64Array(n);
    for (let i = 0; i < n; i++) sketch[i] = rng.normal();
    const y = await applyMatVec(matvec, sketch, `${where} (sketch ${s + 1})`);
    used++;
    const before = norm(y);
    orthogonalizeAgainst(y, q);
    const after = norm(y);
    if (after > 1e-10 * before && after > 0) {
      scale(1 / after, y);
      q.push(y);
    }
  }

  let exact = 0;
  for (let i = 0; i < q.length; i++) {
    const aq = await applyMatVec(matvec, q[i]!, `${where} (exact part ${i + 1})`);
    used++;
    exact += dot(q[i]!, aq);
  }

  // Hutchinson on (I − QQᵀ) A (I − QQᵀ) with what is left of the budget; empty when Q spans ℝⁿ.
  const probes = q.length === n ? 0 : budget - used;
  const moments = new SampleMoments();
  for (let p = 0; p < probes; p++) {
    const z = rademacher(rng, n);
    for (const qi of q) {
      const h = dot(qi, z);
      for (let i = 0; i < n; i++) z[i]! -= h * qi[i]!;
    }
    const az = await applyMatVec(matvec, z, `${where} (probe ${p + 1})`);
    used++;
    moments.add(dot(z, az));
  }
  return {
    trace: exact + (probes > 0 ? moments.mean : 0),
    standardError: probes > 0 ? moments.standardError() : 0,
    probes,
    matvecs: used,
    sketchRank: q.length
  };
}
