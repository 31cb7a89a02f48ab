/**
 * Fast evaluation of a loss line/plane for networks whose first op is linear in θ and reads only the
 * data (an imported CNN's first Conv, a first Gemm): exact up to rounding.
 *
 * The first op is linear in the blocks it reads, a bias included (conv(x, W, b) is linear in the pair
 * (W, b)), so on the plane θ + α d1 + β d2 its output is
 *   Z(α, β) = Z0 + α Z1 + β Z2,   Z0 = first(x; θ),  Z_k = first(x; d_k),
 * bias directions and all. The m+1 products are computed ONCE per surface (one executor run) and baked into the surface graph as one constant [m+1, |Z|]; a point then costs the coefficient
 * combination (one MatMul (1, α, β) · [Z0; Z1; Z2]) and the layers above the first. θ(α, β) is formed in
 * float64 and fed too, because the layers above read it.
 *
 * The trade is the first op's arithmetic for reading the m+1 products per point, so what it buys depends on
 * memory bandwidth. LeNet-5 on 2000 MNIST digits, 2 shared cores (bench/lenet-landscape.bench.mjs): float32
 * 1.4–1.5× faster per point than the plain loop at load ≈ 3, no faster at load ≈ 7.5; float64 (whose Conv is
 * an im2col decomposition on onnxruntime) 1.45–2.8× faster. Setting up costs one run of the first op and a
 * session holding the products (3–6 s there).
 *
 * G points per run are G independent copies of that graph in one session (the layers above are an
 * imported black box, so they cannot share a batch axis across points with different weights). Whether
 * that pays is measured (bench/lenet-landscape.bench.mjs); see FIRST_LINEAR_BATCH.
 */
import type { Executor } from "../../exec/executor.js";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { sizeOf } from "../../ir/shape.js";
import { tensor } from "../../ir/tensor.js";
import { accuracy, dataLoss } from "../../model/losses.js";
import { dataTensors, l2Penalty } from "../../model/problem/loss-graph.js";
import type { FirstLinearLayer } from "../../model/problem/loss-problem.js";
import { evaluateInBatches, planePoint, type PointEvaluator, type SurfaceProblem } from "./problem.js";

function firstLinearOf(p: SurfaceProblem): FirstLinearLayer {
  const f = p.problem.structure.firstLinear;
  if (!f) throw new Error("the first-linear-op evaluator needs a problem whose first op is linear in θ (structure.firstLinear)");
  return f;
}

export interface FirstLinearProducts {
  /** The first op's output shape for the whole data set, e.g. [n, C, H, W]. */
  shape: number[];
  /** [Z0; Z1; …] row-major, (m+1) × sizeOf(shape): Z0 at θ, Z_k along direction k. */
  products: Float64Array;
}

/**
 * The first op applied to θ and to each direction over the problem's data (one run), in the surface's
 * float type: a float32 surface's products are as accurate as the plain evaluation's own first op, and
 * onnxruntime's float64 Conv is an im2col decomposition many times slower than its float32 kernel.
 */
export async function firstLinearProducts(p: SurfaceProblem, ex: Executor): Promise<FirstLinearProducts> {
  const first = firstLinearOf(p);
  const P = p.problem.layout.size;
  const vecs = [p.theta, ...p.dirs];
  const g = new GraphBuilder(p.dtype);
  const x = g.constant(dataTensors(p.problem, p.problem.data, p.dtype).x);
  const outs: Record<string, Value> = {};
  vecs.forEach((_, k) => (outs[`z${k}`] = first.apply(g, g.input(`v${k}`, [P]), x)));
  const shape = [...outs["z0"]!.shape];
  const feeds = Object.fromEntries(vecs.map((v, k) => [`v${k}`, tensor([P], v)]));
  const r = await ex.run(g.build(outs), feeds);
  const size = sizeOf(shape);
  const products = new Float64Array(vecs.length * size);
  vecs.forEach((_, k) => products.set(r[`z${k}`]!.data, k * size));
  return { shape, products };
}

