/**
 * The piecewise structure of a scalar expression graph: its switches (relu, abs, max, min,
 * leaky_relu, elu, comparisons inside where), their switching arguments k(x) (the kink happens
 * where k changes sign), and the smooth formula that holds between two switching points.
 */
import { grad } from "../../autodiff/grad.js";
import { renameOutputs } from "../../autodiff/hvp.js";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph, Node } from "../../ir/graph.js";
import { tensor } from "../../ir/tensor.js";

export type Branch = "pos" | "zero" | "neg";

export interface Switch {
  /** Node id of the switching op in the expression graph. */
  readonly id: number;
  readonly op: string;
  /** Output name of its switching argument in the switch graph. */
  readonly output: string;
}

const UNARY_SWITCH = new Set(["Relu", "Abs", "LeakyRelu", "Elu", "Sign"]);
export const UNARY_SWITCHES: ReadonlySet<string> = UNARY_SWITCH;
const BINARY_SWITCH = new Set(["Max", "Min", "Greater", "Less", "Equal"]);

/** Which nodes depend on input x. */
export function dependsOnX(graph: Graph): Uint8Array {
  const dep = new Uint8Array(graph.nodes.length);
  for (const n of graph.nodes) if ((n.op === "Input" && n.attrs["name"] === "x") || n.inputs.some((i) => dep[i])) dep[n.id] = 1;
  return dep;
}

export function findSwitches(graph: Graph): Switch[] {
  const dep = dependsOnX(graph);
  return graph.nodes
    .filter((n) => dep[n.id] && (UNARY_SWITCH.has(n.op) || BINARY_SWITCH.has(n.op)))
    .map((n, j) => ({ id: n.id, op: n.op, output: `k${j}` }));
}

/** A graph with input x and one output k<j> per switch: its switching argument. */
export function switchGraph(graph: Graph, switches: readonly Switch[]): Graph {
  const { g, values } = GraphBuilder.fromGraph(graph);
  const outs: Record<string, Value> = { f: values[graph.outputs[0]!.id]! };
  for (const s of switches) {
    const n = graph.nodes[s.id]!;
    outs[s.output] = UNARY_SWITCH.has(n.op) ? values[n.inputs[0]!]! : g.sub(values[n.inputs[0]!]!, values[n.inputs[1]!]!);
  }
  return g.build(outs);
}

export function branchOf(k: number): Branch {
  return k > 0 ? "pos" : k < 0 ? "neg" : "zero";
}

/**
 * The smooth formula of the expression where every switch sits on the given branch (the sign of
 * its switching argument). Outputs "f" only.
 */
export function specialize(graph: Graph, switches: readonly Switch[], branches: readonly Branch[], argumentOf?: number): Graph {
  const byId = new Map(switches.map((s, j) => [s.id, branches[j]!]));
  const g = new GraphBuilder("float64");
  const v: Value[] = [];
  const bool = (b: boolean): Value => g.constant(tensor([], [b ? 1 : 0], "bool"));
  for (const n of graph.nodes) {
    if (n.op === "Input") v.push(g.input(n.attrs["name"] as string, n.shape, n.dtype));
    else if (n.op === "Constant") v.push(g.constant(n.attrs["value"] as Parameters<GraphBuilder["constant"]>[0]));
    else {
      const b = byId.get(n.id);
      const ins = n.inputs.map((i) => v[i]!);
      v.push(b === undefined ? plain(g, n, ins) : branchValue(g, n, ins, b, bool));
    }
  }
  if (argumentOf === undefined) return g.build({ f: v[graph.outputs[0]!.id]! });
  // The switching argument of one switch, with every other switch on its branch.
  const n = graph.nodes[switches[argumentOf]!.id]!;
  const k = UNARY_SWITCH.has(n.op) ? v[n.inputs[0]!]! : g.sub(v[n.inputs[0]!]!, v[n.inputs[1]!]!);
  return g.build({ f: k });
}

function plain(g: GraphBuilder, n: Node, ins: Value[]): Value {
  if (n.op === "Where") {
    const c = g.constantValue(ins[0]!);
    if (c && c.data.length === 1) return c.data[0] ? ins[1]! : ins[2]!;
  }
  return g.op(n.op, ins, n.attrs);
}

function branchValue(g: GraphBuilder, n: Node, [a, b]: Value[], br: Branch, bool: (b: boolean) => Value): Value {
  const alpha = (d: number): number => (typeof n.attrs["alpha"] === "number" ? n.attrs["alpha"] : d);
  switch (n.op) {
    case "Relu": return br === "pos" ? a! : g.constant(0);
    case "Abs": return br === "neg" ? g.neg(a!) : a!;
    case "LeakyRelu": return br === "neg" ? g.mul(a!, alpha(0.01)) : a!;
    case "Elu": return br === "pos" ? a! : g.mul(alpha(1), g.sub(g.exp(a!), 1));
    case "Sign": return g.constant(br === "pos" ? 1 : br === "neg" ? -1 : 0);
    case "Max": return br === "neg" ? b! : a!;
    case "Min": return br === "pos" ? b! : a!;
    case "Greater": return bool(br === "pos");
    case "Less": return bool(br === "neg");
    case "Equal": return bool(br === "zero");
    default: throw new Error(`not a switch: ${n.op}`);
  }
}

/** Outputs f, df = f' and d2f = f'' of a scalar graph in x (reverse mode applied twice). */
export function withDerivatives(graph: Graph): Graph {
  const d1 = renameOutputs(grad(graph, { of: "f", wrt: ["x"] }), { "grad:x": "df" });
  return renameOutputs(grad(d1, { of: "df", wrt: ["x"] }), { "grad:x": "d2f" });
}
