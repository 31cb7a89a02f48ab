import type { Graph } from "../ir/graph.js";
import { grad, gradName } from "./grad.js";
import { jvp, jvpName, tangentName } from "./jvp.js";

export const hvpName = (input: string): string => `hvp:${input}`;

export interface HvpOptions {
  of?: string;
  wrt: readonly string[];
}

/**
 * Hessian-vector product, forward over reverse: jvp(grad(f)). The graph takes the original inputs
 * plus `tangent:<input>` for each wrt input, and outputs the value, `grad:<input>` and `hvp:<input>`.
 */
export function hvp(graph: Graph, opts: HvpOptions): Graph {
  const of = opts.of ?? graph.outputs[0]!.name;
  const gGraph = grad(graph, { of, wrt: opts.wrt });
  const gradOuts = opts.wrt.map(gradName);
  const withTangents = jvp(gGraph, {
    tangents: Object.fromEntries(opts.wrt.map((w) => [w, tangentName(w)])),
    of: gradOuts
  });
  return renameOutputs(withTangents, Object.fromEntries(opts.wrt.map((w) => [jvpName(gradName(w)), hvpName(w)])));
}

export function renameOutputs(graph: Graph, names: Readonly<Record<string, string>>): Graph {
  return { ...graph, outputs: graph.outputs.map((o) => ({ name: names[o.name] ?? o.name, id: o.id })) };
}
