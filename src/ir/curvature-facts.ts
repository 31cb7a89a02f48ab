/**
 * Curvature facts for disciplined convex programming (DCP), in the style of CVXPY's atoms: for each
 * op, the curvature of the atom, the sign of its result and its monotonicity in each argument —
 * where those depend on the arguments (the sign of an argument, which arguments are constant, an
 * attribute such as Pow's exponent), the facts are a function of what is known about them.
 * The DCP analysis (src/convexity/dcp/) applies the composition rule on top of these facts.
 */
import type { Attrs } from "./graph.js";
import type { Tensor } from "./tensor.js";

export type Curvature = "constant" | "affine" | "convex" | "concave" | "unknown";
export type Sign = "zero" | "positive" | "negative" | "nonneg" | "nonpos" | "unknown";
export type Monotonicity = "increasing" | "decreasing" | "none";
/** Curvature of an atom as a function of its non-constant arguments. */
export type AtomCurvature = "affine" | "convex" | "concave" | "unknown";

/** A closed range known to contain every value of an argument (from interval analysis). */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

export interface ArgInfo {
  readonly curvature: Curvature;
  readonly sign: Sign;
  readonly range?: Range;
  /** The tensor when the argument is a Constant node. */
  readonly value?: Tensor;
}

export interface AtomContext {
  readonly attrs: Attrs;
  readonly args: readonly ArgInfo[];
  /** Every argument is the same graph node (x*x, max(x, x)). */
  readonly sameOperands: boolean;
}

export interface AtomFacts {
  readonly curvature: AtomCurvature;
  readonly sign: Sign;
  readonly monotonicity: readonly Monotonicity[];
  /** How the atom is named in explanations: "relu", "scale by 2", "x^0.5 (x ≥ 0)". */
  readonly atom: string;
  /** Why the facts are weak (e.g. "product of two non-constant expressions"). */
  readonly note?: string;
}

export interface CurvatureFacts {
  atom(ctx: AtomContext): AtomFacts;
}

// ---- sign algebra -----------------------------------------------------------------------------

export function isNonneg(s: Sign): boolean {
  return s === "zero" || s === "positive" || s === "nonneg";
}

export function isNonpos(s: Sign): boolean {
  return s === "zero" || s === "negative" || s === "nonpos";
}

export function negSign(s: Sign): Sign {
  const m: Record<Sign, Sign> = { zero: "zero", positive: "negative", negative: "positive", nonneg: "nonpos", nonpos: "nonneg", unknown: "unknown" };
  return m[s];
}

export function addSign(a: Sign, b: Sign): Sign {
  if (a === "zero") return b;
  if (b === "zero") return a;
  if (isNonneg(a) && isNonneg(b)) return a === "positive" || b === "positive" ? "positive" : "nonneg";
  if (isNonpos(a) && isNonpos(b)) return a === "negative" || b === "negative" ? "negative" : "nonpos";
  return "unknown";
}

export function mulSign(a: Sign, b: Sign): Sign {
  if (a === "zero" || b === "zero") return "zero";
  if (a === "unknown" || b === "unknown") return "unknown";
  const strict = (a === "positive" || a === "negative") && (b === "positive" || b === "negative");
  const pos = isNonneg(a) === isNonneg(b);
  if (strict) return pos ? "positive" : "negative";
  return pos ? "nonneg" : "nonpos";
}

export function signOfRange(r: Range): Sign {
  if (Number.isNaN(r.lo) || Number.isNaN(r.hi)) return "unknown";
  if (r.lo === 0 && r.hi === 0) return "zero";
  if (r.lo > 0) return "positive";
  if (r.hi < 0) return "negative";
  if (r.lo >= 0) return "nonneg";
  if (r.hi <= 0) return "nonpos";
  return "unknown";
}

/** The sign of every element of a constant tensor. */
export function signOfTensor(t: Tensor): Sign {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of t.data) {
    if (Number.isNaN(v)) return "unknown";
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return t.data.length === 0 ? "zero" : signOfRange({ lo, hi });
}

/** The tighter of the rule-derived sign and the sign of a known range. */
export function refineSign(rule: Sign, range: Range | undefined): Sign {
  if (!range) return rule;
  const r = signOfRange(range);
  return r === "unknown" ? rule : r;
}

/** An argument's sign, using its range when one is known. */
export function argSign(a: ArgInfo): Sign {
  return refineSign(a.sign, a.range);
}

function scalarValue(a: ArgInfo): number | undefined {
  return a.value && a.value.data.length === 1 ? a.value.data[0] : undefined;
}

// ---- fact builders, one line per op record --------------------------------------------------------

