/**
 * Is a network's loss convex in its weights? The model-aware half of `losscape convexity`:
 *   - DCP on the loss graph proves convexity where it holds (no hidden layer: linear or logistic
 *     regression), and never lets a search run where a proof exists;
 *   - otherwise a Jensen search, seeded with the network's symmetries: permuting hidden units,
 *     flipping signs through odd activations, rescaling (w, a) -> (c·w, a/c) through positively
 *     homogeneous ones — each gives θb with L(θb) = L(θa) whose midpoint with θa computes a different
 *     function — around parameters that fit the data (built, or trained briefly) or random ones;
 *   - per parameter block (each weight, each bias, each layer, the output layer) the same question
 *     with the other parameters fixed: a DCP proof valid for all values of the others, or a certificate.
 * Every certificate is re-checked exactly or with intervals before it is reported.
 */
import type { Executor } from "../exec/executor.js";
import { isExactlyEvaluable } from "../exec/exact-interpreter.js";
import { createReferenceExecutor } from "../exec/reference.js";
import { createOnnxExecutor } from "../exec/onnx/executor.js";
import {
  analyzeBlockConvexity, analyzeLossConvexity, type ConvexityVerdict, type DcpProof, type LossConvexityResult
} from "../convexity/jensen/analyze-loss-convexity.js";
import { LossOracle } from "../convexity/jensen/loss-oracle.js";
import type { FoundViolation, JensenCandidate, StrategyReport } from "../convexity/jensen/search-jensen.js";
import { ACTIVATION_FACTS } from "./activations.js";
import type { Dataset } from "./datasets/dataset.js";
import type { ParamLayout } from "./layout.js";
import { makeCertificate, problemHash, type NetworkCertificate } from "./network-certificate.js";
import type { LossProblem } from "./problem/loss-problem.js";
import { lossGraph } from "./problem/loss-graph.js";
import { hiddenActivations, type ActivationName, type ModelSpec } from "./spec.js";
import { initParams } from "./train/init.js";
import { onnxSymmetry } from "../symmetry/onnx-structure.js";
import { applyPermutations, describeMembers } from "../symmetry/permute.js";
import { createOptimizer } from "./train/optimizers.js";

export interface NetworkConvexityOptions {
  seed?: number;
  /** Wall-clock budget for the whole analysis, rigorous checks included, in seconds (default 20). */
  budgetSeconds?: number;
  /**
   * When the analysis must be done (Date.now() milliseconds), if earlier than the budget's end: a
   * caller that spent part of the budget before the call (loading the data) passes its own end.
   */
  deadline?: number;
  executor?: Executor;
  /** The spec as the user wrote it, embedded in certificates so they can be re-checked alone. */
  specInput?: unknown;
  /** A parameter vector of interest (--params): a reference point for the search and the blocks. */
  params?: Float64Array;
  /** Analyse each parameter block too (default true). */
  blocks?: boolean;
  /** Sample the loss along θa -> θb at this many points for a plot (default 0: none). */
  profileSamples?: number;
}

export interface BlockResult {
  /** "layer1.weight", "layer1 (weight and bias)", "output layer (layer2.weight, layer2.bias)". */
  params: string;
  offset: number;
  size: number;
  verdict: ConvexityVerdict;
  proof?: { method: "DCP"; curvature: string; summary: string };
  certificate?: NetworkCertificate;
  /** Why the verdict is unknown. */
  reason?: string;
}

export interface SegmentProfile {
  /** Position along the segment: θ(s) = (1 − s)·θa + s·θb. */
  s: number[];
  loss: number[];
  /** Where the certificate's point lies (s = 1 − t). */
  sCertificate: number;
}

/** The symmetry a certificate was built from: which units, and what was done to them (units 1-based). */
export interface SymmetryMove {
  kind: "swap" | "sign-flip" | "rescale";
  /** An MLP's hidden layer (1 = the first layer's outputs). */
  layer?: number;
  /** The unit group, as `losscape align` names it ("layer1"; an ONNX model's "conv1", "mid+inp"). */
  group: string;
  /** swap: the two units exchanged; sign-flip and rescale: the one unit. */
  units: number[];
  /** rescale: incoming weights (and bias) ×incoming, outgoing ×outgoing; sign-flip: −1 and −1. */
  factors?: { incoming: number; outgoing: number };
}

