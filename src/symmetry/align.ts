/**
 * Alignment: permute network B's hidden units and channels to match network A's (same architecture),
 * so that interpolating A and P(B) compares like with like (Git Re-Basin, Ainsworth et al. 2023).
 * Two ways to choose each group's permutation: activation matching (correlate the units' activations
 * on the data; the default) and weight matching (maximise Σ ⟨W_A, P_l W_B P_{l−1}ᵀ⟩ one group at a
 * time, in a seeded random order, to a fixed point). The result is checked: the aligned network's
 * outputs equal B's on the data to 1e-12 in float64 (reference interpreter), or alignment throws.
 */
import type { Executor } from "../exec/executor.js";
import { createReferenceExecutor } from "../exec/reference.js";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { createRng } from "../util/random.js";
import { field, UserError } from "../util/errors.js";
import { assignmentScore, maximizeAssignment } from "./hungarian.js";
import { mlpSymmetry } from "./mlp-structure.js";
import { onnxSymmetry } from "./onnx-structure.js";
import { applyPermutations, blockOf, describeMembers } from "./permute.js";
import type { AxisMember, SymmetryStructure, UnitGroup } from "./structure.js";

export type AlignMethod = "activation" | "weight";
export const ALIGN_METHODS: readonly AlignMethod[] = ["activation", "weight"];

export interface UnitPermutation {
  group: string;
  size: number;
  /** perm[i] = the unit of B that becomes unit i of the aligned network. */
  perm: number[];
  /** How many units changed place (perm[i] ≠ i). */
  moved: number;
  /** The θ blocks and buffers it acts on, with the axis ("layer1.weight axis 0"). */
  blocks: string[];
}

export interface AlignResult {
  /** B permuted to match A: the same function as B. */
  theta: Float64Array;
  /** B's buffers (BatchNormalization running statistics) permuted with it; present when the model has buffers. */
  buffers?: Record<string, Float64Array>;
  permutations: UnitPermutation[];
  /** Unit sets left unpermuted (a residual stream, an op the tracer does not follow), and why. */
  unpermuted: { group: string; reason: string }[];
  /** max |f_B(x) − f_aligned(x)| over the data, float64 reference interpreter. */
  maxOutputDiff: number;
  /** ‖θ_A − θ_B‖ and ‖θ_A − P(θ_B)‖ (θ only, buffers excluded). */
  distanceBefore: number;
  distanceAfter: number;
  method: AlignMethod;
  /** Weight matching: full sweeps over the groups until none changed (or maxIterations). */
  iterations?: number;
  /** Weight matching: ‖θ_A − P(θ_B)‖ after each sweep (index 0: before any); never increases. */
  distanceHistory?: number[];
}

export interface AlignOptions {
  method: AlignMethod;
  seed: number;
  /** Runs the activation graphs (default: the float64 reference interpreter). The check always uses the reference. */
  executor?: Executor;
  /** Activation matching reads the activations of at most this many samples of the data (default 1000). */
  maxActivationSamples?: number;
  /** Weight matching's limit on sweeps (default 100). */
  maxIterations?: number;
  /** A's and B's buffers (default: the problem's own, for both). */
  buffersA?: Readonly<Record<string, Float64Array>>;
  buffersB?: Readonly<Record<string, Float64Array>>;
}

/** The relative tolerance of the function check: max |f_B − f_aligned| ≤ 1e-12 · max(1, max |f_B|). */
export const ALIGN_TOLERANCE = 1e-12;

/** The permutation symmetries alignment can use for this problem. */
export function symmetryOf(problem: LossProblem): SymmetryStructure {
  if (problem.structure.mlp) return mlpSymmetry(problem.structure.mlp);
  if (problem.structure.onnx) return onnxSymmetry(problem, problem.structure.onnx);
  throw new UserError(`${problem.source}: alignment needs an MLP spec or an imported ONNX model; this problem exposes neither structure`);
}

