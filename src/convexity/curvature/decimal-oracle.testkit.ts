/**
 * Test-only oracle for the curvature analysis: the expression language evaluated in decimal.js at
 * 60 digits straight from the parsed tree (independent of the IR, its autodiff and its interval
 * kernels), and checks of every claim a CurvatureResult makes against it: convex and concave
 * intervals by second differences, inflections by the sign of f'' on both sides of their
 * enclosure, extrema by neighbouring values, kinks by one-sided slopes, certificates by the Jensen
 * gap recomputed.
 */
import { Decimal } from "decimal.js";
import { exact as exactDouble } from "../../num/interval/oracle.testkit.js";
import type { Expr } from "../expr/ast.js";
import { parseExpression } from "../expr/parse-expression.js";
import type { CurvatureResult } from "./analyze-curvature.js";

export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, maxE: 9e15, minE: -9e15 });
type Dec = Decimal;

/** The exact value of a double (a double is a finite binary, hence decimal, fraction); constructing a Decimal never rounds. */
export function exactDec(x: number): Dec {
  return new D(exactDouble(x));
}

const ONE = new D(1), HALF = new D(0.5), ZERO = new D(0);
const PI = D.acos(-1);
const E = D.exp(1);

/** erf by its Taylor series at 60 + x² digits (the terms grow like e^{x²} before they fall). */
function erf(x: Dec): Dec {
  if (x.abs().gt(9)) return x.isNeg() ? ONE.neg() : ONE;
  const P = D.clone({ precision: 60 + Math.ceil(x.toNumber() ** 2 / 2.3) + 5 });
  const X = new P(x);
  const x2 = X.mul(X);
  let term = new P(X), sum = new P(X);
  for (let n = 1; n < 2000; n++) {
    term = term.mul(x2).neg().div(n);
    const t = term.div(2 * n + 1);
    sum = sum.add(t);
    if (t.abs().lt(new P(10).pow(-70))) break;
  }
  return new D(sum.mul(2).div(P.sqrt(P.acos(-1))));
}

const sigmoid = (x: Dec): Dec => ONE.div(ONE.add(D.exp(x.neg())));
const softplus = (x: Dec): Dec => (x.gt(0) ? x.add(D.ln(ONE.add(D.exp(x.neg())))) : D.ln(ONE.add(D.exp(x))));
const max = (a: Dec, b: Dec): Dec => (a.gte(b) ? a : b);
const min = (a: Dec, b: Dec): Dec => (a.lte(b) ? a : b);

function num(e: Expr): number {
  if (e.kind !== "num") throw new Error("constant argument expected");
  return e.value;
}

/** f(x) of a parsed expression, in 60-digit decimals; NaN where undefined. */
export function evalDec(e: Expr, x: Dec): Dec {
  switch (e.kind) {
    case "num": return exactDec(e.value);
    case "var": return x;
    case "const": return e.name === "pi" ? PI : E;
    case "neg": return evalDec(e.arg, x).neg();
    case "bin": {
      const a = evalDec(e.left, x), b = evalDec(e.right, x);
      switch (e.op) {
        case "+": return a.add(b);
        case "-": return a.sub(b);
        case "*": return a.mul(b);
        case "/": return b.isZero() ? new D(NaN) : a.div(b);
        case "^": return pow(a, b);
      }
    }
    // falls through
    case "call": {
      const args = e.args.map((u, i) => (e.name === "leaky_relu" || e.name === "elu" || e.name === "huber") && i === 1 ? exactDec(num(u)) : evalDec(u, x));
      const a = args[0]!;
      switch (e.name) {
        case "exp": return D.exp(a);
        case "log": return a.gt(0) ? D.ln(a) : new D(NaN);
        case "log1p": return a.gt(-1) ? D.ln(ONE.add(a)) : new D(NaN);
        case "sqrt": return a.gte(0) ? D.sqrt(a) : new D(NaN);
        case "abs": return a.abs();
        case "sin": return D.sin(a);
        case "cos": return D.cos(a);
        case "tanh": return D.tanh(a);
        case "sigmoid": return sigmoid(a);
        case "relu": return max(a, ZERO);
        case "softplus": return softplus(a);
        case "erf": return erf(a);
        case "gelu": return a.mul(HALF).mul(ONE.add(erf(a.div(D.sqrt(2)))));
        case "silu": return a.mul(sigmoid(a));
        case "mish": return a.mul(D.tanh(softplus(a)));
        case "square": return a.mul(a);
        case "cube": return a.mul(a).mul(a);
        case "leaky_relu": return a.gte(0) ? a : a.mul(args[1] ?? exactDec(0.01));
        case "elu": return a.gt(0) ? a : (args[1] ?? ONE).mul(D.exp(a).sub(1));
        case "huber": {
          const d = args[1] ?? ONE;
          return a.abs().gt(d) ? d.mul(a.abs().sub(d.div(2))) : HALF.mul(a).mul(a);
        }
        case "max": return args.reduce(max);
        case "min": return args.reduce(min);
        case "pow": return pow(a, args[1]!);
      }
      throw new Error(`oracle: no function ${e.name}`);
    }
  }
}

function pow(a: Dec, b: Dec): Dec {
  if (b.isInteger()) return a.isZero() && b.isNeg() ? new D(NaN) : a.pow(b);
  return a.gte(0) ? (a.isZero() ? (b.gt(0) ? ZERO : new D(NaN)) : D.exp(b.mul(D.ln(a)))) : new D(NaN);
}

export function oracle(source: string): (x: Dec | number) => Dec {
  const e = parseExpression(source);
  return (x) => evalDec(e, typeof x === "number" ? exactDec(x) : x);
}