/** An atom with fixed facts (exp: convex, increasing, positive). */
export function fixedFacts(atom: string, curvature: AtomCurvature, monotonicity: Monotonicity, sign: Sign | ((args: readonly Sign[]) => Sign)): CurvatureFacts {
  return {
    atom: ({ args }) => ({
      atom,
      curvature,
      sign: typeof sign === "function" ? sign(args.map(argSign)) : sign,
      monotonicity: args.map(() => monotonicity)
    })
  };
}

/** Shape-only ops (Reshape, Transpose, Slice, Expand, Identity, Cast, Concat, ReduceSum ...): affine, increasing, sign kept. */
export function linearFacts(atom: string): CurvatureFacts {
  return fixedFacts(atom, "affine", "increasing", (s) => s.reduce(addSign, "zero"));
}

/** Convex with monotonicity following the sign of the argument: abs (and even powers). */
export const ABS_FACTS: CurvatureFacts = {
  atom: ({ args }) => {
    const s = argSign(args[0]!);
    return { atom: "abs", curvature: "convex", sign: s === "zero" ? "zero" : "nonneg", monotonicity: [isNonneg(s) ? "increasing" : isNonpos(s) ? "decreasing" : "none"] };
  }
};

/**
 * S-shaped increasing atoms (sigmoid, tanh, erf): convex where the argument is ≤ 0, concave where it
 * is ≥ 0 — CVXPY has no such atom; a sign-dependent curvature is the natural extension.
 */
export function sCurveFacts(atom: string, sign: Sign | "same"): CurvatureFacts {
  return {
    atom: ({ args }) => {
      const s = argSign(args[0]!);
      const curvature: AtomCurvature = s === "zero" ? "affine" : isNonpos(s) ? "convex" : isNonneg(s) ? "concave" : "unknown";
      return {
        atom,
        curvature,
        sign: sign === "same" ? s : sign,
        monotonicity: ["increasing"],
        ...(curvature === "unknown" ? { note: `${atom} is convex for arguments ≤ 0 and concave for arguments ≥ 0; here the argument takes both signs` } : {})
      };
    }
  };
}

/** LeakyRelu(x) = max(x, αx) (convex) for α ≤ 1, min(x, αx) (concave) for α ≥ 1. */
export const LEAKY_RELU_FACTS: CurvatureFacts = {
  atom: ({ attrs, args }) => {
    const alpha = typeof attrs["alpha"] === "number" ? attrs["alpha"] : 0.01;
    const s = argSign(args[0]!);
    const mono: Monotonicity = alpha >= 0 ? "increasing" : isNonneg(s) ? "increasing" : isNonpos(s) ? "decreasing" : "none";
    const sign: Sign = isNonneg(s) ? s : alpha >= 0 ? "unknown" : "nonneg";
    return { atom: `leaky_relu(α=${alpha})`, curvature: alpha === 1 ? "affine" : alpha < 1 ? "convex" : "concave", sign, monotonicity: [mono] };
  }
};

/** Elu(x) = x (x > 0), α(eˣ − 1) (x ≤ 0): convex and increasing for 0 ≤ α ≤ 1 (slope jump 1 − α ≥ 0). */
export const ELU_FACTS: CurvatureFacts = {
  atom: ({ attrs, args }) => {
    const alpha = typeof attrs["alpha"] === "number" ? attrs["alpha"] : 1;
    const s = argSign(args[0]!);
    const ok = alpha >= 0 && alpha <= 1;
    return {
      atom: `elu(α=${alpha})`,
      curvature: ok ? "convex" : "unknown",
      sign: isNonneg(s) ? s : "unknown",
      monotonicity: [alpha >= 0 ? "increasing" : "none"],
      ...(ok ? {} : { note: "elu is convex only for 0 ≤ α ≤ 1" })
    };
  }
};

