/**
 * Barriers along paths and trained curves between two models. Oracles: the seed network's loss along
 * θ1 → θ2 in closed form, per-point evaluation of the loss graph on the reference interpreter (the path
 * evaluators batch many t per ONNX run through the first-layer shortcut), Bernstein and hat weights by
 * hand, and two moons MLPs trained from different seeds.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createOnnxExecutor } from "../src/exec/onnx/executor.js";
import { createReferenceExecutor } from "../src/exec/reference.js";
import { tensor } from "../src/ir/tensor.js";
import { SEED_RELU } from "../src/model/examples.js";
import { lossGraph } from "../src/model/problem/loss-graph.js";
import type { LossProblem } from "../src/model/problem/loss-problem.js";
import { trainModel } from "../src/model/train/train.js";
import { loadProblem } from "../src/cli/problem-input.js";
import { formatBarrier, pathProfilesPlot } from "../src/plot/path-profiles-plot.js";
import { svgProblems } from "../src/plot/svg-lint.js";
import { alignedLines } from "../src/symmetry/aligned-line.js";
import { barrierOf, lineProfile, unitGrid } from "../src/symmetry/barrier.js";
import { curvePoint, curveProfile, curveWeights, initialBends, trainCurve, type CurveShape, type CurveTrainOptions } from "../src/symmetry/curve.js";

const ex = createOnnxExecutor({ threads: 1 });
const ref = createReferenceExecutor();
afterAll(async () => {
  await ex.dispose();
  await ref.dispose();
});

const seed = loadProblem("seed-relu").problem;
const theta1 = Float64Array.from(SEED_RELU.params!["theta1"]!);
const theta2 = Float64Array.from(SEED_RELU.params!["theta2"]!);

/** L at θ, one reference-interpreter run of the loss graph per point: the oracle the batched evaluators must match. */
async function directLoss(p: LossProblem, theta: Float64Array): Promise<number> {
  const { graph } = lossGraph(p, { withAccuracy: false });
  return (await ref.run(graph, { theta: tensor([theta.length], theta) }))["loss"]!.data[0]!;
}

const moons = loadProblem("moons-mlp").problem;
const adam = { name: "adam" as const, lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
async function trainMoons(s: number): Promise<Float64Array> {
  const r = await trainModel(moons, null, { optimizer: adam, batchSize: 64, epochs: 100, seed: s, init: "auto", checkpointEvery: 0, dtype: "float64" }, ex);
  return r.theta;
}
let moonsPair: Promise<[Float64Array, Float64Array]> | null = null;
const moonsModels = (): Promise<[Float64Array, Float64Array]> => (moonsPair ??= Promise.all([trainMoons(1), trainMoons(2)]));

describe("barriers", () => {
  it("the seed network's straight line: L(t) = 16 t²(1 − t)² (by hand), barrier 1 at t = 1/2", async () => {
    // θ(t) = (1−2t, 2t−1, 0, 0, 1−2t, 2t−1, 0): each sample sees one unit, N(±1) = ±(1−2t)², so L = (1 − (1−2t)²)².
    const ts = unitGrid(41);
    const r = await lineProfile(seed, theta1, theta2, ts, ex);
    ts.forEach((t, i) => expect(r.loss[i]).toBeCloseTo(16 * t * t * (1 - t) ** 2, 12));
    expect(r.barrier.height).toBeCloseTo(1, 12);
    expect(r.barrier.t).toBe(0.5);
    expect(r.barrier.lossA).toBe(0);
    expect(r.barrier.lossB).toBe(0);
  });

  it("on a grid beyond [0, 1], only t in [0, 1] counts, and L(A), L(B) are evaluated apart", async () => {
    const ts = Float64Array.from([-0.5, 0.25, 0.75, 1.5]);
    const r = await lineProfile(seed, theta1, theta2, ts, ex);
    expect(r.barrier.lossA).toBe(0);
    expect(r.barrier.t).toBe(0.25);
    expect(r.barrier.height).toBeCloseTo(16 * 0.25 ** 2 * 0.75 ** 2, 12);
    expect(r.loss[0]).toBeCloseTo(16 * 0.25 * 2.25, 10); // t = −0.5: the closed form holds off [0, 1] too
  });

  it("barrierOf is the largest rise above the chord (a hand example), and refuses a grid without t in [0, 1]", () => {
    const b = barrierOf([0, 0.5, 1], [1, 2.5, 3], 1, 3);
    expect(b).toEqual({ height: 0.5, t: 0.5, loss: 2.5, lossA: 1, lossB: 3 });
    expect(barrierOf([0, 0.5, 1], [1, 1.5, 2], 1, 2).height).toBe(0); // a line: never above the chord
    expect(() => barrierOf([2, 3], [1, 1], 0, 0)).toThrow(/no point with t in \[0, 1\]/);
  });

  it("the moons line's batched profile equals per-point evaluation on the reference interpreter", async () => {
    const [a, b] = await moonsModels();
    const ts = unitGrid(9);
    const r = await lineProfile(moons, a, b, ts, ex);
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      const th = a.map((v, j) => (1 - t) * v + t * b[j]!);
      expect(r.loss[i]).toBeCloseTo(await directLoss(moons, th), 10);
    }
    const direct = barrierOf(ts, r.loss, await directLoss(moons, a), await directLoss(moons, b));
    expect(r.barrier.height).toBeCloseTo(direct.height, 10);
    expect(r.barrier.t).toBe(direct.t);
  });
});

