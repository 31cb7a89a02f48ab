/**
 * Interval enclosures of every node of a graph over a box of its inputs. Uses each op record's
 * `interval` kernel when it has one; scalar graphs (the 1-D analysis) fall back to the number-level
 * interval library for ops whose record has no kernel yet.
 */
import type { Graph, Node } from "../../ir/graph.js";
import { intervalAt, intervalSelect, iv, pointTensor, type Interval, type IntervalTensor } from "../../ir/interval-tensor.js";
import { getOp } from "../../ir/registry.js";
import type { Tensor } from "../../ir/tensor.js";

export type { Interval };

const num = (attrs: Node["attrs"], name: string, def: number): number => {
  const v = attrs[name];
  return typeof v === "number" ? v : def;
};

function truth(yes: boolean, no: boolean): Interval {
  return yes ? { lo: 1, hi: 1 } : no ? { lo: 0, hi: 0 } : { lo: 0, hi: 1 };
}

/** Scalar kernels: for ops whose record has no interval kernel, and for the compiled scalar programs. */
export function scalarKernel(node: Node, ins: readonly Interval[], same: boolean): Interval {
  const [a, b, c] = ins as [Interval, Interval, Interval];
  switch (node.op) {
    case "Identity": case "Expand": case "Reshape": case "Flatten": case "Cast": case "ReduceSum": case "ReduceMean": case "ReduceMax":
      return a;
    case "Add": return iv.add(a, b);
    case "Sub": return same ? { lo: 0, hi: 0 } : iv.sub(a, b);
    case "Mul": return same ? iv.sqr(a) : iv.mul(a, b);
    case "Div": return iv.div(a, b);
    case "Neg": return iv.neg(a);
    case "Abs": return iv.abs(a);
    case "Exp": return iv.exp(a);
    case "Log": return iv.log(a);
    case "Sqrt": return iv.sqrt(a);
    case "Sin": return iv.sin(a);
    case "Cos": return iv.cos(a);
    case "Tanh": return iv.tanh(a);
    case "Sigmoid": return iv.sigmoid(a);
    case "Softplus": return iv.softplus(a);
    case "Erf": return iv.erf(a);
    case "Relu": return iv.relu(a);
    case "LeakyRelu": return iv.leakyRelu(a, num(node.attrs, "alpha", 0.01));
    case "Elu": return iv.elu(a, num(node.attrs, "alpha", 1));
    case "Max": return iv.max(a, b);
    case "Min": return iv.min(a, b);
    case "Pow":
      if (b.lo === b.hi) return iv.powReal(a, b.lo);
      return iv.exp(iv.mul(b, iv.log(a)));
    case "Greater": return truth(a.lo > b.hi, a.hi <= b.lo);
    case "Less": return truth(a.hi < b.lo, a.lo >= b.hi);
    case "Equal": return truth(a.lo === a.hi && b.lo === b.hi && a.lo === b.lo, a.hi < b.lo || b.hi < a.lo);
    case "Sign": return { lo: a.lo > 0 ? 1 : a.lo === 0 ? 0 : -1, hi: a.hi < 0 ? -1 : a.hi === 0 ? 0 : 1 };
    case "Where": return intervalSelect(a, b, c);
    default:
      throw new Error(`no interval kernel for op ${node.op}`);
  }
}

/**
 * Enclosures of all nodes (indexed by node id) for the given input boxes. Nodes the outputs do
 * not need are still evaluated: the DCP analysis reads every node's range.
 */
export function nodeIntervals(graph: Graph, feeds: Readonly<Record<string, IntervalTensor>>): IntervalTensor[] {
  const vals: IntervalTensor[] = [];
  for (const node of graph.nodes) {
    if (node.op === "Input") {
      const v = feeds[node.attrs["name"] as string];
      if (!v) throw new Error(`missing interval feed for input "${String(node.attrs["name"])}"`);
      vals.push(v);
      continue;
    }
    if (node.op === "Constant") {
      vals.push(pointTensor(node.attrs["value"] as Tensor));
      continue;
    }
    const ins = node.inputs.map((i) => vals[i]!);
    const def = getOp(node.op);
    if (def.interval) {
      vals.push(def.interval(ins, node.attrs, node));
      continue;
    }
    if (!ins.every((t) => t.lo.length === 1)) throw new Error(`op ${node.op} has no interval kernel for tensors`);
    const same = node.inputs.length === 2 && node.inputs[0] === node.inputs[1];
    const r = scalarKernel(node, ins.map((t) => intervalAt(t, 0)), same);
    vals.push({ shape: node.shape, lo: Float64Array.of(r.lo), hi: Float64Array.of(r.hi) });
  }
  return vals;
}

/** A scalar graph of input "x" evaluated on one interval: the enclosure of each requested output. */
export function scalarIntervals(graph: Graph, x: Interval, outputs: readonly string[]): Interval[] {
  const all = nodeIntervals(graph, { x: { shape: [], lo: Float64Array.of(x.lo), hi: Float64Array.of(x.hi) } });
  return outputs.map((name) => {
    const o = graph.outputs.find((v) => v.name === name);
    if (!o) throw new Error(`graph has no output "${name}"`);
    return intervalAt(all[o.id]!, 0);
  });
}
