/**
 * Exact evaluation of a scalar graph in rationals, for piecewise-polynomial expressions: no rounding
 * at all, so a Jensen gap or a kink location checked here is beyond doubt. Uses each op record's
 * `exact` kernel when it has one, else the scalar kernels below; a non-rational op gives undefined.
 */
import { exactFromTensor, NotExactError, type ExactTensor } from "../../ir/exact-tensor.js";
import { liveNodes, type Graph, type Node } from "../../ir/graph.js";
import { getOp } from "../../ir/registry.js";
import type { Tensor } from "../../ir/tensor.js";
import { Rational } from "../../num/rational.js";

const RATIONAL_OPS = new Set([
  "Identity", "Expand", "Reshape", "Flatten", "Cast", "ReduceSum", "ReduceMean", "ReduceMax", "Add", "Sub", "Mul", "Div", "Neg", "Abs",
  "Relu", "LeakyRelu", "Max", "Min", "Pow", "Greater", "Less", "Equal", "Sign", "Where", "Constant", "Input"
]);

/** Whether every op the outputs use is rational (so the graph can be evaluated exactly). */
export function isPiecewiseRational(graph: Graph): boolean {
  return graph.nodes.every((n) => {
    if (!RATIONAL_OPS.has(n.op)) return false;
    if (n.op !== "Pow") return true;
    const p = graph.nodes[n.inputs[1]!]!;
    if (p.op !== "Constant") return false;
    const v = (p.attrs["value"] as Tensor).data[0]!;
    return Number.isInteger(v);
  });
}

const bool = (b: boolean): Rational => (b ? Rational.ONE : Rational.ZERO);

function scalarKernel(node: Node, ins: readonly Rational[]): Rational | undefined {
  const [a, b, c] = ins as [Rational, Rational, Rational];
  switch (node.op) {
    case "Identity": case "Expand": case "Reshape": case "Flatten": case "Cast": case "ReduceSum": case "ReduceMean": case "ReduceMax":
      return a;
    case "Add": return a.add(b);
    case "Sub": return a.sub(b);
    case "Mul": return a.mul(b);
    case "Div": return b.isZero() ? undefined : a.div(b);
    case "Neg": return a.neg();
    case "Abs": return a.abs();
    case "Relu": return a.sign() > 0 ? a : Rational.ZERO;
    case "LeakyRelu": {
      const alpha = node.attrs["alpha"];
      return a.sign() >= 0 ? a : a.mul(Rational.fromFloat(typeof alpha === "number" ? alpha : 0.01));
    }
    case "Max": return a.ge(b) ? a : b;
    case "Min": return a.le(b) ? a : b;
    case "Pow": {
      if (!b.isInteger()) return undefined;
      const k = b.toNumber();
      if (k < 0 && a.isZero()) return undefined;
      return a.powInt(k);
    }
    case "Greater": return bool(a.gt(b));
    case "Less": return bool(a.lt(b));
    case "Equal": return bool(a.eq(b));
    case "Sign": return Rational.fromInt(a.sign());
    case "Where": return a.isZero() ? c : b;
    default: return undefined;
  }
}

/** The exact value of each requested output at the rational point x, or undefined if some op is not rational there. */
export function exactScalar(graph: Graph, x: Rational, outputs: readonly string[]): Rational[] | undefined {
  const wanted = outputs.map((name) => {
    const o = graph.outputs.find((v) => v.name === name);
    if (!o) throw new Error(`graph has no output "${name}"`);
    return o.id;
  });
  const live = liveNodes(graph, wanted);
  const vals: (ExactTensor | undefined)[] = [];
  for (const node of graph.nodes) {
    if (!live[node.id]) {
      vals.push(undefined);
      continue;
    }
    if (node.op === "Input") {
      vals.push({ shape: [], data: [x] });
      continue;
    }
    if (node.op === "Constant") {
      const t = node.attrs["value"] as Tensor;
      if (!t.data.every(Number.isFinite)) return undefined;
      vals.push(exactFromTensor(t));
      continue;
    }
    const ins = node.inputs.map((i) => vals[i]);
    if (ins.some((v) => v === undefined)) return undefined;
    const def = getOp(node.op);
    try {
      if (def.exact) {
        vals.push(def.exact(ins as ExactTensor[], node.attrs, node));
        continue;
      }
    } catch (e) {
      if (e instanceof NotExactError) return undefined;
      throw e;
    }
    const r = scalarKernel(node, (ins as ExactTensor[]).map((t) => t.data[0]!));
    if (r === undefined) return undefined;
    vals.push({ shape: [], data: [r] });
  }
  return wanted.map((id) => vals[id]!.data[0]!);
}