function norm2(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

interface NetworkRun {
  out: Tensor;
  taps: Map<string, Tensor>;
}

async function runNetwork(
  problem: LossProblem,
  s: SymmetryStructure,
  theta: Float64Array,
  buffers: Readonly<Record<string, Float64Array>>,
  executor: Executor,
  withTaps: boolean
): Promise<NetworkRun> {
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [problem.layout.size]);
  const x = g.constant(tensor([problem.data.n, ...problem.sampleShape], problem.data.x));
  const bufferValues = new Map<string, Value>();
  const feeds: Record<string, Tensor> = { theta: tensor([theta.length], theta) };
  for (const [name, data] of Object.entries(buffers)) {
    const shape = s.shapes.get(name);
    if (!shape) throw new Error(`buffer ${name} has no known shape`);
    bufferValues.set(name, g.input(`buffer:${name}`, shape));
    feeds[`buffer:${name}`] = tensor(shape, data);
  }
  const built = s.build(g, th, x, bufferValues);
  const outputs: Record<string, Value> = { out: built.out };
  const tapAxes = new Map<string, number>();
  if (withTaps) {
    for (const grp of s.groups) {
      const t = built.taps.get(grp.name);
      if (!t) throw new Error(`no activations for group ${grp.name}`);
      outputs[`tap:${grp.name}`] = t.value;
      tapAxes.set(grp.name, t.axis);
    }
  }
  const r = await executor.run(g.build(outputs), feeds);
  const taps = new Map<string, Tensor>();
  for (const grp of s.groups) if (withTaps) taps.set(grp.name, moveUnitAxisFirst(r[`tap:${grp.name}`]!, tapAxes.get(grp.name)!));
  return { out: r["out"]!, taps };
}

/** [units, samples]: every other axis of the activation (batch, spatial positions) is a sample. */
function moveUnitAxisFirst(t: Tensor, axis: number): Tensor {
  const units = t.shape[axis]!;
  let inner = 1;
  for (let k = axis + 1; k < t.shape.length; k++) inner *= t.shape[k]!;
  const samples = t.data.length / units;
  const out = new Float64Array(t.data.length);
  // Flat index = (o·units + u)·inner + r; sample index = o·inner + r.
  for (let idx = 0; idx < t.data.length; idx++) {
    const r = idx % inner, q = (idx - r) / inner, u = q % units, o = (q - u) / units;
    out[u * samples + o * inner + r] = t.data[idx]!;
  }
  return { dtype: "float64", shape: [units, samples], data: out };
}

/** Each unit's activations standardised (mean 0, norm 1); a constant unit (dead ReLU) becomes all zeros. */
function standardise(t: Tensor): Float64Array {
  const [units, m] = t.shape as [number, number];
  const z = new Float64Array(t.data.length);
  for (let u = 0; u < units; u++) {
    const row = t.data.subarray(u * m, (u + 1) * m);
    let mean = 0;
    for (const v of row) mean += v;
    mean /= m;
    let ss = 0;
    for (const v of row) ss += (v - mean) ** 2;
    const scale = ss > 1e-300 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < m; k++) z[u * m + k] = (row[k]! - mean) * scale;
  }
  return z;
}

/** C[i][j] = correlation of A's unit i with B's unit j over the samples. */
function correlation(a: Tensor, b: Tensor): Float64Array {
  const [units, m] = a.shape as [number, number];
  const za = standardise(a), zb = standardise(b);
  const c = new Float64Array(units * units);
  for (let i = 0; i < units; i++) {
    const ra = za.subarray(i * m, (i + 1) * m);
    for (let j = 0; j < units; j++) {
      const rb = zb.subarray(j * m, (j + 1) * m);
      let s = 0;
      for (let k = 0; k < m; k++) s += ra[k]! * rb[k]!;
      c[i * units + j] = s;
    }
  }
  return c;
}

