/**
 * Resumable results: the grid's points (row-major, x fastest) are cut into fixed chunks, and each
 * finished chunk is written atomically to DIR/chunks/chunk-NNNNNN.npy ([metrics, points], float64).
 * A rerun with the same inputs skips every chunk on disk, so killing a job loses at most the chunk in
 * flight. DIR/chunks/run.json records a hash of every input that affects the numbers; a rerun with
 * different inputs is refused (or, with force, the old chunks are deleted first).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { float64Array, readNpy, saveNpy } from "../io/npy.js";
import { field, UserError } from "../util/errors.js";
import { changedInputs } from "../util/run-identity.js";

export interface RunIdentity {
  /** sha256 of `inputs`, canonical JSON. */
  key: string;
  /** What went into the key, readable, so a refusal can say what changed. */
  inputs: Record<string, unknown>;
}

export interface ChunkLayout {
  totalPoints: number;
  chunkSize: number;
  metrics: readonly string[];
}

export const CHUNKS_DIR = "chunks";
const RUN_FILE = "run.json";

export function chunkCount(l: ChunkLayout): number {
  return Math.ceil(l.totalPoints / l.chunkSize);
}

export function chunkRange(l: ChunkLayout, c: number): { start: number; count: number } {
  const start = c * l.chunkSize;
  return { start, count: Math.min(l.chunkSize, l.totalPoints - start) };
}

function chunkName(c: number): string {
  return `chunk-${String(c).padStart(6, "0")}.npy`;
}

export interface OpenOptions {
  force: boolean;
  /** Output files of a finished run in DIR (deleted with force, as they belong to the old inputs). */
  outputs: readonly string[];
}

export class ChunkStore {
  private constructor(
    readonly dir: string,
    readonly layout: ChunkLayout
  ) {}

  /**
   * Open DIR for a run with `id`: create it, resume a matching run, or refuse a different one.
   * Throws a UserError (and writes nothing) when refusing.
   */
  static open(outDir: string, id: RunIdentity, layout: ChunkLayout, o: OpenOptions): ChunkStore {
    const dir = join(outDir, CHUNKS_DIR);
    const runPath = join(dir, RUN_FILE);
    if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UserError(`${field("outDir")} ${outDir} exists and is not a folder`);
    if (existsSync(runPath)) {
      let old: RunIdentity | null = null;
      try {
        old = JSON.parse(readFileSync(runPath, "utf8")) as RunIdentity;
      } catch {
        old = null;
      }
      if (!old || old.key !== id.key) {
        if (!o.force) {
          const what = old ? changedInputs(old.inputs ?? {}, id.inputs).join(", ") : "unreadable run.json";
          throw new UserError(
            `${outDir} holds a landscape computed from different inputs (${what || "unknown"}); ` +
              `rerun with ${field("force")} to discard it, or choose another ${field("outDir")}`
          );
        }
        rmSync(dir, { recursive: true, force: true });
        for (const f of o.outputs) rmSync(join(outDir, f), { force: true });
      }
    } else if (existsSync(outDir) && readdirSync(outDir).length > 0 && !o.force) {
      throw new UserError(`${field("outDir")} ${outDir} is a non-empty folder that holds no losscape landscape; choose an empty or new folder, or pass ${field("force")}`);
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UserError(`cannot create output folder ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!existsSync(runPath)) writeFileAtomic(runPath, `${JSON.stringify(id, null, 2)}\n`);
    // A killed run can leave the temp file of the chunk it was writing; it is never read, so drop it.
    for (const f of readdirSync(dir)) if (f.includes(".tmp-")) rmSync(join(dir, f), { force: true });
    return new ChunkStore(dir, layout);
  }

  /** The chunk's values if it is on disk and well-formed; a malformed file counts as missing. */
  read(c: number): Float64Array[] | null {
    const path = join(this.dir, chunkName(c));
    if (!existsSync(path)) return null;
    const { count } = chunkRange(this.layout, c);
    try {
      const a = readNpy(new Uint8Array(readFileSync(path)), path);
      if (a.dtype !== "float64" || a.shape.length !== 2 || a.shape[0] !== this.layout.metrics.length || a.shape[1] !== count) return null;
      return this.layout.metrics.map((_, k) => a.data.slice(k * count, (k + 1) * count) as Float64Array);
    } catch {
      return null;
    }
  }

  write(c: number, values: readonly Float64Array[]): void {
    const { count } = chunkRange(this.layout, c);
    const data = new Float64Array(values.length * count);
    values.forEach((v, k) => {
      if (v.length !== count) throw new Error(`chunk ${c}: metric ${k} has ${v.length} values, expected ${count}`);
      data.set(v, k * count);
    });
    saveNpy(join(this.dir, chunkName(c)), float64Array([values.length, count], data));
  }
}
