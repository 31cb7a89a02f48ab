import type { GraphBuilder, Value } from "../builder.js";
import { matmulKernel, matmulShape, requireFloat, sameDType } from "../kernels.js";
import { defineOp } from "../op.js";
import { matmulFacts } from "../curvature-facts.js";
import { exactMatmul } from "../exact-tensor.js";
import { intervalMatmul } from "../interval-tensor.js";

function swapLast(g: GraphBuilder, v: Value): Value {
  const perm = v.shape.map((_, i) => i);
  perm[v.rank - 1] = v.rank - 2;
  perm[v.rank - 2] = v.rank - 1;
  return g.transpose(v, perm);
}

/** numpy matmul: batched, broadcasting over leading axes, 1-D operands promoted. */
export const MatMul = defineOp({
  name: "MatMul",
  curvature: matmulFacts("matmul"),
  minInputs: 2,
  maxInputs: 2,
  infer: (types) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    return { dtype, shape: matmulShape(types[0]!.shape, types[1]!.shape) };
  },
  eval: ([a, b], _attrs, type) => matmulKernel(a!, b!, type),
  exact: ([a, b]) => exactMatmul(a!, b!),
  interval: ([a, b]) => intervalMatmul(a!, b!),
  vjp: (g, { inputs: [a, b], needs }, gy) => {
    // Promote 1-D operands so both rules are the rank >= 2 ones, then undo the promotion.
    const a2 = a!.rank === 1 ? g.reshape(a!, [1, a!.shape[0]!]) : a!;
    const b2 = b!.rank === 1 ? g.reshape(b!, [b!.shape[0]!, 1]) : b!;
    const gy2 = g.reshape(gy, matmulShape(a2.shape, b2.shape));
    return [
      needs[0] ? g.reshape(g.unbroadcast(g.matmul(gy2, swapLast(g, b2)), a2.shape), a!.shape) : null,
      needs[1] ? g.reshape(g.unbroadcast(g.matmul(swapLast(g, a2), gy2), b2.shape), b!.shape) : null
    ];
  },
  jvp: (g, { inputs: [a, b] }, [da, db]) => {
    const ta = da ? g.matmul(da, b!) : null;
    const tb = db ? g.matmul(a!, db) : null;
    return ta && tb ? g.add(ta, tb) : ta ?? tb;
  }
});