async function activationMatching(
  problem: LossProblem,
  s: SymmetryStructure,
  thetaA: Float64Array,
  thetaB: Float64Array,
  buffersA: Readonly<Record<string, Float64Array>>,
  buffersB: Readonly<Record<string, Float64Array>>,
  executor: Executor,
  maxSamples: number
): Promise<{ perms: Map<string, number[]>; outB?: Tensor }> {
  // Correlations settle long before a large data set is used up: the first maxSamples samples suffice
  // (generated data sets cycle through the classes, so a prefix stays balanced).
  const d = problem.data;
  const sub = d.n > maxSamples
    ? problem.withData({ ...d, n: maxSamples, x: d.x.subarray(0, maxSamples * d.inputDim), y: d.y.subarray(0, maxSamples * d.outputDim) })
    : problem;
  // Each group's activations depend only on the groups below it through the function, which a
  // permutation keeps: B's activations are computed once, unpermuted, and matched group by group.
  const [ra, rb] = [await runNetwork(sub, s, thetaA, buffersA, executor, true), await runNetwork(sub, s, thetaB, buffersB, executor, true)];
  const perms = new Map<string, number[]>();
  for (const grp of s.groups) {
    const score = correlation(ra.taps.get(grp.name)!, rb.taps.get(grp.name)!);
    // Units the data cannot tell apart (dead ReLUs: constant activations) are told apart by the weights
    // that compute them, with the groups below already aligned: a tie-break far below any real
    // difference in correlation.
    const thetaBAligned = applyPermutations(s, problem.layout, thetaB, s.buffers, perms).theta;
    const w = weightScore(problem, s, grp, thetaA, thetaBAligned, (m) => !m.reads);
    let top = 0;
    for (const v of w) top = Math.max(top, Math.abs(v));
    if (top > 0) for (let k = 0; k < score.length; k++) score[k] += (1e-9 * w[k]!) / top;
    perms.set(grp.name, assignWithinBlocks(score, grp.size, grp.blocks));
  }
  // On all the data with the reference interpreter, B's outputs are the check's reference already.
  return { perms, ...(sub === problem && executor.name === "reference" ? { outB: rb.out } : {}) };
}

/** The best permutation that keeps each of `blocks` consecutive blocks of units in place (one assignment per block). */
function assignWithinBlocks(score: Float64Array, n: number, blocks = 1): number[] {
  if (blocks <= 1) return maximizeAssignment(score, n);
  const k = n / blocks;
  const perm = new Array<number>(n);
  for (let b = 0; b < blocks; b++) {
    const sub = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sub[i * k + j] = score[(b * k + i) * n + b * k + j]!;
    maximizeAssignment(sub, k).forEach((j, i) => (perm[b * k + i] = b * k + j));
  }
  return perm;
}

/** S[i][j] = Σ over the group's θ members of ⟨A's unit i slice, B's unit j slice⟩, with B's other groups permuted. */
function weightScore(
  problem: LossProblem,
  s: SymmetryStructure,
  grp: UnitGroup,
  thetaA: Float64Array,
  thetaBOthers: Float64Array,
  use: (m: AxisMember) => boolean = () => true
): Float64Array {
  const n = grp.size;
  const score = new Float64Array(n * n);
  for (const m of grp.members) {
    if (m.kind !== "param" || !use(m)) continue;
    const shape = s.shapes.get(m.tensor)!;
    const a = blockOf(problem.layout, thetaA, m.tensor), b = blockOf(problem.layout, thetaBOthers, m.tensor);
    if (m.rowBlocks) {
      addGroupedInScore(score, n, shape, m.rowBlocks, a, b);
      continue;
    }
    const len = shape[m.axis]!;
    let outer = 1, inner = 1;
    for (let k = 0; k < m.axis; k++) outer *= shape[k]!;
    for (let k = m.axis + 1; k < shape.length; k++) inner *= shape[k]!;
    const unit = m.stride * inner;
    for (let o = 0; o < outer; o++) {
      const base = o * len * inner;
      for (let i = 0; i < n; i++) {
        const ai = base + i * unit;
        for (let j = 0; j < n; j++) {
          const bj = base + j * unit;
          let sum = 0;
          for (let k = 0; k < unit; k++) sum += a[ai + k]! * b[bj + k]!;
          score[i * n + j] += sum;
        }
      }
    }
  }
  return score;
}

/** A grouped Conv weight's input axis: row block b compares its own k input channels, b·k … b·k + k − 1. */
function addGroupedInScore(score: Float64Array, n: number, shape: readonly number[], rowBlocks: number, a: Float64Array, b: Float64Array): void {
  const rows = shape[0]!, k = shape[1]!;
  let inner = 1;
  for (let d = 2; d < shape.length; d++) inner *= shape[d]!;
  const perBlock = rows / rowBlocks;
  for (let o = 0; o < rows; o++) {
    const blk = Math.floor(o / perBlock);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let sum = 0;
        for (let r = 0; r < inner; r++) sum += a[(o * k + i) * inner + r]! * b[(o * k + j) * inner + r]!;
        score[(blk * k + i) * n + blk * k + j] += sum;
      }
    }
  }
}

