/**
 * The loss problem of an imported ONNX model. θ is the model's trainable float initializers in file
 * order, each flattened row-major; BatchNormalization's running statistics are buffers (baked in as
 * constants, listed in the layout, never part of θ). The batch dimension is bound to the data.
 */
import { GraphBuilder, type Value } from "../../ir/builder.js";
import { sizeOf } from "../../ir/shape.js";
import { tensor } from "../../ir/tensor.js";
import type { ImportedModel } from "../../onnx/import-model.js";
import { writeOnnxWithInitializers } from "../../onnx/write-model.js";
import { UserError } from "../../util/errors.js";
import type { Dataset } from "../datasets/dataset.js";
import type { BufferInfo, ParamBlock, ParamLayout } from "../layout.js";
import { prepareTargets, type LossHead } from "../losses.js";
import type { LossName } from "../spec.js";
import { datasetHash } from "./from-mlp.js";
import type { FirstLinearLayer, LossProblem, OnnxStructure } from "./loss-problem.js";

/** Blocks of one layer share the name before the last dot, as PyTorch names them ("conv1.weight", "conv1.bias"). */
function layerKey(name: string): string {
  const i = name.lastIndexOf(".");
  return i > 0 ? name.slice(0, i) : name;
}

export function onnxLayout(model: ImportedModel): ParamLayout {
  const blocks: ParamBlock[] = [];
  const buffers: BufferInfo[] = [];
  const layers = new Map<string, number>();
  let offset = 0;
  for (const init of model.initializers) {
    const size = sizeOf(init.shape);
    if (init.role === "buffer") {
      buffers.push({ name: init.name, shape: [...init.shape], size });
      continue;
    }
    if (init.role !== "param") continue;
    const key = layerKey(init.name);
    let layer = layers.get(key);
    if (layer === undefined) {
      layer = layers.size + 1;
      layers.set(key, layer);
    }
    blocks.push({ name: init.name, layer, kind: init.shape.length >= 2 ? "weight" : "bias", shape: [...init.shape], offset, size });
    offset += size;
  }
  return { blocks, size: offset, buffers };
}

export function onnxTheta(model: ImportedModel, layout: ParamLayout): Float64Array {
  const theta = new Float64Array(layout.size);
  for (const b of layout.blocks) theta.set(model.initializers.find((i) => i.name === b.name)!.data, b.offset);
  return theta;
}

/** The per-sample input shape, with the data's own shape checked against it. */
function sampleShapeFor(model: ImportedModel, data: Dataset): number[] {
  const [batch, ...rest] = model.inputShape;
  const shape = rest.map((d, k) => {
    if (typeof d !== "number") {
      throw new UserError(`${model.path}: input "${model.inputName}" has a symbolic dimension ${k + 1} ("${d}"); only the batch dimension (0) may be symbolic`);
    }
    return d;
  });
  const want = sizeOf(shape);
  const got = data.sampleShape ?? [data.inputDim];
  const fits = data.sampleShape ? got.length === shape.length && got.every((d, k) => d === shape[k]) : data.inputDim === want;
  if (!fits) {
    throw new UserError(
      `data x has samples of shape [${got.join(", ")}], but ${model.path} takes input "${model.inputName}" of shape ` +
        `[${[batch, ...shape].join(", ")}] (per sample [${shape.join(", ")}])`
    );
  }
  if (typeof batch === "number" && batch !== data.n) {
    throw new UserError(
      `${model.path}: input "${model.inputName}" has a fixed batch size ${batch}, but the data has ${data.n} samples; ` +
        `export the model with a dynamic batch axis (torch.onnx.export(..., dynamic_axes={"${model.inputName}": {0: "N"}}))`
    );
  }
  return shape;
}

export interface OnnxProblemOptions {
  source: string;
  loss: LossName;
  l2: number;
  /** The spec as resolved, for manifests. */
  spec: unknown;
  /** sha256 of the model file, for the resume identity. */
  modelHash: string;
  /** The file's bytes and folder, to write the model back with other weights. */
  bytes: Uint8Array;
  dir: string;
}

