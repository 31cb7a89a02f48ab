/**
 * The CLI on ONNX models, as a user runs it: inspect (text and JSON agree), landscape with the model's
 * own weights and --to another .onnx, hessian, train writing a model.onnx that onnxruntime loads and
 * that reproduces the trained loss, convexity + verify through Conv/BatchNorm/MaxPool, the
 * mnist-lenet example — and every kind of bad input: exit 2, a message naming the problem, no stack
 * trace, nothing written.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo } from "../src/exec/onnx/onnx-proto.js";
import { float64Array, loadNpy, saveNpy } from "../src/io/npy.js";
import { runCli } from "../src/cli/run-cli.testkit.js";

const FIX = join(process.cwd(), "test/fixtures/onnx");
const root = mkdtempSync(join(tmpdir(), "losscape-onnx-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

for (const f of ["cnn_bn.onnx", "cnn_bn.x.npy", "cnn_bn.y.npy", "resblock_ln.onnx", "resblock_ln.x.npy", "resblock_ln.y.npy"]) copyFileSync(join(FIX, f), join(root, f));
const spec = (model: string, data = model.replace(/\.onnx$/, ""), extra: Record<string, unknown> = {}): string => {
  const path = join(root, `${model}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ model: { type: "onnx", path: model }, loss: "cross_entropy", data: { x: `${data}.x.npy`, y: `${data}.y.npy` }, ...extra }));
  return path;
};
const cnn = spec("cnn_bn.onnx");

describe("losscape on a PyTorch CNN with BatchNorm", () => {
  it("inspect lists θ in file order, the BN buffers apart, the ops and the shapes; text and JSON agree", async () => {
    const j = await runCli(["inspect", cnn, "--json"]);
    expect(j.code).toBe(0);
    const r = JSON.parse(j.out) as { parameterCount: number; parameters: { name: string; offset: number; count: number }[]; buffers: { name: string }[]; ops: string[]; input: { perSample: number[] } };
    expect(r.parameterCount).toBe(135);
    expect(r.parameters[0]!.name).toBe("conv1.weight");
    expect(r.buffers.map((b) => b.name)).toEqual(["bn.running_mean", "bn.running_var"]);
    expect(r.ops).toContain("BatchNormalization");
    expect(r.input.perSample).toEqual([1, 8, 8]);
    const t = await runCli(["inspect", cnn]);
    expect(t.code).toBe(0);
    for (const p of r.parameters) expect(t.out).toMatch(new RegExp(`${p.name.replace(".", "\\.")}\\s+\\[[^\\]]*\\]\\s+${p.offset}\\s+${p.count}`));
    expect(t.out).toContain("parameters θ: 135");
    expect(t.out).toMatch(/buffers \(held fixed, not in θ\): 8 values/);
  });

  it("train writes model.onnx; onnxruntime loads it, and the landscape line to it ends at the trained loss", async () => {
    const out = join(root, "run");
    const tr = await runCli(["train", cnn, "--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--batch-size", "0", "--out", out, "--no-progress"]);
    expect(tr.code, tr.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { final: { trainLoss: number }; files: Record<string, string>; options: { init: string } };
    expect(manifest.files["model"]).toBe("model.onnx");
    expect(manifest.options.init).toBe("the model's own weights");
    const session = await ort.InferenceSession.create(join(out, "model.onnx"));
    expect(session.inputNames).toEqual(["x"]);
    const line = await runCli(["landscape", cnn, "--to", join(out, "model.onnx"), "--x", "0:1:3", "--out", join(root, "line"), "--no-progress", "--no-plots"]);
    expect(line.code, line.err).toBe(0);
    const loss = loadNpy(join(root, "line", "loss.npy")).data as Float64Array;
    // The trained weights were stored as float32, so the end of the line is the trained loss to float32 accuracy.
    expect(Math.abs(loss[2]! - manifest.final.trainLoss) / manifest.final.trainLoss).toBeLessThan(1e-5);
    expect(loss[2]!).toBeLessThan(loss[0]!);
  }, 60_000);

  it("a filter-normalized plane with the model's own weights, and the Hessian at them", async () => {
    const r = await runCli(["landscape", cnn, "--x", "-1:1:3", "--y", "-1:1:3", "--out", join(root, "plane"), "--no-progress", "--no-plots", "--no-vtp"]);
    expect(r.code, r.err).toBe(0);
    expect(loadNpy(join(root, "plane", "loss.npy")).shape).toEqual([3, 3]);
    const m = JSON.parse(readFileSync(join(root, "plane", "manifest.json"), "utf8")) as { params: { source: string }; directions: { normalization: string; biases: string } };
    expect(m.params.source).toBe("the model's own weights");
    expect(m.directions.normalization).toBe("filter");
    const h = await runCli(["hessian", cnn, "--exact", "--json"]);
    expect(h.code, h.err).toBe(0);
    const rep = JSON.parse(h.out) as { n: number };
    expect(JSON.stringify(rep)).toContain("135");
  }, 60_000);

  it("convexity finds a certificate through Conv, BatchNorm and MaxPool, and verify re-checks it with intervals", async () => {
    const cert = join(root, "cert.json");
    const c = await runCli(["convexity", cnn, "--budget", "8", "--no-blocks", "--certificate", cert]);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/NOT convex in its 135 parameters/);
    const v = await runCli(["verify", cert]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/VALID certificate/);
    const bad = JSON.parse(readFileSync(cert, "utf8")) as { thetaB: number[] };
    // The last entry is fc.bias[2]: every sample's loss depends on it (a dead ReLU channel's weight might not).
    bad.thetaB[134] = bad.thetaB[134]! + 1;
    writeFileSync(join(root, "edited.json"), JSON.stringify(bad));
    expect((await runCli(["verify", join(root, "edited.json")])).code).toBe(1);
  }, 60_000);
});

describe("losscape example mnist-lenet", () => {
  it("writes a LeNet-5 ONNX model, NCHW digits and a spec that inspect reads", async () => {
    const dir = join(root, "lenet");
    const r = await runCli(["example", "mnist-lenet", "--out", dir]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["lenet.onnx", "mnist-lenet.json", "x.npy", "y.npy"]);
    expect(loadNpy(join(dir, "x.npy")).shape).toEqual([2000, 1, 28, 28]);
    const i = await runCli(["inspect", join(dir, "mnist-lenet.json"), "--json"]);
    const rep = JSON.parse(i.out) as { parameterCount: number; ops: string[] };
    expect(rep.parameterCount).toBe(61706);
    expect(rep.ops).toEqual(expect.arrayContaining(["Conv", "MaxPool", "Shape", "Gather", "Unsqueeze", "Concat", "Reshape", "Gemm"]));
    const again = await runCli(["example", "mnist-lenet", "--out", dir]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/not empty/);
    const noOut = await runCli(["example", "mnist-lenet"]);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/--out mnist-lenet/);
  }, 60_000);
});

/** A one-Gemm model x [N, 2] -> [N, k], with options to break it. */
function tinyModel(o: { k?: number; inputs?: number; dims?: (number | string)[]; op?: string } = {}): Uint8Array {
  const k = o.k ?? 3;
  const inputs = [makeValueInfo("x", "float32", o.dims ?? ["N", 2])];
  for (let i = 1; i < (o.inputs ?? 1); i++) inputs.push(makeValueInfo(`x${i}`, "float32", ["N", 2]));
  const nodes = [makeNode("Gemm", ["x", "w", "b"], ["h"], { transB: 1 }, "fc")];
  nodes.push(makeNode(o.op ?? "Relu", ["h"], ["logits"], {}, "act"));
  return encodeModel(makeModel(makeGraph({
    nodes, inputs, outputs: [makeValueInfo("logits", "float32", ["N", k])],
    initializers: [makeTensor("w", "float32", [k, 2], Array.from({ length: 2 * k }, (_, i) => i / 7 - 0.3)), makeTensor("b", "float32", [k], Array.from({ length: k }, () => 0.1))]
  })));
}

