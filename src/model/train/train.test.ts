import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fdGradient, maxRelError } from "../../exec/derivative-check.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { evaluate } from "../../exec/reference.js";
import { tensor } from "../../ir/tensor.js";
import { createRng } from "../../util/random.js";
import { UserError } from "../../util/errors.js";
import { resolveData } from "../data.js";
import { mlpLayout } from "../layout.js";
import { mlpHead, prepareTargets } from "../losses.js";
import { parseModelSpec } from "../spec.js";
import { batchGradGraph, lossGraph } from "../problem/loss-graph.js";
import { mlpProblem } from "../problem/from-mlp.js";
import { resolveProblem } from "../problem/resolve.js";
import { loadModelSource } from "./spec-source.js";
import { initParams } from "./init.js";
import { runTraining } from "./run-training.js";
import { permutation, trainModel, type TrainOptions } from "./train.js";

const ex = createOnnxExecutor({ threads: 1 });
const dirs: string[] = [];
afterAll(async () => {
  await ex.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const moons = parseModelSpec({ model: { type: "mlp", layers: [2, 8, 2], activation: "tanh" }, loss: "cross_entropy", l2: 0.001, data: { name: "moons", n: 60, noise: 0.1 } });
const opts: TrainOptions = {
  optimizer: { name: "sgd", lr: 0.2, momentum: 0.9, weightDecay: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  batchSize: 16, epochs: 6, seed: 4, init: "auto", checkpointEvery: 5, dtype: "float64"
};

describe("initialisation", () => {
  it("He for ReLU layers, Xavier for tanh and the output layer; biases zero; seeded", () => {
    const spec = parseModelSpec({ model: { type: "mlp", layers: [400, 300, 200], activation: ["relu"] }, loss: "mse", data: { x: [[0]], y: [[0]] } });
    const layout = mlpLayout(spec);
    const th = initParams({ layout, structure: { mlp: spec } }, 7);
    const std = (from: number, n: number): number => {
      let s = 0;
      for (let k = 0; k < n; k++) s += th[from + k]! ** 2;
      return Math.sqrt(s / n);
    };
    const [w1, b1, w2, b2] = layout.blocks;
    expect(std(w1!.offset, w1!.size)).toBeCloseTo(Math.sqrt(2 / 400), 3);
    expect(std(w2!.offset, w2!.size)).toBeCloseTo(Math.sqrt(2 / (300 + 200)), 3);
    expect(th.subarray(b1!.offset, b1!.offset + b1!.size).every((v) => v === 0)).toBe(true);
    expect(th.subarray(b2!.offset, b2!.offset + b2!.size).every((v) => v === 0)).toBe(true);
    expect(Array.from(initParams({ layout, structure: { mlp: spec } }, 7))).toEqual(Array.from(th));
  });

  it("the per-epoch shuffle is a permutation", () => {
    const rng = createRng(1);
    const p = permutation(100, rng);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe("gradient graphs", () => {
  it("the mini-batch gradient over all samples equals the full-data gradient and finite differences", () => {
    const ds = resolveData(moons);
    const layout = mlpLayout(moons);
    const theta = initParams({ layout, structure: { mlp: moons } }, 2);
    const T = prepareTargets(mlpHead(moons), ds);
    const X = tensor([ds.n, ds.inputDim], ds.x);
    const p = mlpProblem(moons, ds);
    const batch = batchGradGraph(p, ds.n, T.shape[1]!, "float64");
    const full = lossGraph(p, { withGrad: true });
    const loss = lossGraph(p);
    const th = tensor([layout.size], theta);
    const gb = evaluate(batch.graph, { theta: th, x: X, t: T })["grad:theta"]!.data;
    const gf = evaluate(full.graph, { theta: th })["grad:theta"]!.data;
    expect(maxRelError(gb, gf)).toBeLessThan(1e-12);
    expect(maxRelError(gf, fdGradient(loss.graph, { theta: th }, "loss", "theta"))).toBeLessThan(1e-5);
  });
});

describe("training", () => {
  it("the same seed reproduces θ and the trajectory bit for bit; another seed does not", async () => {
    const data = { train: resolveData(moons), test: null };
    const a = await trainModel(mlpProblem(moons, data.train), data.test, opts, ex);
    const b = await trainModel(mlpProblem(moons, data.train), data.test, opts, ex);
    const c = await trainModel(mlpProblem(moons, data.train), data.test, { ...opts, seed: 5 }, ex);
    expect(Buffer.from(a.theta.buffer).equals(Buffer.from(b.theta.buffer))).toBe(true);
    expect(Buffer.from(a.trajectory.data.buffer).equals(Buffer.from(b.trajectory.data.buffer))).toBe(true);
    expect(Buffer.from(a.theta.buffer).equals(Buffer.from(c.theta.buffer))).toBe(false);
  });

  it("lowers the loss, and the trajectory holds θ_init, every 5th step and θ_final", async () => {
    const data = { train: resolveData(moons), test: null };
    const r = await trainModel(mlpProblem(moons, data.train), data.test, opts, ex);
    // 60 samples / 16 = 4 steps per epoch, 24 steps: checkpoints at 0, 5, ..., 20 and the final 24
    expect(r.totalSteps).toBe(24);
    expect(r.checkpointSteps).toEqual([0, 5, 10, 15, 20, 24]);
    const P = r.layout.size;
    expect(Array.from(r.trajectory.data.subarray(0, P))).toEqual(Array.from(r.initialTheta));
    expect(Array.from(r.trajectory.data.subarray(5 * P))).toEqual(Array.from(r.theta));
    const initLoss = (await trainModel(mlpProblem(moons, data.train), data.test, { ...opts, epochs: 1, optimizer: { ...opts.optimizer, lr: 1e-12 } }, ex)).history[0]!.trainLoss;
    expect(r.history[r.history.length - 1]!.trainLoss).toBeLessThan(0.7 * initLoss);
  });

  it("full-batch Adam works and reports test metrics", async () => {
    const ds = resolveData(moons);
    const r = await trainModel(mlpProblem(moons, ds), ds, { ...opts, batchSize: 0, epochs: 30, optimizer: { ...opts.optimizer, name: "adam", lr: 0.05, momentum: 0 } }, ex);
    expect(r.stepsPerEpoch).toBe(1);
    const last = r.history[r.history.length - 1]!;
    expect(last.testLoss).toBeCloseTo(last.trainLoss, 12);
    expect(last.trainAccuracy).toBeGreaterThan(0.8);
  });

  it("a diverging run is a UserError that says to lower the learning rate (optimizer.lr)", async () => {
    const spec = parseModelSpec({ model: { type: "mlp", layers: [1, 1] }, loss: "mse", data: { x: [[100]], y: [[1]] } });
    await expect(trainModel(mlpProblem(spec, resolveData(spec)), null, { ...opts, batchSize: 0, epochs: 200, optimizer: { ...opts.optimizer, lr: 10, momentum: 0 } }, ex)).rejects.toThrow(/lower optimizer\.lr/);
  });

  it("rejects bad options with UserErrors", async () => {
    const data = { train: resolveData(moons), test: null };
    await expect(trainModel(mlpProblem(moons, data.train), data.test, { ...opts, epochs: 0 }, ex)).rejects.toThrow(UserError);
    await expect(trainModel(mlpProblem(moons, data.train), data.test, { ...opts, optimizer: { ...opts.optimizer, lr: -1 } }, ex)).rejects.toThrow(/^optimizer\.lr must be a positive number/);
    await expect(trainModel(mlpProblem(moons, data.train), data.test, { ...opts, optimizer: { ...opts.optimizer, momentum: 1 } }, ex)).rejects.toThrow(/^optimizer\.momentum must be in \[0, 1\)/);
  });

  it("runTraining writes identical bytes for the same seed (manifest equal but for timing)", async () => {
    const root = mkdtempSync(join(tmpdir(), "losscape-train-"));
    dirs.push(root);
    const specPath = join(root, "spec.json");
    writeFileSync(specPath, JSON.stringify({ model: { type: "mlp", layers: [2, 6, 2] }, loss: "cross_entropy", data: { name: "moons", n: 40 } }));
    const run = (out: string) => runTraining({ problem: resolveProblem(loadModelSource(specPath, root)), split: { testFraction: 0.25, method: "random", seed: 1 }, train: opts, outDir: join(root, out) }, ex);
    const s = await run("a");
    await run("b");
    expect(s.trainSamples).toBe(30);
    expect(s.testSamples).toBe(10);
    for (const f of ["theta.npy", "theta.json", "theta-init.npy", "trajectory.npy"]) {
      expect(readFileSync(join(root, "a", f)).equals(readFileSync(join(root, "b", f)))).toBe(true);
    }
    const strip = (f: string) => {
      const m = JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>;
      delete m["timing"];
      return m;
    };
    expect(strip(join(root, "a", "manifest.json"))).toEqual(strip(join(root, "b", "manifest.json")));
    const pj = JSON.parse(readFileSync(join(root, "a", "theta.json"), "utf8")) as { blocks: { name: string }[]; values: number[] };
    expect(pj.blocks.map((b) => b.name)).toEqual(["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]);
    expect(pj.values.length).toBe(2 * 6 + 6 + 6 * 2 + 2);
  });
});