export interface SymmetryCandidate extends JensenCandidate {
  readonly symmetry: SymmetryMove;
}

/** The loss along the certificate's line θ(s) = (1 − s)·θa + s·θb at s = 0, ¼, ½, ¾, 1 (float64). */
export interface SymmetryLine {
  s: number[];
  loss: number[];
}

export interface NetworkConvexityResult {
  verdict: ConvexityVerdict;
  certificate?: NetworkCertificate;
  /** Present when the certificate comes from a symmetry of the network: the move, and the loss along its line. */
  symmetry?: SymmetryMove & { line: SymmetryLine };
  proof?: DcpProof;
  blocks: BlockResult[];
  explanation: string;
  search: { strategy: string; evaluations: number; seconds: number; timedOut: boolean; tried: readonly StrategyReport[] };
  specHash: string;
  parameters: number;
  profile?: SegmentProfile;
}

// ---- symmetries -----------------------------------------------------------------------------------

interface HiddenLayer {
  /** 1-based layer index: the layer whose outputs are the hidden units. */
  layer: number;
  width: number;
  fanIn: number;
  fanOut: number;
  activation: ActivationName;
  wIn: number;
  bIn: number | null;
  wOut: number;
}

function hiddenLayers(spec: ModelSpec, layout: ParamLayout): HiddenLayer[] {
  const acts = hiddenActivations(spec);
  const sizes = spec.model.layers;
  const res: HiddenLayer[] = [];
  for (let l = 1; l < sizes.length - 1; l++) {
    const wIn = layout.blocks.find((b) => b.layer === l && b.kind === "weight")!;
    const bIn = layout.blocks.find((b) => b.layer === l && b.kind === "bias");
    const wOut = layout.blocks.find((b) => b.layer === l + 1 && b.kind === "weight")!;
    res.push({ layer: l, width: sizes[l]!, fanIn: sizes[l - 1]!, fanOut: sizes[l + 1]!, activation: acts[l - 1]!, wIn: wIn.offset, bIn: bIn ? bIn.offset : null, wOut: wOut.offset });
  }
  return res;
}

/** Indices of unit i's incoming weights and bias, and of its outgoing weights. */
function unitIndices(h: HiddenLayer, i: number): { incoming: number[]; outgoing: number[] } {
  const incoming = Array.from({ length: h.fanIn }, (_, k) => h.wIn + i * h.fanIn + k);
  if (h.bIn !== null) incoming.push(h.bIn + i);
  const outgoing = Array.from({ length: h.fanOut }, (_, r) => h.wOut + r * h.width + i);
  return { incoming, outgoing };
}

/** All of unit i's parameter indices, incoming then outgoing: units i and j correspond entry by entry. */
function unitParams(h: HiddenLayer, i: number): number[] {
  const u = unitIndices(h, i);
  return [...u.incoming, ...u.outgoing];
}

function swapUnits(theta: Float64Array, h: HiddenLayer, i: number, j: number): Float64Array {
  const r = theta.slice();
  const b = unitParams(h, j);
  unitParams(h, i).forEach((p, k) => {
    const q = b[k]!;
    r[p] = theta[q]!;
    r[q] = theta[p]!;
  });
  return r;
}

function scaleUnit(theta: Float64Array, h: HiddenLayer, i: number, cin: number, cout: number): Float64Array {
  const r = theta.slice();
  const u = unitIndices(h, i);
  for (const p of u.incoming) r[p] = cin * theta[p]!;
  for (const p of u.outgoing) r[p] = cout * theta[p]!;
  return r;
}

function unitsDiffer(theta: Float64Array, h: HiddenLayer, i: number, j: number): boolean {
  const b = unitParams(h, j);
  return unitParams(h, i).some((p, k) => theta[p] !== theta[b[k]!]);
}

