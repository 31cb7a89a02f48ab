/**
 * The straightforward evaluation (any loss problem): one full network per point, θ(α, β) = θ + α d1 + β d2 formed in
 * float64 and fed to the model's loss graph. It is the oracle for the fast plane evaluator and the
 * baseline of the benchmark.
 */
import type { Executor } from "../../exec/executor.js";
import { tensor } from "../../ir/tensor.js";
import { lossGraph } from "../../model/problem/loss-graph.js";
import { planePoint, type PointEvaluator, type SurfaceProblem, type MetricValues } from "./problem.js";

export function createPlainEvaluator(p: SurfaceProblem, ex: Executor): PointEvaluator {
  const wantAcc = p.metrics.includes("accuracy");
  const { graph } = lossGraph(p.problem, { dtype: p.dtype, withAccuracy: wantAcc });
  const P = p.problem.layout.size;
  const outputs = wantAcc ? ["loss", "accuracy"] : ["loss"];
  return {
    batch: 1,
    async evaluate(coords, count) {
      const res: MetricValues = {};
      for (const k of p.metrics) res[k] = new Float64Array(count);
      const th = new Float64Array(P);
      for (let q = 0; q < count; q++) {
        const r = await ex.run(graph, { theta: tensor([P], planePoint(p.theta, p.dirs, coords, q, th)) }, { outputs });
        for (const k of p.metrics) res[k]![q] = r[k]!.data[0]!;
      }
      return res;
    }
  };
}
