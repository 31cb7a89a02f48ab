import { GraphBuilder, type Value } from "../ir/builder.js";
import type { Graph } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";

export interface JvpOptions {
  /** Map from input name to the name of the new tangent input (same shape). */
  tangents: Readonly<Record<string, string>>;
  /** Outputs to push tangents to (default: all). */
  of?: readonly string[];
  keepOutputs?: boolean;
}

export const jvpName = (output: string): string => `jvp:${output}`;
export const tangentName = (input: string): string => `tangent:${input}`;

/** Forward-mode autodiff as a graph transform: adds tangent inputs and outputs `jvp:<output>`. */
export function jvp(graph: Graph, opts: JvpOptions): Graph {
  const { g, values } = GraphBuilder.fromGraph(graph);
  const tan = new Array<Value | null>(graph.nodes.length).fill(null);
  for (const [input, tname] of Object.entries(opts.tangents)) {
    const i = graph.inputs.find((x) => x.name === input);
    if (!i) throw new Error(`jvp: graph has no input "${input}"`);
    const node = graph.nodes[i.id]!;
    tan[i.id] = g.input(tname, node.shape, node.dtype);
  }
  pushForward(g, graph, values, tan);
  const outputs: Record<string, Value> = {};
  if (opts.keepOutputs ?? true) for (const o of graph.outputs) outputs[o.name] = values[o.id]!;
  for (const name of opts.of ?? graph.outputs.map((o) => o.name)) {
    const o = graph.outputs.find((x) => x.name === name);
    if (!o) throw new Error(`jvp: graph has no output "${name}"`);
    outputs[jvpName(name)] = tan[o.id] ?? g.zerosLike(graph.nodes[o.id]!);
  }
  return g.build(outputs);
}

/** Forward sweep: fills `tan` (null = symbolic zero) for every node, in place. */
export function pushForward(g: GraphBuilder, graph: Graph, values: readonly Value[], tan: (Value | null)[]): void {
  for (const node of graph.nodes) {
    if (node.inputs.length === 0) continue;
    const ins = node.inputs.map((i) => tan[i]!);
    if (ins.every((t) => !t)) continue;
    const def = getOp(node.op);
    if (!def.jvp) throw new Error(`jvp: op ${node.op} has no forward-mode rule`);
    tan[node.id] = def.jvp(g, { inputs: node.inputs.map((i) => values[i]!), output: values[node.id]!, attrs: node.attrs }, ins);
  }
}
