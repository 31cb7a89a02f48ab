/**
 * The straight line from A to B beside the line from A to B's units permuted to match A's. Both end at
 * networks computing B's function, so any difference between the two profiles is the permutation
 * symmetry alone: a barrier that vanishes after alignment was the cost of comparing unit i of A with an
 * unrelated unit i of B, not a ridge between two different solutions.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../exec/executor.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { float64Array, saveNpy } from "../io/npy.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { UserError } from "../util/errors.js";
import { saveParams } from "../model/train/params-file.js";
import { selectPart, splitData, type SplitName, type SplitOptions } from "../model/train/split-data.js";
import { alignParams, symmetryOf, type AlignMethod, type AlignResult } from "./align.js";
import { lineProfile, type LineProfile } from "./barrier.js";

export interface AlignedLines {
  straight: LineProfile;
  aligned: LineProfile;
  alignment: AlignResult;
}

export async function alignedLines(
  problem: LossProblem, a: Float64Array, b: Float64Array, ts: Float64Array, ex: Executor,
  o: { method: AlignMethod; seed: number }
): Promise<AlignedLines> {
  checkAlignable(problem);
  const alignment = await alignParams(problem, a, b, { method: o.method, seed: o.seed, executor: ex });
  const straight = await lineProfile(problem, a, b, ts, ex, { dtype: "float64" });
  const aligned = await lineProfile(problem, a, alignment.theta, ts, ex, { dtype: "float64" });
  return { straight, aligned, alignment };
}

/** The JSON form of both lines' barriers and the alignment (what the report and the manifest hold). */
export function alignedLinesJson(r: AlignedLines): Record<string, unknown> {
  return {
    barriers: { straight: { ...r.straight.barrier }, aligned: { ...r.aligned.barrier } },
    alignment: {
      method: r.alignment.method,
      permutations: r.alignment.permutations.map((p) => ({ group: p.group, size: p.size, moved: p.moved, perm: p.perm })),
      unpermuted: r.alignment.unpermuted,
      maxOutputDiff: r.alignment.maxOutputDiff,
      distanceBefore: r.alignment.distanceBefore,
      distanceAfter: r.alignment.distanceAfter,
      ...(r.alignment.iterations !== undefined ? { iterations: r.alignment.iterations } : {})
    }
  };
}

export const ALIGNED_LINE_FILES = {
  theta: "theta-aligned.npy",
  thetaJson: "theta-aligned.json",
  loss: "aligned-loss.npy",
  barriers: "barriers.json"
} as const;

/**
 * Throws the user's error (an unsupported model) before a landscape folder is written. A model with
 * buffers (BatchNormalization running statistics) is refused: the loss problem holds them fixed at the
 * spec model's values, so the line to B's permuted θ would pair it with unpermuted statistics and end
 * at a different function than B's — the two barriers would not compare like with like.
 */
export function checkAlignable(problem: LossProblem): void {
  symmetryOf(problem);
  const buffers = Object.keys(problem.structure.onnx?.buffers ?? {});
  if (buffers.length > 0) {
    throw new UserError(
      `${problem.source}: aligning along a line needs a model without buffers; the loss holds ${buffers.slice(0, 3).join(", ")}${buffers.length > 3 ? ", …" : ""} ` +
        `fixed along the line, so B's permuted channels would meet unpermuted statistics and the aligned line would not end at B's function ` +
        `(losscape align still aligns the model itself, statistics included)`
    );
  }
}

export interface AlignedLineRequest {
  /** The problem over the whole data set; the landscape's split is taken here, as runLandscape does. */
  problem: LossProblem;
  split: SplitName;
  splitOptions: SplitOptions;
  a: Float64Array;
  b: Float64Array;
  /** The landscape's t grid. */
  xs: Float64Array;
  method: AlignMethod;
  seed: number;
  /** A landscape folder (holding its manifest.json, which gains an "align" entry). */
  outDir: string;
}

/**
 * `landscape --to B --align` after the landscape itself: align B to A on the landscape's data, evaluate
 * both lines on its grid (float64), write B aligned (θ format), the aligned line's loss, barriers.json,
 * and the same numbers into manifest.json.
 */
export async function runAlignedLine(req: AlignedLineRequest, ex: Executor): Promise<AlignedLines & { files: string[]; json: Record<string, unknown> }> {
  const data = selectPart(splitData(req.problem.data, req.splitOptions), req.split);
  const problem = data === req.problem.data ? req.problem : req.problem.withData(data);
  const r = await alignedLines(problem, req.a, req.b, req.xs, ex, { method: req.method, seed: req.seed });
  const F = ALIGNED_LINE_FILES;
  saveParams(join(req.outDir, F.theta), join(req.outDir, F.thetaJson), problem.layout, r.alignment.theta);
  saveNpy(join(req.outDir, F.loss), float64Array([req.xs.length], r.aligned.loss));
  const summary = { ...alignedLinesJson(r), evaluation: { dtype: "float64", t: "x.npy (the landscape's grid); barriers over its points with t in [0, 1]" } };
  const json = { ...summary, straightLoss: Array.from(r.straight.loss), alignedLoss: Array.from(r.aligned.loss) };
  writeFileAtomic(join(req.outDir, F.barriers), `${JSON.stringify(json, null, 2)}\n`);
  const manifestPath = join(req.outDir, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
  manifest["align"] = { ...summary, files: { ...F } };
  writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { ...r, files: Object.values(F), json };
}
