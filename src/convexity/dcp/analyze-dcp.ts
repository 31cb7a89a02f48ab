/**
 * Disciplined convex programming over any graph: each node gets a curvature and a sign from its op's
 * curvature facts (src/ir/curvature-facts.ts) and CVXPY's composition rule, with the rule applied —
 * or the clause that broke — in words. The variables are the chosen graph inputs; every other input
 * and every constant is a constant. Known value ranges (from interval analysis over a domain)
 * sharpen the signs, which is how x*x's argument sign or log's positivity become known.
 */
import { isFloat } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import {
  refineSign, type ArgInfo, type AtomFacts, type Curvature, type Monotonicity, type Range, type Sign
} from "../../ir/curvature-facts.js";
import { getOp } from "../../ir/registry.js";
import type { Tensor } from "../../ir/tensor.js";
import { nodeLabels } from "./node-labels.js";

export interface DcpOptions {
  /** Inputs that are variables (default: every float input). */
  wrt?: readonly string[];
  /** Output to analyse (default: the first). */
  of?: string;
  /** A range containing every value of node i (e.g. from an interval evaluation over the domain). */
  ranges?: readonly (Range | undefined)[];
}

export interface DcpNode {
  readonly id: number;
  readonly op: string;
  /** The node as an expression ("relu(x + 1)"). */
  readonly expr: string;
  readonly curvature: Curvature;
  readonly sign: Sign;
  readonly range?: Range;
  /** The atom as named by its facts ("relu", "scale by 2"). */
  readonly atom?: string;
  /** The rule that gave the curvature, in words. */
  readonly rule: string;
  /** Present when the curvature is unknown: the clause of the composition rule that failed. */
  readonly broken?: string;
  readonly children: readonly number[];
}

export interface DcpTree {
  readonly id: number;
  readonly op: string;
  readonly expr: string;
  readonly curvature: Curvature;
  readonly sign: Sign;
  readonly range?: [number, number];
  readonly rule: string;
  readonly broken?: string;
  readonly children: readonly DcpTree[];
  /** This node was explained earlier in the tree (a shared subexpression). */
  readonly seeAbove?: true;
}

export interface DcpResult {
  readonly output: string;
  readonly curvature: Curvature;
  readonly sign: Sign;
  /** One entry per graph node (nodes the output does not use are left undefined). */
  readonly nodes: readonly (DcpNode | undefined)[];
  readonly root: number;
}

const ORDER: Readonly<Record<Curvature, number>> = { constant: 0, affine: 1, convex: 2, concave: 2, unknown: 3 };

function argFits(target: "convex" | "concave", a: Curvature, m: Monotonicity): boolean {
  if (a === "constant" || a === "affine") return true;
  if (a === "unknown") return false;
  const same = a === target;
  return (same && m === "increasing") || (!same && m === "decreasing");
}

const monoWord = (m: Monotonicity): string => (m === "none" ? "non-monotone" : m);

