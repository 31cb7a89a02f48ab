import type { GraphBuilder, Value } from "../../ir/builder.js";

/** A function of the expression language, lowered to IR ops (composed where no single op exists). */
export interface ExprFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Argument positions that must not depend on x (they become attributes or fixed constants). */
  readonly constantArgs?: readonly number[];
  /** One line for --help: how it is defined. */
  readonly meaning: string;
  lower(g: GraphBuilder, args: readonly Value[], constants: readonly (number | undefined)[]): Value;
}

const unary = (meaning: string, lower: (g: GraphBuilder, a: Value) => Value): ExprFunction => ({
  minArgs: 1,
  maxArgs: 1,
  meaning,
  lower: (g, [a]) => lower(g, a!)
});

function fold(g: GraphBuilder, args: readonly Value[], op: (a: Value, b: Value) => Value): Value {
  let acc = args[0]!;
  for (let i = 1; i < args.length; i++) acc = op(acc, args[i]!);
  return acc;
}

export const FUNCTIONS: Readonly<Record<string, ExprFunction>> = {
  exp: unary("e^x", (g, a) => g.exp(a)),
  log: unary("natural logarithm (x > 0)", (g, a) => g.log(a)),
  log1p: unary("log(1 + x) (x > -1)", (g, a) => g.log(g.add(1, a))),
  sqrt: unary("square root (x ≥ 0)", (g, a) => g.sqrt(a)),
  abs: unary("|x|", (g, a) => g.abs(a)),
  sin: unary("sine", (g, a) => g.sin(a)),
  cos: unary("cosine", (g, a) => g.cos(a)),
  tanh: unary("hyperbolic tangent", (g, a) => g.tanh(a)),
  sigmoid: unary("1/(1 + e^-x)", (g, a) => g.sigmoid(a)),
  relu: unary("max(x, 0)", (g, a) => g.relu(a)),
  softplus: unary("log(1 + e^x)", (g, a) => g.softplus(a)),
  erf: unary("error function", (g, a) => g.erf(a)),
  gelu: unary("x·Φ(x) = x/2·(1 + erf(x/√2))", (g, a) => g.mul(g.mul(0.5, a), g.add(1, g.erf(g.mul(a, Math.SQRT1_2))))),
  silu: unary("x·sigmoid(x) (also: swish)", (g, a) => g.mul(a, g.sigmoid(a))),
  mish: unary("x·tanh(softplus(x))", (g, a) => g.mul(a, g.tanh(g.softplus(a)))),
  square: unary("x^2", (g, a) => g.mul(a, a)),
  cube: unary("x^3", (g, a) => g.pow(a, 3)),
  leaky_relu: {
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    meaning: "leaky_relu(x, a): x for x ≥ 0, a·x below (a defaults to 0.01)",
    lower: (g, [a], [, alpha]) => g.leakyRelu(a!, alpha ?? 0.01)
  },
  elu: {
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    meaning: "elu(x, a): x for x > 0, a·(e^x − 1) below (a defaults to 1)",
    lower: (g, [a], [, alpha]) => g.elu(a!, alpha ?? 1)
  },
  huber: {
    minArgs: 1,
    maxArgs: 2,
    constantArgs: [1],
    meaning: "huber(x, d): x²/2 for |x| ≤ d, d·(|x| − d/2) beyond (d > 0, default 1)",
    lower: (g, [a], [, d0]) => {
      const d = d0 ?? 1;
      const ax = g.abs(a!);
      return g.where(g.greater(ax, d), g.mul(d, g.sub(ax, d / 2)), g.mul(0.5, g.mul(a!, a!)));
    }
  },
  max: { minArgs: 1, maxArgs: Infinity, meaning: "largest argument (any number of arguments)", lower: (g, args) => fold(g, args, (a, b) => g.max(a, b)) },
  min: { minArgs: 1, maxArgs: Infinity, meaning: "smallest argument (any number of arguments)", lower: (g, args) => fold(g, args, (a, b) => g.min(a, b)) },
  pow: { minArgs: 2, maxArgs: 2, meaning: "pow(x, p) = x^p", lower: (g, [a, p]) => g.pow(a!, p!) }
};

/** Other spellings accepted on input; the canonical form prints the target name. */
export const ALIASES: Readonly<Record<string, string>> = { swish: "silu", leakyrelu: "leaky_relu", ln: "log" };

/** Extra checks on constant arguments, as messages naming the problem (undefined when fine). */
export function checkConstants(name: string, constants: readonly (number | undefined)[]): string | undefined {
  const c = constants[1];
  if (c === undefined) return undefined;
  if (!Number.isFinite(c)) return `${name}: its second argument must be a finite number, got ${c}`;
  if (name === "huber" && !(c > 0)) return `huber(x, d) needs d > 0, got ${c}`;
  return undefined;
}
