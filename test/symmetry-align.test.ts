/**
 * Alignment keeps B's function exactly and finds permutations that are really there: on the seed
 * network (θ2 is θ1 with its two hidden units swapped) it returns θ1 bit for bit; a trained MLP whose
 * units were shuffled by a known random permutation is unshuffled exactly; weight matching's distance
 * ‖A − P(B)‖ never increases from one sweep to the next. Oracles: the seed's own θ1, the permutation we
 * applied ourselves, and direct evaluation of both networks.
 */
import { describe, expect, it } from "vitest";
import { createReferenceExecutor } from "../src/exec/reference.js";
import { tensor } from "../src/ir/tensor.js";
import { GraphBuilder } from "../src/ir/builder.js";
import { resolveData } from "../src/model/data.js";
import { SEED_RELU } from "../src/model/examples.js";
import { mlpProblem } from "../src/model/problem/from-mlp.js";
import type { LossProblem } from "../src/model/problem/loss-problem.js";
import { parseModelSpec } from "../src/model/spec.js";
import { initParams } from "../src/model/train/init.js";
import { trainModel } from "../src/model/train/train.js";
import { alignParams, type AlignMethod } from "../src/symmetry/align.js";
import { createRng } from "../src/util/random.js";
import { UserError } from "../src/util/errors.js";

const METHODS: AlignMethod[] = ["activation", "weight"];
const ex = createReferenceExecutor();

function mlp(raw: unknown): LossProblem {
  const spec = parseModelSpec(raw);
  return mlpProblem(spec, resolveData(spec), "test");
}

/** The network's outputs on the problem's data, straight from problem.forward. */
async function outputs(p: LossProblem, theta: Float64Array): Promise<Float64Array> {
  const g = new GraphBuilder("float64");
  const out = p.forward(g, g.input("theta", [p.layout.size]), g.constant(tensor([p.data.n, ...p.sampleShape], p.data.x)));
  return (await ex.run(g.build({ out }), { theta: tensor([theta.length], theta) }))["out"]!.data;
}

/** θ of an MLP with hidden layer l's units reordered by perms[l-1] (new unit i = old unit perm[i]). */
function permuteMlp(p: LossProblem, theta: Float64Array, perms: number[][]): Float64Array {
  const out = theta.slice();
  const block = (name: string) => p.layout.blocks.find((b) => b.name === name)!;
  perms.forEach((perm, k) => {
    const l = k + 1;
    const w = block(`layer${l}.weight`), b = block(`layer${l}.bias`), next = block(`layer${l + 1}.weight`);
    const [, inW] = w.shape as [number, number];
    const src = out.slice();
    perm.forEach((j, i) => {
      for (let c = 0; c < inW; c++) out[w.offset + i * inW + c] = src[w.offset + j * inW + c]!;
      out[b.offset + i] = src[b.offset + j]!;
      const [rows, cols] = next.shape as [number, number];
      for (let r = 0; r < rows; r++) out[next.offset + r * cols + i] = src[next.offset + r * cols + j]!;
    });
  });
  return out;
}

function randomPerm(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let k = n - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [p[k], p[j]] = [p[j]!, p[k]!];
  }
  return p;
}

