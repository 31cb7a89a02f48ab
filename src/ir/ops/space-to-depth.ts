import { ShapeError } from "../shape.js";
import { requireFloat, transposeKernel } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import type { Attrs, ValueType } from "../graph.js";
import type { Tensor } from "../tensor.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";
import type { GraphBuilder, Value } from "../builder.js";

export type DepthMode = "DCR" | "CRD";

/**
 * SpaceToDepth and DepthToSpace are one reshape–transpose–reshape each (ONNX opset 13 defines them
 * that way); this is that triple, so the kernels, the derivative rules and the decompositions all read
 * the same permutation.
 */
export interface BlockLayout {
  split: number[];
  perm: number[];
  out: number[];
}

function blocksizeOf(attrs: Attrs): number {
  const b = attrNum(attrs, "blocksize");
  if (!Number.isInteger(b) || b < 1) throw new ShapeError(`blocksize must be a positive integer, got ${b}`);
  return b;
}

function requireRank4(x: ValueType, op: string): readonly number[] {
  if (x.shape.length !== 4) throw new ShapeError(`${op} wants a 4-D input [N, C, H, W], got [${x.shape.join(",")}]`);
  return x.shape;
}

export function spaceToDepthLayout(shape: readonly number[], b: number): BlockLayout {
  const [n, c, h, w] = shape as [number, number, number, number];
  if (h % b !== 0 || w % b !== 0) throw new ShapeError(`SpaceToDepth: spatial size ${h}×${w} is not a multiple of blocksize ${b}`);
  return { split: [n, c, h / b, b, w / b, b], perm: [0, 3, 5, 1, 2, 4], out: [n, c * b * b, h / b, w / b] };
}

export function depthToSpaceLayout(shape: readonly number[], b: number, mode: DepthMode): BlockLayout {
  const [n, c, h, w] = shape as [number, number, number, number];
  if (c % (b * b) !== 0) throw new ShapeError(`DepthToSpace: ${c} channels are not a multiple of blocksize² = ${b * b}`);
  const out = [n, c / (b * b), h * b, w * b];
  return mode === "DCR"
    ? { split: [n, b, b, c / (b * b), h, w], perm: [0, 3, 4, 1, 5, 2], out }
    : { split: [n, c / (b * b), b, b, h, w], perm: [0, 1, 4, 2, 5, 3], out };
}

export function depthModeOf(attrs: Attrs): DepthMode {
  const m = attrs["mode"] ?? "DCR";
  if (m !== "DCR" && m !== "CRD") throw new ShapeError(`DepthToSpace mode must be "DCR" or "CRD", got ${String(m)}`);
  return m;
}

export function blockKernel(x: Tensor, l: BlockLayout, type: ValueType): Tensor {
  const moved = transposeKernel({ ...x, shape: l.split }, l.perm, { dtype: type.dtype, shape: l.perm.map((p) => l.split[p]!) });
  return { dtype: type.dtype, shape: type.shape, data: moved.data };
}

/** The inverse of a layout's permutation, as the transpose that takes its output back to its input. */
export function inverseLayout(l: BlockLayout, inputShape: readonly number[]): BlockLayout {
  const inv = new Array<number>(l.perm.length);
  l.perm.forEach((p, i) => (inv[p] = i));
  return { split: l.perm.map((p) => l.split[p]!), perm: inv, out: [...inputShape] };
}

export function applyLayout(g: GraphBuilder, v: Value, l: BlockLayout): Value {
  return g.reshape(g.transpose(g.reshape(v, l.split), l.perm), l.out);
}

export const SpaceToDepth = defineOp({
  name: "SpaceToDepth",
  ...layoutKernels((): OpDef["eval"] => SpaceToDepth.eval),
  curvature: linearFacts("space to depth"),
  minInputs: 1,
  maxInputs: 1,
  onnx: { attrs: { blocksize: "int" } },
  infer: ([x], attrs) => {
    requireFloat(x!);
    return { dtype: x!.dtype, shape: spaceToDepthLayout(requireRank4(x!, "SpaceToDepth"), blocksizeOf(attrs)).out };
  },
  eval: ([x], attrs, type) => blockKernel(x!, spaceToDepthLayout(x!.shape, blocksizeOf(attrs)), type),
  // A permutation's adjoint is its inverse, and DepthToSpace in DCR mode is exactly that inverse.
  vjp: (g, { attrs }, gy) => [g.op("DepthToSpace", [gy], { blocksize: blocksizeOf(attrs), mode: "DCR" })],
  jvp: (g, { attrs }, [dx]) => (dx ? g.op("SpaceToDepth", [dx], { blocksize: blocksizeOf(attrs) }) : null)
});

export { blocksizeOf };
