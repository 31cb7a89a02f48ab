import { unaryFloatOp } from "./unary-float-op.js";

/** Evaluated in the form that cannot overflow on either side. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export const Sigmoid = unaryFloatOp({
  name: "Sigmoid",
  f: sigmoid,
  derivative: (g, { output: y }, gy) => g.mul(gy, g.mul(y, g.sub(1, y)))
});
