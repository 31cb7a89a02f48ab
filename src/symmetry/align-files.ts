/**
 * `align` end to end on files: read B (a θ file or an .onnx model of A's architecture), align it to A,
 * and write the result in B's own format (.onnx in, .onnx out with buffers permuted too; .npy and .json
 * likewise), atomically and only after the function check passed. The report is plain data that both
 * the text and the JSON output render.
 */
import { extname, resolve } from "node:path";
import type { Executor } from "../exec/executor.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { float64Array, writeNpy } from "../io/npy.js";
import { readFileBytes } from "../io/read-file.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { loadProblemParams } from "../model/problem/resolve.js";
import { paramsJson } from "../model/train/params-file.js";
import { importOnnxModel } from "../onnx/import-model.js";
import { writeOnnxWithInitializers } from "../onnx/write-model.js";
import { field, UserError } from "../util/errors.js";
import { alignParams, ALIGN_METHODS, type AlignMethod, type AlignResult, type UnitPermutation } from "./align.js";

export interface AlignFilesOptions {
  /** B: a .npy/.json θ file or an .onnx model. */
  b: string;
  out: string;
  method: AlignMethod;
  seed: number;
  executor?: Executor;
  cwd?: string;
}

export interface AlignReport {
  method: AlignMethod;
  seed: number;
  a: string;
  b: string;
  out: string;
  format: "onnx" | "npy" | "json";
  groups: (UnitPermutation & { moved: number })[];
  unpermuted: { group: string; reason: string }[];
  distanceBefore: number;
  distanceAfter: number;
  maxOutputDiff: number;
  iterations?: number;
  distanceHistory?: number[];
}

const FORMATS = { ".onnx": "onnx", ".npy": "npy", ".json": "json" } as const;

function formatOf(path: string, what: string): "onnx" | "npy" | "json" {
  const ext = extname(path).toLowerCase();
  const f = (FORMATS as Record<string, "onnx" | "npy" | "json" | undefined>)[ext];
  if (!f) throw new UserError(`${field(what)}: ${path} must be a .onnx, .npy or .json file`);
  return f;
}

/** B's buffers from its .onnx file, checked against the model's. */
function onnxBuffers(problem: LossProblem, path: string, bytes: Uint8Array): Record<string, Float64Array> {
  const m = importOnnxModel(bytes, { path, dir: resolve(path, "..") });
  const out: Record<string, Float64Array> = {};
  for (const info of problem.layout.buffers ?? []) {
    const init = m.initializers.find((i) => i.name === info.name && i.role === "buffer");
    if (!init || init.shape.join(",") !== info.shape.join(",")) {
      throw new UserError(`${field("b")}: ${path} is not the same architecture as the model: it has no buffer ${info.name} [${info.shape.join(", ")}]`);
    }
    out[info.name] = init.data;
  }
  return out;
}

function sameValues(a: Readonly<Record<string, Float64Array>>, b: Readonly<Record<string, Float64Array>>): boolean {
  return Object.entries(a).every(([k, v]) => {
    const w = b[k];
    return w !== undefined && w.length === v.length && v.every((x, i) => Object.is(x, w[i]));
  });
}

/** Align B to A and write it to `out`; nothing is written unless the result computes B's function. */
export async function alignFiles(problem: LossProblem, thetaA: Float64Array, o: AlignFilesOptions): Promise<AlignReport> {
  if (!ALIGN_METHODS.includes(o.method)) throw new UserError(`${field("method")} must be one of ${ALIGN_METHODS.join(", ")}, got "${String(o.method)}"`);
  const cwd = o.cwd ?? process.cwd();
  const bPath = resolve(cwd, o.b.trim());
  const outPath = resolve(cwd, o.out.trim());
  const format = formatOf(bPath, "b");
  if (formatOf(outPath, "out") !== format) {
    throw new UserError(`${field("out")}: ${o.out} must have B's format (.${format}), since the result is written as B was given`);
  }
  if (outPath === bPath) throw new UserError(`${field("out")}: ${o.out} is B itself; write the aligned model to another file`);
  if (format === "onnx" && !problem.structure.onnx) {
    throw new UserError(`${field("b")}: ${o.b} is an ONNX model, but A's spec is not: give B as a .npy or .json parameter file`);
  }
  const thetaB = loadProblemParams(bPath, problem.layout, field("b"), cwd);
  const bBytes = format === "onnx" ? readFileBytes(bPath) : null;
  const buffersB = bBytes ? onnxBuffers(problem, bPath, bBytes) : undefined;
  const r: AlignResult = await alignParams(problem, thetaA, thetaB, { method: o.method, seed: o.seed, ...(o.executor ? { executor: o.executor } : {}), ...(buffersB ? { buffersB } : {}) });

  let bytes: Uint8Array | string;
  if (bBytes) {
    const values = new Map(problem.layout.blocks.map((b) => [b.name, r.theta.subarray(b.offset, b.offset + b.size)]));
    for (const [k, v] of Object.entries(r.buffers ?? {})) values.set(k, v);
    bytes = writeOnnxWithInitializers(bBytes, { dir: resolve(bPath, "..") }, values);
  } else {
    // A θ file cannot carry buffers: refuse if the permutation moved any (BatchNorm statistics).
    const own = problem.structure.onnx?.buffers ?? {};
    if (r.buffers && !sameValues(r.buffers, own)) {
      throw new UserError(
        `${field("b")}: the permutation also reorders the model's BatchNormalization statistics, which a ${format} θ file cannot hold; give B as an .onnx model`
      );
    }
    if (format === "npy") bytes = writeNpy(float64Array([r.theta.length], r.theta));
    else {
      const raw = JSON.parse(new TextDecoder().decode(readFileBytes(bPath))) as unknown;
      bytes = `${JSON.stringify(Array.isArray(raw) ? Array.from(r.theta) : paramsJson(problem.layout, r.theta))}\n`;
    }
  }
  writeFileAtomic(outPath, bytes);
  return {
    method: r.method,
    seed: o.seed,
    a: problem.source,
    b: o.b,
    out: o.out,
    format,
    groups: r.permutations,
    unpermuted: r.unpermuted,
    distanceBefore: r.distanceBefore,
    distanceAfter: r.distanceAfter,
    maxOutputDiff: r.maxOutputDiff,
    ...(r.iterations !== undefined ? { iterations: r.iterations, distanceHistory: r.distanceHistory! } : {})
  };
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/** The text report: the same fields as the JSON. */
export function renderAlignText(r: AlignReport): string {
  const lines = [`aligned ${r.b} to ${r.a} by ${r.method} matching${r.method === "weight" ? ` (seed ${r.seed}, ${r.iterations} sweep${r.iterations === 1 ? "" : "s"})` : ""}; wrote ${r.out}`];
  if (r.groups.length === 0) lines.push("no permutable unit groups");
  for (const g of r.groups) lines.push(`  ${g.group}: ${g.size} units, ${g.moved} moved  (${g.blocks.join(", ")})`);
  for (const u of r.unpermuted) lines.push(`  ${u.group}: left unpermuted: ${u.reason}`);
  lines.push(`‖A − B‖ = ${num(r.distanceBefore)}  ->  ‖A − P(B)‖ = ${num(r.distanceAfter)}`);
  lines.push(`max |f_B(x) − f_P(B)(x)| on the data = ${num(r.maxOutputDiff)} (float64; the same function)`);
  return `${lines.join("\n")}\n`;
}
