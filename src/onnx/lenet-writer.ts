/**
 * The classic LeNet-5 for MNIST as an ONNX model, laid out node for node as torch.onnx.export (opset 17)
 * writes `nn.Sequential`-style LeNet with `x.view(x.size(0), -1)`: a test model and a demo input that needs
 * no PyTorch. conv1 uses padding 2, so 28x28 inputs give the original 32x32 LeNet geometry:
 *
 *   x [N,1,28,28] -> Conv 6@5x5 pad 2 -> Relu -> MaxPool 2 -> Conv 16@5x5 -> Relu -> MaxPool 2 -> [N,16,5,5]
 *   -> Shape/Gather/Unsqueeze/Concat/Reshape (view) -> Gemm 120 -> Relu -> Gemm 84 -> Relu -> Gemm 10 -> logits
 *
 * Weights follow PyTorch's default initialization (kaiming_uniform with a = sqrt(5), i.e. U(±1/sqrt(fan_in)),
 * biases U(±1/sqrt(fan_in))), drawn from a seeded generator and stored as float32.
 */
import {
  attr,
  encodeModel,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  type NodeProtoLike,
  type TensorProtoLike
} from "../exec/onnx/onnx-proto.js";
import { createRng, type Rng } from "../util/random.js";

function uniform(rng: Rng, n: number, bound: number): Float64Array {
  return Float64Array.from({ length: n }, () => (2 * rng.next() - 1) * bound);
}

function layer(rng: Rng, name: string, weightDims: number[]): TensorProtoLike[] {
  const fanIn = weightDims.slice(1).reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  const n = weightDims.reduce((a, b) => a * b, 1);
  return [
    makeTensor(`${name}.weight`, "float32", weightDims, uniform(rng, n, bound)),
    makeTensor(`${name}.bias`, "float32", [weightDims[0]!], uniform(rng, weightDims[0]!, bound))
  ];
}

const out = (name: string): string => `/${name}_output_0`;

export function lenetModelProto(seed: number) {
  const rng = createRng(seed);
  const initializers = [
    ...layer(rng, "conv1", [6, 1, 5, 5]),
    ...layer(rng, "conv2", [16, 6, 5, 5]),
    ...layer(rng, "fc1", [120, 400]),
    ...layer(rng, "fc2", [84, 120]),
    ...layer(rng, "fc3", [10, 84])
  ];
  const conv = (name: string, input: string, pad: number): NodeProtoLike =>
    makeNode("Conv", [input, `${name}.weight`, `${name}.bias`], [out(`${name}/Conv`)], {
      dilations: [1, 1],
      group: 1,
      kernel_shape: [5, 5],
      pads: [pad, pad, pad, pad],
      strides: [1, 1]
    }, `/${name}/Conv`);
  const relu = (name: string, input: string): NodeProtoLike => makeNode("Relu", [input], [out(name)], {}, `/${name}`);
  const pool = (name: string, input: string): NodeProtoLike =>
    makeNode("MaxPool", [input], [out(name)], { ceil_mode: 0, kernel_shape: [2, 2], pads: [0, 0, 0, 0], strides: [2, 2] }, `/${name}`);
  const gemm = (name: string, input: string, output: string): NodeProtoLike =>
    makeNode("Gemm", [input, `${name}.weight`, `${name}.bias`], [output], { alpha: attr.float(1), beta: attr.float(1), transB: 1 }, `/${name}/Gemm`);
  const constant = (name: string, output: string, data: number[], dims: number[]): NodeProtoLike =>
    makeNode("Constant", [], [output], { value: makeTensor("", "int64", dims, data) }, name);

  const nodes: NodeProtoLike[] = [
    conv("conv1", "x", 2),
    relu("Relu", out("conv1/Conv")),
    pool("MaxPool", out("Relu")),
    conv("conv2", out("MaxPool"), 0),
    relu("Relu_1", out("conv2/Conv")),
    pool("MaxPool_1", out("Relu_1")),
    // x.view(x.size(0), -1), as the TorchScript exporter spells it.
    makeNode("Shape", [out("MaxPool_1")], [out("Shape")], {}, "/Shape"),
    constant("/Constant", out("Constant"), [0], []),
    makeNode("Gather", [out("Shape"), out("Constant")], [out("Gather")], { axis: 0 }, "/Gather"),
    constant("Constant_7", "onnx::Unsqueeze_17", [0], [1]),
    makeNode("Unsqueeze", [out("Gather"), "onnx::Unsqueeze_17"], [out("Unsqueeze")], {}, "/Unsqueeze"),
    constant("/Constant_1", out("Constant_1"), [-1], [1]),
    makeNode("Concat", [out("Unsqueeze"), out("Constant_1")], [out("Concat")], { axis: 0 }, "/Concat"),
    makeNode("Reshape", [out("MaxPool_1"), out("Concat")], [out("Reshape")], { allowzero: 0 }, "/Reshape"),
    gemm("fc1", out("Reshape"), out("fc1/Gemm")),
    relu("Relu_2", out("fc1/Gemm")),
    gemm("fc2", out("Relu_2"), out("fc2/Gemm")),
    relu("Relu_3", out("fc2/Gemm")),
    gemm("fc3", out("Relu_3"), "logits")
  ];
  const graph = makeGraph({
    name: "torch_jit",
    nodes,
    inputs: [makeValueInfo("x", "float32", ["N", 1, 28, 28])],
    outputs: [makeValueInfo("logits", "float32", ["N", 10])],
    initializers
  });
  return makeModel(graph, { opset: 17, irVersion: 8, producerName: "losscape" });
}

/** LeNet-5 for MNIST (see above) as ONNX bytes; the same seed gives the same bytes. */
export function writeLenetOnnx(seed: number): Uint8Array {
  return encodeModel(lenetModelProto(seed));
}
