/**
 * The exact interpreter: evaluates a graph over BigInt rationals with each op's `exact` kernel, so the
 * result is the mathematical value of the graph at the given (rational) inputs, with no rounding.
 * Only graphs built from rational ops (piecewise-linear, polynomial, comparisons, data movement) are
 * exactly evaluable; `exactnessProblems` says which node is not and why.
 */
import { Rational } from "../num/rational.js";
import { NotExactError, exactFromTensor, type ExactTensor } from "../ir/exact-tensor.js";
import { interpret, liveNodes, selectOutputs, type Graph, type Node } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";
import { UserError } from "../util/errors.js";

export type { ExactTensor } from "../ir/exact-tensor.js";
export { exactFromTensor, exactToFloat64 } from "../ir/exact-tensor.js";

export interface ExactnessProblem {
  readonly node: number;
  readonly op: string;
  readonly reason: string;
}

function constantIntegers(node: Node): boolean {
  if (node.op !== "Constant") return false;
  const t = node.attrs["value"] as Tensor;
  return t.data.every((v) => Number.isSafeInteger(v));
}

/** Why each live node (for the chosen outputs) cannot be evaluated exactly; empty when the graph can. */
export function exactnessProblems(graph: Graph, outputs: readonly string[] = graph.outputs.map((o) => o.name)): ExactnessProblem[] {
  const live = liveNodes(graph, selectOutputs(graph, outputs).map((o) => o.id));
  const problems: ExactnessProblem[] = [];
  for (const node of graph.nodes) {
    if (!live[node.id] || node.op === "Input") continue;
    if (!getOp(node.op).exact) {
      problems.push({ node: node.id, op: node.op, reason: `${node.op} is not a rational function` });
    } else if (node.op === "Pow" && !constantIntegers(graph.nodes[node.inputs[1]!]!)) {
      problems.push({ node: node.id, op: node.op, reason: "Pow's exponent is not a constant integer" });
    } else if (node.op === "Constant" && !(node.attrs["value"] as Tensor).data.every(Number.isFinite)) {
      problems.push({ node: node.id, op: node.op, reason: "constant has a non-finite entry" });
    }
  }
  return problems;
}

export function isExactlyEvaluable(graph: Graph, outputs?: readonly string[]): boolean {
  return exactnessProblems(graph, outputs).length === 0;
}

export function describeExactnessProblems(problems: readonly ExactnessProblem[]): string {
  return problems.map((p) => `node %${p.node} (${p.op}): ${p.reason}`).join("; ");
}

/** Thrown when a graph (or a particular input) has no exact rational evaluation. */
export class NotExactlyEvaluableError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "NotExactlyEvaluableError";
  }
}

/** Evaluates `graph` exactly. Throws NotExactlyEvaluableError naming the first offending node. */
export function evaluateExact(
  graph: Graph,
  feeds: Readonly<Record<string, ExactTensor>>,
  outputs?: readonly string[]
): Record<string, ExactTensor> {
  const problems = exactnessProblems(graph, outputs);
  if (problems.length) throw new NotExactlyEvaluableError(`graph is not exactly evaluable: ${describeExactnessProblems(problems)}`);
  return interpret<ExactTensor>(
    graph,
    feeds,
    (node, inputs) => {
      try {
        return getOp(node.op).exact!(inputs, node.attrs, node);
      } catch (e) {
        if (e instanceof NotExactError) throw new NotExactlyEvaluableError(`node %${node.id} (${node.op}) has no exact value: ${e.message}`);
        throw e;
      }
    },
    outputs
  );
}

/** Convenience: float64 feeds converted exactly from their bits. */
export function evaluateExactFromFloat(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  outputs?: readonly string[]
): Record<string, ExactTensor> {
  const exactFeeds: Record<string, ExactTensor> = {};
  for (const [k, v] of Object.entries(feeds)) exactFeeds[k] = exactFromTensor(v);
  return evaluateExact(graph, exactFeeds, outputs);
}

/** The single value of a scalar (or one-element) exact tensor. */
export function exactScalar(t: ExactTensor): Rational {
  if (t.data.length !== 1) throw new Error(`expected a scalar, got shape [${t.shape.join(",")}]`);
  return t.data[0]!;
}