describe("alignParams on MLPs", () => {
  const seed = mlp(SEED_RELU.spec);
  const theta1 = Float64Array.from(SEED_RELU.params!["theta1"]!);
  const theta2 = Float64Array.from(SEED_RELU.params!["theta2"]!);

  it.each(METHODS)("seed network, %s matching: aligning θ2 to θ1 gives θ1 exactly", async (method) => {
    const r = await alignParams(seed, theta1, theta2, { method, seed: 1 });
    expect(Array.from(r.theta)).toEqual(Array.from(theta1));
    expect(r.permutations).toEqual([expect.objectContaining({ group: "layer1", size: 2, perm: [1, 0], moved: 2 })]);
    expect(r.distanceBefore).toBe(4); // θ1 − θ2 = (2, −2, 0, 0, 2, −2, 0)
    expect(r.distanceAfter).toBe(0);
    expect(r.maxOutputDiff).toBe(0);
    expect(r.unpermuted).toEqual([]);
  });

  const moonsRaw = { model: { type: "mlp", layers: [2, 12, 10, 2], activation: "relu" }, loss: "cross_entropy", data: { name: "moons", n: 120, noise: 0.1 } };
  const moons = mlp(moonsRaw);
  const trained = (async () =>
    (await trainModel(moons, null, {
      optimizer: { name: "adam", lr: 0.02, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      batchSize: 0, epochs: 150, seed: 3, init: "auto", checkpointEvery: 0, dtype: "float64"
    }, ex)).theta)();

  it.each(METHODS)("a trained 2-12-10-2 MLP shuffled by a known permutation is unshuffled exactly (%s)", async (method) => {
    const a = await trained;
    const perms = [randomPerm(12, 11), randomPerm(10, 12)];
    const b = permuteMlp(moons, a, perms);
    expect(Array.from(b)).not.toEqual(Array.from(a));
    const r = await alignParams(moons, a, b, { method, seed: 5 });
    expect(Array.from(r.theta)).toEqual(Array.from(a));
    // perm[i] = B's unit that becomes unit i: B's unit i is A's perms[i], so A's unit j sits at B's inverse.
    perms.forEach((p, k) => {
      const inv = new Array<number>(p.length);
      p.forEach((j, i) => (inv[j] = i));
      expect(r.permutations[k]!.perm).toEqual(inv);
    });
    expect(r.distanceAfter).toBe(0);
  });

  it("any alignment keeps B's function: outputs of P(B) and B agree to 1e-12 (independent forward)", async () => {
    const a = initParams(moons, 1), b = initParams(moons, 2);
    for (const method of METHODS) {
      const r = await alignParams(moons, a, b, { method, seed: 9 });
      const [fb, fp] = [await outputs(moons, b), await outputs(moons, r.theta)];
      let d = 0;
      fb.forEach((v, i) => (d = Math.max(d, Math.abs(v - fp[i]!))));
      expect(d).toBeLessThanOrEqual(1e-12);
      expect(r.maxOutputDiff).toBe(d);
      expect(r.distanceAfter).toBeLessThanOrEqual(r.distanceBefore);
      // The same θ values, reordered.
      expect(Array.from(r.theta).sort()).toEqual(Array.from(b).sort());
    }
  });

  it("weight matching never increases ‖A − P(B)‖ from one sweep to the next, and reaches a fixed point", async () => {
    const wide = mlp({ model: { type: "mlp", layers: [2, 16, 16, 16, 2], activation: "tanh" }, loss: "cross_entropy", data: { name: "blobs", n: 40, classes: 2 } });
    for (const s of [1, 2, 3]) {
      const a = initParams(wide, 10 * s), b = initParams(wide, 10 * s + 1);
      const r = await alignParams(wide, a, b, { method: "weight", seed: s });
      const h = r.distanceHistory!;
      expect(h.length).toBe(r.iterations! + 1);
      expect(h[0]).toBe(r.distanceBefore);
      expect(h[h.length - 1]).toBe(r.distanceAfter);
      for (let k = 1; k < h.length; k++) expect(h[k]!).toBeLessThanOrEqual(h[k - 1]! * (1 + 1e-14));
      expect(r.distanceAfter).toBeLessThan(r.distanceBefore);
      expect(r.iterations!).toBeLessThan(100);
    }
  });

  it("rejects θ of the wrong size and an unknown method with a UserError", async () => {
    await expect(alignParams(seed, theta1, new Float64Array(6), { method: "weight", seed: 0 })).rejects.toThrow(UserError);
    await expect(alignParams(seed, theta1, theta2, { method: "nearest" as AlignMethod, seed: 0 })).rejects.toThrow(/activation, weight/);
  });
});