/**
 * The surface graph for G points: inputs "theta" [G, P] (θ at each point) and "coef" [G, m+1] (1, α, β);
 * outputs "loss" [G] and maybe "accuracy" [G].
 */
export function buildFirstLinearGraph(p: SurfaceProblem, pre: FirstLinearProducts, G: number): Graph {
  const first = firstLinearOf(p);
  const dtype = p.dtype;
  const g = new GraphBuilder(dtype);
  const P = p.problem.layout.size;
  const m1 = p.dirs.length + 1;
  const size = sizeOf(pre.shape);
  const thetas = g.input("theta", [G, P]);
  const coef = g.input("coef", [G, m1]);
  const A = g.constant(tensor([m1, size], pre.products, dtype));
  const T = g.constant(dataTensors(p.problem, p.problem.data, dtype).t);
  const wantAcc = p.metrics.includes("accuracy");
  const losses: Value[] = [];
  const accs: Value[] = [];
  for (let q = 0; q < G; q++) {
    // Slices of the small inputs, not of a combined [G, |Z|]: onnxruntime copies every Slice, and a copy of
    // |Z| per point costs as much as the combination itself.
    const row = (v: Value): Value => (G === 1 ? v : g.slice(v, [q], [q + 1], [0]));
    const theta = g.reshape(row(thetas), [P]);
    const z = g.reshape(g.matmul(row(coef), A), pre.shape);
    const out = first.rest(g, theta, z);
    const data = dataLoss(g, p.problem.head, out, T);
    const pen = l2Penalty(g, p.problem, theta);
    losses.push(g.reshape(pen ? g.add(data, pen) : data, [1]));
    if (wantAcc) {
      const acc = accuracy(g, p.problem.head, out, T);
      if (!acc) throw new Error("accuracy requested for a regression loss (should have been rejected earlier)");
      accs.push(g.reshape(acc, [1]));
    }
  }
  const join = (vs: Value[]): Value => (vs.length === 1 ? vs[0]! : g.concat(vs, 0));
  return g.build(wantAcc ? { loss: join(losses), accuracy: join(accs) } : { loss: join(losses) });
}

/**
 * Points per run. Batching did not pay: LeNet-5 over 2000 MNIST digits on 2 shared cores
 * (bench/lenet-landscape.bench.mjs, interleaved rounds), float32 medians 205 / 197 / 215 ms per point for
 * G = 1 / 2 / 4 (within the noise of each other), float64 1707 / 1998 ms for G = 1 / 2, and each G multiplies
 * the graph and its session. A point here is tens of milliseconds of convolution, so the ~50 µs a run costs
 * is nothing to amortize.
 */
export const FIRST_LINEAR_BATCH = 1;
/** A run of G points holds G copies of the network above the first op; beyond this the graph only grows. */
export const MAX_FIRST_LINEAR_BATCH = 8;

export async function createFirstLinearEvaluator(p: SurfaceProblem, ex: Executor, batch: number = FIRST_LINEAR_BATCH): Promise<PointEvaluator> {
  const pre = await firstLinearProducts(p, ex);
  const graph = buildFirstLinearGraph(p, pre, batch);
  const P = p.problem.layout.size;
  const m = p.dirs.length, m1 = m + 1;
  const coef = new Float64Array(batch * m1);
  const thetas = new Float64Array(batch * P);
  const th = new Float64Array(P);
  return {
    batch,
    evaluate: (coords, count) =>
      evaluateInBatches(p.metrics, batch, count, (q, src) => {
        coef[q * m1] = 1;
        for (let k = 0; k < m; k++) coef[q * m1 + 1 + k] = coords[src * m + k]!;
        thetas.set(planePoint(p.theta, p.dirs, coords, src, th), q * P);
      }, () => ex.run(graph, { theta: tensor([batch, P], thetas), coef: tensor([batch, m1], coef) }))
  };
}
