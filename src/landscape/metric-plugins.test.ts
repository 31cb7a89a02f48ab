import { resolveProblem } from "../model/problem/resolve.js";
import { loadModelSource } from "../model/train/spec-source.js";
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createReferenceExecutor } from "../exec/reference.js";
import { float64Array, loadNpy, saveNpy } from "../io/npy.js";
import { mlpLayout } from "../model/layout.js";
import { parseModelSpec } from "../model/spec.js";
import type { MetricPlugin, PluginProblem } from "./evaluate/problem.js";
import { runLandscape, type LandscapeProgress, type LandscapeRequest } from "./run-landscape.js";

const ex = createReferenceExecutor();
const root = mkdtempSync(join(tmpdir(), "losscape-plugins-"));
afterAll(async () => {
  await ex.dispose();
  rmSync(root, { recursive: true, force: true });
});

const spec = { model: { type: "mlp", layers: [2, 3, 1], activation: "tanh" }, loss: "mse", data: { name: "regression2d", n: 12 } };
writeFileSync(join(root, "net.json"), JSON.stringify(spec));
const P = mlpLayout(parseModelSpec(spec)).size;
saveNpy(join(root, "theta.npy"), float64Array([P], Array.from({ length: P }, (_, k) => 0.5 * Math.cos(k + 1))));

/**
 * A stand-in for the Hessian plug-in: w · (θ + α d1 + β d2) with w_i = sin(i + 1), computed from the
 * problem it is given. Counts the points it is asked for.
 */
function linearPlugin(settings: Record<string, unknown> = { w: "sin" }, batch?: number): { plugin: MetricPlugin; points: () => number; problems: PluginProblem[] } {
  let points = 0;
  const problems: PluginProblem[] = [];
  const plugin: MetricPlugin = {
    settings,
    create(p) {
      problems.push(p);
      return {
        ...(batch ? { batch } : {}),
        async evaluate(coords, count) {
          if (batch) expect(count).toBeLessThanOrEqual(batch);
          points += count;
          const m = p.dirs.length;
          const out = new Float64Array(count);
          for (let q = 0; q < count; q++) {
            let s = 0;
            for (let i = 0; i < P; i++) {
              let v = p.theta[i]!;
              for (let k = 0; k < m; k++) v += coords[q * m + k]! * p.dirs[k]![i]!;
              s += Math.sin(i + 1) * v;
            }
            out[q] = s;
          }
          return { "eig-ratio": out };
        },
        summary: () => ({ points })
      };
    }
  };
  return { plugin, points: () => points, problems };
}

const base = (over: Partial<LandscapeRequest>): LandscapeRequest => ({
  problem: resolveProblem(loadModelSource("net.json", root)), theta: { values: loadNpy(join(root, "theta.npy")).data as Float64Array, source: "theta.npy" },
  directions: { kind: "random", seed: 3, normalization: "filter", ignoreBias: false, orthogonal: false },
  x: { min: -1, max: 1, num: 4 }, y: { min: 0, max: 2, num: 3 },
  split: "train", splitOptions: { testFraction: 0, method: "random", seed: 0 }, dtype: "float64", force: false,
  batchPoints: 2, chunkSize: 5,
  ...over, outDir: join(root, over.outDir ?? "out")
});

/** w · (θ + x_i d1 + y_j d2) from the files the run wrote, in the same summation order. */
function oracle(dir: string): Float64Array {
  const theta = loadNpy(join(root, "theta.npy")).data as Float64Array;
  const d1 = loadNpy(join(root, dir, "dir1.npy")).data as Float64Array;
  const d2 = loadNpy(join(root, dir, "dir2.npy")).data as Float64Array;
  const xs = [-1, -1 / 3, 1 / 3, 1], ys = [0, 1, 2];
  const xv = loadNpy(join(root, dir, "x.npy")).data as Float64Array;
  xs.forEach((x, i) => expect(xv[i]).toBeCloseTo(x, 15));
  const out = new Float64Array(12);
  for (let j = 0; j < 3; j++) {
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let k = 0; k < P; k++) s += Math.sin(k + 1) * (theta[k]! + xv[i]! * d1[k]! + ys[j]! * d2[k]!);
      out[j * 4 + i] = s;
    }
  }
  return out;
}

const bytes = (dir: string, f: string): Buffer => readFileSync(join(root, dir, f));

