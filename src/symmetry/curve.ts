/**
 * Mode connectivity (Garipov et al. 2018): a curve φ from A to B through k trainable control points,
 * trained so that the expected loss E_{t~U[0,1]} L(φ(t)) is low — a path along which two minima whose
 * straight line climbs stay connected at low loss.
 *
 * Both curve kinds are affine combinations φ(t) = Σ_i w_i(t) P_i of the points P_0 = A, P_1..P_k, P_{k+1} = B
 * (Bernstein weights for a Bezier curve of degree k + 1, hat functions on k + 1 equal segments for a
 * polychain), so ∂L(φ(t))/∂P_i = w_i(t) ∇L(φ(t)) — one gradient of the loss problem per sampled t — and the
 * curve lies in the span of P_1 − A, …, P_k − A, B − A: the surface engine evaluates it like a landscape.
 */
import type { Executor } from "../exec/executor.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { prepareTargets } from "../model/losses.js";
import { batchGradGraph, lossGraph, type FloatType, type ProblemGraph } from "../model/problem/loss-graph.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { createOptimizer, type OptimizerConfig, type OptimizerState } from "../model/train/optimizers.js";
import { permutation, validateTrainOptions } from "../model/train/train.js";
import { field, UserError } from "../util/errors.js";
import { createRng } from "../util/random.js";
import { barrierOf, difference, lossInSpan, type Barrier, type PathEvaluation } from "./barrier.js";

export type CurveKind = "bezier" | "polychain";
export const CURVE_KINDS: readonly CurveKind[] = ["bezier", "polychain"];
export const MAX_BENDS = 16;

export interface CurveShape {
  kind: CurveKind;
  /** Trainable control points between A and B. */
  bends: number;
}