/** Every claim of a result checked against the oracle; returns the problems found. */
export function checkClaims(r: CurvatureResult, samplesPerInterval = 40): string[] {
  const f = oracle(r.expression);
  const problems: string[] = [];
  const [a, b] = r.domain;
  const scale = Math.max(1, Math.abs(a), Math.abs(b));
  // Second difference f(x−h) − 2f(x) + f(x+h), exact to ~55 digits: ≥ 0 wherever f is convex.
  const d2 = (x: Dec, h: Dec): Dec => f(x.sub(h)).sub(f(x).mul(2)).add(f(x.add(h)));
  const tol = (x: Dec, h: Dec): Dec => f(x).abs().add(1).mul(new D(10).pow(-45)).add(h.mul(h).mul(new D(10).pow(-40)));
  const checkRegion = (u: number, v: number, kind: "convex" | "concave"): void => {
    const lo = r.openEnds[0] && u === a ? u + (v - u) * 1e-6 : u;
    const hi = r.openEnds[1] && v === b ? v - (v - u) * 1e-6 : v;
    if (!(hi > lo)) return;
    const L = exactDec(lo), H = exactDec(hi), W = H.sub(L);
    for (let i = 1; i < samplesPerInterval; i++) {
      const x = L.add(W.mul(i).div(samplesPerInterval));
      for (const frac of [0.5, 1e-2, 1e-4]) {
        const h = D.min(x.sub(L), H.sub(x)).mul(frac);
        if (h.isZero()) continue;
        const s = d2(x, h);
        if (s.isNaN()) continue;
        if (kind === "convex" ? s.lt(tol(x, h).neg()) : s.gt(tol(x, h))) {
          problems.push(`${kind} on [${u}, ${v}] claimed, but the second difference at x = ${x.toPrecision(12)}, h = ${h.toPrecision(4)} is ${s.toPrecision(4)}`);
          return;
        }
      }
    }
  };
  for (const [u, v] of r.convexIntervals) checkRegion(u, v, "convex");
  for (const [u, v] of r.concaveIntervals) checkRegion(u, v, "concave");
  if (r.verdict === "convex" || r.verdict === "affine") checkRegion(a, b, "convex");
  if (r.verdict === "concave" || r.verdict === "affine") checkRegion(a, b, "concave");
  // f'' on either side of each inflection enclosure, by second differences at a small scale.
  for (const p of r.inflectionPoints) {
    const w = Math.max(p.enclosure[1] - p.enclosure[0], scale * 1e-7);
    const h = new D(w).div(8);
    const left = d2(exactDec(p.enclosure[0]).sub(w), h), right = d2(exactDec(p.enclosure[1]).add(w), h);
    if (left.isNaN() || right.isNaN()) continue;
    const sgn = (d: Dec): number => (d.isZero() ? 0 : d.isNeg() ? -1 : 1);
    if (sgn(left) * sgn(right) >= 0) problems.push(`inflection in [${p.enclosure}] claimed, but f'' has signs ${sgn(left)} and ${sgn(right)} around it`);
  }
  // Extrema: f at the point against its neighbours.
  const near = (x: number): number => Math.max(Math.abs(x) * 1e-6, scale * 1e-7);
  for (const [list, kind] of [[r.minima, "min"], [r.maxima, "max"]] as const) {
    for (const m of list) {
      const x = m.to !== undefined ? m.x / 2 + m.to / 2 : m.x;
      const fx = f(x);
      for (const y of [x - near(x), x + near(x)]) {
        if (y < a || y > b || (m.to !== undefined && y >= m.x && y <= m.to)) continue;
        const fy = f(y);
        if (fy.isNaN()) continue;
        const bad = kind === "min" ? fy.lt(fx.sub(fx.abs().add(1).mul(1e-40))) : fy.gt(fx.add(fx.abs().add(1).mul(1e-40)));
        if (bad) problems.push(`${kind}imum at ${x} claimed, but f(${y}) = ${fy.toPrecision(8)} vs f(x) = ${fx.toPrecision(8)}`);
      }
      if (m.to !== undefined) {
        const f0 = f(m.x), f1 = f(m.to);
        if (f0.sub(fx).abs().gt(1e-40) || f1.sub(fx).abs().gt(1e-40)) problems.push(`flat ${kind}imum on [${m.x}, ${m.to}] claimed, but f is not constant there`);
      }
    }
  }
  // Kinks: one-sided slopes at a small scale.
  for (const k of r.kinks) {
    if (k.kind === "undetermined") continue;
    const h = new D(Math.max(Math.abs(k.x) * 1e-12, 1e-12));
    const X = exactDec(k.x);
    const right = f(X.add(h)).sub(f(X)).div(h), left = f(X).sub(f(X.sub(h))).div(h);
    const jump = right.sub(left);
    if ((k.kind === "convex" && jump.lt(0)) || (k.kind === "concave" && jump.gt(0))) problems.push(`${k.kind} kink at ${k.x} claimed, but the slope jump is ${jump.toPrecision(6)}`);
  }
  // Certificates: the Jensen gap at the stated points.
  for (const c of [r.certificates.notConvex, r.certificates.notConcave]) {
    if (!c) continue;
    const T = exactDec(c.t), X1 = exactDec(c.x1), X2 = exactDec(c.x2);
    const gap = f(T.mul(X1).add(ONE.sub(T).mul(X2))).sub(T.mul(f(X1)).add(ONE.sub(T).mul(f(X2))));
    if (c.kind === "notConvex" ? !gap.gt(0) : !gap.lt(0)) problems.push(`${c.kind} certificate at x1 = ${c.x1}, x2 = ${c.x2} is wrong: gap ${gap.toPrecision(6)}`);
  }
  return problems;
}