export function analyzeDcp(graph: Graph, options: DcpOptions = {}): DcpResult {
  const wrt = new Set(options.wrt ?? graph.inputs.filter((i) => isFloat(graph.nodes[i.id]!.dtype)).map((i) => i.name));
  for (const w of wrt) if (!graph.inputs.some((i) => i.name === w)) throw new Error(`dcp: graph has no input "${w}"`);
  const ofName = options.of ?? graph.outputs[0]!.name;
  const out = graph.outputs.find((o) => o.name === ofName);
  if (!out) throw new Error(`dcp: graph has no output "${ofName}"`);
  const labels = nodeLabels(graph);
  const nodes: (DcpNode | undefined)[] = new Array(graph.nodes.length);
  const live = new Uint8Array(graph.nodes.length);
  live[out.id] = 1;
  for (let id = out.id; id >= 0; id--) if (live[id]) for (const i of graph.nodes[id]!.inputs) live[i] = 1;

  for (const n of graph.nodes) {
    if (!live[n.id]) continue;
    const range = options.ranges?.[n.id];
    const withRange = range && !Number.isNaN(range.lo) ? { range } : {};
    const base = { id: n.id, op: n.op, expr: labels[n.id]!, children: n.inputs, ...withRange };
    if (n.op === "Input") {
      const isVar = wrt.has(String(n.attrs["name"]));
      nodes[n.id] = { ...base, curvature: isVar ? "affine" : "constant", sign: refineSign("unknown", range), rule: isVar ? "variable: affine" : "input held constant" };
      continue;
    }
    if (n.op === "Constant") {
      const t = n.attrs["value"] as Tensor;
      // a loop, not Math.min(...data): constants can be whole data sets (millions of values)
      let lo = Infinity, hi = -Infinity;
      for (const v of t.data) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      nodes[n.id] = { ...base, curvature: "constant", sign: refineSign("unknown", t.data.length ? { lo, hi } : undefined), rule: "constant" };
      continue;
    }
    const lse = n.op === "Log" ? logSumExpArguments(graph, n.inputs[0]!) : undefined;
    if (lse && lse.some((i) => nodes[i]!.curvature !== "constant")) {
      const terms = lse.map((i) => nodes[i]!);
      const ok = terms.every((t) => t.curvature !== "unknown" && t.curvature !== "concave");
      nodes[n.id] = {
        ...base,
        atom: "log-sum-exp",
        sign: refineSign("unknown", range),
        curvature: ok ? "convex" : "unknown",
        rule: ok ? "log of a sum of exponentials: the log-sum-exp atom, convex and increasing in each exponent (composition rule)" : "log-sum-exp atom",
        ...(ok ? {} : { broken: "convex outer function log-sum-exp, increasing, applied to an exponent that is not convex or affine" })
      };
      continue;
    }
    const args = n.inputs.map((i) => nodes[i]!);
    const def = getOp(n.op);
    const argInfo: ArgInfo[] = args.map((a) => {
      const c = graph.nodes[a.id]!;
      return {
        curvature: a.curvature,
        sign: a.sign,
        ...(a.range ? { range: a.range } : {}),
        ...(c.op === "Constant" ? { value: c.attrs["value"] as Tensor } : {})
      };
    });
    const sameOperands = n.inputs.length > 1 && n.inputs.every((i) => i === n.inputs[0]);
    const facts: AtomFacts | undefined = def.curvature?.atom({ attrs: n.attrs, args: argInfo, sameOperands });
    if (args.every((a) => a.curvature === "constant")) {
      nodes[n.id] = { ...base, curvature: "constant", sign: refineSign(facts?.sign ?? "unknown", range), rule: "constant: every argument is constant" };
      continue;
    }
    if (!facts) {
      nodes[n.id] = { ...base, curvature: "unknown", sign: refineSign("unknown", range), rule: "no DCP rule", broken: `op ${n.op} has no curvature facts` };
      continue;
    }
    nodes[n.id] = { ...base, atom: facts.atom, sign: refineSign(facts.sign, range), ...compose(facts, args, sameOperands) };
  }
  const root = nodes[out.id]!;
  return { output: ofName, curvature: root.curvature, sign: root.sign, nodes, root: out.id };
}

/**
 * log(exp(a) + exp(b) + ... + c) with constants c > 0 is CVXPY's log_sum_exp atom: the exponents
 * (and log c), or undefined when the argument is not such a sum.
 */
function logSumExpArguments(graph: Graph, id: number): number[] | undefined {
  const n = graph.nodes[id]!;
  if (n.op === "Exp") return [n.inputs[0]!];
  if (n.op === "Constant") {
    const t = n.attrs["value"] as Tensor;
    return t.data.length === 1 && t.data[0]! > 0 ? [id] : undefined;
  }
  if (n.op !== "Add") return undefined;
  const a = logSumExpArguments(graph, n.inputs[0]!);
  const b = a && logSumExpArguments(graph, n.inputs[1]!);
  return a && b && [...a, ...b].some((i) => graph.nodes[i]!.op !== "Constant") ? [...a, ...b] : undefined;
}

function compose(facts: AtomFacts, args: readonly DcpNode[], sameOperands: boolean): { curvature: Curvature; rule: string; broken?: string } {
  const atom = facts.atom;
  // x*x, max(x, x): one argument counted once.
  const considered = sameOperands ? args.slice(0, 1) : args;
  const mono = (i: number): Monotonicity => facts.monotonicity[i] ?? "none";
  const fits = (t: "convex" | "concave"): boolean => considered.every((a, i) => argFits(t, a.curvature, mono(i)));
  const allAffine = considered.every((a) => ORDER[a.curvature] <= 1);
  const argWords = considered.filter((a) => a.curvature !== "constant").map((a) => a.curvature);
  const of = `of ${[...new Set(argWords)].join("/")} argument${argWords.length === 1 ? "" : "s"}`;
  if (facts.curvature === "unknown") {
    return { curvature: "unknown", rule: `${atom}: no curvature rule`, broken: facts.note ?? `${atom} has unknown curvature here` };
  }
  if (facts.curvature === "affine") {
    if (allAffine) return { curvature: "affine", rule: `affine atom ${atom} ${of}` };
    if (fits("convex")) return { curvature: "convex", rule: `affine atom ${atom}, ${describeMono(considered, mono)} ${of}: convex` };
    if (fits("concave")) return { curvature: "concave", rule: `affine atom ${atom}, ${describeMono(considered, mono)} ${of}: concave` };
    return { curvature: "unknown", rule: `affine atom ${atom} ${of}`, broken: brokenClause("affine", atom, considered, mono) };
  }
  const target = facts.curvature;
  if (fits(target)) {
    const how = allAffine ? "of affine arguments" : `${describeMono(considered, mono)} ${of}`;
    return { curvature: target, rule: `${target} atom ${atom} ${how}: ${target} (composition rule)` };
  }
  return { curvature: "unknown", rule: `${target} atom ${atom} ${of}`, broken: brokenClause(target, atom, considered, mono) };
}