function unitPairs(width: number, limit: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < width && pairs.length < limit; i++) for (let j = i + 1; j < width && pairs.length < limit; j++) pairs.push([i, j]);
  return pairs;
}

/** Symmetry pairs (θa, θb) with L(θb) = L(θa) for one reference θa. */
export function* symmetryCandidates(spec: ModelSpec, layout: ParamLayout, thetaA: Float64Array, origin: string): Generator<SymmetryCandidate> {
  for (const h of hiddenLayers(spec, layout)) {
    const where = `hidden layer ${h.layer}`;
    for (const [i, j] of unitPairs(h.width, 15)) {
      if (!unitsDiffer(thetaA, h, i, j)) continue;
      const thetaB = swapUnits(thetaA, h, i, j);
      const a = unitIndices(h, i).incoming, b = unitIndices(h, j).incoming;
      const cancels = a.every((p, k) => thetaA[p]! + thetaA[b[k]!]! === 0);
      yield {
        thetaA, thetaB, t: 0.5, strategy: "symmetry",
        symmetry: { kind: "swap", layer: h.layer, group: `layer${h.layer}`, units: [i + 1, j + 1] },
        description:
          `θa is ${origin}; θb is θa with units ${i + 1} and ${j + 1} of ${where} swapped (unit ${i + 1} ↔ unit ${j + 1}: their incoming weights and biases, ` +
          `and their outgoing weights), so the network computes the same function and L(θb) = L(θa); ` +
          `the midpoint averages the two units ${cancels ? "into 0 (their incoming weights cancel)" : "into two identical copies"} and loses the fit`
      };
    }
    const facts = ACTIVATION_FACTS[h.activation];
    const units = Array.from({ length: Math.min(h.width, 8) }, (_, i) => i);
    if (facts.odd) {
      for (const i of units) {
        yield {
          thetaA, thetaB: scaleUnit(thetaA, h, i, -1, -1), t: 0.5, strategy: "symmetry",
          symmetry: { kind: "sign-flip", layer: h.layer, group: `layer${h.layer}`, units: [i + 1], factors: { incoming: -1, outgoing: -1 } },
          description:
            `θa is ${origin}; θb is θa with the signs of unit ${i + 1} of ${where} flipped (incoming and outgoing weights): ` +
            `${h.activation} is odd, so the network computes the same function and L(θb) = L(θa); ` +
            `the midpoint zeroes that unit's weights, removes it and loses the fit`
        };
      }
    }
    if (facts.positivelyHomogeneous) {
      for (const i of units) {
        yield {
          thetaA, thetaB: scaleUnit(thetaA, h, i, 4, 0.25), t: 0.5, strategy: "symmetry",
          symmetry: { kind: "rescale", layer: h.layer, group: `layer${h.layer}`, units: [i + 1], factors: { incoming: 4, outgoing: 0.25 } },
          description:
            `θa is ${origin}; θb is θa with unit ${i + 1} of ${where} rescaled, incoming weights ×4 and outgoing ×1/4: ` +
            `${h.activation} is positively homogeneous, so the network computes the same function and L(θb) = L(θa); ` +
            `at the midpoint the unit's output is scaled by (1+4)/2·(1+1/4)/2 = 25/16 ≠ 1, which changes the function`
        };
      }
    }
  }
}

/**
 * Channel swaps of an imported ONNX model: two units of one traced group (see src/symmetry) exchanged
 * in every tensor the group touches. A group that moves BatchNormalization statistics is used only for
 * pairs whose statistics are equal, since the loss holds the buffers fixed.
 */
