/**
 * The loss problem: the one input every analysis takes (landscape, Hessian, network convexity,
 * training). It is a network as a function of a flat θ, the loss head applied to its output, and the
 * data bound to its input. Producers (an MLP spec, an imported ONNX model) build it; analyses only
 * ask it for graphs, and read `structure` when a fast path can exploit what kind of network it is.
 */
import type { GraphBuilder, Value } from "../../ir/builder.js";
import type { ImportedModel } from "../../onnx/import-model.js";
import type { Dataset } from "../datasets/dataset.js";
import type { ParamLayout } from "../layout.js";
import type { LossHead } from "../losses.js";
import type { ModelSpec } from "../spec.js";

/** What the network is, for manifests, the resume identity and certificates (JSON-friendly). */
export interface ProblemDescription {
  kind: "mlp" | "onnx";
  /** The spec as resolved (an MLP's layers, an ONNX file's path and sha256). */
  spec: unknown;
  /** The data's name, size and content hash. */
  data: { name: string; samples: number; sha256: string };
  /** What the model file says of itself (ONNX: opset, producer, input and output, op types). */
  file?: ModelFileInfo;
}

export interface ModelFileInfo {
  path: string;
  format: "onnx";
  opsetVersion: number;
  producer: string;
  input: { name: string; shape: (number | string)[] };
  output: { name: string; shape: (number | string)[] };
  opTypes: string[];
}

export interface LossProblem {
  /** What the user named: a spec path or "example:<name>". */
  readonly source: string;
  readonly description: ProblemDescription;
  readonly head: LossHead;
  readonly layout: ParamLayout;
  /** The shape of one sample as the network reads it ([in] for rows, [C, H, W] for images). */
  readonly sampleShape: readonly number[];
  readonly data: Dataset;
  /** θ the model comes with (an ONNX file's own weights); null when it has none (an MLP spec). */
  readonly theta0: Float64Array | null;
  /** The network's output [n, outputs] for a batch x [n, ...sampleShape] at θ (a [P] value). */
  forward(g: GraphBuilder, theta: Value, x: Value): Value;
  /** The same network and loss on other data (a split, a mini-batch source). */
  withData(data: Dataset): LossProblem;
  /** The model as a file of its own format with θ as its weights (an ONNX model's bytes); absent for specs. */
  readonly writeModel?: { extension: string; write(theta: Float64Array): Uint8Array };
  /** Facts fast paths may use; absent means "no shortcut known". */
  readonly structure: ProblemStructure;
}

export interface ProblemStructure {
  /** The network is this MLP (its first layer is X·W1ᵀ + b1, the layers above are dense). */
  mlp?: ModelSpec;
  /**
   * The network's first op is linear in the parameters it uses and reads only the data: its output at
   * θ is `apply(blocks of θ)`, and `rest` computes the network from that output on. A surface then
   * precomputes apply(θ0), apply(d1), apply(d2) once (conv(x, W0 + αD1) = conv(x, W0) + α conv(x, D1)).
   */
  firstLinear?: FirstLinearLayer;
  /** The network is this imported ONNX graph (for analyses that trace it: alignment's unit permutations). */
  onnx?: OnnxStructure;
}

export interface OnnxStructure {
  model: ImportedModel;
  /** The model's own buffer values (BatchNormalization running statistics), by initializer name. */
  buffers: Readonly<Record<string, Float64Array>>;
  /** The model file with θ and the given buffers as its weights. */
  write(theta: Float64Array, buffers: Readonly<Record<string, Float64Array>>): Uint8Array;
}

export interface FirstLinearLayer {
  /** Names of the θ blocks the first op reads (a Conv's weight and bias). */
  blocks: readonly string[];
  /** The first op's output for data x with those blocks taken from `theta`; linear in theta. */
  apply(g: GraphBuilder, theta: Value, x: Value): Value;
  /** The rest of the network, from the first op's output z on, at θ. */
  rest(g: GraphBuilder, theta: Value, z: Value): Value;
}

/** The reshape of θ's slice for a block, as a graph value. */
export function blockValue(g: GraphBuilder, layout: ParamLayout, theta: Value, name: string): Value {
  const b = layout.blocks.find((x) => x.name === name);
  if (!b) throw new Error(`no parameter block ${name}`);
  return g.reshape(g.slice(theta, [b.offset], [b.offset + b.size], [0]), b.shape);
}
