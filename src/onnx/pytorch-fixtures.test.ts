/**
 * Real torch.onnx.export outputs (test/fixtures/onnx, made by make_fixtures.py with PyTorch 1.13) against
 * PyTorch's own float64 values: the imported network's logits, and a cross-entropy loss and its gradient
 * built from IR ops on top of it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { grad, gradName } from "../autodiff/grad.js";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { evaluate } from "../exec/reference.js";
import { loadNpy, toFloat64 } from "../io/npy.js";
import { loadOnnxModel, type ImportedModel } from "./import-model.js";

const DIR = join(process.cwd(), "test/fixtures/onnx");
const NAMES = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith(".onnx")).map((f) => f.slice(0, -5)).sort() : [];

interface RefJson {
  opset: number;
  ops: string[];
  n: number;
  classes: number;
  params: { name: string; shape: number[] }[];
  buffers: { name: string; shape: number[] }[];
  constants: string[];
  loss: number;
  grad: number[];
  outputs: number[][];
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1e-3, Math.abs(b[i]!)));
  return a.length === b.length ? m : Infinity;
}

/** Mean cross-entropy of logits [n, k] against one-hot targets, in IR ops. */
function crossEntropy(g: GraphBuilder, logits: Value, onehot: Value): Value {
  const ls = g.logSoftmax(logits, 1);
  return g.div(g.neg(g.sum(g.mul(ls, onehot))), logits.shape[0]!);
}

function setup(m: ImportedModel, x: Tensor, y: Float64Array, classes: number) {
  const g = new GraphBuilder("float64");
  const xv = g.input("x", x.shape);
  const tensors = new Map<string, Value>();
  const feeds: Record<string, Tensor> = { x };
  for (const init of m.initializers) {
    if (init.role === "constant") continue;
    tensors.set(init.name, g.input(init.name, init.shape));
    feeds[init.name] = tensor(init.shape, init.data);
  }
  const logits = m.build(g, xv, tensors);
  const onehot = new Float64Array(y.length * classes);
  y.forEach((c, i) => (onehot[i * classes + c] = 1));
  const loss = crossEntropy(g, logits, g.constant(tensor([y.length, classes], onehot)));
  return { graph: g.build({ logits, loss }), feeds };
}

function load(name: string) {
  const ref = JSON.parse(readFileSync(join(DIR, `${name}.ref.json`), "utf8")) as RefJson;
  const m = loadOnnxModel(join(DIR, `${name}.onnx`));
  const xa = toFloat64(loadNpy(join(DIR, `${name}.x.npy`)));
  const ya = toFloat64(loadNpy(join(DIR, `${name}.y.npy`)));
  return { ref, m, ...setup(m, tensor(xa.shape, xa.data), ya.data, ref.classes) };
}

describe.skipIf(NAMES.length === 0)("PyTorch ONNX fixtures", () => {
  it.each(NAMES)("%s: roles, logits and loss equal PyTorch's float64 values", (name) => {
    const { ref, m, graph, feeds } = load(name);
    expect(m.opsetVersion).toBe(ref.opset);
    expect(m.opTypes).toEqual([...new Set(ref.ops)].sort());
    const byRole = (r: string) => m.initializers.filter((i) => i.role === r).map((i) => i.name);
    expect(byRole("param")).toEqual(ref.params.map((p) => p.name));
    expect(byRole("buffer")).toEqual(ref.buffers.map((p) => p.name));
    expect(m.initializers.filter((i) => i.role === "constant" && (i.dtype === "float32" || i.dtype === "float64")).map((i) => i.name)).toEqual(ref.constants);

    const out = evaluate(graph, feeds);
    const logits = out["logits"]!;
    const k = ref.classes;
    expect(relErr(logits.data.subarray(0, ref.outputs.length * k), ref.outputs.flat())).toBeLessThan(1e-9);
    expect(Math.abs(out["loss"]!.data[0]! - ref.loss) / Math.abs(ref.loss)).toBeLessThan(1e-9);
  });

  it.each(NAMES)("%s: the gradient of the loss by reverse mode equals PyTorch's", (name) => {
    const { ref, graph, feeds } = load(name);

    const params = ref.params.map((p) => p.name);
    const gg = grad(graph, { of: "loss", wrt: params });
    const gout = evaluate(gg, feeds);
    const flat = params.flatMap((p) => Array.from(gout[gradName(p)]!.data));
    let num = 0, den = 0;
    flat.forEach((v, i) => {
      num = Math.max(num, Math.abs(v - ref.grad[i]!));
      den = Math.max(den, Math.abs(ref.grad[i]!));
    });
    expect(flat.length).toBe(ref.grad.length);
    expect(num / den).toBeLessThan(1e-9);
  });
});
