import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOnnxExecutor } from "../exec/onnx/executor.js";
import { float64Array, loadNpy, saveNpy } from "../io/npy.js";
import { SEED_RELU } from "../model/examples.js";
import { resolveData } from "../model/data.js";
import { mlpLayout } from "../model/layout.js";
import { mlpProblem } from "../model/problem/from-mlp.js";
import { loadProblemParams, resolveProblem } from "../model/problem/resolve.js";
import { parseModelSpec } from "../model/spec.js";
import { loadParamMatrix } from "../model/train/params-file.js";
import { loadModelSource } from "../model/train/spec-source.js";
import { UserError } from "../util/errors.js";
import { createPlainEvaluator } from "./evaluate/plain.js";
import { runLandscape, type DirectionChoice, type LandscapeRequest } from "./run-landscape.js";

const ex = createOnnxExecutor({ threads: 1 });
const root = mkdtempSync(join(tmpdir(), "losscape-landscape-"));
afterAll(async () => {
  await ex.dispose();
  rmSync(root, { recursive: true, force: true });
});

const theta1 = SEED_RELU.params!["theta1"]!;
const theta2 = SEED_RELU.params!["theta2"]!;
saveNpy(join(root, "t1.npy"), float64Array([7], [...theta1]));
saveNpy(join(root, "t2.npy"), float64Array([7], [...theta2]));
saveNpy(join(root, "short.npy"), float64Array([6], [1, 2, 3, 4, 5, 6]));
const moonsSpec = { model: { type: "mlp", layers: [2, 5, 2] }, loss: "cross_entropy", data: { name: "moons", n: 30 } };
writeFileSync(join(root, "moons.json"), JSON.stringify(moonsSpec));
const moonsLayout = mlpLayout(parseModelSpec(moonsSpec));
saveNpy(join(root, "m.npy"), float64Array([moonsLayout.size], Array.from({ length: moonsLayout.size }, (_, k) => Math.sin(k + 1))));

/** What the CLI names by files, resolved as the CLI resolves them (spec, θ and direction files relative to root). */
type FileDirections =
  | Extract<DirectionChoice, { kind: "random" }>
  | { kind: "line"; to: string }
  | { kind: "pca"; trajectory: string }
  | { kind: "files"; dir1: string; dir2?: string };
interface FileRequest extends Omit<Partial<LandscapeRequest>, "directions" | "problem" | "theta"> {
  spec?: string;
  params?: string;
  directions?: FileDirections;
}

const base = (over: FileRequest): LandscapeRequest => {
  const { spec = "seed-relu", params = "t1.npy", directions = { kind: "line", to: "t2.npy" }, ...rest } = over;
  const problem = resolveProblem(loadModelSource(spec, root));
  const vec = (f: string, what: string): { values: Float64Array; source: string } => ({ values: loadProblemParams(f, problem.layout, what, root), source: f });
  const dirs: DirectionChoice =
    directions.kind === "line" ? { kind: "line", to: vec(directions.to, "--to") }
      : directions.kind === "pca" ? { kind: "pca", trajectory: { ...loadParamMatrix(join(root, directions.trajectory), problem.layout.size, "--trajectory"), source: directions.trajectory } }
        : directions.kind === "files" ? { kind: "files", dir1: vec(directions.dir1, "--dir1"), ...(directions.dir2 ? { dir2: vec(directions.dir2, "--dir2") } : {}) }
          : directions;
  return {
    problem, theta: vec(params, "--params"), directions: dirs,
    split: "train", splitOptions: { testFraction: 0, method: "random", seed: 0 }, dtype: "float64", force: false,
    ...rest, outDir: join(root, rest.outDir ?? "out")
  };
};
/** Resolving the files and running: a user error in either is what the CLI reports. */
const run = async (over: FileRequest): Promise<Awaited<ReturnType<typeof runLandscape>>> => runLandscape(base(over), ex);

function bytes(dir: string, f: string): Buffer {
  return readFileSync(join(root, dir, f));
}

