import type { ModelSpec } from "./spec.js";

export interface ParamBlock {
  /** e.g. "layer1.weight" (out×in, row-major) or "layer1.bias"; an ONNX initializer's own name. */
  name: string;
  /** Blocks of one layer share this number (a weight and its bias; 1-based). */
  layer: number;
  /**
   * weight: a matrix or filter bank whose first axis is the output unit or channel (one "filter" per
   * entry of that axis, as Li et al. normalise); bias: a vector (biases, normalisation scales and shifts).
   */
  kind: "weight" | "bias";
  shape: number[];
  offset: number;
  size: number;
}

/** Flat θ <-> named tensors, ordered layer by layer, weight then bias: the seed's (A1, b1, A2, b2). */
export interface ParamLayout {
  blocks: ParamBlock[];
  size: number;
  /** Tensors the model holds fixed (BatchNormalization's running statistics): listed, never part of θ. */
  buffers?: BufferInfo[];
}

export interface BufferInfo {
  name: string;
  shape: number[];
  size: number;
}

export function mlpLayout(spec: ModelSpec): ParamLayout {
  const sizes = spec.model.layers;
  const blocks: ParamBlock[] = [];
  let offset = 0;
  for (let l = 1; l < sizes.length; l++) {
    const out = sizes[l]!, inp = sizes[l - 1]!;
    blocks.push({ name: `layer${l}.weight`, layer: l, kind: "weight", shape: [out, inp], offset, size: out * inp });
    offset += out * inp;
    if (spec.model.bias) {
      blocks.push({ name: `layer${l}.bias`, layer: l, kind: "bias", shape: [out], offset, size: out });
      offset += out;
    }
  }
  return { blocks, size: offset };
}
