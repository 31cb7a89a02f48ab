import { ShapeError } from "../shape.js";
import { transposeKernel } from "../kernels.js";
import { attrInts, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

function permOf(rank: number, p: readonly number[] | undefined): number[] {
  const perm = p ? [...p] : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((v, i) => v !== i)) {
    throw new ShapeError(`perm [${perm.join(",")}] is not a permutation of the ${rank} axes`);
  }
  return perm;
}

export const Transpose = defineOp({
  name: "Transpose",
  ...layoutKernels((): OpDef["eval"] => Transpose.eval),
  curvature: linearFacts("transpose"),
  minInputs: 1,
  maxInputs: 1,
  onnx: { attrs: { perm: "ints" } },
  infer: ([x], attrs) => ({ dtype: x!.dtype, shape: permOf(x!.shape.length, attrInts(attrs, "perm")).map((p) => x!.shape[p]!) }),
  eval: ([x], attrs, type) => transposeKernel(x!, permOf(x!.shape.length, attrInts(attrs, "perm")), type),
  vjp: (g, { inputs: [x], attrs }, gy) => {
    const perm = permOf(x!.rank, attrInts(attrs, "perm"));
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [g.transpose(gy, inv)];
  },
  jvp: (g, { inputs: [x], attrs }, [dx]) => (dx ? g.transpose(dx, permOf(x!.rank, attrInts(attrs, "perm"))) : null)
});
