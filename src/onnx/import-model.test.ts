import { describe, expect, it } from "vitest";
import {
  attr,
  encodeModel,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  type NodeProtoLike,
  type TensorProtoLike,
  type ValueInfoProtoLike
} from "../exec/onnx/onnx-proto.js";
import { tensor } from "../ir/tensor.js";
import { importOnnxModel, type ImportedModel } from "./import-model.js";
import { importedRun, maxRelErr, ortRun, randomData } from "./import.testkit.js";

const INT64_MAX = 9223372036854775807n;

interface Parts {
  nodes: NodeProtoLike[];
  inputs: ValueInfoProtoLike[];
  outputs: ValueInfoProtoLike[];
  initializers?: TensorProtoLike[];
  opset?: number;
}

function bytesOf(p: Parts): Uint8Array {
  const graph = makeGraph({ nodes: p.nodes, inputs: p.inputs, outputs: p.outputs, initializers: p.initializers ?? [] });
  return encodeModel(makeModel(graph, { opset: p.opset ?? 17 }));
}

function imp(bytes: Uint8Array): ImportedModel {
  return importOnnxModel(bytes, { path: "model.onnx", dir: "." });
}

const ints = (name: string, data: number[] | bigint[], dims = [data.length]): TensorProtoLike =>
  makeTensor(name, "int64", dims, typeof data[0] === "bigint" ? BigInt64Array.from(data as bigint[]) : (data as number[]));
const randT = (name: string, dtype: "float32" | "float64", dims: number[], seed: number, scale = 0.5): TensorProtoLike =>
  makeTensor(name, dtype, dims, randomData(dims, seed, "float64", scale).data);
const cnode = (out: string, t: TensorProtoLike): NodeProtoLike => makeNode("Constant", [], [out], { value: t }, `const_${out}`);

/**
 * A float64 model exercising the shape chain PyTorch writes for view(N, -1), the ops whose opset-17
 * inputs the IR keeps static (Reshape, Unsqueeze, Squeeze, Slice with INT64_MAX, Pad, Clip, ReduceSum,
 * Split), shape arithmetic through Cast, and float constants in every form.
 */
function mixedModel(): Parts {
  const nodes: NodeProtoLike[] = [
    makeNode("Shape", ["x"], ["s"], {}, "/Shape"),
    cnode("zero", ints("", [0], [])),
    makeNode("Gather", ["s", "zero"], ["n"], { axis: 0 }, "/Gather"),
    cnode("axes0", ints("", [0])),
    makeNode("Unsqueeze", ["n", "axes0"], ["n1"], {}, "/Unsqueeze"),
    cnode("minus1", ints("", [-1])),
    makeNode("Concat", ["n1", "minus1"], ["shp"], { axis: 0 }, "/Concat"),
    makeNode("Reshape", ["x", "shp"], ["xf"], { allowzero: 0 }, "/Reshape"),
    makeNode("Gemm", ["xf", "W", "b"], ["h"], { alpha: attr.float(0.5), beta: attr.float(1), transB: 0 }, "/fc/Gemm"),
    cnode("hi", makeTensor("", "float64", [], [0.8])),
    makeNode("Clip", ["h", "lo", "hi"], ["c"], {}, "/Clip"),
    cnode("axes1", ints("", [1])),
    makeNode("Unsqueeze", ["c", "axes1"], ["u"], {}, "/Unsqueeze_1"),
    makeNode("Pad", ["u", "pads", "padv"], ["p"], { mode: "constant" }, "/Pad"),
    cnode("axes2", ints("", [2])),
    makeNode("ReduceSum", ["p", "axes2"], ["rs"], { keepdims: 1 }, "/ReduceSum"),
    makeNode("Sub", ["p", "rs"], ["d"], {}, "/Sub"),
    makeNode("Squeeze", ["d", "axes1"], ["sq"], {}, "/Squeeze"),
    makeNode("Slice", ["sq", "sl_starts", "sl_ends", "axes1", "sl_steps"], ["sl"], {}, "/Slice"),
    makeNode("Split", ["sq", "split"], ["a", "b2"], { axis: 1 }, "/Split"),
    makeNode("Softmax", ["b2"], ["sm"], { axis: 1 }, "/Softmax"),
    makeNode("Concat", ["a", "sl", "sm"], ["cat"], { axis: 1 }, "/Concat_1"),
    makeNode("Pow", ["cat", "two"], ["pw"], {}, "/Pow"),
    makeNode("Tanh", ["pw"], ["t"], {}, "/Tanh"),
    // (rows + cols) of x as a float: Shape(start=1) -> Cast -> ReduceSum over all axes.
    makeNode("Shape", ["x"], ["s12"], { start: 1 }, "/Shape_1"),
    makeNode("Cast", ["s12"], ["s12f"], { to: 11 }, "/Cast"),
    makeNode("ReduceSum", ["s12f"], ["tot"], { keepdims: 0 }, "/ReduceSum_1"),
    makeNode("Div", ["t", "tot"], ["scaled"], {}, "/Div"),
    makeNode("ReduceMean", ["scaled"], ["rm"], { axes: [1], keepdims: 1 }, "/ReduceMean"),
    makeNode("Add", ["scaled", "rm"], ["y"], {}, "/Add")
  ];
  return {
    nodes,
    inputs: [makeValueInfo("x", "float64", ["N", 3, 4])],
    outputs: [makeValueInfo("y", "float64", ["N", 12])],
    initializers: [
      randT("W", "float64", [12, 5], 1),
      randT("b", "float64", [5], 2),
      makeTensor("lo", "float64", [], [-0.5]),
      ints("pads", [0, 0, 1, 0, 0, 2]),
      makeTensor("padv", "float64", [], [0.25]),
      ints("sl_starts", [1]),
      ints("sl_ends", [INT64_MAX]),
      ints("sl_steps", [2]),
      ints("split", [3, 5]),
      makeTensor("two", "float64", [], [2])
    ]
  };
}

