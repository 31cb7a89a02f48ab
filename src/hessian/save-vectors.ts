/**
 * Eigenvectors on disk as float64 .npy vectors of length P, so each one can be a landscape
 * direction (`losscape landscape … --dir1 DIR/top1.npy`). Block eigenvectors are placed into θ's
 * coordinates with zeros outside their block. manifest.json says which file is which eigenvalue.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { float64Array, saveNpy } from "../io/npy.js";
import { field, UserError } from "../util/errors.js";
import type { HessianReport, SpectrumAnalysis } from "./analyze.js";
import { column } from "./dense.js";

export interface SavedVector {
  file: string;
  /** "all" or the block name. */
  block: string;
  source: "lanczos" | "exact";
  end: "top" | "bottom";
  /** 1 = the largest (top) or most negative (bottom). */
  rank: number;
  value: number;
  residual?: number;
}

export interface SavedVectors {
  dir: string;
  files: string[];
  vectors: SavedVector[];
}

function embed(v: Float64Array, offset: number, size: number): Float64Array {
  if (offset === 0 && v.length === size) return v;
  const full = new Float64Array(size);
  full.set(v, offset);
  return full;
}

/**
 * Lanczos pairs become top<i>.npy / bottom<i>.npy; without Lanczos, the exact extremes become
 * top1.npy / bottom1.npy, and the full exact basis goes to eigenvalues.npy (ascending) and
 * eigenvectors.npy ([n, n], row k the eigenvector of eigenvalues[k]).
 */
export function saveHessianVectors(report: HessianReport, dir: string, paramCount: number): SavedVectors {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create the folder ${dir} for the eigenvectors (${e instanceof Error ? e.message : String(e)})`);
  }
  const files: string[] = [];
  const vectors: SavedVector[] = [];
  const put = (s: SpectrumAnalysis, info: Omit<SavedVector, "file" | "block">, v: Float64Array): void => {
    const prefix = s.name === "all" ? "" : `${s.name}.`;
    const file = `${prefix}${info.end}${info.rank}.npy`;
    saveNpy(join(dir, file), float64Array([paramCount], embed(v, s.offset, paramCount)));
    files.push(file);
    vectors.push({ file, block: s.name, ...info });
  };
  const saveOne = (s: SpectrumAnalysis): void => {
    if (s.top || s.bottom) {
      (s.top ?? []).forEach((p, i) => put(s, { source: "lanczos", end: "top", rank: i + 1, value: p.value, residual: p.residual }, p.vector));
      (s.bottom ?? []).forEach((p, i) => put(s, { source: "lanczos", end: "bottom", rank: i + 1, value: p.value, residual: p.residual }, p.vector));
    } else if (s.eigenvalues && s.eigenvectors) {
      const n = s.n;
      put(s, { source: "exact", end: "top", rank: 1, value: s.eigenvalues[n - 1]! }, column(s.eigenvectors, n, n - 1));
      put(s, { source: "exact", end: "bottom", rank: 1, value: s.eigenvalues[0]! }, column(s.eigenvectors, n, 0));
    }
  };
  saveOne(report);
  for (const b of report.blocks ?? []) saveOne(b);
  if (report.eigenvalues && report.eigenvectors) {
    const n = report.n;
    saveNpy(join(dir, "eigenvalues.npy"), float64Array([n], report.eigenvalues));
    // Row-major transpose: row k is eigenvector k, what numpy users index as V[k].
    const rows = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rows[j * n + i] = report.eigenvectors[i * n + j]!;
    saveNpy(join(dir, "eigenvectors.npy"), float64Array([n, n], rows));
    files.push("eigenvalues.npy", "eigenvectors.npy");
  }
  if (files.length === 0) {
    throw new UserError(`no eigenvectors to save: ask for ${field("top")} K, ${field("bottom")} K or ${field("exact")}`);
  }
  const manifest = { format: "losscape-hessian-vectors", version: 1, parameters: paramCount, seed: report.seed, vectors };
  writeFileAtomic(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  files.push("manifest.json");
  return { dir, files, vectors };
}