describe("the path plot", () => {
  it("is well-formed SVG naming each path with its barrier, one chord for a shared pair of end losses", async () => {
    const ts = unitGrid(21);
    const straight = await lineProfile(seed, theta1, theta2, ts, ex);
    const flat = await lineProfile(seed, theta1, theta1, ts, ex);
    const svg = pathProfilesPlot({ profiles: [{ label: "straight", ...straight }, { label: "aligned", ...flat }] });
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).toContain(`straight: ${formatBarrier(straight.barrier)}`);
    expect(svg).toContain("aligned: barrier 0.000 at t = 0.000");
    expect(svg.match(/chord between the losses/g)).toHaveLength(1);
  });
});

describe("alignment and the barrier", () => {
  it("the seed network: aligning θ2 to θ1 gives θ1, barrier 1 before and 0 after", async () => {
    const r = await alignedLines(seed, theta1, theta2, unitGrid(21), ex, { method: "activation", seed: 0 });
    expect(Array.from(r.alignment.theta)).toEqual(Array.from(theta1));
    expect(r.straight.barrier.height).toBeCloseTo(1, 12);
    expect(r.aligned.barrier.height).toBe(0);
  });

  it("two moons MLPs from seeds 1 and 2: activation matching cuts the barrier severalfold; weight matching measured too", async () => {
    const [a, b] = await moonsModels();
    const ts = unitGrid(51);
    const act = await alignedLines(moons, a, b, ts, ex, { method: "activation", seed: 0 });
    const wm = await alignedLines(moons, a, b, ts, ex, { method: "weight", seed: 0 });
    // Measured: straight 1.762, activation 0.0590 (30×), weight 0.181 (9.7×).
    expect(act.straight.barrier.height).toBeGreaterThan(1);
    expect(act.straight.barrier.height / act.aligned.barrier.height).toBeGreaterThan(10);
    expect(wm.straight.barrier.height / wm.aligned.barrier.height).toBeGreaterThan(3);
    // the aligned network is B's function, so the chord's right end is unchanged
    expect(act.aligned.barrier.lossB).toBeCloseTo(act.straight.barrier.lossB, 12);
  });
});