describe("bad input exits 2 with a message naming the problem, and writes nothing", () => {
  saveNpy(join(root, "tiny.x.npy"), float64Array([4, 2], [1, 2, 3, 4, -1, 0, 0.5, 2]));
  saveNpy(join(root, "tiny.y.npy"), float64Array([4], [0, 1, 2, 1]));
  saveNpy(join(root, "labels12.y.npy"), float64Array([4], [0, 12, 2, 1]));
  saveNpy(join(root, "wide.x.npy"), float64Array([4, 3], Array.from({ length: 12 }, (_, i) => i)));
  saveNpy(join(root, "labels12.x.npy"), float64Array([4, 2], [1, 2, 3, 4, -1, 0, 0.5, 2]));
  saveNpy(join(root, "wide.y.npy"), float64Array([4], [0, 1, 2, 1]));
  writeFileSync(join(root, "good.onnx"), tinyModel());
  writeFileSync(join(root, "notonnx.onnx"), "this is not a protobuf at all\n");
  writeFileSync(join(root, "truncated.onnx"), readFileSync(join(root, "cnn_bn.onnx")).subarray(0, 700));
  writeFileSync(join(root, "unsupported.onnx"), tinyModel({ op: "Selu" }));
  writeFileSync(join(root, "dynamic.onnx"), tinyModel({ dims: ["N", "features"] }));
  writeFileSync(join(root, "twoinputs.onnx"), tinyModel({ inputs: 2 }));
  writeFileSync(join(root, "logits10.onnx"), tinyModel({ k: 10 }));

  it.each([
    ["not an ONNX file", spec("notonnx.onnx", "tiny"), /notonnx\.onnx is not an ONNX model/],
    ["a truncated file", spec("truncated.onnx", "tiny"), /truncated\.onnx.*(truncated|not an ONNX model|invalid)/i],
    ["an unsupported op", spec("unsupported.onnx", "tiny"), /unsupported ONNX op "Selu" at node "act".*supported:/s],
    ["a dynamic dimension other than the batch", spec("dynamic.onnx", "tiny"), /dimension 1 \("features"\)|"features"/],
    ["more than one input", spec("twoinputs.onnx", "tiny"), /input/],
    ["labels the output cannot fit (10 logits, label 12)", spec("logits10.onnx", "labels12"), /labels up to 12 \(13 classes; sample 1\), but the model has 10 outputs/],
    ["data whose shape differs from the model input", spec("good.onnx", "wide"), /samples of shape \[3\].*input "x" of shape \[N, 2\]/],
    ["a missing model file", spec("missing.onnx", "tiny"), /cannot read file .*missing\.onnx/]
  ])("%s", async (_what, specPath, why) => {
    const out = join(root, `bad-${Math.random().toString(36).slice(2)}`);
    for (const args of [["inspect", specPath], ["landscape", specPath, "--x", "-1:1:3", "--out", out, "--no-progress"], ["train", specPath, "--epochs", "1", "--out", out, "--no-progress"]]) {
      const r = await runCli(args);
      expect(r.code, `${args[0]}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(why);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("--params of another architecture names the mismatching tensor", async () => {
    const r = await runCli(["hessian", cnn, "--params", join(root, "good.onnx"), "--top", "1"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not the same architecture as the model/);
  });
});
