/**
 * Float evaluation of a loss graph with one flat parameter input, its gradient and Hessian-vector
 * products, on any Executor, counting evaluations. The search uses it; verification never does.
 */
import { grad, gradName } from "../../autodiff/grad.js";
import { hvp, hvpName } from "../../autodiff/hvp.js";
import { tangentName } from "../../autodiff/jvp.js";
import type { Executor } from "../../exec/executor.js";
import { inputNode, type Graph } from "../../ir/graph.js";
import { tensor, type Tensor } from "../../ir/tensor.js";

export class LossOracle {
  readonly size: number;
  evaluations = 0;
  private gradGraph: Graph | undefined;
  private hvpGraph: Graph | undefined;

  constructor(
    readonly graph: Graph,
    readonly input: string,
    readonly output: string,
    readonly executor: Executor,
    readonly fixed: Readonly<Record<string, Tensor>> = {}
  ) {
    const node = inputNode(graph, input);
    if (node.shape.length !== 1) throw new Error(`parameter input "${input}" must be 1-D`);
    this.size = node.shape[0]!;
  }

  private feeds(theta: Float64Array, extra: Record<string, Tensor> = {}): Record<string, Tensor> {
    return { ...this.fixed, [this.input]: tensor([this.size], theta), ...extra };
  }

  async value(theta: Float64Array): Promise<number> {
    this.evaluations++;
    const r = await this.executor.run(this.graph, this.feeds(theta), { outputs: [this.output] });
    return r[this.output]!.data[0]!;
  }

  async valueAndGradient(theta: Float64Array): Promise<{ value: number; gradient: Float64Array }> {
    this.gradGraph ??= grad(this.graph, { of: this.output, wrt: [this.input] });
    this.evaluations++;
    const r = await this.executor.run(this.gradGraph, this.feeds(theta), { outputs: [this.output, gradName(this.input)] });
    return { value: r[this.output]!.data[0]!, gradient: r[gradName(this.input)]!.data.slice() };
  }

  async hessianVector(theta: Float64Array, v: Float64Array): Promise<Float64Array> {
    this.hvpGraph ??= hvp(this.graph, { of: this.output, wrt: [this.input] });
    this.evaluations++;
    const r = await this.executor.run(this.hvpGraph, this.feeds(theta, { [tangentName(this.input)]: tensor([this.size], v) }), {
      outputs: [hvpName(this.input)]
    });
    return r[hvpName(this.input)]!.data.slice();
  }
}