/** x ↦ x^p for a constant exponent p (CVXPY's power atom). */
export const POW_FACTS: CurvatureFacts = {
  atom: ({ args }) => {
    const [base, expo] = args;
    const p = expo ? scalarValue(expo) : undefined;
    const s = argSign(base!);
    if (p === undefined || (expo && expo.curvature !== "constant")) {
      return { atom: "power", curvature: "unknown", sign: "unknown", monotonicity: ["none", "none"], note: "the exponent is not a constant" };
    }
    const name = `^${p}`;
    const even = Number.isInteger(p) && p % 2 === 0;
    const odd = Number.isInteger(p) && !even;
    if (p === 0) return { atom: name, curvature: "affine", sign: "positive", monotonicity: ["none", "none"] };
    if (p === 1) return { atom: name, curvature: "affine", sign: s, monotonicity: ["increasing", "none"] };
    if (even && p > 0) {
      return { atom: name, curvature: "convex", sign: s === "zero" ? "zero" : "nonneg", monotonicity: [isNonneg(s) ? "increasing" : isNonpos(s) ? "decreasing" : "none", "none"] };
    }
    if (odd && p > 0) {
      const c: AtomCurvature = isNonneg(s) ? "convex" : isNonpos(s) ? "concave" : "unknown";
      return { atom: name, curvature: c, sign: s, monotonicity: ["increasing", "none"], ...(c === "unknown" ? { note: `x${name} is convex for x ≥ 0 and concave for x ≤ 0; here x takes both signs` } : {}) };
    }
    if (p > 1) return { atom: `${name} (x ≥ 0)`, curvature: "convex", sign: "nonneg", monotonicity: ["increasing", "none"] };
    if (p > 0) return { atom: `${name} (x ≥ 0)`, curvature: "concave", sign: "nonneg", monotonicity: ["increasing", "none"] };
    // p < 0
    if (s === "positive") return { atom: `${name} (x > 0)`, curvature: "convex", sign: "positive", monotonicity: ["decreasing", "none"] };
    if (s === "negative" && Number.isInteger(p)) {
      return { atom: `${name} (x < 0)`, curvature: even ? "convex" : "concave", sign: even ? "positive" : "negative", monotonicity: [even ? "increasing" : "decreasing", "none"] };
    }
    return { atom: name, curvature: "unknown", sign: "unknown", monotonicity: ["none", "none"], note: `x${name} is convex only where x > 0 (or x < 0); here x may be 0 or change sign` };
  }
};

/** Mul: scaling by a constant is affine; x·x (same operand) is the square atom; other products are not DCP. */
export const MUL_FACTS: CurvatureFacts = {
  atom: ({ args, sameOperands }) => {
    const [a, b] = args as [ArgInfo, ArgInfo];
    const sa = argSign(a);
    const sb = argSign(b);
    const sign = sameOperands ? (sa === "zero" ? "zero" : sa === "positive" || sa === "negative" ? "positive" : "nonneg") : mulSign(sa, sb);
    if (sameOperands) {
      return { atom: "square", curvature: "convex", sign, monotonicity: [isNonneg(sa) ? "increasing" : isNonpos(sa) ? "decreasing" : "none", "none"] };
    }
    const scaleMono = (s: Sign): Monotonicity => (isNonneg(s) ? "increasing" : isNonpos(s) ? "decreasing" : "none");
    if (a.curvature === "constant") return { atom: `scale by ${describeConst(a)}`, curvature: "affine", sign, monotonicity: ["none", scaleMono(sa)] };
    if (b.curvature === "constant") return { atom: `scale by ${describeConst(b)}`, curvature: "affine", sign, monotonicity: [scaleMono(sb), "none"] };
    return { atom: "product", curvature: "unknown", sign, monotonicity: ["none", "none"], note: "product of two non-constant expressions" };
  }
};

/** Div: a / c is scaling; c / b with c ≥ 0 is c·(1/b), convex and decreasing where b > 0. */
export const DIV_FACTS: CurvatureFacts = {
  atom: ({ args }) => {
    const [a, b] = args as [ArgInfo, ArgInfo];
    const sa = argSign(a);
    const sb = argSign(b);
    const sign = sa === "zero" ? "zero" : sb === "unknown" || sb === "zero" ? "unknown" : mulSign(sa, sb === "positive" || sb === "nonneg" ? "positive" : "negative");
    if (b.curvature === "constant") {
      const mono: Monotonicity = sb === "positive" ? "increasing" : sb === "negative" ? "decreasing" : "none";
      return { atom: `divide by ${describeConst(b)}`, curvature: "affine", sign, monotonicity: [mono, "none"] };
    }
    if (a.curvature === "constant" && (sb === "positive" || sb === "negative")) {
      // c/b: for b > 0, 1/b is convex and decreasing; for b < 0 concave and decreasing.
      const inv: AtomCurvature = sb === "positive" ? "convex" : "concave";
      const flip = isNonpos(sa) && sa !== "zero";
      const curvature: AtomCurvature = sa === "zero" ? "affine" : isNonneg(sa) ? inv : flip ? (inv === "convex" ? "concave" : "convex") : "unknown";
      const mono: Monotonicity = isNonneg(sa) ? "decreasing" : isNonpos(sa) ? "increasing" : "none";
      return { atom: `${describeConst(a)}/x (x ${sb === "positive" ? "> 0" : "< 0"})`, curvature, sign, monotonicity: ["none", mono] };
    }
    return {
      atom: "quotient",
      curvature: "unknown",
      sign,
      monotonicity: ["none", "none"],
      note: a.curvature === "constant" ? "c/x is convex only where x keeps one sign, and x may be 0 or change sign here" : "quotient of non-constant expressions"
    };
  }
};

