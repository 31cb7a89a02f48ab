import type { ModelSpec } from "./spec.js";

export interface ParamBlock {
  /** e.g. "layer1.weight" (out×in, row-major) or "layer1.bias". */
  name: string;
  layer: number;
  kind: "weight" | "bias";
  shape: number[];
  offset: number;
  size: number;
}

/** Flat θ <-> named tensors, ordered layer by layer, weight then bias: the seed's (A1, b1, A2, b2). */
export interface ParamLayout {
  blocks: ParamBlock[];
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

export function block(layout: ParamLayout, name: string): ParamBlock {
  const b = layout.blocks.find((x) => x.name === name);
  if (!b) throw new Error(`no parameter block "${name}" (have ${layout.blocks.map((x) => x.name).join(", ")})`);
  return b;
}

/** Named views into θ (no copies). */
export function unflatten(layout: ParamLayout, theta: Float64Array): Record<string, Float64Array> {
  const r: Record<string, Float64Array> = {};
  for (const b of layout.blocks) r[b.name] = theta.subarray(b.offset, b.offset + b.size);
  return r;
}

export function flatten(layout: ParamLayout, named: Readonly<Record<string, ArrayLike<number>>>): Float64Array {
  const theta = new Float64Array(layout.size);
  for (const b of layout.blocks) {
    const v = named[b.name];
    if (!v || v.length !== b.size) throw new Error(`parameter ${b.name} needs ${b.size} values`);
    theta.set(Array.from(v), b.offset);
  }
  return theta;
}
