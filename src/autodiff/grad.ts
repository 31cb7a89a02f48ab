import { GraphBuilder, type Value } from "../ir/builder.js";
import { isFloat } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";

export interface GradOptions {
  /** Output to differentiate (default: the first output). Non-scalar outputs are summed (seed of ones). */
  of?: string;
  /** Inputs to differentiate with respect to. */
  wrt: readonly string[];
  /** Keep the original outputs in the result (default true). */
  keepOutputs?: boolean;
}

export const gradName = (input: string): string => `grad:${input}`;

/**
 * Reverse-mode autodiff as a graph transform. The result is an ordinary graph with the same inputs
 * and outputs `grad:<input>` (plus the original outputs), so it runs on every executor and can be
 * differentiated again.
 */
export function grad(graph: Graph, opts: GradOptions): Graph {
  const { g, values } = GraphBuilder.fromGraph(graph);
  const ofName = opts.of ?? graph.outputs[0]!.name;
  const of = graph.outputs.find((o) => o.name === ofName);
  if (!of) throw new Error(`grad: graph has no output "${ofName}"`);
  const wrtIds = opts.wrt.map((name) => {
    const i = graph.inputs.find((x) => x.name === name);
    if (!i) throw new Error(`grad: graph has no input "${name}"`);
    if (!isFloat(graph.nodes[i.id]!.dtype)) throw new Error(`grad: input "${name}" is not a float tensor`);
    return i.id;
  });
  const adj = backprop(g, graph, values, of.id, wrtIds);
  const outputs: Record<string, Value> = {};
  if (opts.keepOutputs ?? true) for (const o of graph.outputs) outputs[o.name] = values[o.id]!;
  opts.wrt.forEach((name, k) => {
    const id = wrtIds[k]!;
    outputs[gradName(name)] = adj[id] ?? g.zerosLike(graph.nodes[id]!);
  });
  return g.build(outputs);
}

/**
 * The reverse sweep inside an existing builder: returns adjoints (by original node id) of `ofId`
 * with respect to every node on a path from `wrtIds` to `ofId`.
 */
export function backprop(g: GraphBuilder, graph: Graph, values: readonly Value[], ofId: number, wrtIds: readonly number[]): (Value | undefined)[] {
  const n = graph.nodes.length;
  // Forward: which nodes depend on a wrt input (only those need adjoints).
  const dep = new Uint8Array(n);
  for (const id of wrtIds) dep[id] = 1;
  for (const node of graph.nodes) {
    if (!dep[node.id] && node.inputs.some((i) => dep[i]) && isFloat(node.dtype)) dep[node.id] = 1;
  }
  const adj = new Array<Value | undefined>(n);
  const ofNode = graph.nodes[ofId]!;
  adj[ofId] = g.broadcastTo(g.constant(1, ofNode.dtype), ofNode.shape);
  for (let id = ofId; id >= 0; id--) {
    const gy = adj[id];
    const node = graph.nodes[id]!;
    if (!gy || !dep[id] || node.inputs.length === 0) continue;
    const def = getOp(node.op);
    if (!def.vjp) throw new Error(`grad: op ${node.op} has no reverse-mode rule`);
    const needs = node.inputs.map((i) => dep[i] === 1);
    const grads = def.vjp(g, { inputs: node.inputs.map((i) => values[i]!), output: values[id]!, attrs: node.attrs, needs }, gy);
    node.inputs.forEach((inp, k) => {
      const d = grads[k];
      if (!d || !needs[k]) return;
      adj[inp] = adj[inp] ? g.add(adj[inp]!, d) : d;
    });
  }
  return adj;
}
