/**
 * Graphs of a loss problem. Every analysis and training builds its loss here, so all of them see the
 * same function of θ: the data loss of the network's output plus the L2 penalty.
 *
 * A full-data graph bakes the data in as constants (ONNX initializers), so only θ is fed per run. A
 * mini-batch graph takes the batch as inputs (x, t), so one ONNX session serves every batch of a size.
 */
import { grad } from "../../autodiff/grad.js";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { tensor, type Tensor } from "../../ir/tensor.js";
import type { Dataset } from "../datasets/dataset.js";
import { accuracy, dataLoss, prepareTargets } from "../losses.js";
import type { LossProblem } from "./loss-problem.js";

export type FloatType = "float32" | "float64";

export const PARAM_INPUT = "theta";

export interface ProblemGraph {
  graph: Graph;
  hasAccuracy: boolean;
}

/** (λ/2)‖θ‖²: its gradient λθ is what optimisers call weight decay. */
export function l2Penalty(g: GraphBuilder, p: LossProblem, theta: Value): Value | null {
  return p.head.l2 > 0 ? g.mul(p.head.l2 / 2, g.reduceSum(g.mul(theta, theta))) : null;
}

/** The objective on a batch x with prepared targets t, and the network output. */
export function objective(g: GraphBuilder, p: LossProblem, theta: Value, x: Value, t: Value): { loss: Value; out: Value } {
  const out = p.forward(g, theta, x);
  const data = dataLoss(g, p.head, out, t);
  const pen = l2Penalty(g, p, theta);
  return { loss: pen ? g.add(data, pen) : data, out };
}

/** The data as the network reads it: x [n, ...sampleShape] and the prepared targets. */
export function dataTensors(p: LossProblem, ds: Dataset, dtype: FloatType = "float64"): { x: Tensor; t: Tensor } {
  return { x: tensor([ds.n, ...p.sampleShape], ds.x, dtype), t: prepareTargets(p.head, ds, dtype) };
}

export interface LossGraphOptions {
  dtype?: FloatType;
  /** Add "accuracy" for classification losses (default true). */
  withAccuracy?: boolean;
  /** Add the network's output as "output". */
  withOutput?: boolean;
  /** Add "grad:theta". */
  withGrad?: boolean;
  /** Data other than the problem's own (a test split). */
  data?: Dataset;
}

/**
 * The loss of the problem's data as a graph of θ: input "theta" [P]; outputs "loss", plus "accuracy"
 * for classification losses.
 */
export function lossGraph(p: LossProblem, opts: LossGraphOptions = {}): ProblemGraph {
  const dtype = opts.dtype ?? "float64";
  const data = dataTensors(p, opts.data ?? p.data, dtype);
  const g = new GraphBuilder(dtype);
  const theta = g.input(PARAM_INPUT, [p.layout.size]);
  const t = g.constant(data.t);
  const { loss, out } = objective(g, p, theta, g.constant(data.x), t);
  return finish(g, p, { loss, out, t }, opts);
}

function finish(g: GraphBuilder, p: LossProblem, v: { loss: Value; out: Value; t: Value }, opts: LossGraphOptions): ProblemGraph {
  const outputs: Record<string, Value> = { loss: v.loss };
  const acc = opts.withAccuracy === false ? null : accuracy(g, p.head, v.out, v.t);
  if (acc) outputs["accuracy"] = acc;
  if (opts.withOutput) outputs["output"] = v.out;
  const graph = g.build(outputs);
  return { graph: opts.withGrad ? grad(graph, { of: "loss", wrt: [PARAM_INPUT] }) : graph, hasAccuracy: acc !== null };
}

/** Inputs theta [P], x [batch, ...sampleShape], t [batch, width]; outputs loss, accuracy (classification) and grad:theta. */
export function batchGradGraph(p: LossProblem, batch: number, targetWidth: number, dtype: FloatType): ProblemGraph {
  const g = new GraphBuilder(dtype);
  const theta = g.input(PARAM_INPUT, [p.layout.size]);
  const x = g.input("x", [batch, ...p.sampleShape]);
  const t = g.input("t", [batch, targetWidth]);
  const { loss, out } = objective(g, p, theta, x, t);
  return finish(g, p, { loss, out, t }, { withGrad: true });
}
