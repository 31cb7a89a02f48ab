import { afterAll, describe, expect, it } from "vitest";
import { buildModelGraph } from "../src/model/mlp.js";
import { parseModelSpec } from "../src/model/spec.js";
import { resolveData } from "../src/model/data.js";
import { SEED_RELU } from "../src/model/examples.js";
import { tensor } from "../src/ir/tensor.js";
import { grad, gradName } from "../src/autodiff/grad.js";
import { hvp, hvpName } from "../src/autodiff/hvp.js";
import { tangentName } from "../src/autodiff/jvp.js";
import { createReferenceExecutor } from "../src/exec/reference.js";
import { createOnnxExecutor } from "../src/exec/onnx/executor.js";
import type { Executor } from "../src/exec/executor.js";

/**
 * The seed answer's network N(x) = b2 + A2·relu(A1 x + b1), θ = (A1, b1, A2, b2) ∈ R^7, data (1,1), (-1,-1),
 * L = ½ Σ (N(x_i) - y_i)². Oracles below are derived by hand, not by autodiff.
 */
const DATA = [[1, 1], [-1, -1]] as const;

function handLoss(t: readonly number[]): number {
  const [a11, a12, b11, b12, a21, a22, b2] = t as [number, number, number, number, number, number, number];
  let L = 0;
  for (const [x, y] of DATA) {
    const N = b2 + a21 * Math.max(0, a11 * x + b11) + a22 * Math.max(0, a12 * x + b12);
    L += 0.5 * (N - y) ** 2;
  }
  return L;
}

/** ∇L = Σ r_i ∇N_i with ∇N = (a21 s1 x, a22 s2 x, a21 s1, a22 s2, h1, h2, 1), s_j = [z_j > 0]. */
function handGrad(t: readonly number[]): number[] {
  const [a11, a12, b11, b12, a21, a22, b2] = t as [number, number, number, number, number, number, number];
  const gsum = new Array<number>(7).fill(0);
  for (const [x, y] of DATA) {
    const z1 = a11 * x + b11, z2 = a12 * x + b12;
    const s1 = z1 > 0 ? 1 : 0, s2 = z2 > 0 ? 1 : 0;
    const r = b2 + a21 * z1 * s1 + a22 * z2 * s2 - y;
    const dN = [a21 * s1 * x, a22 * s2 * x, a21 * s1, a22 * s2, z1 * s1, z2 * s2, 1];
    dN.forEach((d, k) => (gsum[k]! += r * d));
  }
  return gsum;
}

/** H = Σ ∇N_i ∇N_iᵀ + r_i ∇²N_i; ∇²N couples a2j with a1j (s_j x) and with b1j (s_j) — ReLU'' = 0 off the kinks. */
function handHessian(t: readonly number[]): number[][] {
  const [a11, a12, b11, b12, a21, a22, b2] = t as [number, number, number, number, number, number, number];
  const H = Array.from({ length: 7 }, () => new Array<number>(7).fill(0));
  for (const [x, y] of DATA) {
    const z1 = a11 * x + b11, z2 = a12 * x + b12;
    const s1 = z1 > 0 ? 1 : 0, s2 = z2 > 0 ? 1 : 0;
    const r = b2 + a21 * z1 * s1 + a22 * z2 * s2 - y;
    const dN = [a21 * s1 * x, a22 * s2 * x, a21 * s1, a22 * s2, z1 * s1, z2 * s2, 1];
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) H[i]![j]! += dN[i]! * dN[j]!;
    const cross: [number, number, number][] = [[0, 4, s1 * x], [2, 4, s1], [1, 5, s2 * x], [3, 5, s2]];
    for (const [i, j, v] of cross) {
      H[i]![j]! += r * v;
      H[j]![i]! += r * v;
    }
  }
  return H;
}

const spec = parseModelSpec(SEED_RELU.spec);
const { graph } = buildModelGraph(spec, resolveData(spec));
const theta1 = SEED_RELU.params!["theta1"]!;
const theta2 = SEED_RELU.params!["theta2"]!;
const mid = theta1.map((v, i) => (v + theta2[i]!) / 2);
const POINTS = [
  [0.5, -1.2, 0.3, 0.4, 2, -1, -0.5],
  [1.3, 0.7, -0.2, 0.9, -0.6, 1.1, 0.25],
  theta1.slice()
];

const executors: Executor[] = [createReferenceExecutor(), createOnnxExecutor({ threads: 1 })];
afterAll(async () => {
  for (const e of executors) await e.dispose();
});

describe.each(executors.map((e) => [e.name, e] as const))("the seed answer's ReLU network on %s", (_name, ex) => {
  const loss = async (t: readonly number[]): Promise<number> => (await ex.run(graph, { theta: tensor([7], t) }))["loss"]!.data[0]!;

  it("has L(θ1) = L(θ2) = 0 and L((θ1+θ2)/2) = 1 exactly", async () => {
    expect(await loss(theta1)).toBe(0);
    expect(await loss(theta2)).toBe(0);
    expect(mid).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(await loss(mid)).toBe(1);
  });

  it("matches the hand-derived loss, gradient and Hessian", async () => {
    const gGraph = grad(graph, { of: "loss", wrt: ["theta"] });
    const hGraph = hvp(graph, { of: "loss", wrt: ["theta"] });
    for (const t of POINTS) {
      expect(await loss(t)).toBeCloseTo(handLoss(t), 13);
      const g = (await ex.run(gGraph, { theta: tensor([7], t) }))[gradName("theta")]!.data;
      handGrad(t).forEach((v, k) => expect(g[k]).toBeCloseTo(v, 12));
      const H = handHessian(t);
      for (let j = 0; j < 7; j++) {
        const e = new Array<number>(7).fill(0);
        e[j] = 1;
        const col = (await ex.run(hGraph, { theta: tensor([7], t), [tangentName("theta")]: tensor([7], e) }))[hvpName("theta")]!.data;
        for (let i = 0; i < 7; i++) expect(col[i]).toBeCloseTo(H[i]![j]!, 12);
      }
    }
  });
});