function describeMono(args: readonly DcpNode[], mono: (i: number) => Monotonicity): string {
  const words = args.map((a, i) => (a.curvature === "constant" ? undefined : monoWord(mono(i)))).filter((w): w is string => !!w);
  return [...new Set(words)].join("/");
}

/** What an argument contributes through a monotone affine atom: convex, concave or unknown. */
function contribution(a: DcpNode, m: Monotonicity): "affine" | "convex" | "concave" | "unknown" {
  if (a.curvature === "constant" || a.curvature === "affine") return "affine";
  if (a.curvature === "unknown" || m === "none") return "unknown";
  return (a.curvature === "convex") === (m === "increasing") ? "convex" : "concave";
}

function brokenClause(outer: "convex" | "concave" | "affine", atom: string, args: readonly DcpNode[], mono: (i: number) => Monotonicity): string {
  if (outer === "affine") {
    const parts = args.map((a, i) => ({ a, m: mono(i), c: contribution(a, mono(i)) }));
    const bad = parts.find((p) => p.c === "unknown");
    if (!bad) {
      const cx = parts.find((p) => p.c === "convex")!, cv = parts.find((p) => p.c === "concave")!;
      const how = (p: typeof cx): string => `${p.a.expr} (${p.a.curvature}, ${p.m === "increasing" ? "entering with +" : "entering with −"} so the term is ${p.c})`;
      return `affine atom ${atom} combines a convex term ${how(cx)} with a concave term ${how(cv)}: convex + concave has no DCP rule`;
    }
    const argDesc = bad.a.curvature === "unknown" ? "an argument of unknown curvature" : `a ${bad.a.curvature} argument`;
    return `affine outer function ${atom}, ${monoWord(bad.m)}, applied to ${argDesc} (${bad.a.expr}): ${bad.m === "none" ? "a non-monotone affine atom keeps curvature only for affine arguments" : "its curvature is unknown"}`;
  }
  const i = args.findIndex((a, k) => !argFits(outer, a.curvature, mono(k)));
  const a = args[i >= 0 ? i : 0]!;
  const m = mono(i >= 0 ? i : 0);
  const argDesc = a.curvature === "unknown" ? "an argument of unknown curvature" : `a ${a.curvature} argument`;
  const need =
    m === "none"
        ? `a non-monotone ${outer} function needs an affine argument`
        : `a ${outer} function ${m} in its argument needs a ${m === "increasing" ? outer : outer === "convex" ? "concave" : "convex"} (or affine) argument`;
  return `${outer} outer function ${atom}, ${monoWord(m)}, applied to ${argDesc} (${a.expr}): ${need}`;
}

/** The explanation as a nested tree from the output; a shared node is expanded once and then referenced. */
export function dcpTree(result: DcpResult, maxNodes = 400): DcpTree {
  const seen = new Set<number>();
  let budget = maxNodes;
  const build = (id: number): DcpTree => {
    const n = result.nodes[id]!;
    const head = {
      id,
      op: n.op,
      expr: n.expr,
      curvature: n.curvature,
      sign: n.sign,
      ...(n.range ? { range: [n.range.lo, n.range.hi] as [number, number] } : {}),
      rule: n.rule,
      ...(n.broken ? { broken: n.broken } : {})
    };
    if (seen.has(id) && n.children.length > 0) return { ...head, children: [], seeAbove: true };
    seen.add(id);
    budget--;
    const kids = budget > 0 ? [...new Set(n.children)].map(build) : [];
    return { ...head, children: kids };
  };
  return build(result.root);
}

/** The deepest broken clauses: the first places where the rules failed (not their consequences). */
export function brokenClauses(result: DcpResult): string[] {
  const out: string[] = [];
  for (const n of result.nodes) {
    if (!n?.broken) continue;
    const childBroken = n.children.some((c) => result.nodes[c]?.curvature === "unknown");
    if (!childBroken) out.push(n.broken);
  }
  return out;
}
