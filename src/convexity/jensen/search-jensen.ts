/**
 * Searching for a Jensen violation L(t·θa + (1−t)·θb) > t·L(θa) + (1−t)·L(θb) of a loss graph with a
 * flat parameter input. Strategies, in order: symmetry pairs supplied by the caller (who knows the
 * model), random pairs at several scales, gradient ascent on the gap through autodiff, and directions
 * of negative Hessian curvature. Every candidate with a positive float gap is handed to `verify` (the
 * rigorous check); the first verified one ends the search.
 */
import { DeadlinePassed, deadlineCheck, withCheckpoint } from "../../util/checkpoint.js";
import { createRng, type Rng } from "../../util/random.js";
import type { LossOracle } from "./loss-oracle.js";
import { mostNegativeCurvature } from "./negative-curvature.js";
import type { JensenVerification } from "./verify-jensen.js";

export type JensenStrategy = "symmetry" | "random pairs" | "gap ascent" | "negative curvature";

export const STRATEGY_ORDER: readonly JensenStrategy[] = ["symmetry", "random pairs", "gap ascent", "negative curvature"];

export interface JensenCandidate {
  readonly thetaA: Float64Array;
  readonly thetaB: Float64Array;
  readonly t: number;
  readonly strategy: JensenStrategy;
  /** How the pair was built and why it should violate convexity, in words. */
  readonly description: string;
}

export interface FloatLosses {
  readonly a: number;
  readonly b: number;
  readonly mid: number;
}

export interface FoundViolation {
  readonly candidate: JensenCandidate;
  readonly losses: FloatLosses;
  readonly gap: number;
  readonly verification: JensenVerification;
}

export interface StrategyReport {
  readonly strategy: JensenStrategy;
  readonly candidates: number;
  /** Largest float gap seen (−Infinity when none was evaluated). */
  readonly bestGap: number;
  readonly verifications: number;
}

export interface JensenSearchOptions {
  readonly seed: number;
  /** Wall-clock deadline (Date.now() milliseconds). */
  readonly deadline: number;
  readonly verify: (c: JensenCandidate) => JensenVerification;
  readonly strategies?: readonly JensenStrategy[];
  /** Symmetry pairs from the caller, built from what it knows about the model. */
  readonly symmetry?: () => Iterable<JensenCandidate>;
  /** Points of interest (fitted or typical parameters): centres of chords and of curvature probes. */
  readonly starts?: readonly Float64Array[];
  /** Scales of random pairs (default 0.1 ... 5). */
  readonly scales?: readonly number[];
  /** Stop after this many rigorous checks fail (default 25). */
  readonly maxVerifications?: number;
  /** The clock (default Date.now). */
  readonly now?: () => number;
}

export interface JensenSearchResult {
  readonly found?: FoundViolation;
  readonly reports: readonly StrategyReport[];
  readonly evaluations: number;
  readonly seconds: number;
  readonly timedOut: boolean;
  /**
   * A candidate with a positive float gap whose rigorous check did not fit in the time left (cut at
   * the deadline, or not started because the previous check took longer than what was left).
   */
  readonly unverified?: { readonly strategy: JensenStrategy; readonly gap: number; readonly secondsSpent: number };
}

function normal(rng: Rng, n: number, scale: number, centre?: Float64Array): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = (centre ? centre[i]! : 0) + scale * rng.normal();
  return v;
}

