/**
 * `losscape connect` as one library call: train a curve between A and B (resumably: a checkpoint after
 * every epoch), then evaluate the curve and the straight line on a fine t grid and write the bends (in
 * the θ format `--params` reads, plus the model's own format for an ONNX model), the profiles as JSON and
 * CSV, and manifest.json. Everything is validated before the folder is touched, so bad input writes
 * nothing; a run into a folder holding a different run's checkpoint is refused.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Executor } from "../exec/executor.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { saveParams } from "../model/train/params-file.js";
import { runtimeVersions } from "../model/train/versions.js";
import { field, UserError } from "../util/errors.js";
import { changedInputs, identityKey, sha256OfFloats } from "../util/run-identity.js";
import { lineProfile, unitGrid, type LineProfile } from "./barrier.js";
import { curveProfile, trainCurve, validateCurveOptions, type CurveCheckpoint, type CurveProfile, type CurveStep, type CurveTrainOptions } from "./curve.js";

export interface NamedParams {
  values: Float64Array;
  source: string;
}

export interface ConnectRequest {
  problem: LossProblem;
  a: NamedParams;
  b: NamedParams;
  train: CurveTrainOptions;
  /** t grid of the evaluation (default 61 points). */
  points?: number;
  outDir: string;
  /** Continue from the folder's checkpoint (refused when it is another run's). */
  resume: boolean;
}

export interface ConnectResult {
  outDir: string;
  line: LineProfile;
  curve: CurveProfile;
  /** Epochs trained by this call (0 when the checkpoint already had them all). */
  epochsThisRun: number;
  resumedFrom: number | null;
  /** Mean over each epoch's steps of the loss at the sampled φ(t). */
  history: number[];
  stepsPerEpoch: number;
  files: string[];
  seconds: number;
  manifest: Record<string, unknown>;
}

export const CONNECT_FILES = {
  checkpoint: "checkpoint.json",
  profiles: "profiles.json",
  csv: "profiles.csv",
  manifest: "manifest.json"
} as const;
export const CONNECT_PLOT = "profiles";
export const DEFAULT_POINTS = 61;
const CHECKPOINT_SECONDS = 2;

interface CheckpointFile {
  format: "losscape-connect-checkpoint";
  identity: string;
  inputs: Record<string, unknown>;
  epoch: number;
  bends: number[];
  optimizer: { steps: number; buffers: number[][] };
  history: number[];
}

/** The file names of bend i (1-based) in θ formats, and in the model's own format when it has one. */
export function bendFiles(i: number, ext?: string): { npy: string; json: string; model?: string } {
  return { npy: `bend-${i}.npy`, json: `bend-${i}.json`, ...(ext ? { model: `bend-${i}${ext}` } : {}) };
}

function readCheckpoint(path: string): CheckpointFile | null {
  try {
    const c = JSON.parse(readFileSync(path, "utf8")) as CheckpointFile;
    return c.format === "losscape-connect-checkpoint" ? c : null;
  } catch {
    return null;
  }
}

