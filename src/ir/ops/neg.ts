import { unaryFloatOp } from "./unary-float-op.js";
import { NEG_FACTS } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Neg = unaryFloatOp({
  name: "Neg",
  curvature: NEG_FACTS,
  f: (x) => -x,
  exact: (x) => x.neg(),
  interval: (x) => iv.neg(x),
  derivative: (g, _ctx, gy) => g.neg(gy)
});