export function onnxProblem(model: ImportedModel, data: Dataset, o: OnnxProblemOptions): LossProblem {
  const layout = onnxLayout(model);
  const sampleShape = sampleShapeFor(model, data);
  const buffers = new Map(model.initializers.filter((i) => i.role === "buffer").map((i) => [i.name, i]));
  const networkTensors = (g: GraphBuilder, theta: Value): Map<string, Value> => {
    const values = new Map<string, Value>();
    for (const b of layout.blocks) values.set(b.name, g.reshape(g.slice(theta, [b.offset], [b.offset + b.size], [0]), b.shape));
    for (const [name, init] of buffers) values.set(name, g.constant(tensor(init.shape, init.data, g.floatType)));
    return values;
  };
  const checkOutput = (out: Value, batch: number | undefined): Value => {
    if (out.shape.length !== 2 || out.shape[0] !== batch) {
      throw new UserError(`${model.path}: output "${model.outputName}" has shape [${out.shape.join(", ")}]; a loss needs one row of outputs per sample, [${batch}, k]`);
    }
    return out;
  };
  const forward = (g: GraphBuilder, theta: Value, x: Value): Value => checkOutput(model.build(g, x, networkTensors(g, theta)), x.shape[0]);
  const split = model.firstLinear;
  // The importer found the first op linear in θ and the only reader of the data: a surface may precompute it.
  const firstLinear: FirstLinearLayer | undefined = split && {
    blocks: split.params,
    apply: (g, theta, x) => split.buildFirst(g, x, networkTensors(g, theta)),
    // The importer only splits where the first op keeps the data's batch axis first.
    rest: (g, theta, z) => checkOutput(split.buildRest(g, z, [z.shape[0]!, ...sampleShape], networkTensors(g, theta)), z.shape[0])
  };
  // Build once (on one sample, or the fixed batch): import errors surface now, and the output width is known.
  const probe = new GraphBuilder("float64");
  const probeBatch = typeof model.inputShape[0] === "number" ? model.inputShape[0] : 1;
  const out = forward(probe, probe.input("theta", [layout.size]), probe.input("x", [probeBatch, ...sampleShape]));
  const head: LossHead = { loss: o.loss, l2: o.l2, outputs: out.shape[1]! };
  const onnxStructure: OnnxStructure = {
    model,
    buffers: Object.fromEntries([...buffers].map(([name, init]) => [name, init.data])),
    write: (theta, bufferValues) => {
      const values = new Map(layout.blocks.map((b) => [b.name, theta.subarray(b.offset, b.offset + b.size)]));
      for (const [name, v] of Object.entries(bufferValues)) values.set(name, v);
      return writeOnnxWithInitializers(o.bytes, { dir: o.dir }, values);
    }
  };
  const make = (d: Dataset): LossProblem => {
    // Labels that do not fit the output (class 12 of 10 logits) are found now, before any analysis writes a file.
    prepareTargets(head, d);
    return {
    source: o.source,
    description: {
      kind: "onnx", spec: { ...(o.spec as object), modelSha256: o.modelHash }, data: { name: d.name, samples: d.n, sha256: datasetHash(d) },
      file: {
        path: model.path, format: "onnx", opsetVersion: model.opsetVersion, producer: model.producer,
        input: { name: model.inputName, shape: model.inputShape }, output: { name: model.outputName, shape: model.outputShape }, opTypes: model.opTypes
      }
    },
    head,
    layout,
    sampleShape,
    data: d,
    theta0: onnxTheta(model, layout),
    forward,
    withData: (d2) => {
      sampleShapeFor(model, d2);
      return make(d2);
    },
    writeModel: {
      extension: ".onnx",
      write: (theta) => writeOnnxWithInitializers(o.bytes, { dir: o.dir }, new Map(layout.blocks.map((b) => [b.name, theta.subarray(b.offset, b.offset + b.size)])))
    },
    structure: { ...(firstLinear ? { firstLinear } : {}), onnx: onnxStructure }
    };
  };
  return make(data);
}
