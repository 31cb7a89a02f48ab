/**
 * Alignment keeps B's function exactly and finds permutations that are really there: on the seed
 * network (θ2 is θ1 with its two hidden units swapped) it returns θ1 bit for bit; a trained MLP whose
 * units were shuffled by a known random permutation is unshuffled exactly; weight matching's distance
 * ‖A − P(B)‖ never increases from one sweep to the next. Oracles: the seed's own θ1, the permutation we
 * applied ourselves, and direct evaluation of both networks.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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
import { encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo } from "../src/exec/onnx/onnx-proto.js";
import { resolveProblem } from "../src/model/problem/resolve.js";
import { loadModelSource } from "../src/model/train/spec-source.js";
import { alignParams, symmetryOf, type AlignMethod } from "../src/symmetry/align.js";
import { applyPermutations } from "../src/symmetry/permute.js";
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

  it("activation matching on a prefix of the data (maxActivationSamples) still finds the permutation; the check uses all of it", async () => {
    const a = await trained;
    const b = permuteMlp(moons, a, [randomPerm(12, 21), randomPerm(10, 22)]);
    const r = await alignParams(moons, a, b, { method: "activation", seed: 0, maxActivationSamples: 30 });
    expect(Array.from(r.theta)).toEqual(Array.from(a));
  });

  it("dead ReLU units (constant activations, correlation 0 with everything) are matched by their weights", async () => {
    const p = mlp({ model: { type: "mlp", layers: [2, 6, 2], activation: "relu" }, loss: "cross_entropy", data: { name: "moons", n: 50 } });
    const a = initParams(p, 8);
    const bias = p.layout.blocks.find((b) => b.name === "layer1.bias")!;
    for (const u of [1, 3, 4]) a[bias.offset + u] = -100; // dead on every sample
    const b = permuteMlp(p, a, [[4, 0, 3, 5, 1, 2]]);
    const r = await alignParams(p, a, b, { method: "activation", seed: 0 });
    expect(Array.from(r.theta)).toEqual(Array.from(a));
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

const FIXTURES = join(process.cwd(), "test/fixtures/onnx");
const root = mkdtempSync(join(tmpdir(), "losscape-align-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The loss problem of an ONNX file with a fixture's data. */
function onnxProblem(modelPath: string, fixture: string, tag = fixture): LossProblem {
  const spec = { model: { type: "onnx", path: modelPath }, loss: "cross_entropy", data: { x: join(FIXTURES, `${fixture}.x.npy`), y: join(FIXTURES, `${fixture}.y.npy`) } };
  const path = join(root, `${tag}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return resolveProblem(loadModelSource(path));
}

/** The outputs of the model written to a file with these weights, imported afresh: independent of the tracer. */
async function fileOutputs(p: LossProblem, fixture: string, theta: Float64Array, buffers: Record<string, Float64Array>, tag: string): Promise<Float64Array> {
  const path = join(root, `${tag}.onnx`);
  writeFileSync(path, p.structure.onnx!.write(theta, buffers));
  const q = onnxProblem(path, fixture, tag);
  return outputs(q, q.theta0!);
}

/** A permutation of n units that keeps each of `blocks` blocks in place. */
function blockPerm(n: number, blocks: number, seed: number): number[] {
  const k = n / blocks;
  return Array.from({ length: blocks }, (_, b) => randomPerm(k, seed + b).map((j) => b * k + j)).flat();
}

const f32 = (a: Float64Array): Float64Array => a.map((v) => Math.fround(v));

describe("alignParams on imported ONNX models", () => {
  const cases = [
    // conv1's channels pass BatchNormalization (scale, shift, running mean and variance) into a grouped conv2.
    { name: "cnn_bn", groups: [["conv1", 4, 2], ["conv2", 4, 2]] },
    // The residual Add joins inp's units and mid's: one permutation, LayerNorm's scale and shift with it.
    { name: "resblock_ln", groups: [["mid+inp", 8, 1]] },
    { name: "resblock_ln_op13", groups: [["mid+inp", 8, 1]] },
    // conv2's 3 channels reach fc1 through AveragePool and a Reshape: 4 columns of fc1 per channel.
    { name: "lenet_view", groups: [["conv1", 2, 1], ["conv2", 3, 1], ["fc1", 5, 1]] }
  ] as const;

  it.each(cases)("$name: finds the expected groups", ({ name, groups }) => {
    const s = symmetryOf(onnxProblem(join(FIXTURES, `${name}.onnx`), name));
    expect(s.groups.map((g) => [g.name, g.size, g.blocks ?? 1])).toEqual(groups);
    expect(s.unpermuted).toEqual([]);
  });

  it("cnn_bn: BatchNorm's running statistics and conv2's grouped input axis are members of conv1's group", () => {
    const s = symmetryOf(onnxProblem(join(FIXTURES, "cnn_bn.onnx"), "cnn_bn"));
    const conv1 = s.groups[0]!.members.map((m) => `${m.tensor}:${m.axis}${m.rowBlocks ? `/${m.rowBlocks}` : ""}`);
    expect(conv1.sort()).toEqual(["bn.bias:0", "bn.running_mean:0", "bn.running_var:0", "bn.weight:0", "conv1.bias:0", "conv1.weight:0", "conv2.weight:1/2"]);
  });

  it.each(cases)("$name: a known random permutation of θ and buffers is undone exactly by both methods", async ({ name }) => {
    const p = onnxProblem(join(FIXTURES, `${name}.onnx`), name);
    const s = symmetryOf(p);
    const perms = new Map(s.groups.map((g, k) => [g.name, blockPerm(g.size, g.blocks ?? 1, 40 + k)]));
    expect([...perms.values()].some((q) => q.some((j, i) => j !== i))).toBe(true);
    const a = p.theta0!;
    const b = applyPermutations(s, p.layout, a, s.buffers, perms);
    for (const method of METHODS) {
      const r = await alignParams(p, a, b.theta, { method, seed: 2, buffersB: b.buffers });
      expect(Array.from(r.theta)).toEqual(Array.from(a));
      for (const [k, v] of Object.entries(s.buffers)) expect(Array.from(r.buffers![k]!)).toEqual(Array.from(v));
      expect(r.distanceAfter).toBe(0);
    }
  });

  it.each(cases)("$name: the aligned model written as .onnx computes B's outputs to 1e-12 (fresh import)", async ({ name }) => {
    const p = onnxProblem(join(FIXTURES, `${name}.onnx`), name);
    const s = symmetryOf(p);
    // B: another network of the same architecture, float32-exact so the file holds it unrounded.
    const rng = createRng(7);
    const b = f32(p.theta0!.map((v) => v + 0.5 * rng.normal()));
    const buffersB: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(s.buffers)) buffersB[k] = f32(v.map((x) => (k.endsWith("var") ? x * (0.5 + rng.next()) : x + rng.normal())));
    for (const method of METHODS) {
      const r = await alignParams(p, p.theta0!, b, { method, seed: 3, buffersB });
      const [fb, fp] = [await fileOutputs(p, name, b, buffersB, `${name}-b`), await fileOutputs(p, name, r.theta, r.buffers ?? {}, `${name}-${method}`)];
      let d = 0;
      fb.forEach((v, i) => (d = Math.max(d, Math.abs(v - fp[i]!))));
      expect(d).toBeLessThanOrEqual(1e-12);
      expect(r.maxOutputDiff).toBeLessThanOrEqual(1e-12);
    }
  });

  it.each(cases)("$name: weight matching's ‖A − P(B)‖ never increases from sweep to sweep", async ({ name }) => {
    const p = onnxProblem(join(FIXTURES, `${name}.onnx`), name);
    const rng = createRng(17);
    const b = p.theta0!.map((v) => v + rng.normal());
    const r = await alignParams(p, p.theta0!, b, { method: "weight", seed: 4 });
    const h = r.distanceHistory!;
    for (let k = 1; k < h.length; k++) expect(h[k]!).toBeLessThanOrEqual(h[k - 1]! * (1 + 1e-14));
    expect(h[h.length - 1]).toBe(r.distanceAfter);
  });

  it("mlp_dropout_clip: fc1 reaches an Unsqueeze and a Concat, so it is listed as unpermuted with the reason", () => {
    const s = symmetryOf(onnxProblem(join(FIXTURES, "mlp_dropout_clip.onnx"), "mlp_dropout_clip"));
    expect(s.groups).toEqual([]);
    expect(s.unpermuted).toEqual([{ group: "fc1", reason: expect.stringContaining("Unsqueeze") }]);
  });
});

describe("alignParams on hand-built ONNX graphs (other exporters' patterns)", () => {
  const rng = createRng(99);
  const rand = (n: number) => Array.from({ length: n }, () => Math.fround(rng.normal()));
  const data = { x: Array.from({ length: 12 }, () => rand(3)), y: Array.from({ length: 12 }, (_, i) => i % 2) };
  const write = (name: string, nodes: ReturnType<typeof makeNode>[], inits: ReturnType<typeof makeTensor>[]): LossProblem => {
    const bytes = encodeModel(makeModel(makeGraph({ nodes, inputs: [makeValueInfo("x", "float32", ["N", 3])], outputs: [makeValueInfo("logits", "float32", ["N", 2])], initializers: inits })));
    writeFileSync(join(root, `${name}.onnx`), bytes);
    const path = join(root, `${name}.json`);
    writeFileSync(path, JSON.stringify({ model: { type: "onnx", path: `${name}.onnx` }, loss: "cross_entropy", data }));
    return resolveProblem(loadModelSource(path));
  };

  it("MatMul + Add biases and Gemm with transB = 0 (TensorFlow-style): both hidden groups, recovered exactly", async () => {
    const p = write("tf-style", [
      makeNode("MatMul", ["x", "dense.kernel"], ["h0"]),
      makeNode("Add", ["h0", "dense.bias"], ["h1"]),
      makeNode("Relu", ["h1"], ["h2"]),
      makeNode("Gemm", ["h2", "mid.kernel", "mid.bias"], ["m0"], { transB: 0 }),
      makeNode("Sigmoid", ["m0"], ["m1"]),
      makeNode("MatMul", ["m1", "out.kernel"], ["o0"]),
      makeNode("Add", ["o0", "out.bias"], ["logits"])
    ], [
      makeTensor("dense.kernel", "float32", [3, 5], rand(15)), makeTensor("dense.bias", "float32", [5], rand(5)),
      makeTensor("mid.kernel", "float32", [5, 4], rand(20)), makeTensor("mid.bias", "float32", [4], rand(4)),
      makeTensor("out.kernel", "float32", [4, 2], rand(8)), makeTensor("out.bias", "float32", [2], rand(2))
    ]);
    const s = symmetryOf(p);
    expect(s.groups.map((g) => [g.name, g.size, g.members.map((m) => `${m.tensor}:${m.axis}`).sort()])).toEqual([
      ["dense", 5, ["dense.bias:0", "dense.kernel:1", "mid.kernel:0"]],
      ["mid", 4, ["mid.bias:0", "mid.kernel:1", "out.kernel:0"]]
    ]);
    const a = p.theta0!;
    const b = applyPermutations(s, p.layout, a, {}, new Map([["dense", [4, 2, 0, 1, 3]], ["mid", [3, 2, 1, 0]]])).theta;
    for (const method of METHODS) expect(Array.from((await alignParams(p, a, b, { method, seed: 0 })).theta)).toEqual(Array.from(a));
  });

  it("a Concat with the input leaves the hidden layer unpermuted, and says so", async () => {
    const p = write("concat", [
      makeNode("Gemm", ["x", "a.weight", "a.bias"], ["h0"], { transB: 1 }),
      makeNode("Relu", ["h0"], ["h1"]),
      makeNode("Concat", ["h1", "x"], ["c"], { axis: 1 }),
      makeNode("Gemm", ["c", "out.weight", "out.bias"], ["logits"], { transB: 1 })
    ], [
      makeTensor("a.weight", "float32", [4, 3], rand(12)), makeTensor("a.bias", "float32", [4], rand(4)),
      makeTensor("out.weight", "float32", [2, 7], rand(14)), makeTensor("out.bias", "float32", [2], rand(2))
    ]);
    const r = await alignParams(p, p.theta0!, p.theta0!.map((v) => v + 1), { method: "activation", seed: 0 });
    expect(r.permutations).toEqual([]);
    expect(r.unpermuted).toEqual([{ group: "a", reason: expect.stringMatching(/Concat/) }]);
    expect(r.maxOutputDiff).toBe(0);
  });
});

describe("alignParams on MLP variants", () => {
  it("no biases, a different activation per layer: activation matching undoes a known permutation exactly", async () => {
    const p = mlp({ model: { type: "mlp", layers: [2, 6, 5, 2], activation: ["leaky_relu", "tanh"], bias: false }, loss: "cross_entropy", data: { name: "moons", n: 40 } });
    const a = initParams(p, 4);
    const s = symmetryOf(p);
    const b = applyPermutations(s, p.layout, a, {}, new Map([["layer1", randomPerm(6, 1)], ["layer2", randomPerm(5, 2)]])).theta;
    expect(Array.from((await alignParams(p, a, b, { method: "activation", seed: 0 })).theta)).toEqual(Array.from(a));
    // Weight matching is coordinate ascent: here (an untrained, bias-free net) it stops at a local optimum
    // (7.42 -> 1.97, not 0), as Git Re-Basin's can; it still never moves away from A.
    const w = await alignParams(p, a, b, { method: "weight", seed: 0 });
    expect(w.distanceAfter).toBeLessThan(w.distanceBefore / 2);
  });
});
