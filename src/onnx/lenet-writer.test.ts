import { describe, expect, it } from "vitest";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { tensor } from "../ir/tensor.js";
import { decodeModel } from "../exec/onnx/onnx-proto.js";
import { importOnnxModel } from "./import-model.js";
import { writeLenetOnnx } from "./lenet-writer.js";
import { importedRun, maxRelErr, ortRun, randomData } from "./import.testkit.js";

const NAMES = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"];

describe("writeLenetOnnx", () => {
  const bytes = writeLenetOnnx(7);
  const m = importOnnxModel(bytes, { path: "lenet.onnx", dir: "." });

  it("is deterministic in its seed and shaped like PyTorch's export", () => {
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
    expect(same(writeLenetOnnx(7), bytes)).toBe(true);
    expect(same(writeLenetOnnx(8), bytes)).toBe(false);
    const model = decodeModel(bytes);
    expect(model.opsetImport?.[0]?.version).toBe(17);
    expect(model.producerName).toBe("losscape");
    expect(m.opsetVersion).toBe(17);
    expect(m.inputShape).toEqual(["N", 1, 28, 28]);
    expect(m.outputName).toBe("logits");
    expect(m.outputShape).toEqual(["N", 10]);
    expect(m.opTypes).toEqual(["Concat", "Constant", "Conv", "Gather", "Gemm", "MaxPool", "Relu", "Reshape", "Shape", "Unsqueeze"]);
    expect(m.initializers.map((i) => i.name)).toEqual(NAMES);
    expect(m.initializers.every((i) => i.role === "param" && i.dtype === "float32")).toBe(true);
    expect(m.initializers.reduce((s, i) => s + i.data.length, 0)).toBe(61706);
    // PyTorch's default init: U(±1/sqrt(fan_in)) for weights and biases alike.
    for (const [name, fanIn] of [["conv1.weight", 25], ["conv2.bias", 150], ["fc1.weight", 400], ["fc3.bias", 84]] as const) {
      const d = m.initializers.find((i) => i.name === name)!.data;
      const bound = 1 / Math.sqrt(fanIn);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...d.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    }
  });

  it("folds the view chain: the built network has no int64 values and no shape ops", () => {
    const g = new GraphBuilder();
    const tensors = new Map<string, Value>(m.initializers.map((i) => [i.name, g.input(i.name, i.shape)]));
    const y = m.build(g, g.input("x", [3, 1, 28, 28]), tensors);
    expect(y.shape).toEqual([3, 10]);
    const graph = g.build({ y });
    expect(graph.nodes.filter((n) => n.dtype !== "float64")).toEqual([]);
    expect([...new Set(graph.nodes.map((n) => n.op))].sort()).toEqual(["Conv", "Gemm", "Input", "MaxPool", "Relu", "Reshape"]);
  });

  it("runs in onnxruntime and agrees with the import in float32 and float64", async () => {
    const x32 = randomData([2, 1, 28, 28], 99, "float32");
    const ort = await ortRun(bytes, "x", x32);
    expect(ort.dims).toEqual([2, 10]);
    const ours64 = importedRun(m, tensor(x32.shape, x32.data, "float64"));
    const ours32 = importedRun(m, x32);
    expect(maxRelErr(ours64.data, ort.data as Float32Array)).toBeLessThan(1e-5);
    expect(maxRelErr(ours32.data, ort.data as Float32Array)).toBeLessThan(1e-5);
  });
});