function mix(a: Float64Array, b: Float64Array, t: number): Float64Array {
  return a.map((x, i) => t * x + (1 - t) * b[i]!);
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function* randomPairs(rng: Rng, n: number, scales: readonly number[], starts: readonly Float64Array[]): Generator<JensenCandidate> {
  for (const s of scales) {
    for (let k = 0; k < 6; k++) {
      yield {
        thetaA: normal(rng, n, s),
        thetaB: normal(rng, n, s),
        t: 0.5,
        strategy: "random pairs",
        description: `two independent random parameter vectors with entries N(0, ${s}²)`
      };
    }
    for (const c of starts) {
      const d = normal(rng, n, s);
      yield {
        thetaA: c.map((x, i) => x + d[i]!),
        thetaB: c.map((x, i) => x - d[i]!),
        t: 0.5,
        strategy: "random pairs",
        description: `a chord θ0 ± d through a reference point θ0, d random with entries N(0, ${s}²)`
      };
    }
  }
}

/** Gradient ascent on gap(θa, θb) = L(m) − (L(θa) + L(θb))/2, m the midpoint, with normalised steps. */
async function* gapAscent(oracle: LossOracle, rng: Rng, starts: readonly Float64Array[], deadline: () => boolean): AsyncGenerator<JensenCandidate> {
  const n = oracle.size;
  const inits: [Float64Array, Float64Array][] = [];
  for (const c of starts.slice(0, 2)) {
    const d = normal(rng, n, 0.5);
    inits.push([c.map((x, i) => x + d[i]!), c.map((x, i) => x - d[i]!)]);
  }
  for (const s of [1, 0.3]) inits.push([normal(rng, n, s), normal(rng, n, s)]);
  for (const [a0, b0] of inits) {
    let a = a0, b = b0;
    let step = 0.2 * Math.max(1e-3, norm(a.map((x, i) => x - b[i]!)) / Math.sqrt(n));
    let best = -Infinity;
    for (let it = 0; it < 40 && !deadline(); it++) {
      const m = mix(a, b, 0.5);
      const [ga, gb, gm] = await Promise.all([oracle.valueAndGradient(a), oracle.valueAndGradient(b), oracle.valueAndGradient(m)]);
      const gap = gm.value - (ga.value + gb.value) / 2;
      if (gap > best) best = gap;
      else step *= 0.7;
      // ∂gap/∂θa = ½∇L(m) − ½∇L(θa), likewise for θb
      const da = gm.gradient.map((x, i) => 0.5 * x - 0.5 * ga.gradient[i]!);
      const db = gm.gradient.map((x, i) => 0.5 * x - 0.5 * gb.gradient[i]!);
      const len = Math.sqrt(norm(da) ** 2 + norm(db) ** 2);
      if (!(len > 0) || !Number.isFinite(len)) break;
      a = a.map((x, i) => x + (step * da[i]!) / len * Math.sqrt(n));
      b = b.map((x, i) => x + (step * db[i]!) / len * Math.sqrt(n));
    }
    yield {
      thetaA: a,
      thetaB: b,
      t: 0.5,
      strategy: "gap ascent",
      description: "gradient ascent (through autodiff) on the Jensen gap L(midpoint) − average of the end losses, from a random pair"
    };
  }
}

async function* curvatureProbes(oracle: LossOracle, rng: Rng, starts: readonly Float64Array[], deadline: () => boolean): AsyncGenerator<JensenCandidate> {
  const n = oracle.size;
  const points = [...starts.slice(0, 3), normal(rng, n, 1)];
  for (const p of points) {
    if (deadline()) return;
    const dir = await mostNegativeCurvature((v) => oracle.hessianVector(p, v), normal(rng, n, 1), Math.min(n, 30));
    if (!(dir.value < 0)) continue;
    for (const eps of [0.01, 0.1, 0.5, 1, 2]) {
      const e = eps * Math.max(1, norm(p) / Math.sqrt(n));
      yield {
        thetaA: p.map((x, i) => x + e * dir.vector[i]!),
        thetaB: p.map((x, i) => x - e * dir.vector[i]!),
        t: 0.5,
        strategy: "negative curvature",
        description:
          `θa, θb = θ0 ± ${e.toPrecision(3)}·v with v the Hessian's eigenvector of most negative eigenvalue ` +
          `λ ≈ ${dir.value.toPrecision(4)} at θ0 (from ${dir.matvecs} Hessian-vector products): along v the loss curves down, ` +
          `so the midpoint θ0 lies above the chord`
      };
    }
  }
}

export async function searchJensen(oracle: LossOracle, opts: JensenSearchOptions): Promise<JensenSearchResult> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const rng = createRng(opts.seed);
  const starts = opts.starts ?? [];
  const scales = opts.scales ?? [0.1, 0.5, 1, 2, 5];
  const maxVer = opts.maxVerifications ?? 25;
  const strategies = opts.strategies ?? STRATEGY_ORDER;
  const pastDeadline = (): boolean => now() > opts.deadline;
  const reports: StrategyReport[] = [];
  let verifications = 0;
  let timedOut = false;
  // The rigorous check runs synchronously (minutes for a large data set), so it is cut at the deadline
  // from inside (checkpoints), and not started when the last one took longer than the time left.
  let lastCheckMs = 0;
  let candidateMs = 0;
  let unverified: JensenSearchResult["unverified"];

  const sources: Record<JensenStrategy, () => Iterable<JensenCandidate> | AsyncIterable<JensenCandidate>> = {
    symmetry: () => opts.symmetry?.() ?? [],
    "random pairs": () => randomPairs(rng, oracle.size, scales, starts),
    "gap ascent": () => gapAscent(oracle, rng, starts, pastDeadline),
    "negative curvature": () => curvatureProbes(oracle, rng, starts, pastDeadline)
  };

  for (const strategy of STRATEGY_ORDER) {
    if (!strategies.includes(strategy)) continue;
    let count = 0, best = -Infinity, ver = 0;
    const finish = (): void => {
      reports.push({ strategy, candidates: count, bestGap: best, verifications: ver });
    };
    for await (const c of sources[strategy]()) {
      // a candidate costs three evaluations: not started when they would end past the deadline
      if (now() + candidateMs > opts.deadline) {
        timedOut = true;
        break;
      }
      count++;
      const evalStart = now();
      const [la, lb, lm] = await Promise.all([oracle.value(c.thetaA), oracle.value(c.thetaB), oracle.value(mix(c.thetaA, c.thetaB, c.t))]);
      candidateMs = now() - evalStart;
      const gap = lm - (c.t * la + (1 - c.t) * lb);
      if (!Number.isFinite(gap)) continue;
      if (gap > best) best = gap;
      const noise = 1e-10 * (1 + Math.abs(la) + Math.abs(lb) + Math.abs(lm));
      if (gap <= noise || verifications >= maxVer) continue;
      if (now() + lastCheckMs > opts.deadline) {
        unverified = { strategy, gap, secondsSpent: 0 };
        timedOut = true;
        break;
      }
      verifications++;
      ver++;
      const checkStart = now();
      let verification: JensenVerification;
      try {
        verification = withCheckpoint(deadlineCheck(opts.deadline, now), () => opts.verify(c));
      } catch (e) {
        if (!(e instanceof DeadlinePassed)) throw e;
        unverified = { strategy, gap, secondsSpent: (now() - checkStart) / 1000 };
        timedOut = true;
        break;
      }
      lastCheckMs = now() - checkStart;
      if (verification.valid) {
        finish();
        return {
          found: { candidate: c, losses: { a: la, b: lb, mid: lm }, gap, verification },
          reports,
          evaluations: oracle.evaluations,
          seconds: (now() - t0) / 1000,
          timedOut: false
        };
      }
    }
    finish();
    if (timedOut) break;
  }
  return { reports, evaluations: oracle.evaluations, seconds: (now() - t0) / 1000, timedOut, ...(unverified ? { unverified } : {}) };
}
