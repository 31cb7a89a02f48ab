import { describe, expect, it } from "vitest";
import {
  attr,
  encodeModel,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  TensorDataType,
  type NodeProtoLike,
  type TensorProtoLike,
  type ValueInfoProtoLike
} from "../exec/onnx/onnx-proto.js";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { UserError } from "../util/errors.js";
import { importOnnxModel, loadOnnxModel, type ImportedModel } from "./import-model.js";
import { writeLenetOnnx } from "./lenet-writer.js";

interface Parts {
  nodes: NodeProtoLike[];
  inputs?: ValueInfoProtoLike[];
  outputs?: ValueInfoProtoLike[];
  initializers?: TensorProtoLike[];
  opset?: number;
}

function bytesOf(p: Parts): Uint8Array {
  const graph = makeGraph({
    nodes: p.nodes,
    inputs: p.inputs ?? [makeValueInfo("x", "float64", ["N", 4])],
    outputs: p.outputs ?? [makeValueInfo("y", "float64", ["N", 4])],
    initializers: p.initializers ?? []
  });
  return encodeModel(makeModel(graph, { opset: p.opset ?? 17 }));
}

const imp = (bytes: Uint8Array): ImportedModel => importOnnxModel(bytes, { path: "nets/model.onnx", dir: "nets" });

/** The UserError thrown by f, so its message can be checked part by part. */
function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected a UserError, nothing was thrown");
}

/** Build with zero-valued params on an x of the given shape. */
function buildWith(m: ImportedModel, shape: number[]): Value {
  const g = new GraphBuilder();
  const tensors = new Map<string, Value>();
  for (const i of m.initializers) if (i.role !== "constant") tensors.set(i.name, g.input(i.name, i.shape));
  return m.build(g, g.input("x", shape), tensors);
}

const relu = makeNode("Relu", ["x"], ["y"], {}, "relu");