describe("landscape surfaces", () => {
  it("the seed network's line from θ1 to θ2 shows the bump of height 1 at the midpoint (and 0 at both ends)", async () => {
    const r = await run({ outDir: "seed-line", x: { min: 0, max: 1, num: 11 } });
    expect(r.dims).toBe(1);
    const loss = r.values.loss!;
    expect(loss[0]).toBe(0);
    expect(loss[10]).toBe(0);
    expect(loss[5]).toBe(1);
    // ½Σ(N(x_i) - y_i)² along the segment is 4 t²(1-t)²·... : symmetric, maximal at the midpoint
    for (let i = 0; i <= 10; i++) expect(loss[i]).toBeCloseTo(loss[10 - i]!, 12);
    expect(Math.max(...loss)).toBe(1);
    const saved = loadNpy(join(root, "seed-line", "loss.npy"));
    expect(saved.shape).toEqual([11]);
    expect(Array.from(saved.data as Float64Array)).toEqual(Array.from(loss));
    const manifest = JSON.parse(readFileSync(join(root, "seed-line", "manifest.json"), "utf8")) as Record<string, unknown>;
    expect(manifest["dims"]).toBe(1);
    expect((manifest["directions"] as { kind: string }).kind).toBe("line");
  });

  it("2-D arrays are [ny, nx] with loss[j][i] at (x_i, y_j), on a non-square grid with a zero bound", async () => {
    const x = { min: 0, max: 1, num: 4 }, y = { min: -0.5, max: 0.5, num: 3 };
    const r = await run({ spec: "moons.json", params: "m.npy", directions: { kind: "random", seed: 3, normalization: "filter", ignoreBias: true, orthogonal: true }, x, y, outDir: "moons-plane" });
    const saved = loadNpy(join(root, "moons-plane", "loss.npy"));
    expect(saved.shape).toEqual([3, 4]);
    expect(loadNpy(join(root, "moons-plane", "accuracy.npy")).shape).toEqual([3, 4]);
    const spec = parseModelSpec(moonsSpec);
    const d1 = loadNpy(join(root, "moons-plane", "dir1.npy")).data as Float64Array;
    const d2 = loadNpy(join(root, "moons-plane", "dir2.npy")).data as Float64Array;
    const theta = loadNpy(join(root, "m.npy")).data as Float64Array;
    const plain = createPlainEvaluator({ problem: mlpProblem(spec, resolveData(spec)), theta, dirs: [d1, d2], metrics: ["loss"], dtype: "float64" }, ex);
    for (const [i, j] of [[0, 0], [3, 0], [1, 2], [3, 2]] as const) {
      const xi = r.x[i]!, yj = r.y![j]!;
      const want = (await plain.evaluate(Float64Array.of(xi, yj), 1)).loss![0]!;
      const got = (saved.data as Float64Array)[j * 4 + i]!;
      expect(Math.abs(got - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
    }
    expect(Array.from(loadNpy(join(root, "moons-plane", "x.npy")).data as Float64Array)).toEqual([0, 1 / 3, 2 / 3, 1]);
  });

  it("a rerun skips finished chunks and the arrays are byte-identical to an uninterrupted run", async () => {
    const req: FileRequest = ({ spec: "moons.json", params: "m.npy", directions: { kind: "random", seed: 1, normalization: "layer", ignoreBias: false, orthogonal: false }, x: { min: -1, max: 1, num: 9 }, y: { min: -1, max: 1, num: 7 }, chunkSize: 5, batchPoints: 2 });
    await run({ ...req, outDir: "whole" });
    const first = await run({ ...req, outDir: "parts" });
    expect(first.chunksComputed).toBe(13);
    // lose some chunks and the outputs, as if the job had been killed part-way
    const chunkDir = join(root, "parts", "chunks");
    const kept = readdirSync(chunkDir).filter((f) => f.startsWith("chunk-")).sort();
    for (const f of kept.slice(6)) unlinkSync(join(chunkDir, f));
    unlinkSync(join(root, "parts", "loss.npy"));
    const mtimes = kept.slice(0, 6).map((f) => statSync(join(chunkDir, f)).mtimeMs);
    const again = await run({ ...req, outDir: "parts" });
    expect(again.chunksComputed).toBe(7);
    expect(again.chunksReused).toBe(6);
    expect(kept.slice(0, 6).map((f) => statSync(join(chunkDir, f)).mtimeMs)).toEqual(mtimes);
    for (const f of ["loss.npy", "accuracy.npy", "x.npy", "y.npy", "dir1.npy", "dir2.npy"]) expect(bytes("parts", f).equals(bytes("whole", f))).toBe(true);
  });

  it("refuses a rerun with different inputs into the same folder unless forced", async () => {
    await run({ outDir: "refuse", x: { min: 0, max: 1, num: 5 } });
    const before = bytes("refuse", "loss.npy");
    await expect(run({ outDir: "refuse", x: { min: 0, max: 1, num: 6 } })).rejects.toThrow(/different inputs \(x\)/);
    expect(bytes("refuse", "loss.npy").equals(before)).toBe(true);
    const forced = await run({ outDir: "refuse", x: { min: 0, max: 1, num: 6 }, force: true });
    expect(forced.values.loss!.length).toBe(6);
    expect(loadNpy(join(root, "refuse", "loss.npy")).shape).toEqual([6]);
  });

  it("PCA directions from a trajectory: 2-D, explained variance in the manifest, the projection saved", async () => {
    const P = moonsLayout.size;
    const theta = loadNpy(join(root, "m.npy")).data as Float64Array;
    const traj = new Float64Array(6 * P);
    for (let i = 0; i < 6; i++) for (let k = 0; k < P; k++) traj[i * P + k] = theta[k]! + (5 - i) * Math.cos(k * (i + 1)) * 0.1;
    saveNpy(join(root, "traj.npy"), float64Array([6, P], traj));
    const r = await run({ spec: "moons.json", params: "m.npy", directions: { kind: "pca", trajectory: "traj.npy" }, x: { min: -1, max: 1, num: 3 }, outDir: "pca" });
    expect(r.dims).toBe(2);
    expect(r.y!.length).toBe(51);
    const ev = r.pca!.explainedVarianceRatio;
    expect(ev[0] + ev[1]).toBeLessThanOrEqual(1);
    expect(loadNpy(join(root, "pca", "pca-projection.npy")).shape).toEqual([6, 2]);
  });

  it.each([
    ["a missing params file", { params: "nope.npy" }, /cannot read file .*nope\.npy/],
    ["params of the wrong length", { params: "short.npy" }, /has 6 values, but the model has 7 parameters/],
    ["a direction file of the wrong length", { directions: { kind: "files", dir1: "short.npy" } }, /--dir1 file .* has 6 values/],
    ["--y with --to", { y: { min: 0, max: 1, num: 3 } }, /line to a second model is 1-D/],
    ["accuracy for a regression loss", { metrics: ["accuracy"] }, /accuracy needs a classification loss/],
    ["eig-ratio without its plug-in", { metrics: ["loss", "eig-ratio"] }, /metrics: eig-ratio needs its evaluator/],
    ["a trajectory with the wrong width", { directions: { kind: "pca", trajectory: "t1.npy" } }, /expected \[checkpoints, 7\]/],
    ["a missing spec", { spec: "no-such-spec.json" }, /cannot read file/]
  ] as [string, FileRequest, RegExp][])("%s is a UserError and writes nothing", async (_name, over, why) => {
    const out = `bad-${Math.random().toString(36).slice(2)}`;
    await expect(run({ ...over, outDir: out })).rejects.toThrow(UserError);
    await expect(run({ ...over, outDir: out })).rejects.toThrow(why);
    expect(existsSync(join(root, out))).toBe(false);
  });
});
