import type { GraphBuilder, Value } from "../ir/builder.js";
import type { ActivationName } from "./spec.js";

export interface ActivationOptions {
  leakyReluAlpha: number;
  eluAlpha: number;
}

/** Each activation as IR ops (composites like GELU and SiLU are spelled out so every interpreter runs them). */
export function applyActivation(g: GraphBuilder, name: ActivationName, x: Value, o: ActivationOptions): Value {
  switch (name) {
    case "linear": return x;
    case "relu": return g.relu(x);
    case "leaky_relu": return g.leakyRelu(x, o.leakyReluAlpha);
    case "abs": return g.abs(x);
    case "sigmoid": return g.sigmoid(x);
    case "tanh": return g.tanh(x);
    case "softplus": return g.softplus(x);
    case "elu": return g.elu(x, o.eluAlpha);
    case "gelu": return g.mul(g.mul(0.5, x), g.add(1, g.erf(g.mul(x, Math.SQRT1_2))));
    case "silu": return g.mul(x, g.sigmoid(x));
  }
}

/** Facts the convexity search uses to build symmetry pairs. */
export const ACTIVATION_FACTS: Readonly<Record<ActivationName, { odd: boolean; positivelyHomogeneous: boolean; piecewiseLinear: boolean }>> = {
  linear: { odd: true, positivelyHomogeneous: true, piecewiseLinear: true },
  relu: { odd: false, positivelyHomogeneous: true, piecewiseLinear: true },
  leaky_relu: { odd: false, positivelyHomogeneous: true, piecewiseLinear: true },
  abs: { odd: false, positivelyHomogeneous: true, piecewiseLinear: true },
  sigmoid: { odd: false, positivelyHomogeneous: false, piecewiseLinear: false },
  tanh: { odd: true, positivelyHomogeneous: false, piecewiseLinear: false },
  softplus: { odd: false, positivelyHomogeneous: false, piecewiseLinear: false },
  elu: { odd: false, positivelyHomogeneous: false, piecewiseLinear: false },
  gelu: { odd: false, positivelyHomogeneous: false, piecewiseLinear: false },
  silu: { odd: false, positivelyHomogeneous: false, piecewiseLinear: false }
};