describe("curves", () => {
  it("Bezier weights are Bernstein polynomials, polychain weights hat functions; both sum to 1", () => {
    const bz: CurveShape = { kind: "bezier", bends: 1 };
    for (const t of [0, 0.2, 0.5, 0.9, 1]) {
      const w = curveWeights(bz, t);
      expect(w[0]).toBeCloseTo((1 - t) ** 2, 15);
      expect(w[1]).toBeCloseTo(2 * t * (1 - t), 15);
      expect(w[2]).toBeCloseTo(t * t, 15);
    }
    const pc: CurveShape = { kind: "polychain", bends: 2 };
    expect(Array.from(curveWeights(pc, 0.5))).toEqual([0, 0.5, 0.5, 0]);
    expect(Array.from(curveWeights(pc, 1))).toEqual([0, 0, 0, 1]);
    expect(Array.from(curveWeights(pc, 0))).toEqual([1, 0, 0, 0]);
    for (const s of [bz, pc, { kind: "bezier", bends: 3 } as CurveShape]) {
      for (const t of [0.13, 0.77]) expect(curveWeights(s, t).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 14);
    }
  });

  it("the untrained curve (bends on the line) is the straight line, and its profile equals direct evaluation", async () => {
    const [a, b] = await moonsModels();
    const ts = unitGrid(7);
    for (const s of [{ kind: "bezier", bends: 1 }, { kind: "polychain", bends: 2 }] as CurveShape[]) {
      const bends = initialBends(s, a, b);
      const c = await curveProfile(moons, s, a, bends, b, ts, ex);
      const l = await lineProfile(moons, a, b, ts, ex);
      for (let i = 0; i < ts.length; i++) expect(c.loss[i]).toBeCloseTo(l.loss[i]!, 9);
    }
    // a bent curve: its batched profile against one reference run per point
    const s: CurveShape = { kind: "bezier", bends: 1 };
    const bent = initialBends(s, a, b).map((v, j) => v + 0.3 * Math.sin(j));
    const c = await curveProfile(moons, s, a, bent, b, ts, ex);
    for (let i = 0; i < ts.length; i++) expect(c.loss[i]).toBeCloseTo(await directLoss(moons, curvePoint(s, a, bent, b, ts[i]!)), 10);
  });

  const opts = (epochs: number, kind: CurveShape["kind"] = "bezier"): CurveTrainOptions => ({
    shape: { kind, bends: 1 }, optimizer: adam, batchSize: 64, epochs, seed: 7, dtype: "float64"
  });

  it("a trained Bezier curve and polychain between the moons MLPs stay below the straight line's maximum", async () => {
    const [a, b] = await moonsModels();
    const ts = unitGrid(61);
    const line = await lineProfile(moons, a, b, ts, ex);
    const lineMax = Math.max(...line.loss);
    for (const kind of ["bezier", "polychain"] as const) {
      const done = await trainCurve(moons, a, b, opts(10, kind), ex, null);
      const curve = await curveProfile(moons, { kind, bends: 1 }, a, done.bends, b, ts, ex);
      const curveMax = Math.max(...curve.loss);
      // Measured: line max 1.77, Bezier curve max 0.114, polychain 0.174.
      expect(curveMax, kind).toBeLessThan(lineMax / 3);
      expect(curve.barrier.height, kind).toBeLessThan(line.barrier.height / 3);
    }
  });

  it("the seed network: a Bezier curve trained from the midpoint (θ = 0, a saddle) finds a path of loss below 0.05 where the line rises to 1", async () => {
    const s: CurveShape = { kind: "bezier", bends: 1 };
    const done = await trainCurve(seed, theta1, theta2, { shape: s, optimizer: { ...adam, lr: 0.05 }, batchSize: 0, epochs: 2000, seed: 0, dtype: "float64" }, ex, null);
    const c = await curveProfile(seed, s, theta1, done.bends, theta2, unitGrid(61), ex);
    // Measured: max 0.0252 at t = 0.233.
    expect(Math.max(...c.loss)).toBeLessThan(0.05);
  });

  it("training 3 epochs, then 3 more from the checkpoint, equals 6 epochs at once, bit for bit", async () => {
    const [a, b] = await moonsModels();
    const once = await trainCurve(moons, a, b, opts(6), ex, null);
    const first = await trainCurve(moons, a, b, opts(3), ex, null);
    const resumed = await trainCurve(moons, a, b, opts(6), ex, first);
    expect(Buffer.from(resumed.bends.buffer).equals(Buffer.from(once.bends.buffer))).toBe(true);
    expect(resumed.history).toEqual(once.history);
    expect(resumed.optimizer.steps).toBe(once.optimizer.steps);
  });
});
