/**
 * Fast evaluation of a loss line/plane, exact up to rounding.
 *
 * The first layer is affine in θ, so on the plane θ + α d1 + β d2 its pre-activations are
 *   X W(α,β)ᵀ + b(α,β) = A0 + α A1 + β A2,   A0 = X W0ᵀ + b0,  A_k = X D_kᵀ + db_k,
 * and the three n×h products are computed ONCE per surface (one ONNX run) and baked into the surface
 * graph as constants. A grid point then costs only the layers above the first: for MNIST 784-128-10 that
 * is ~60× fewer flops than the full network.
 *
 * G points are stacked into one run: the input "coef" [G, m+1] holds (1, α, β) per point, and every
 * coefficient-linear quantity is one MatMul against stacked constants — Z1 = coef · [A0; A1; A2]
 * ([G, n·h], read once for all G points), each upper layer's weights coef · [W0; D1; D2] ([G, in·out])
 * and biases likewise, the L2 penalty a quadratic form in coef. The loss is then reduced per point.
 */
import type { Executor } from "../../exec/executor.js";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { tensor, type Tensor } from "../../ir/tensor.js";
import { applyActivation } from "../../model/activations.js";
import { accuracy, dataLoss, prepareTargets } from "../../model/losses.js";
import { hiddenActivations, type ModelSpec } from "../../model/spec.js";
import type { ParamBlock, ParamLayout } from "../../model/layout.js";
import { evaluateInBatches, type FloatType, type PointEvaluator, type SurfaceProblem } from "./problem.js";

interface LayerBlocks {
  weight: ParamBlock;
  bias: ParamBlock | undefined;
}

function layerBlocks(layout: ParamLayout): LayerBlocks[] {
  const out: LayerBlocks[] = [];
  for (const b of layout.blocks) {
    if (b.kind === "weight") out.push({ weight: b, bias: undefined });
    else out[out.length - 1]!.bias = b;
  }
  return out;
}

function mlpOf(p: SurfaceProblem): ModelSpec {
  const spec = p.problem.structure.mlp;
  if (!spec) throw new Error("the first-layer shortcut needs an MLP problem");
  return spec;
}

/** θ and the directions, in coefficient order: vectors[0] = θ (coefficient 1), vectors[k] = d_k. */
function coefficientVectors(p: SurfaceProblem): Float64Array[] {
  return [p.theta, ...p.dirs];
}

/**
 * [A0; A1; ...] as one (m+1) × (n·h) row-major array: A_k = X V_kᵀ + bias_k where V_k is the first
 * layer's weight slice of vector k. One float64 Gemm over the data set.
 */
export async function firstLayerProducts(p: SurfaceProblem, ex: Executor): Promise<Float64Array> {
  const [first] = layerBlocks(p.problem.layout);
  const { weight, bias } = first!;
  const [h, d0] = weight.shape as [number, number];
  const vecs = coefficientVectors(p);
  const m1 = vecs.length;
  const data = p.problem.data;
  const n = data.n;
  const w = new Float64Array(m1 * h * d0);
  vecs.forEach((v, k) => w.set(v.subarray(weight.offset, weight.offset + weight.size), k * h * d0));
  const g = new GraphBuilder("float64");
  const X = g.constant(tensor([n, d0], data.x));
  const W = g.input("w", [m1 * h, d0]);
  const graph = g.build({ z: g.gemm(X, W, undefined, { transB: true }) });
  const z = (await ex.run(graph, { w: tensor([m1 * h, d0], w) }))["z"]!.data; // [n, m1*h]
  const out = new Float64Array(m1 * n * h);
  for (let k = 0; k < m1; k++) {
    const b = bias ? vecs[k]!.subarray(bias.offset, bias.offset + bias.size) : null;
    const base = k * n * h;
    for (let r = 0; r < n; r++) {
      const src = r * m1 * h + k * h;
      const dst = base + r * h;
      for (let c = 0; c < h; c++) out[dst + c] = z[src + c]! + (b ? b[c]! : 0);
    }
  }
  return out;
}