export function* onnxSymmetryCandidates(problem: LossProblem, thetaA: Float64Array, origin: string): Generator<SymmetryCandidate> {
  const onnx = problem.structure.onnx;
  if (!onnx) return;
  const s = onnxSymmetry(problem, onnx);
  for (const g of s.groups) {
    const perBlock = g.size / (g.blocks ?? 1);
    const buffers = g.members.filter((m) => m.kind === "buffer");
    const pairs = unitPairs(g.size, 200).filter(([i, j]) => Math.floor(i / perBlock) === Math.floor(j / perBlock)).slice(0, 15);
    for (const [i, j] of pairs) {
      const perm = Array.from({ length: g.size }, (_, k) => (k === i ? j : k === j ? i : k));
      const moved = applyPermutations(s, problem.layout, thetaA, s.buffers, new Map([[g.name, perm]]));
      if (buffers.some((m) => !moved.buffers[m.tensor]!.every((v, k) => v === s.buffers[m.tensor]![k]))) continue;
      const thetaB = moved.theta;
      if (thetaB.every((v, k) => v === thetaA[k])) continue;
      yield {
        thetaA, thetaB, t: 0.5, strategy: "symmetry",
        symmetry: { kind: "swap", group: g.name, units: [i + 1, j + 1] },
        description:
          `θa is ${origin}; θb is θa with units ${i + 1} and ${j + 1} of ${g.name} swapped (unit ${i + 1} ↔ unit ${j + 1} in ${describeMembers(g).join(", ")}), ` +
          `so the network computes the same function and L(θb) = L(θa); the midpoint averages the two units into two identical copies and loses the fit`
      };
    }
  }
}

// ---- reference parameters -------------------------------------------------------------------------

/** Least squares Y ≈ X Aᵀ + c (c = 0 without bias) by normal equations; null when singular. */
function leastSquares(ds: Dataset, withBias: boolean): { A: number[][]; c: number[] } | null {
  const d = ds.inputDim, k = ds.outputDim, m = d + (withBias ? 1 : 0);
  const G = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const R = Array.from({ length: m }, () => new Array<number>(k).fill(0));
  for (let s = 0; s < ds.n; s++) {
    const row = Array.from({ length: m }, (_, i) => (i < d ? ds.x[s * d + i]! : 1));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) G[i]![j]! += row[i]! * row[j]!;
      for (let o = 0; o < k; o++) R[i]![o]! += row[i]! * ds.y[s * k + o]!;
    }
  }
  // Gauss-Jordan with partial pivoting
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(G[r]![col]!) > Math.abs(G[piv]![col]!)) piv = r;
    if (Math.abs(G[piv]![col]!) < 1e-12) return null;
    [G[col], G[piv]] = [G[piv]!, G[col]!];
    [R[col], R[piv]] = [R[piv]!, R[col]!];
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = G[r]![col]! / G[col]![col]!;
      if (f === 0) continue;
      for (let j = 0; j < m; j++) G[r]![j]! -= f * G[col]![j]!;
      for (let o = 0; o < k; o++) R[r]![o]! -= f * R[col]![o]!;
    }
  }
  const sol = R.map((r, i) => r.map((v) => v / G[i]![i]!));
  const A = Array.from({ length: k }, (_, o) => Array.from({ length: d }, (_, i) => sol[i]![o]!));
  return { A, c: Array.from({ length: k }, (_, o) => (withBias ? sol[d]![o]! : 0)) };
}

/**
 * A network that computes the least-squares affine fit of the data exactly, when the architecture
 * allows it: linear hidden layers carry x through unchanged, ReLU/leaky-ReLU layers carry the pair
 * (x, −x) and recover x = (σ(x) − σ(−x))/(1 + α). The seed answer's θ1 is this construction.
 */