/** MatMul and Gemm (first two inputs multiplied): affine when one factor is constant, monotone by the sign of its entries. */
export function matmulFacts(atom: string): CurvatureFacts {
  return {
    atom: ({ args, attrs }) => {
      const [a, b] = args as [ArgInfo, ArgInfo];
      const alpha = typeof attrs["alpha"] === "number" ? attrs["alpha"] : 1;
      const beta = typeof attrs["beta"] === "number" ? attrs["beta"] : 1;
      const alphaSign: Sign = alpha > 0 ? "positive" : alpha < 0 ? "negative" : "zero";
      const mono = (s: Sign): Monotonicity => {
        const t = mulSign(s, alphaSign);
        return isNonneg(t) ? "increasing" : isNonpos(t) ? "decreasing" : "none";
      };
      const cMono: Monotonicity[] = args.length > 2 ? [beta >= 0 ? "increasing" : "decreasing"] : [];
      const sign = args.length > 2 ? "unknown" : mulSign(mulSign(argSign(a), argSign(b)), alphaSign);
      if (a.curvature === "constant") return { atom: `${atom} with a constant left factor`, curvature: "affine", sign, monotonicity: ["none", mono(argSign(a)), ...cMono] };
      if (b.curvature === "constant") return { atom: `${atom} with a constant right factor`, curvature: "affine", sign, monotonicity: [mono(argSign(b)), "none", ...cMono] };
      return { atom, curvature: "unknown", sign: "unknown", monotonicity: ["none", "none", ...cMono], note: "product of two non-constant matrices" };
    }
  };
}

/** Gemm's sign is sign-of-sum of the product and beta·C; this version keeps Gemm's C argument. */
export const GEMM_FACTS: CurvatureFacts = matmulFacts("gemm");

/** Where(c, a, b): with a constant condition it selects elementwise, affine and increasing in a and b. */
export const WHERE_FACTS: CurvatureFacts = {
  atom: ({ args }) => {
    const [c, a, b] = args as [ArgInfo, ArgInfo, ArgInfo];
    const sa = argSign(a);
    const sb = argSign(b);
    const sign: Sign = sa === sb ? sa : isNonneg(sa) && isNonneg(sb) ? "nonneg" : isNonpos(sa) && isNonpos(sb) ? "nonpos" : "unknown";
    if (c.curvature === "constant") return { atom: "select (constant mask)", curvature: "affine", sign, monotonicity: ["none", "increasing", "increasing"] };
    return { atom: "where", curvature: "unknown", sign, monotonicity: ["none", "none", "none"], note: "the branch depends on the variable (a piecewise definition)" };
  }
};

/** Comparisons (bool 0/1) and sign(): piecewise constant in their arguments, so not DCP unless constant. */
export function stepFacts(atom: string, sign: Sign | "same"): CurvatureFacts {
  return {
    atom: ({ args }) => ({
      atom,
      curvature: "unknown",
      sign: sign === "same" ? argSign(args[0]!) : sign,
      monotonicity: args.map(() => "none" as const),
      note: `${atom} is a step function of its argument`
    })
  };
}

export const STEP_FACTS: CurvatureFacts = stepFacts("comparison", "nonneg");

export const SUB_FACTS: CurvatureFacts = fixedFactsPerArg("subtract", "affine", ["increasing", "decreasing"], ([a, b]) => addSign(a!, negSign(b!)));
export const NEG_FACTS: CurvatureFacts = fixedFacts("negate", "affine", "decreasing", ([a]) => negSign(a!));

function maxSign(signs: readonly Sign[]): Sign {
  if (signs.some((s) => s === "positive")) return "positive";
  if (signs.some(isNonneg)) return signs.every((s) => s === "zero") ? "zero" : "nonneg";
  if (signs.every((s) => s === "negative")) return "negative";
  return signs.every(isNonpos) ? "nonpos" : "unknown";
}

export const MAX_FACTS: CurvatureFacts = fixedFacts("max", "convex", "increasing", maxSign);
export const MIN_FACTS: CurvatureFacts = fixedFacts("min", "concave", "increasing", (s) => negSign(maxSign(s.map(negSign))));
export const REDUCE_MAX_FACTS: CurvatureFacts = fixedFacts("max over axes", "convex", "increasing", (s) => maxSign(s));

export function fixedFactsPerArg(atom: string, curvature: AtomCurvature, monotonicity: readonly Monotonicity[], sign: (args: readonly Sign[]) => Sign): CurvatureFacts {
  return { atom: ({ args }) => ({ atom, curvature, sign: sign(args.map(argSign)), monotonicity }) };
}

function describeConst(a: ArgInfo): string {
  const v = scalarValue(a);
  if (v !== undefined) return String(v);
  const s = argSign(a);
  return s === "unknown" ? "a constant" : `a ${s} constant`;
}
