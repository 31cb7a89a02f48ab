/**
 * Loss barriers between two parameter vectors. A convex loss never rises above the chord between two
 * points; the barrier max_t L(φ(t)) − ((1−t)L(A) + tL(B)) measures how far a path φ from A to B does,
 * so a positive barrier on the straight line is a witness of non-convexity, and a path that lowers it
 * (an aligned copy of B, a trained curve) shows where the loss's valleys connect.
 *
 * Every path here lies in the span of a few directions from A (the straight line in one, a Bezier
 * curve or polychain in k + 1), so it is evaluated by the surface engine's point evaluators: the MLP's
 * first-layer shortcut batches many t per executor run, exactly as a landscape does.
 */
import type { Executor } from "../exec/executor.js";
import { createSurfaceEvaluator, defaultBatch, evaluatorKind } from "../landscape/surface-engine.js";
import type { FloatType, SurfaceProblem } from "../landscape/evaluate/problem.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { field, UserError } from "../util/errors.js";

export interface Barrier {
  /** max over t in [0, 1] of L(φ(t)) − ((1−t)L(A) + tL(B)); 0 or less means the path never rises above the chord. */
  height: number;
  /** The t where it is reached (the first such t of the grid). */
  t: number;
  /** The loss there. */
  loss: number;
  lossA: number;
  lossB: number;
}

/** The barrier of a loss profile sampled at ts; only the points with t in [0, 1] count. */
export function barrierOf(ts: ArrayLike<number>, loss: ArrayLike<number>, lossA: number, lossB: number): Barrier {
  let best: Barrier | null = null;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < 0 || t > 1) continue;
    const h = loss[i]! - ((1 - t) * lossA + t * lossB);
    if (best === null || h > best.height) best = { height: h, t, loss: loss[i]!, lossA, lossB };
  }
  if (!best) throw new UserError(`${field("t")}: the grid has no point with t in [0, 1]`);
  return best;
}

/** n evenly spaced t from 0 to 1 (both ends included). */
export function unitGrid(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 2 || n > 100_000) throw new UserError(`${field("points")} must be an integer from 2 to 100000, got ${n}`);
  return Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : i / (n - 1)));
}

export interface PathEvaluation {
  dtype?: FloatType;
  /** Points per executor run (default: the surface engine's choice for the problem). */
  batch?: number;
}

/**
 * The loss at A + Σ_k c_k(point) d_k for `count` points, coords row-major [count, dirs.length]:
 * the surface engine's evaluator for the problem (batched for MLPs).
 */
export async function lossInSpan(
  problem: LossProblem, a: Float64Array, dirs: readonly Float64Array[], coords: Float64Array, count: number,
  ex: Executor, o: PathEvaluation = {}
): Promise<Float64Array> {
  const surface: SurfaceProblem = { problem, theta: a, dirs, metrics: ["loss"], dtype: o.dtype ?? "float64" };
  const kind = evaluatorKind(surface, false);
  const batch = o.batch ?? Math.min(defaultBatch(surface, kind), Math.max(1, count));
  const ev = await createSurfaceEvaluator(surface, ex, kind, batch);
  return (await ev.evaluate(coords, count)).loss!;
}

function checkPair(problem: LossProblem, a: Float64Array, b: Float64Array): void {
  const P = problem.layout.size;
  if (a.length !== P) throw new UserError(`${field("a")} has ${a.length} values, but the model has ${P} parameters`);
  if (b.length !== P) throw new UserError(`${field("b")} has ${b.length} values, but the model has ${P} parameters`);
}

export function difference(b: Float64Array, a: Float64Array): Float64Array {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = b[i]! - a[i]!;
  return d;
}

export interface LineProfile {
  t: Float64Array;
  loss: Float64Array;
  barrier: Barrier;
}

/**
 * The loss along the straight line (1−t)A + tB = A + t(B − A) at each t, and its barrier. L(A) and L(B)
 * are the profile's own values when the grid holds t = 0 and t = 1, else evaluated apart.
 */
export async function lineProfile(
  problem: LossProblem, a: Float64Array, b: Float64Array, ts: Float64Array, ex: Executor, o: PathEvaluation = {}
): Promise<LineProfile> {
  checkPair(problem, a, b);
  const coords = Float64Array.from([...ts, 0, 1]);
  const all = await lossInSpan(problem, a, [difference(b, a)], coords, coords.length, ex, o);
  const loss = all.slice(0, ts.length);
  return { t: Float64Array.from(ts), loss, barrier: barrierOf(ts, loss, all[ts.length]!, all[ts.length + 1]!) };
}