describe("metric plug-ins on the landscape grid", () => {
  it("a plug-in metric gets the grid's coordinates and the run's θ, directions and data; loss is unchanged by it", async () => {
    const fake = linearPlugin({ w: "sin" }, 2);
    const r = await runLandscape(base({ metrics: ["loss", "eig-ratio"], metricPlugins: { "eig-ratio": fake.plugin }, outDir: "both" }), ex);
    const alone = await runLandscape(base({ metrics: ["loss"], outDir: "loss-only" }), ex);
    expect(fake.problems.length).toBe(1);
    expect(fake.problems[0]!.problem.data.n).toBe(12);
    expect(fake.points()).toBe(12);
    const ratio = loadNpy(join(root, "both", "eig-ratio.npy"));
    expect(ratio.shape).toEqual([3, 4]);
    const want = oracle("both");
    for (let k = 0; k < 12; k++) expect(ratio.data[k]).toBeCloseTo(want[k]!, 12);
    expect(Array.from(r.values["eig-ratio"]!)).toEqual(Array.from(ratio.data as Float64Array));
    expect(bytes("both", "loss.npy").equals(bytes("loss-only", "loss.npy"))).toBe(true);
    const m = JSON.parse(readFileSync(join(root, "both", "manifest.json"), "utf8")) as { metrics: string[]; files: Record<string, string>; evaluation: { plugins: Record<string, Record<string, unknown>> } };
    expect(m.metrics).toEqual(["loss", "eig-ratio"]);
    expect(m.files["eig-ratio"]).toBe("eig-ratio.npy");
    expect(m.evaluation.plugins["eig-ratio"]).toEqual({ w: "sin", thisRun: { points: 12 } });
    expect(alone.manifest["evaluation"]).not.toHaveProperty("plugins");
  });

  it("the plug-in alone (no loss) works on a 1-D line, shape [nx]", async () => {
    const fake = linearPlugin();
    const r = await runLandscape(base({ metrics: ["eig-ratio"], metricPlugins: { "eig-ratio": fake.plugin }, y: undefined, outDir: "line" }), ex);
    expect(r.dims).toBe(1);
    expect(fake.problems[0]!.dirs.length).toBe(1);
    expect(existsSync(join(root, "line", "loss.npy"))).toBe(false);
    const a = loadNpy(join(root, "line", "eig-ratio.npy"));
    expect(a.shape).toEqual([4]);
    const theta = loadNpy(join(root, "theta.npy")).data as Float64Array;
    const d1 = loadNpy(join(root, "line", "dir1.npy")).data as Float64Array;
    const xv = r.x;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let k = 0; k < P; k++) s += Math.sin(k + 1) * (theta[k]! + xv[i]! * d1[k]!);
      expect(a.data[i]).toBeCloseTo(s, 12);
    }
  });

  it("resuming recomputes only the missing chunks (plug-in included) and the arrays are byte-identical", async () => {
    const whole = linearPlugin({ w: "sin" }, 1);
    await runLandscape(base({ metrics: ["loss", "eig-ratio"], metricPlugins: { "eig-ratio": whole.plugin }, outDir: "resume-whole" }), ex);
    await runLandscape(base({ metrics: ["loss", "eig-ratio"], metricPlugins: { "eig-ratio": linearPlugin({ w: "sin" }, 1).plugin }, outDir: "resume" }), ex);
    const chunkDir = join(root, "resume", "chunks");
    const chunks = readdirSync(chunkDir).filter((f) => f.startsWith("chunk-")).sort();
    expect(chunks.length).toBe(3); // 12 points in chunks of 5
    unlinkSync(join(chunkDir, chunks[1]!));
    unlinkSync(join(root, "resume", "eig-ratio.npy"));
    const again = linearPlugin({ w: "sin" }, 1);
    const progress: LandscapeProgress[] = [];
    const r = await runLandscape(base({ metrics: ["loss", "eig-ratio"], metricPlugins: { "eig-ratio": again.plugin }, outDir: "resume" }), ex, (p) => progress.push(p));
    expect(r.chunksComputed).toBe(1);
    expect(again.points()).toBe(5);
    for (const f of ["loss.npy", "eig-ratio.npy"]) expect(bytes("resume", f).equals(bytes("resume-whole", f))).toBe(true);
    // Progress rises point by point through the plug-in's chunk and ends once at the total.
    const done = progress.map((p) => p.done);
    expect(done).toEqual([7, 8, 9, 10, 11, 12]);
    expect(progress.every((p) => p.total === 12 && p.reused === 7)).toBe(true);
  });

  it("other plug-in settings are other inputs: the rerun is refused, naming them", async () => {
    await runLandscape(base({ metrics: ["eig-ratio"], metricPlugins: { "eig-ratio": linearPlugin({ tol: 1e-6 }).plugin }, outDir: "settings" }), ex);
    await expect(
      runLandscape(base({ metrics: ["eig-ratio"], metricPlugins: { "eig-ratio": linearPlugin({ tol: 1e-8 }).plugin }, outDir: "settings" }), ex)
    ).rejects.toThrow(/different inputs \(metricPlugins\)/);
  });

  it("a plug-in that returns too few values is a bug, not silently padded", async () => {
    const short: MetricPlugin = { settings: {}, create: () => ({ evaluate: async (_c, count) => ({ "eig-ratio": new Float64Array(count - 1) }) }) };
    await expect(runLandscape(base({ metrics: ["eig-ratio"], metricPlugins: { "eig-ratio": short }, outDir: "short" }), ex)).rejects.toThrow(/returned 4 values for 5 points/);
  });
});