export async function runConnect(
  req: ConnectRequest, ex: Executor,
  hooks: { onStep?: (s: CurveStep) => void; onEvaluate?: () => void } = {}
): Promise<ConnectResult> {
  const t0 = performance.now();
  const { problem, train } = req;
  validateCurveOptions(train);
  const P = problem.layout.size;
  for (const [v, name] of [[req.a, "params"], [req.b, "b"]] as const) {
    if (v.values.length !== P) throw new UserError(`${field(name)} ${v.source} has ${v.values.length} values, but the model has ${P} parameters`);
  }
  const ts = unitGrid(req.points ?? DEFAULT_POINTS);
  if (req.outDir.trim() === "") throw new UserError(`${field("outDir")}: needs a folder name`);
  const outDir = resolve(req.outDir);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UserError(`${field("outDir")} ${outDir} exists and is not a folder`);

  const inputs: Record<string, unknown> = {
    spec: problem.description.spec,
    data: problem.description.data,
    a: sha256OfFloats(req.a.values),
    b: sha256OfFloats(req.b.values),
    curve: train.shape,
    optimizer: train.optimizer,
    batchSize: train.batchSize,
    seed: train.seed,
    dtype: train.dtype
  };
  const identity = identityKey(inputs);
  const ckPath = join(outDir, CONNECT_FILES.checkpoint);
  let start: CurveCheckpoint | null = null;
  if (existsSync(ckPath)) {
    const old = readCheckpoint(ckPath);
    if (!old) throw new UserError(`${ckPath} is not a readable connect checkpoint; choose another ${field("outDir")}`);
    if (old.identity !== identity) {
      throw new UserError(`${outDir} holds a connect run from different inputs (${changedInputs(old.inputs, inputs).join(", ") || "unknown"}); choose another ${field("outDir")}`);
    }
    if (!req.resume) throw new UserError(`${outDir} holds a connect run (${old.epoch} epoch(s) trained); pass ${field("resume")} to continue it, or choose another ${field("outDir")}`);
    if (old.epoch > train.epochs) throw new UserError(`${field("epochs")} ${train.epochs}: the checkpoint in ${outDir} already has ${old.epoch} epochs; ask for at least that many`);
    start = {
      epoch: old.epoch,
      bends: Float64Array.from(old.bends),
      optimizer: { steps: old.optimizer.steps, buffers: old.optimizer.buffers.map((b) => Float64Array.from(b)) },
      history: old.history
    };
  }
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create output folder ${outDir}: ${e instanceof Error ? e.message : String(e)}`);
  }

  const writeCheckpoint = (c: CurveCheckpoint): void => {
    const file: CheckpointFile = {
      format: "losscape-connect-checkpoint", identity, inputs, epoch: c.epoch,
      // JSON numbers round-trip float64 exactly, so a resumed run continues bit for bit
      bends: Array.from(c.bends), optimizer: { steps: c.optimizer.steps, buffers: c.optimizer.buffers.map((b) => Array.from(b)) }, history: c.history
    };
    writeFileAtomic(ckPath, JSON.stringify(file));
  };
  const a = req.a.values, b = req.b.values;
  // Each checkpoint is fsynced; on a tiny model that costs more than the epoch, so between the first
  // and the last epoch they are written at most every CHECKPOINT_SECONDS (a resumed run redoes the rest
  // from the same seeds and gives the same bytes).
  let lastWrite = -Infinity;
  const onEpoch = (c: CurveCheckpoint): void => {
    const now = performance.now();
    if (c.epoch === train.epochs || now - lastWrite >= CHECKPOINT_SECONDS * 1000) {
      writeCheckpoint(c);
      lastWrite = now;
    }
  };
  const done = await trainCurve(problem, a, b, train, ex, start, { ...(hooks.onStep ? { onStep: hooks.onStep } : {}), onEpoch });
  hooks.onEvaluate?.();
  const line = await lineProfile(problem, a, b, ts, ex, { dtype: "float64" });
  const curve = await curveProfile(problem, train.shape, a, done.bends, b, ts, ex, { dtype: "float64" });

  const files: Record<string, string> = {};
  const k = train.shape.bends;
  for (let i = 1; i <= k; i++) {
    const f = bendFiles(i, problem.writeModel?.extension);
    const bend = done.bends.subarray((i - 1) * P, i * P);
    saveParams(join(outDir, f.npy), join(outDir, f.json), problem.layout, Float64Array.from(bend));
    files[`bend${i}`] = f.npy;
    files[`bend${i}Json`] = f.json;
    if (f.model && problem.writeModel) {
      writeFileAtomic(join(outDir, f.model), problem.writeModel.write(Float64Array.from(bend)));
      files[`bend${i}Model`] = f.model;
    }
  }
  const barrierJson = (p: LineProfile | CurveProfile): Record<string, number> => ({ ...p.barrier });
  const profiles = {
    t: Array.from(ts),
    line: { label: "straight line (1−t)·A + t·B", loss: Array.from(line.loss), barrier: barrierJson(line) },
    curve: { label: `${train.shape.kind} curve, ${k} bend(s)`, loss: Array.from(curve.loss), barrier: barrierJson(curve) }
  };
  writeFileAtomic(join(outDir, CONNECT_FILES.profiles), `${JSON.stringify(profiles, null, 2)}\n`);
  files["profiles"] = CONNECT_FILES.profiles;
  const csv = ["t,line_loss,curve_loss", ...Array.from(ts, (t, i) => `${t},${line.loss[i]},${curve.loss[i]}`)].join("\n");
  writeFileAtomic(join(outDir, CONNECT_FILES.csv), `${csv}\n`);
  files["csv"] = CONNECT_FILES.csv;
  files["checkpoint"] = CONNECT_FILES.checkpoint;
  const seconds = (performance.now() - t0) / 1000;
  const n = problem.data.n;
  const batch = train.batchSize === 0 || train.batchSize >= n ? n : train.batchSize;
  const manifest: Record<string, unknown> = {
    tool: "losscape connect",
    identity,
    spec: problem.description.spec,
    specSource: problem.source,
    data: problem.description.data,
    a: { source: req.a.source, sha256: inputs["a"] },
    b: { source: req.b.source, sha256: inputs["b"] },
    curve: {
      ...train.shape,
      definition: train.shape.kind === "bezier"
        ? `Bezier curve of degree ${k + 1} through A, the bend(s) and B (Bernstein weights)`
        : `polychain A → bend(s) → B, ${k + 1} equal segments in t`
    },
    training: {
      objective: "mean over steps of L(φ(t)), t ~ U[0, 1] drawn once per step (seeded), gradient w_i(t)·∇L(φ(t)) for bend i",
      optimizer: train.optimizer, batchSize: train.batchSize, epochs: train.epochs, seed: train.seed, dtype: train.dtype,
      stepsPerEpoch: Math.ceil(n / batch),
      resumedFrom: start ? start.epoch : null,
      meanLossPerEpoch: done.history
    },
    evaluation: { points: ts.length, dtype: "float64", executor: ex.name },
    barriers: { line: line.barrier, curve: curve.barrier },
    files,
    versions: runtimeVersions(),
    timing: { seconds: +seconds.toFixed(3) }
  };
  writeFileAtomic(join(outDir, CONNECT_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outDir, line, curve, epochsThisRun: train.epochs - (start?.epoch ?? 0), resumedFrom: start?.epoch ?? null, history: done.history, stepsPerEpoch: Math.ceil(n / batch),
    files: [...Object.values(files), CONNECT_FILES.manifest], seconds, manifest
  };
}