/** float32 CNN: Conv, BatchNormalization, pools, LayerNormalization, Flatten, Gemm, LeakyRelu. */
function cnnModel(): Parts {
  const nodes: NodeProtoLike[] = [
    makeNode("Conv", ["x", "conv.weight", "conv.bias"], ["c"], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 }, "/conv/Conv"),
    makeNode("BatchNormalization", ["c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], ["bn"], { epsilon: attr.float(1e-5), momentum: attr.float(0.9), training_mode: 0 }, "/bn/BatchNormalization"),
    makeNode("Relu", ["bn"], ["r"], {}, "/Relu"),
    makeNode("MaxPool", ["r"], ["mp"], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceil_mode: 0 }, "/MaxPool"),
    makeNode("AveragePool", ["mp"], ["ap"], { kernel_shape: [2, 2], strides: [1, 1] }, "/AveragePool"),
    makeNode("GlobalAveragePool", ["ap"], ["gap"], {}, "/GlobalAveragePool"),
    makeNode("Flatten", ["gap"], ["f"], { axis: 1 }, "/Flatten"),
    makeNode("LayerNormalization", ["f", "ln.weight", "ln.bias"], ["ln"], { axis: -1, epsilon: attr.float(1e-5) }, "/ln/LayerNormalization"),
    makeNode("Gemm", ["ln", "fc.weight", "fc.bias"], ["g"], { alpha: attr.float(1), beta: attr.float(1), transB: 1 }, "/fc/Gemm"),
    makeNode("LeakyRelu", ["g"], ["logits"], { alpha: attr.float(0.125) }, "/LeakyRelu")
  ];
  const rv = Float64Array.from(randomData([3], 7).data, (v) => 0.5 + v * v);
  return {
    nodes,
    inputs: [makeValueInfo("x", "float32", ["N", 2, 6, 6])],
    outputs: [makeValueInfo("logits", "float32", ["N", 4])],
    initializers: [
      randT("conv.weight", "float32", [3, 2, 3, 3], 3),
      randT("conv.bias", "float32", [3], 4),
      randT("bn.weight", "float32", [3], 5, 1),
      randT("bn.bias", "float32", [3], 6),
      randT("bn.running_mean", "float32", [3], 8),
      makeTensor("bn.running_var", "float32", [3], rv),
      randT("ln.weight", "float32", [3], 9, 1),
      randT("ln.bias", "float32", [3], 10),
      randT("fc.weight", "float32", [4, 3], 11, 1),
      randT("fc.bias", "float32", [4], 12)
    ]
  };
}

