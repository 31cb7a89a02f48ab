import { checkpoint } from "../util/checkpoint.js";
import type { DType } from "./dtype.js";
import type { Tensor } from "./tensor.js";

/** Attribute values. Integer-vs-float matters only for ONNX export, where each op record declares its kinds. */
export type AttrValue = number | readonly number[] | string | Tensor;
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface ValueType {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * One node = one value (every IR op has a single output). Graph inputs are nodes with op "Input"
 * (attr `name`) and constants are nodes with op "Constant" (attr `value`). Nodes are stored in
 * topological order, so an interpreter is a single forward loop.
 */
export interface Node extends ValueType {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: Attrs;
}

export interface NamedValue {
  readonly name: string;
  readonly id: number;
}

export interface Graph {
  readonly nodes: readonly Node[];
  readonly inputs: readonly NamedValue[];
  readonly outputs: readonly NamedValue[];
}

export function inputNode(graph: Graph, name: string): Node {
  const nv = graph.inputs.find((i) => i.name === name);
  if (!nv) throw new Error(`graph has no input "${name}" (inputs: ${graph.inputs.map((i) => i.name).join(", ")})`);
  return graph.nodes[nv.id]!;
}

export function outputNode(graph: Graph, name: string): Node {
  const nv = graph.outputs.find((o) => o.name === name);
  if (!nv) throw new Error(`graph has no output "${name}" (outputs: ${graph.outputs.map((o) => o.name).join(", ")})`);
  return graph.nodes[nv.id]!;
}

/** The named outputs, in the order asked for. */
export function selectOutputs(graph: Graph, names: readonly string[]): NamedValue[] {
  return names.map((name) => {
    const o = graph.outputs.find((x) => x.name === name);
    if (!o) throw new Error(`graph has no output "${name}"`);
    return o;
  });
}

/** Generic forward interpreter: each interpreter (float64, interval, exact) supplies how to evaluate one node. */
export function interpret<V>(
  graph: Graph,
  feeds: Readonly<Record<string, V>>,
  evalNode: (node: Node, inputs: V[]) => V,
  outputs: readonly string[] = graph.outputs.map((o) => o.name)
): Record<string, V> {
  const wanted = selectOutputs(graph, outputs);
  const live = liveNodes(graph, wanted.map((o) => o.id));
  const vals = new Array<V | undefined>(graph.nodes.length);
  // A value is dropped after its last use so long graphs do not keep every intermediate alive.
  const lastUse = new Int32Array(graph.nodes.length).fill(-1);
  for (const n of graph.nodes) if (live[n.id]) for (const i of n.inputs) lastUse[i] = n.id;
  for (const o of wanted) lastUse[o.id] = graph.nodes.length;
  for (const node of graph.nodes) {
    if (!live[node.id]) continue;
    checkpoint();
    if (node.op === "Input") {
      const name = node.attrs["name"] as string;
      const v = feeds[name];
      if (v === undefined) throw new Error(`missing feed for graph input "${name}"`);
      vals[node.id] = v;
    } else {
      vals[node.id] = evalNode(node, node.inputs.map((i) => vals[i]!));
    }
    for (const i of node.inputs) if (lastUse[i] === node.id) vals[i] = undefined;
  }
  const res: Record<string, V> = {};
  for (const o of wanted) res[o.name] = vals[o.id]!;
  return res;
}

export function liveNodes(graph: Graph, roots: readonly number[]): Uint8Array {
  const live = new Uint8Array(graph.nodes.length);
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (live[id]) continue;
    live[id] = 1;
    for (const i of graph.nodes[id]!.inputs) stack.push(i);
  }
  return live;
}