export function affineFitParameters(spec: ModelSpec, layout: ParamLayout, ds: Dataset): Float64Array | null {
  if (!["sse_half", "mse", "mae"].includes(spec.loss) || spec.model.outputActivation !== "linear") return null;
  const hidden = hiddenLayers(spec, layout);
  if (hidden.length === 0) return null;
  const d = spec.model.layers[0]!;
  const kind = hidden.every((h) => h.activation === "linear" && h.width >= d)
    ? "linear"
    : hidden.every((h) => (h.activation === "relu" || h.activation === "leaky_relu") && h.width >= 2 * d)
      ? "pairs"
      : null;
  if (!kind) return null;
  const fit = leastSquares(ds, spec.model.bias);
  if (!fit) return null;
  const theta = new Float64Array(layout.size);
  const alpha = (h: HiddenLayer): number => (h.activation === "leaky_relu" ? spec.model.leakyReluAlpha : 0);
  hidden.forEach((h, idx) => {
    const w = (unit: number, input: number, v: number): void => {
      theta[h.wIn + unit * h.fanIn + input] = v;
    };
    for (let p = 0; p < d; p++) {
      if (kind === "linear") w(p, p, 1);
      else if (idx === 0) {
        w(2 * p, p, 1);
        w(2 * p + 1, p, -1);
      } else {
        // previous layer holds σ(x_p), σ(−x_p): x_p = (σ(x_p) − σ(−x_p))/(1 + α)
        const s = 1 / (1 + alpha(hidden[idx - 1]!));
        w(2 * p, 2 * p, s);
        w(2 * p, 2 * p + 1, -s);
        w(2 * p + 1, 2 * p, -s);
        w(2 * p + 1, 2 * p + 1, s);
      }
    }
  });
  const last = hidden[hidden.length - 1]!;
  const outW = layout.blocks.find((b) => b.layer === hidden.length + 1 && b.kind === "weight")!;
  const outB = layout.blocks.find((b) => b.layer === hidden.length + 1 && b.kind === "bias");
  for (let o = 0; o < fit.A.length; o++) {
    for (let p = 0; p < d; p++) {
      const a = fit.A[o]![p]!;
      if (kind === "linear") theta[outW.offset + o * last.width + p] = a;
      else {
        const s = 1 / (1 + alpha(last));
        theta[outW.offset + o * last.width + 2 * p] = a * s;
        theta[outW.offset + o * last.width + 2 * p + 1] = -a * s;
      }
    }
    if (outB) theta[outB.offset + o] = fit.c[o]!;
  }
  return theta;
}

