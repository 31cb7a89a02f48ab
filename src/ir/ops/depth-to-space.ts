import { requireFloat } from "../kernels.js";
import { defineOp } from "../op.js";
import type { OpDef } from "../op.js";
import { ShapeError } from "../shape.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import { applyLayout, blockKernel, blocksizeOf, depthModeOf, depthToSpaceLayout, inverseLayout } from "./space-to-depth.js";

export const DepthToSpace = defineOp({
  name: "DepthToSpace",
  ...layoutKernels((): OpDef["eval"] => DepthToSpace.eval),
  curvature: linearFacts("depth to space"),
  minInputs: 1,
  maxInputs: 1,
  defaults: { mode: "DCR" },
  onnx: { attrs: { blocksize: "int", mode: "string" } },
  infer: ([x], attrs) => {
    requireFloat(x!);
    if (x!.shape.length !== 4) throw new ShapeError(`DepthToSpace wants a 4-D input [N, C, H, W], got [${x!.shape.join(",")}]`);
    return { dtype: x!.dtype, shape: depthToSpaceLayout(x!.shape, blocksizeOf(attrs), depthModeOf(attrs)).out };
  },
  eval: ([x], attrs, type) => blockKernel(x!, depthToSpaceLayout(x!.shape, blocksizeOf(attrs), depthModeOf(attrs)), type),
  // The adjoint of a permutation is its inverse: SpaceToDepth for DCR; CRD's inverse has no ONNX op
  // (SpaceToDepth only orders channels block-first), so it is the inverse transpose written out.
  vjp: (g, { inputs: [x], attrs }, gy) => {
    const b = blocksizeOf(attrs);
    if (depthModeOf(attrs) === "DCR") return [g.op("SpaceToDepth", [gy], { blocksize: b })];
    return [applyLayout(g, gy, inverseLayout(depthToSpaceLayout(x!.shape, b, "CRD"), x!.shape))];
  },
  jvp: (g, { attrs }, [dx]) => (dx ? g.op("DepthToSpace", [dx], { blocksize: blocksizeOf(attrs), mode: depthModeOf(attrs) }) : null)
});
