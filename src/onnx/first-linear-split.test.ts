/**
 * ImportedModel.firstLinear: where the importer offers the split after the first op, the two halves
 * compose to the whole network exactly, the first half is linear in its params (bias included), and
 * models where the split would be wrong (the data read twice, a fixed bias, a nonlinear first op,
 * the data not the first operand) get none.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../exec/reference.js";
import { encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo, type NodeProtoLike, type TensorProtoLike } from "../exec/onnx/onnx-proto.js";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { importOnnxModel, loadOnnxModel, type ImportedModel } from "./import-model.js";
import { importedRun, maxRelErr, randomData } from "./import.testkit.js";
import { writeLenetOnnx } from "./lenet-writer.js";

const DIR = join(process.cwd(), "test/fixtures/onnx");
const FIXTURES = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith(".onnx")).sort() : [];

/** Param values: the file's, or `override` for some. */
function values(m: ImportedModel, override: ReadonlyMap<string, Float64Array> = new Map()): Map<string, Float64Array> {
  return new Map(m.initializers.filter((i) => i.role !== "constant").map((i) => [i.name, override.get(i.name) ?? i.data]));
}

/** buildRest(buildFirst(x)) in one graph, params fed as inputs, on the reference interpreter. */
function splitRun(m: ImportedModel, x: Tensor, vals: ReadonlyMap<string, Float64Array>): { y: Tensor; z: Tensor } {
  const split = m.firstLinear!;
  const g = new GraphBuilder("float64");
  const xv = g.input("x", x.shape);
  const tensors = new Map<string, Value>();
  const feeds: Record<string, Tensor> = { x };
  for (const init of m.initializers) {
    if (init.role === "constant") continue;
    tensors.set(init.name, g.input(`p:${init.name}`, init.shape));
    feeds[`p:${init.name}`] = tensor(init.shape, vals.get(init.name)!);
  }
  const z = split.buildFirst(g, xv, tensors);
  const y = split.buildRest(g, z, x.shape, tensors);
  const r = evaluate(g.build({ y, z }), feeds);
  return { y: r["y"]!, z: r["z"]! };
}

function sampleShape(m: ImportedModel): number[] {
  return m.inputShape.slice(1).map((d) => d as number);
}

describe("the split after a first linear op composes to the network", () => {
  for (const file of FIXTURES) {
    it(`${file}: a Conv/Gemm reading x, buildRest ∘ buildFirst = build on the reference interpreter`, () => {
      const m = loadOnnxModel(join(DIR, file));
      const split = m.firstLinear;
      expect(split).toBeDefined();
      expect(["Conv", "Gemm"]).toContain(split!.opType);
      // PyTorch names a layer's weight and bias "<layer>.weight", "<layer>.bias".
      expect(split!.params.map((p) => p.replace(/^.*\./, ""))).toEqual(["weight", "bias"]);
      const x = randomData([3, ...sampleShape(m)], 5);
      const whole = importedRun(m, x);
      const { y } = splitRun(m, x, values(m));
      expect(maxRelErr(y.data, whole.data)).toBe(0);
    });
  }

  it("LeNet-5 (lenet-writer, its view(N, -1) a Shape chain on a later tensor): split at conv1, halves compose", () => {
    const m = importOnnxModel(writeLenetOnnx(3), { path: "lenet.onnx", dir: "." });
    expect(m.firstLinear?.node).toBe("/conv1/Conv");
    expect(m.firstLinear?.params).toEqual(["conv1.weight", "conv1.bias"]);
    const x = randomData([2, 1, 28, 28], 8);
    expect(maxRelErr(splitRun(m, x, values(m)).y.data, importedRun(m, x).data)).toBe(0);
  });

  it("the first half is linear in its params jointly, bias included", () => {
    const m = importOnnxModel(writeLenetOnnx(4), { path: "lenet.onnx", dir: "." });
    const x = randomData([2, 1, 28, 28], 9);
    const [w, b] = m.firstLinear!.params.map((name) => m.initializers.find((i) => i.name === name)!);
    const d = (t: { data: Float64Array }, seed: number): Float64Array => randomData([t.data.length], seed).data;
    const dw = d(w!, 1), db = d(b!, 2);
    const at = (wv: Float64Array, bv: Float64Array): Float64Array => splitRun(m, x, values(m, new Map([[w!.name, wv], [b!.name, bv]]))).z.data;
    const z0 = at(w!.data, b!.data), z1 = at(dw, db);
    const zs = at(w!.data.map((v, i) => v + 0.75 * dw[i]!), b!.data.map((v, i) => v + 0.75 * db[i]!));
    expect(maxRelErr(zs, z0.map((v, i) => v + 0.75 * z1[i]!))).toBeLessThan(1e-14);
  });
});