describe("importOnnxModel against onnxruntime on the original bytes", () => {
  it("float64: shape chain, static inputs, Split, Cast of shapes, constants", async () => {
    const bytes = bytesOf(mixedModel());
    const m = imp(bytes);
    expect(m.inputName).toBe("x");
    expect(m.inputShape).toEqual(["N", 3, 4]);
    expect(m.outputName).toBe("y");
    expect(m.outputShape).toEqual(["N", 12]);
    expect(m.opsetVersion).toBe(17);
    expect(m.producer).toBe("losscape");
    expect(m.initializers.map((i) => [i.name, i.role])).toEqual([
      ["W", "param"], ["b", "param"], ["lo", "constant"], ["pads", "constant"], ["padv", "constant"], ["sl_starts", "constant"],
      ["sl_ends", "constant"], ["sl_steps", "constant"], ["split", "constant"], ["two", "constant"]
    ]);
    expect(m.initializers.find((i) => i.name === "sl_ends")!.data[0]).toBe(Number.MAX_SAFE_INTEGER);
    expect(m.opTypes).toContain("Shape");
    for (const n of [1, 5]) {
      const x = randomData([n, 3, 4], 100 + n);
      const ours = importedRun(m, x);
      const ort = await ortRun(bytes, "x", x);
      expect(ours.shape).toEqual(ort.dims);
      expect(maxRelErr(ours.data, ort.data as Float64Array)).toBeLessThan(1e-12);
    }
  });

  it("float32 CNN with BatchNormalization, pools and LayerNormalization, built in float32 and in float64", async () => {
    const bytes = bytesOf(cnnModel());
    const m = imp(bytes);
    const roles = Object.fromEntries(m.initializers.map((i) => [i.name, i.role]));
    expect(roles["bn.running_mean"]).toBe("buffer");
    expect(roles["bn.running_var"]).toBe("buffer");
    expect(roles["conv.weight"]).toBe("param");
    expect(roles["ln.bias"]).toBe("param");
    expect(m.initializers[0]!.dtype).toBe("float32");
    const x32 = randomData([3, 2, 6, 6], 21, "float32");
    const ort = await ortRun(bytes, "x", x32);
    const ours32 = importedRun(m, x32);
    expect(ours32.dtype).toBe("float32");
    expect(maxRelErr(ours32.data, ort.data as Float32Array)).toBeLessThan(2e-5);
    const ours64 = importedRun(m, tensor(x32.shape, x32.data, "float64"));
    expect(ours64.dtype).toBe("float64");
    expect(maxRelErr(ours64.data, ort.data as Float32Array)).toBeLessThan(2e-5);
  });

  it("opset 18: ReduceMean axes as an input, Split by num_outputs, Pad with axes; an int64 Pow exponent", async () => {
    const nodes = [
      makeNode("ReduceMean", ["x", "ax"], ["m"], { keepdims: 1 }, "rm"),
      makeNode("Sub", ["x", "m"], ["d"], {}, "sub"),
      makeNode("Split", ["d"], ["p", "q", "r"], { axis: 1, num_outputs: 3 }, "split"),
      makeNode("Pad", ["r", "pads", "", "padaxes"], ["rp"], { mode: "constant" }, "pad"),
      makeNode("Mul", ["p", "q"], ["pq0"], {}, "mul"),
      makeNode("Pow", ["pq0", "three"], ["pq"], {}, "pow"),
      makeNode("Concat", ["pq", "rp"], ["y"], { axis: 1 }, "cat")
    ];
    const bytes = bytesOf({
      nodes,
      opset: 18,
      inputs: [makeValueInfo("x", "float64", ["N", 8])],
      outputs: [makeValueInfo("y", "float64", ["N", 6])],
      initializers: [ints("ax", [1]), ints("pads", [1, 0]), ints("padaxes", [1]), ints("three", [3], [])]
    });
    const m = imp(bytes);
    const x = randomData([4, 8], 31);
    const ours = importedRun(m, x);
    const ort = await ortRun(bytes, "x", x);
    expect(ours.shape).toEqual([4, 6]);
    expect(maxRelErr(ours.data, ort.data as Float64Array)).toBeLessThan(1e-12);
  });

  it("Gather with constant indices on the data (x[:, 1] and x[:, [2, 0]]), Transpose, MatMul, Dropout, Identity", async () => {
    const nodes = [
      makeNode("Gather", ["x", "i1"], ["g1"], { axis: 1 }, "g1"),
      makeNode("Gather", ["x", "i20"], ["g2"], { axis: 1 }, "g2"),
      makeNode("Transpose", ["g2"], ["t"], { perm: [0, 2, 1] }, "t"),
      makeNode("Unsqueeze", ["g1", "ax1"], ["g1u"], {}, "unsq"),
      makeNode("MatMul", ["g1u", "t"], ["mm"], {}, "mm"),
      cnode("ratio", makeTensor("", "float64", [], [0.3])),
      makeNode("Dropout", ["mm", "ratio"], ["dr"], {}, "drop"),
      makeNode("Identity", ["dr"], ["y"], {}, "id")
    ];
    const bytes = bytesOf({
      nodes,
      inputs: [makeValueInfo("x", "float64", ["N", 3, 4])],
      outputs: [makeValueInfo("y", "float64", ["N", 1, 2])],
      initializers: [ints("i1", [1], []), ints("i20", [2, 0]), ints("ax1", [1])]
    });
    const m = imp(bytes);
    expect(m.initializers.every((i) => i.role === "constant")).toBe(true);
    const x = randomData([2, 3, 4], 41);
    const ours = importedRun(m, x);
    const ort = await ortRun(bytes, "x", x);
    expect(ours.shape).toEqual([2, 1, 2]);
    expect(maxRelErr(ours.data, ort.data as Float64Array)).toBeLessThan(1e-12);
  });

  it("lists initializers among graph inputs (IR < 4 style) and still finds the one data input", async () => {
    const p = mixedModel();
    p.inputs = [...p.inputs, ...p.initializers!.map((t) => makeValueInfo(t.name!, t.dataType === 7 ? "int64" : "float64", (t.dims ?? []).map(Number)))];
    const bytes = bytesOf(p);
    const m = imp(bytes);
    expect(m.inputName).toBe("x");
    const x = randomData([2, 3, 4], 51);
    const ort = await ortRun(bytes, "x", x);
    const ours = importedRun(m, x);
    expect(maxRelErr(ours.data, ort.data as Float64Array)).toBeLessThan(1e-12);
    expect(maxRelErr(ours.data, importedRun(imp(bytesOf(mixedModel())), x).data)).toBe(0);
  });
});