/** The surface graph for G points: input "coef" [G, m+1]; outputs "loss" [G] and maybe "accuracy" [G]. */
export function buildPlaneGraph(p: SurfaceProblem, products: Float64Array, G: number): Graph {
  const dtype: FloatType = p.dtype;
  const g = new GraphBuilder(dtype);
  const vecs = coefficientVectors(p);
  const m1 = vecs.length;
  const spec = mlpOf(p);
  const n = p.problem.data.n;
  const layers = layerBlocks(p.problem.layout);
  const acts = hiddenActivations(spec);
  const actOpts = { leakyReluAlpha: spec.model.leakyReluAlpha, eluAlpha: spec.model.eluAlpha };
  const coef = g.input("coef", [G, m1]);
  const act = (l: number, z: Value): Value => applyActivation(g, l < layers.length - 1 ? acts[l]! : spec.model.outputActivation, z, actOpts);

  const h1 = layers[0]!.weight.shape[0]!;
  const A = g.constant(tensor([m1, n * h1], products, dtype));
  let h = act(0, g.reshape(g.matmul(coef, A), [G, n, h1]));
  for (let l = 1; l < layers.length; l++) {
    const { weight, bias } = layers[l]!;
    const [out, inp] = weight.shape as [number, number];
    // Stacked transposed weights [m1, in·out], so coef·Wt reshapes straight to [G, in, out].
    const wt = new Float64Array(m1 * inp * out);
    vecs.forEach((v, k) => {
      for (let r = 0; r < out; r++) for (let c = 0; c < inp; c++) wt[k * inp * out + c * out + r] = v[weight.offset + r * inp + c]!;
    });
    const W = g.reshape(g.matmul(coef, g.constant(tensor([m1, inp * out], wt, dtype))), [G, inp, out]);
    let z = g.matmul(h, W);
    if (bias) {
      const bs = new Float64Array(m1 * out);
      vecs.forEach((v, k) => bs.set(v.subarray(bias.offset, bias.offset + bias.size), k * out));
      z = g.add(z, g.reshape(g.matmul(coef, g.constant(tensor([m1, out], bs, dtype))), [G, 1, out]));
    }
    h = act(l, z);
  }
  const t: Tensor = prepareTargets(p.problem.head, p.problem.data, dtype);
  const T = g.constant(t);
  let loss = dataLoss(g, spec, h, T, true);
  if (spec.l2 > 0) {
    // (λ/2)‖Σ c_k v_k‖² = coefᵀ Q coef with Q = (λ/2) Gram(v), computed once in float64.
    const Q = new Float64Array(m1 * m1);
    for (let i = 0; i < m1; i++) {
      for (let j = 0; j < m1; j++) {
        let s = 0;
        const a = vecs[i]!, b = vecs[j]!;
        for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
        Q[i * m1 + j] = (spec.l2 / 2) * s;
      }
    }
    const pen = g.reduceSum(g.mul(g.matmul(coef, g.constant(tensor([m1, m1], Q, dtype))), coef), [1]);
    loss = g.add(loss, pen);
  }
  const outputs: Record<string, Value> = { loss };
  if (p.metrics.includes("accuracy")) {
    const acc = accuracy(g, spec, h, T, true);
    if (!acc) throw new Error("accuracy requested for a regression loss (should have been rejected earlier)");
    outputs["accuracy"] = acc;
  }
  return g.build(outputs);
}

/** Elements of the largest per-point activation tensor; G is chosen so G of them stay near this budget. */
export const PLANE_BATCH_BUDGET = 1 << 23;
export const MAX_PLANE_BATCH = 64;

export function defaultPlaneBatch(p: SurfaceProblem): number {
  const widest = Math.max(...mlpOf(p).model.layers.slice(1));
  return Math.max(1, Math.min(MAX_PLANE_BATCH, Math.floor(PLANE_BATCH_BUDGET / (p.problem.data.n * widest))));
}

export async function createPlaneEvaluator(p: SurfaceProblem, ex: Executor, batch: number = defaultPlaneBatch(p)): Promise<PointEvaluator> {
  const products = await firstLayerProducts(p, ex);
  const graph = buildPlaneGraph(p, products, batch);
  const m = p.dirs.length, m1 = m + 1;
  const coef = new Float64Array(batch * m1);
  return {
    batch,
    evaluate: (coords, count) =>
      evaluateInBatches(p.metrics, batch, count, (q, src) => {
        coef[q * m1] = 1;
        for (let k = 0; k < m; k++) coef[q * m1 + 1 + k] = coords[src * m + k]!;
      }, () => ex.run(graph, { coef: tensor([batch, m1], coef) }))
  };
}