function weightMatching(
  problem: LossProblem,
  s: SymmetryStructure,
  thetaA: Float64Array,
  thetaB: Float64Array,
  seed: number,
  maxIterations: number
): { perms: Map<string, number[]>; iterations: number; history: number[] } {
  const perms = new Map<string, number[]>(s.groups.map((g) => [g.name, Array.from({ length: g.size }, (_, i) => i)]));
  const rng = createRng(seed);
  const permuted = (skip?: string): Float64Array => applyPermutations(s, problem.layout, thetaB, s.buffers, perms, skip).theta;
  const history = [norm2(thetaA, thetaB)];
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const order = s.groups.map((g) => g.name);
    for (let k = order.length - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    let changed = false;
    for (const name of order) {
      const grp = s.groups.find((g) => g.name === name)!;
      const score = weightScore(problem, s, grp, thetaA, permuted(name));
      const next = assignWithinBlocks(score, grp.size, grp.blocks);
      const cur = perms.get(name)!;
      // Only a strict gain moves: ties and rounding can then never undo progress or cycle.
      if (assignmentScore(score, grp.size, next) > assignmentScore(score, grp.size, cur) && next.some((j, i) => j !== cur[i])) {
        perms.set(name, next);
        changed = true;
      }
    }
    history.push(norm2(thetaA, permuted()));
    if (!changed) break;
  }
  return { perms, iterations, history };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Permute B's units to match A's; the result computes B's function exactly (checked). */
export async function alignParams(problem: LossProblem, thetaA: Float64Array, thetaB: Float64Array, opts: AlignOptions): Promise<AlignResult> {
  if (!ALIGN_METHODS.includes(opts.method)) {
    throw new UserError(`${field("method")} must be one of ${ALIGN_METHODS.join(", ")}, got "${String(opts.method)}"`);
  }
  const P = problem.layout.size;
  if (thetaA.length !== P) throw new UserError(`${field("thetaA")}: θ_A has ${thetaA.length} entries, the model has ${P} parameters`);
  if (thetaB.length !== P) throw new UserError(`${field("thetaB")}: θ_B has ${thetaB.length} entries, the model has ${P} parameters`);
  const s = symmetryOf(problem);
  const buffersA = opts.buffersA ?? s.buffers, buffersB = opts.buffersB ?? s.buffers;
  const reference = createReferenceExecutor();
  let perms: Map<string, number[]>;
  let iterations: number | undefined, history: number[] | undefined;
  let outB: Tensor | undefined;
  if (opts.method === "activation") {
    ({ perms, outB } = await activationMatching(problem, s, thetaA, thetaB, buffersA, buffersB, opts.executor ?? reference, opts.maxActivationSamples ?? 1000));
  } else {
    const w = weightMatching(problem, s, thetaA, thetaB, opts.seed, opts.maxIterations ?? 100);
    perms = w.perms;
    iterations = w.iterations;
    history = w.history;
  }
  const aligned = applyPermutations(s, problem.layout, thetaB, buffersB, perms);
  const fb = outB ?? (await runNetwork(problem, s, thetaB, buffersB, reference, false)).out;
  const fp = (await runNetwork(problem, s, aligned.theta, aligned.buffers, reference, false)).out;
  const maxOutputDiff = maxAbsDiff(fb.data, fp.data);
  let scale = 1;
  for (const v of fb.data) scale = Math.max(scale, Math.abs(v));
  if (!(maxOutputDiff <= ALIGN_TOLERANCE * scale)) {
    throw new Error(
      `alignment check failed: the permuted network's outputs differ from B's by up to ${maxOutputDiff} (allowed ${ALIGN_TOLERANCE * scale}); ` +
        `groups ${s.groups.map((g) => g.name).join(", ")} are not all true symmetries of this model; nothing was written`
    );
  }
  return {
    theta: aligned.theta,
    ...(Object.keys(aligned.buffers).length ? { buffers: aligned.buffers } : {}),
    permutations: s.groups.map((g) => {
      const perm = perms.get(g.name)!;
      return { group: g.name, size: g.size, perm, moved: perm.filter((j, i) => j !== i).length, blocks: describeMembers(g) };
    }),
    unpermuted: s.unpermuted,
    maxOutputDiff,
    distanceBefore: norm2(thetaA, thetaB),
    distanceAfter: norm2(thetaA, aligned.theta),
    method: opts.method,
    ...(iterations !== undefined ? { iterations, distanceHistory: history } : {})
  };
}