export function checkShape(s: CurveShape): void {
  if (!CURVE_KINDS.includes(s.kind)) throw new UserError(`${field("kind")} must be one of ${CURVE_KINDS.join(", ")}, got ${String(s.kind)}`);
  if (!Number.isInteger(s.bends) || s.bends < 1 || s.bends > MAX_BENDS) throw new UserError(`${field("bends")} must be an integer from 1 to ${MAX_BENDS}, got ${s.bends}`);
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** The weights w_0..w_{k+1} of A, the bends and B at t (they sum to 1). */
export function curveWeights(s: CurveShape, t: number, out: Float64Array = new Float64Array(s.bends + 2)): Float64Array {
  const n = s.bends + 1;
  out.fill(0);
  if (s.kind === "bezier") {
    for (let i = 0; i <= n; i++) out[i] = binomial(n, i) * t ** i * (1 - t) ** (n - i);
  } else {
    // segment j covers t in [j/n, (j+1)/n]; t = 1 falls in the last one
    const j = Math.min(n - 1, Math.floor(t * n));
    const u = t * n - j;
    out[j] = 1 - u;
    out[j + 1] = u;
  }
  return out;
}

/** The bends on the straight line at t = i/(k+1): the Bezier curve and the polychain through them are the line itself. */
export function initialBends(s: CurveShape, a: Float64Array, b: Float64Array): Float64Array {
  const P = a.length, k = s.bends;
  const c = new Float64Array(k * P);
  for (let i = 1; i <= k; i++) {
    const f = i / (k + 1);
    for (let j = 0; j < P; j++) c[(i - 1) * P + j] = (1 - f) * a[j]! + f * b[j]!;
  }
  return c;
}

/** φ(t) for bends stored row-major [k, P]. */
export function curvePoint(s: CurveShape, a: Float64Array, bends: Float64Array, b: Float64Array, t: number, out: Float64Array = new Float64Array(a.length)): Float64Array {
  const w = curveWeights(s, t);
  const P = a.length, k = s.bends;
  for (let j = 0; j < P; j++) {
    let v = w[0]! * a[j]! + w[k + 1]! * b[j]!;
    for (let i = 0; i < k; i++) v += w[i + 1]! * bends[i * P + j]!;
    out[j] = v;
  }
  return out;
}

export interface CurveProfile {
  t: Float64Array;
  loss: Float64Array;
  barrier: Barrier;
}

/** The loss along the curve at each t (batched through the surface engine), with its barrier over the chord from L(A) to L(B). */
export async function curveProfile(
  problem: LossProblem, s: CurveShape, a: Float64Array, bends: Float64Array, b: Float64Array, ts: Float64Array,
  ex: Executor, o: PathEvaluation = {}
): Promise<CurveProfile> {
  checkShape(s);
  const P = a.length, k = s.bends, m = k + 1;
  const dirs: Float64Array[] = [];
  for (let i = 0; i < k; i++) dirs.push(difference(bends.subarray(i * P, (i + 1) * P), a));
  dirs.push(difference(b, a));
  const n = ts.length + 2;
  const coords = new Float64Array(n * m);
  const w = new Float64Array(k + 2);
  [...ts, 0, 1].forEach((t, q) => {
    curveWeights(s, t, w);
    coords.set(w.subarray(1), q * m);
  });
  const all = await lossInSpan(problem, a, dirs, coords, n, ex, o);
  const loss = all.slice(0, ts.length);
  return { t: Float64Array.from(ts), loss, barrier: barrierOf(ts, loss, all[ts.length]!, all[ts.length + 1]!) };
}

export interface CurveTrainOptions {
  shape: CurveShape;
  optimizer: OptimizerConfig;
  /** Samples per step (one t per step, as in the paper); 0 or at least n means the whole data set. */
  batchSize: number;
  epochs: number;
  seed: number;
  dtype: FloatType;
}

/** Where a run stands after an epoch: enough to continue it bit for bit. */
export interface CurveCheckpoint {
  epoch: number;
  /** The bends, row-major [k, P]. */
  bends: Float64Array;
  optimizer: OptimizerState;
  /** Mean over the epoch's steps of the loss at the sampled φ(t), per epoch so far. */
  history: number[];
}

export interface CurveStep {
  epoch: number;
  step: number;
  totalSteps: number;
  loss: number;
  t: number;
}

export function validateCurveOptions(o: CurveTrainOptions): void {
  checkShape(o.shape);
  validateTrainOptions({ ...o, init: "auto", checkpointEvery: 0 });
}

/** Each epoch's t samples and shuffle come from their own stream, so epoch e is the same whether or not the run was resumed before it. */
function epochRng(seed: number, epoch: number): ReturnType<typeof createRng> {
  return createRng(seed * 1_000_003 + epoch);
}

/**
 * Trains the bends from `start` (a checkpoint, or the straight line's points) up to `epochs`; calls
 * `onEpoch` after each epoch with a checkpoint of its own (copies), `onStep` after each step.
 */
export async function trainCurve(
  problem: LossProblem, a: Float64Array, b: Float64Array, o: CurveTrainOptions, ex: Executor,
  start: CurveCheckpoint | null,
  hooks: { onStep?: (s: CurveStep) => void; onEpoch?: (c: CurveCheckpoint) => void } = {}
): Promise<CurveCheckpoint> {
  validateCurveOptions(o);
  const P = problem.layout.size, k = o.shape.bends;
  if (a.length !== P) throw new UserError(`${field("params")} has ${a.length} values, but the model has ${P} parameters`);
  if (b.length !== P) throw new UserError(`${field("b")} has ${b.length} values, but the model has ${P} parameters`);
  const bends = start ? Float64Array.from(start.bends) : initialBends(o.shape, a, b);
  if (bends.length !== k * P) throw new Error(`checkpoint holds ${bends.length} values, expected ${k * P}`);
  const opt = createOptimizer(o.optimizer, k * P, start?.optimizer);
  const history = start ? start.history.slice() : [];
  const first = start ? start.epoch + 1 : 1;

  const data = problem.data;
  const n = data.n, inputDim = data.inputDim;
  const targets = prepareTargets(problem.head, data);
  const width = targets.shape[1]!;
  const batch = o.batchSize === 0 || o.batchSize >= n ? n : o.batchSize;
  const full = batch === n ? lossGraph(problem, { dtype: o.dtype, withGrad: true, withAccuracy: false }) : null;
  const graphs = new Map<number, ProblemGraph>();
  const gradFor = (size: number): ProblemGraph => {
    let g = graphs.get(size);
    if (!g) graphs.set(size, (g = batchGradGraph(problem, size, width, o.dtype)));
    return g;
  };
  const stepsPerEpoch = Math.ceil(n / batch);
  const totalSteps = stepsPerEpoch * o.epochs;
  const xBuf = new Float64Array(batch * inputDim), tBuf = new Float64Array(batch * width);
  const phi = new Float64Array(P), w = new Float64Array(k + 2), g = new Float64Array(k * P);

  for (let epoch = first; epoch <= o.epochs; epoch++) {
    const rng = epochRng(o.seed, epoch);
    const order = full ? null : permutation(n, rng);
    let sum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const t = rng.next();
      curvePoint(o.shape, a, bends, b, t, phi);
      let res: Record<string, Tensor>;
      if (full) res = await ex.run(full.graph, { theta: tensor([P], phi) });
      else {
        const from = s * batch, size = Math.min(batch, n - from);
        for (let r = 0; r < size; r++) {
          const i = order![from + r]!;
          xBuf.set(data.x.subarray(i * inputDim, (i + 1) * inputDim), r * inputDim);
          tBuf.set(targets.data.subarray(i * width, (i + 1) * width), r * width);
        }
        res = await ex.run(gradFor(size).graph, {
          theta: tensor([P], phi),
          x: tensor([size, ...problem.sampleShape], size === batch ? xBuf : xBuf.slice(0, size * inputDim)),
          t: tensor([size, width], size === batch ? tBuf : tBuf.slice(0, size * width))
        });
      }
      const loss = res["loss"]!.data[0]!;
      if (!Number.isFinite(loss)) throw new UserError(`curve training diverged at epoch ${epoch}: the loss at t = ${t.toFixed(3)} is ${loss}; lower ${field("optimizer.lr")}`);
      const grad = res["grad:theta"]!.data;
      curveWeights(o.shape, t, w);
      for (let i = 0; i < k; i++) {
        const wi = w[i + 1]!;
        for (let j = 0; j < P; j++) g[i * P + j] = wi * grad[j]!;
      }
      opt.step(bends, g);
      sum += loss;
      hooks.onStep?.({ epoch, step: (epoch - 1) * stepsPerEpoch + s + 1, totalSteps, loss, t });
    }
    history.push(sum / stepsPerEpoch);
    hooks.onEpoch?.(snapshot(epoch, bends, opt.state, history));
  }
  return snapshot(Math.max(o.epochs, first - 1), bends, opt.state, history);
}

function snapshot(epoch: number, bends: Float64Array, st: OptimizerState, history: number[]): CurveCheckpoint {
  return { epoch, bends: Float64Array.from(bends), optimizer: { steps: st.steps, buffers: st.buffers.map((x) => Float64Array.from(x)) }, history: history.slice() };
}