/** A few hundred full-batch Adam steps: parameters that fit the data, where symmetries bite. */
async function trainBriefly(oracle: LossOracle, theta0: Float64Array, steps: number, deadline: number): Promise<Float64Array> {
  const theta = theta0.slice();
  const adam = createOptimizer({ name: "adam", lr: 0.03, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, theta.length);
  let best = theta.slice(), bestLoss = Infinity;
  // a step is not started when the last one would not fit before the deadline
  let stepMs = 0;
  for (let k = 1; k <= steps && Date.now() + stepMs < deadline; k++) {
    const t0 = Date.now();
    const { value, gradient } = await oracle.valueAndGradient(theta);
    stepMs = Date.now() - t0;
    if (!Number.isFinite(value)) break;
    if (value < bestLoss) {
      bestLoss = value;
      best = theta.slice();
    }
    adam.step(theta, gradient);
  }
  return best;
}

// ---- explanation ------------------------------------------------------------------------------------

function num(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : v.toPrecision(6);
}

function symmetryOfCandidate(c: JensenCandidate): SymmetryMove | undefined {
  return "symmetry" in c ? (c as SymmetryCandidate).symmetry : undefined;
}

const LINE_S = [0, 0.25, 0.5, 0.75, 1];
const LINE_S_TEXT = ["0", "¼", "½", "¾", "1"];

/** The loss at s = 0, ¼, ½, ¾, 1 of θ(s) = (1 − s)·θa + s·θb. */
async function symmetryLine(oracle: LossOracle, a: Float64Array, b: Float64Array): Promise<SymmetryLine> {
  const loss: number[] = [];
  for (const x of LINE_S) loss.push(await oracle.value(a.map((v, i) => (1 - x) * v + x * b[i]!)));
  return { s: [...LINE_S], loss };
}

function explainLine(line: SymmetryLine): string {
  return ` Along the line θ(s) = (1 − s)·θa + s·θb the loss (float64) is ${line.s.map((_, k) => `${String(Number(line.loss[k]!.toPrecision(6)))} at s = ${LINE_S_TEXT[k]}`).join(", ")}; θa and θb are copies of one network, so the loss rises between two points of equal loss.`;
}

function explainViolation(found: FoundViolation, block?: string, line?: SymmetryLine): string {
  const c = found.candidate, ver = found.verification;
  const t = c.t;
  const ex = ver.exact;
  // exact fractions are shown when short; long ones as decimals (the certificate keeps them exactly)
  const show = (exact: string | undefined, v: number): string => (exact !== undefined && exact.length <= 24 ? exact : num(v));
  const la = show(ex?.a, found.losses.a), lb = show(ex?.b, found.losses.b), lm = show(ex?.mid, found.losses.mid);
  const chord = t === 0.5 ? `(L(θa) + L(θb))/2` : `${t}·L(θa) + ${1 - t}·L(θb)`;
  const point = t === 0.5 ? "the midpoint (θa + θb)/2" : `the point ${t}·θa + ${1 - t}·θb`;
  const check = ex
    ? `checked exactly in rational arithmetic: gap = ${show(ex.gap, found.gap)}${ex.gap.length > 24 ? " (the exact fraction is in the certificate)" : ""}`
    : `checked with outward-rounded interval arithmetic: the gap lies in [${ver.gap.lo.toPrecision(6)}, ${Number.isFinite(ver.gap.hi) ? ver.gap.hi.toPrecision(6) : "∞"}], so it is > 0`;
  return (
    `Found by ${c.strategy}${block ? ` within ${block} (other parameters fixed)` : ""}: ${c.description}. ` +
    `L(θa) = ${la}, L(θb) = ${lb}, and at ${point} L = ${lm} > ${chord}, so the loss is not convex (${check}).` +
    (line ? explainLine(line) : "")
  );
}

// ---- orchestration ------------------------------------------------------------------------------------

interface BlockSpec {
  params: string;
  offset: number;
  size: number;
}

function blockSpecs(layout: ParamLayout): BlockSpec[] {
  const nLayers = Math.max(0, ...layout.blocks.map((b) => b.layer));
  const res: BlockSpec[] = [];
  for (let l = 1; l <= nLayers; l++) {
    const bs = layout.blocks.filter((b) => b.layer === l);
    for (const b of bs) res.push({ params: b.name, offset: b.offset, size: b.size });
    if (bs.length > 1) {
      const offset = bs[0]!.offset, size = bs.reduce((s, b) => s + b.size, 0);
      const names = bs.map((b) => b.name).join(", ");
      res.push({ params: l === nLayers ? `output layer (${names})` : `layer${l} (${names})`, offset, size });
    } else if (l === nLayers) {
      res[res.length - 1]!.params += " (output layer)";
    }
  }
  return res;
}

/** The loss at `samples` evenly spaced points of the segment θ(s) = (1 − s)·θa + s·θb. */
async function lossOnSegment(oracle: LossOracle, a: Float64Array, b: Float64Array, samples: number): Promise<{ s: number[]; loss: number[] }> {
  const s: number[] = [], loss: number[] = [];
  for (let k = 0; k < samples; k++) {
    const x = k / (samples - 1);
    s.push(x);
    loss.push(await oracle.value(a.map((v, i) => (1 - x) * v + x * b[i]!)));
  }
  return { s, loss };
}

/** As many profile points as fit before the deadline (one loss evaluation each), at least 21 for a readable curve. */
async function profileSamplesWithin(oracle: LossOracle, theta: Float64Array, wanted: number, deadline: number): Promise<number> {
  const t0 = Date.now();
  await oracle.value(theta);
  const each = Math.max(1, Date.now() - t0);
  return Math.max(Math.min(21, wanted), Math.min(wanted, Math.floor((deadline - Date.now()) / each)));
}

async function segmentProfile(oracle: LossOracle, a: Float64Array, b: Float64Array, t: number, samples: number): Promise<SegmentProfile> {
  return { ...(await lossOnSegment(oracle, a, b, samples)), sCertificate: 1 - t };
}

/** The loss of a network along the segment between two parameter vectors (what the Jensen plot draws). */
export async function lossAlongSegment(
  problem: LossProblem,
  a: Float64Array,
  b: Float64Array,
  samples: number,
  executor: Executor = createReferenceExecutor()
): Promise<{ s: number[]; loss: number[] }> {
  const { graph } = lossGraph(problem, { withAccuracy: false });
  return lossOnSegment(new LossOracle(graph, "theta", "loss", executor), a, b, samples);
}

export async function analyzeNetworkConvexity(problem: LossProblem, opts: NetworkConvexityOptions = {}): Promise<NetworkConvexityResult> {
  const spec = problem.structure.mlp;
  const dataset = problem.data;
  const seed = opts.seed ?? 0;
  const budget = opts.budgetSeconds ?? 20;
  const start = Date.now();
  const deadline = Math.min(start + budget * 1000, opts.deadline ?? Infinity);
  const executor = opts.executor ?? createReferenceExecutor();
  const { graph } = lossGraph(problem, { withAccuracy: false });
  const layout = problem.layout;
  const oracle = new LossOracle(graph, "theta", "loss", executor);
  const hash = problemHash(problem);
  const cert = (found: FoundViolation, explanation: string, block?: BlockSpec): NetworkCertificate =>
    makeCertificate({
      specHash: hash, specInput: opts.specInput ?? problem.description.spec, violation: found, explanation,
      ...(block ? { block: { name: block.params, offset: block.offset, size: block.size } } : {})
    });

  // Reference points: the user's θ, an exact affine fit, a briefly trained θ, a random init.
  const refs: { theta: Float64Array; origin: string }[] = [];
  if (opts.params) refs.push({ theta: opts.params, origin: "the given parameter vector" });
  if (problem.theta0) refs.push({ theta: problem.theta0, origin: "the model's own weights" });
  // Without an MLP's structure every network with more than one layer counts as having hidden units.
  const hasHidden = spec ? hiddenLayers(spec, layout).length > 0 : blockSpecs(layout).length > 1;
  const fit = spec && hasHidden ? affineFitParameters(spec, layout, dataset) : null;
  if (fit) refs.push({ theta: fit, origin: "a network that computes the least-squares affine fit of the data exactly" });
  const init = initParams(problem, seed);
  // an exact fit leaves nothing for training to improve; otherwise trained parameters are the better reference
  if (hasHidden && (!fit || (await oracle.value(fit)) > 0)) {
    // at most 30% of the budget: trained parameters fit the data, so a symmetry that breaks the fit shows
    const trained = await trainBriefly(oracle, init, 300, start + (deadline - start) * 0.3);
    refs.push({ theta: trained, origin: "the network trained briefly (full-batch Adam from a seeded initialisation)" });
  }
  refs.push({ theta: init, origin: "a seeded random initialisation" });
  const main: LossConvexityResult = await analyzeLossConvexity({
    graph, input: "theta", output: "loss", executor, seed,
    budgetSeconds: Math.max(0.1, (deadline - Date.now()) / 1000) * (opts.blocks === false ? 1 : 0.6),
    symmetry: function* () {
      if (spec) for (const r of refs) yield* symmetryCandidates(spec, layout, r.theta, r.origin);
      else for (const r of refs) yield* onnxSymmetryCandidates(problem, r.theta, r.origin);
    },
    starts: refs.map((r) => r.theta)
  });

  const move = main.violation ? symmetryOfCandidate(main.violation.candidate) : undefined;
  const line = main.violation && move ? await symmetryLine(oracle, main.violation.candidate.thetaA, main.violation.candidate.thetaB) : undefined;
  const certificate = main.violation ? cert(main.violation, explainViolation(main.violation, undefined, line)) : undefined;
  let explanation: string;
  if (main.verdict === "convex") {
    explanation = `The loss is convex in all ${layout.size} parameters: ${main.proof!.summary}.`;
  } else if (certificate) {
    explanation = certificate.explanation!;
  } else if (main.search?.unverified) {
    const u = main.search.unverified;
    explanation =
      `Unknown within the time budget: ${u.strategy} found a candidate pair with a float gap of ${num(u.gap)} above the chord, ` +
      `but its rigorous check (the loss recomputed on all ${dataset.n} samples in ${isExactlyEvaluable(graph, ["loss"]) ? "exact rationals" : "interval arithmetic"}) ` +
      `${u.secondsSpent > 0 ? `was stopped after ${u.secondsSpent.toFixed(1)} s at the end of the budget` : "would not have finished before the end of the budget"}; ` +
      `a larger time budget lets it finish and gives the certificate.`;
  } else {
    const tried = (main.search?.reports ?? []).map((r) => `${r.strategy} (${r.candidates} candidates, best float gap ${r.bestGap === -Infinity ? "none" : num(r.bestGap)})`);
    explanation =
      `Unknown: DCP could not prove convexity (${main.dcpBroken[0] ?? "no rule applies"}), and no violation of convexity was found ` +
      `${main.search?.timedOut ? "within the budget" : "by the search"}: tried ${tried.join("; ")}.`;
  }

  // Blocks, each with the others fixed at a reference point.
  const blocks: BlockResult[] = [];
  if (opts.blocks !== false) {
    const theta0 = main.violation ? Float64Array.from(main.violation.candidate.thetaA) : refs[0]!.theta;
    const specs = blockSpecs(layout);
    for (const [k, b] of specs.entries()) {
      if (Date.now() >= deadline) {
        blocks.push({ params: b.params, offset: b.offset, size: b.size, verdict: "unknown", reason: "not analysed: the time budget ran out first" });
        continue;
      }
      const left = Math.max(0.05, (deadline - Date.now()) / 1000 / (specs.length - k));
      const r = await analyzeBlockConvexity({
        graph, input: "theta", output: "loss", executor, seed: seed + 1 + k, budgetSeconds: left,
        range: { offset: b.offset, size: b.size }, theta0
      });
      const res: BlockResult = { params: b.params, offset: b.offset, size: b.size, verdict: r.verdict };
      if (r.proof) res.proof = { method: "DCP", curvature: r.proof.curvature, summary: `${r.proof.summary} (for every value of the other parameters)` };
      if (r.violation) res.certificate = cert(r.violation, explainViolation(r.violation, b.params), b);
      if (r.verdict === "unknown") {
        res.reason = r.search?.unverified
          ? `DCP: ${r.dcpBroken[0] ?? "no rule applies"}; a candidate's rigorous check did not fit in the time budget`
          : `DCP: ${r.dcpBroken[0] ?? "no rule applies"}; no violation found by ${r.search?.strategy ?? "the search"}`;
      }
      blocks.push(res);
    }
  }

  const evaluations = oracle.evaluations + (main.search?.evaluations ?? 0);
  const profile =
    main.violation && (opts.profileSamples ?? 0) > 1
      ? await segmentProfile(
          oracle, main.violation.candidate.thetaA, main.violation.candidate.thetaB, main.violation.candidate.t,
          await profileSamplesWithin(oracle, main.violation.candidate.thetaA, opts.profileSamples!, deadline)
        )
      : undefined;

  return {
    verdict: main.verdict,
    ...(certificate ? { certificate } : {}),
    ...(move && line ? { symmetry: { ...move, line } } : {}),
    ...(main.proof ? { proof: main.proof } : {}),
    blocks,
    explanation,
    search: {
      strategy: main.verdict === "convex" ? "DCP proof (no search needed)" : (main.search?.strategy ?? "none"),
      evaluations,
      seconds: (Date.now() - start) / 1000,
      timedOut: main.search?.timedOut ?? false,
      tried: main.search?.reports ?? []
    },
    specHash: hash,
    parameters: layout.size,
    ...(profile ? { profile } : {})
  };
}

/**
 * The search only needs float64 loss values (certificates are re-checked exactly or with intervals),
 * so large problems run it on ONNX Runtime; tiny ones stay on the reference interpreter, where
 * creating a session would cost more than the evaluations.
 */
export function searchExecutor(choice: "auto" | "onnx" | "reference", samples: number, params: number): Executor {
  const big = samples * params > 200_000;
  return choice === "onnx" || (choice === "auto" && big) ? createOnnxExecutor({ dtype: "float64" }) : createReferenceExecutor();
}