// Hand-built models: a 2x2 Conv on x [N, 1, 4, 4] and a head.
const conv = (input: string, out: string, w = "w", b: string | null = "b"): NodeProtoLike => makeNode("Conv", [input, w, ...(b ? [b] : [])], [out], {});
const inits = (): TensorProtoLike[] => [
  makeTensor("w", "float64", [2, 1, 2, 2], randomData([8], 1).data),
  makeTensor("b", "float64", [2], [0.1, -0.2])
];
function model(nodes: NodeProtoLike[], initializers: TensorProtoLike[], outShape: (number | string)[] = ["N", 18]): ImportedModel {
  const graph = makeGraph({
    nodes,
    inputs: [makeValueInfo("x", "float64", ["N", 1, 4, 4])],
    outputs: [makeValueInfo("y", "float64", outShape)],
    initializers
  });
  return importOnnxModel(encodeModel(makeModel(graph, { opset: 17 })), { path: "m.onnx", dir: "." });
}
const flatten = (input: string): NodeProtoLike => makeNode("Flatten", [input], ["y"], { axis: 1 });

describe("models the split does not apply to", () => {
  it("split offered: Conv reading x, with a Shape(x) chain feeding a later Reshape", () => {
    const m = model([
      conv("x", "z"),
      makeNode("Relu", ["z"], ["r"]),
      makeNode("Shape", ["x"], ["s"]),
      makeNode("Gather", ["s", "zero"], ["n"], { axis: 0 }),
      makeNode("Unsqueeze", ["n", "zero1"], ["n1"]),
      makeNode("Concat", ["n1", "minus1"], ["shape"], { axis: 0 }),
      makeNode("Reshape", ["r", "shape"], ["y"])
    ], [
      ...inits(),
      makeTensor("zero", "int64", [], [0]),
      makeTensor("zero1", "int64", [1], [0]),
      makeTensor("minus1", "int64", [1], [-1])
    ]);
    expect(m.firstLinear?.params).toEqual(["w", "b"]);
    const x = randomData([3, 1, 4, 4], 2);
    expect(maxRelErr(splitRun(m, x, values(m)).y.data, importedRun(m, x).data)).toBe(0);
  });

  it("no split: x is read by a second node (a residual x + conv(x))", () => {
    const m = model([
      makeNode("Conv", ["x", "w1", "b1"], ["z"], { pads: [1, 1, 1, 1] }),
      makeNode("Add", ["z", "x"], ["s"]),
      flatten("s")
    ], [makeTensor("w1", "float64", [1, 1, 3, 3], randomData([9], 3).data), makeTensor("b1", "float64", [1], [0.5])], ["N", 16]);
    expect(m.firstLinear).toBeUndefined();
  });

  it("no split: the first op's bias is a fixed constant (affine, not linear, in θ)", () => {
    // An integer-valued bias initializer is float, so it is a param; a Constant node's tensor is not.
    const m = model([makeNode("Constant", [], ["b"], { value: makeTensor("", "float64", [2], [1, 2]) }), conv("x", "z"), flatten("z")], [inits()[0]!]);
    expect(m.firstLinear).toBeUndefined();
  });

  it("no split: the first op is not linear in θ (Relu first), or the data is not its first operand", () => {
    expect(model([makeNode("Relu", ["x"], ["r"]), conv("r", "z"), flatten("z")], inits()).firstLinear).toBeUndefined();
    // W·x (x the second operand) is linear in W too, but its rows are not samples: no split.
    const m = model([makeNode("MatMul", ["wm", "x"], ["z"]), flatten("z")], [makeTensor("wm", "float64", [4, 4], randomData([16], 4).data)], ["N", 16]);
    expect(m.initializers[0]!.role).toBe("param");
    expect(m.firstLinear).toBeUndefined();
    const xm = model([makeNode("MatMul", ["x", "wm"], ["z"]), flatten("z")], [makeTensor("wm", "float64", [4, 4], randomData([16], 4).data)], ["N", 16]);
    expect(xm.firstLinear?.opType).toBe("MatMul");
  });

  it("split without a bias: a Conv with only a weight", () => {
    const m = model([conv("x", "z", "w", null), flatten("z")], [inits()[0]!]);
    expect(m.firstLinear?.params).toEqual(["w"]);
    const x = randomData([2, 1, 4, 4], 6);
    expect(maxRelErr(splitRun(m, x, values(m)).y.data, importedRun(m, x).data)).toBe(0);
  });
});