describe("importOnnxModel rejects bad files with a UserError that names the file and the place", () => {
  it("bytes that are not a protobuf ModelProto", () => {
    const msg = userError(() => imp(new TextEncoder().encode("\u0001\u0002 this is a text file, not a model")));
    expect(msg).toMatch(/^nets\/model\.onnx is not an ONNX model \(/);
  });

  it("an empty file (no graph)", () => {
    expect(userError(() => imp(new Uint8Array()))).toBe("nets/model.onnx is not an ONNX model (it has no graph)");
  });

  it("a truncated file", () => {
    const full = writeLenetOnnx(3);
    const msg = userError(() => imp(full.subarray(0, Math.floor(full.length / 2))));
    expect(msg).toMatch(/^nets\/model\.onnx is not an ONNX model \(the file ends early, truncated\?/);
  });

  it("opset below 13 or above 21", () => {
    expect(userError(() => imp(bytesOf({ nodes: [relu], opset: 12 })))).toMatch(/nets\/model\.onnx: ONNX opset 12 is not supported \(supported: 13–21\)/);
    expect(userError(() => imp(bytesOf({ nodes: [relu], opset: 22 })))).toMatch(/opset 22 is not supported/);
  });

  it("an op losscape does not have, naming the node, its index and the supported ops", () => {
    const msg = userError(() => imp(bytesOf({ nodes: [relu, makeNode("NonZero", ["y"], ["z"], {}, "nz"), makeNode("Cast", ["z"], ["w"], { to: 11 }, "c")], outputs: [makeValueInfo("w", "float64", [null])] })));
    expect(msg).toMatch(/^nets\/model\.onnx: unsupported ONNX op "NonZero" at node "nz" \(#1\); supported: /);
    for (const op of ["Conv", "Gemm", "MaxPool", "Reshape", "Shape", "Gather", "Unsqueeze", "Concat"]) expect(msg).toContain(op);
  });

  it("an op of another domain", () => {
    const msg = userError(() => imp(bytesOf({ nodes: [makeNode("FusedGemm", ["x"], ["y"], {}, { name: "fg", domain: "com.microsoft" })] })));
    expect(msg).toMatch(/unsupported ONNX op "com\.microsoft\.FusedGemm" at node "fg" \(#0\)/);
  });

  it("two data inputs, or two outputs", () => {
    const two = bytesOf({ nodes: [makeNode("Add", ["a", "b"], ["y"], {}, "add")], inputs: [makeValueInfo("a", "float64", ["N", 4]), makeValueInfo("b", "float64", ["N", 4])] });
    expect(userError(() => imp(two))).toMatch(/nets\/model\.onnx: the model has 2 data inputs \('a', 'b'\)/);
    const outs = bytesOf({ nodes: [relu, makeNode("Neg", ["x"], ["z"], {}, "neg")], outputs: [makeValueInfo("y", "float64", ["N", 4]), makeValueInfo("z", "float64", ["N", 4])] });
    expect(userError(() => imp(outs))).toMatch(/the model has 2 outputs \('y', 'z'\)/);
  });

  it("a data input that is not float", () => {
    expect(userError(() => imp(bytesOf({ nodes: [relu], inputs: [makeValueInfo("x", "int64", ["N", 4])] })))).toMatch(/input 'x' has element type INT64/);
  });

  it("a symbolic dimension other than the batch", () => {
    const msg = userError(() => imp(bytesOf({ nodes: [relu], inputs: [makeValueInfo("x", "float64", ["N", "C"])] })));
    expect(msg).toBe(`nets/model.onnx: input 'x' dim 1 is symbolic ("C"); only dim 0 (the batch) may be symbolic`);
  });

  it("a fixed batch size that differs from the data's, suggesting dynamic_axes", () => {
    const m = imp(bytesOf({ nodes: [relu], inputs: [makeValueInfo("x", "float64", [2, 4])], outputs: [makeValueInfo("y", "float64", [2, 4])] }));
    expect(buildWith(m, [2, 4]).shape).toEqual([2, 4]);
    const msg = userError(() => buildWith(m, [5, 4]));
    expect(msg).toMatch(/input 'x' has a fixed batch size of 2 .* the data has 5 samples/);
    expect(msg).toContain(`dynamic_axes={"x": {0: "N"}}`);
    expect(userError(() => buildWith(m, [2, 3]))).toMatch(/dim 1 differs/);
  });

  it("an initializer of an unsupported data type", () => {
    const half: TensorProtoLike = { name: "h", dims: [4], dataType: TensorDataType.FLOAT16, rawData: new Uint8Array(8) };
    const msg = userError(() => imp(bytesOf({ nodes: [makeNode("Add", ["x", "h"], ["y"], {}, "add")], initializers: [half] })));
    expect(msg).toMatch(/nets\/model\.onnx: initializer 'h' has ONNX data type FLOAT16, which losscape does not support/);
  });

  it("a second output in use (MaxPool Indices, Dropout mask)", () => {
    const mp = bytesOf({
      nodes: [makeNode("MaxPool", ["x"], ["y", "idx"], { kernel_shape: [2] }, "mp"), makeNode("Cast", ["idx"], ["z"], { to: 11 }, "cast"), makeNode("Add", ["y", "z"], ["w"], {}, "add")],
      inputs: [makeValueInfo("x", "float64", ["N", 1, 4])],
      outputs: [makeValueInfo("w", "float64", ["N", 1, 3])]
    });
    expect(userError(() => imp(mp))).toMatch(/node "mp" \(#0, MaxPool\): its output 1 \('idx'\) is used, but losscape imports only the first output of MaxPool/);
    const dr = bytesOf({ nodes: [makeNode("Dropout", ["x"], ["d", "mask"], {}, "drop"), makeNode("Cast", ["mask"], ["y"], { to: 11 }, "cast")] });
    expect(userError(() => imp(dr))).toMatch(/node "drop" \(#0, Dropout\): its output 1 \('mask'\) is used/);
    // An unused second output is fine.
    expect(imp(bytesOf({ nodes: [makeNode("Dropout", ["x"], ["y", "mask"], {}, "drop")] })).opTypes).toEqual(["Dropout"]);
  });

  it("a static input (Reshape's shape) that depends on a parameter", () => {
    const m = imp(bytesOf({
      nodes: [makeNode("Cast", ["s"], ["shp"], { to: 7 }, "cast"), makeNode("Reshape", ["x", "shp"], ["y"], {}, "rs")],
      initializers: [makeTensor("s", "float64", [2], [-1, 4])]
    }));
    expect(m.initializers[0]!.role).toBe("param");
    expect(userError(() => buildWith(m, [3, 4]))).toMatch(/node "rs" \(#1, Reshape\): input 1 \('shp', the target shape\) must be a constant known when the network is built/);
  });

  it("inference-only semantics: BatchNormalization or Dropout in training mode", () => {
    const bn = imp(bytesOf({
      nodes: [makeNode("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], { epsilon: attr.float(1e-5), training_mode: 1 }, "bn")],
      initializers: ["s", "b", "m", "v"].map((n) => makeTensor(n, "float64", [4], [1, 1, 1, 1]))
    }));
    expect(userError(() => buildWith(bn, [2, 4]))).toMatch(/node "bn" \(#0, BatchNormalization\): .*training_mode/);
    const dr = imp(bytesOf({ nodes: [makeNode("Dropout", ["x", "", "t"], ["y"], {}, "drop")], initializers: [makeTensor("t", "bool", [], [1])] }));
    expect(userError(() => buildWith(dr, [2, 4]))).toMatch(/node "drop" \(#0, Dropout\): Dropout runs in training mode/);
  });

  it("an attribute the op record does not know", () => {
    const m = imp(bytesOf({ nodes: [makeNode("Gemm", ["x", "w"], ["y"], { foo: 3 }, "fc")], initializers: [makeTensor("w", "float64", [4, 4], new Float64Array(16))] }));
    expect(userError(() => buildWith(m, [2, 4]))).toMatch(/node "fc" \(#0, Gemm\): attribute 'foo' = 3 is not supported by losscape's Gemm/);
  });

  it("a node input that nothing produces", () => {
    const m = imp(bytesOf({ nodes: [makeNode("Add", ["x", "nope"], ["y"], {}, "add")] }));
    expect(userError(() => buildWith(m, [2, 4]))).toMatch(/node "add" \(#0, Add\): input 'nope' is not produced by any earlier node/);
  });

  it("a model file that does not exist", () => {
    expect(userError(() => loadOnnxModel("/nonexistent/dir/model.onnx"))).toMatch(/cannot read file \/nonexistent\/dir\/model\.onnx/);
  });
});
