/**
 * PCA directions of an optimisation trajectory (Li et al. §7): rows r_i = θ_i - θ_final, centred
 * as PCA does, and the top two principal directions of that K×P matrix. P is large and K small, so
 * the K×K Gram matrix R Rᵀ is decomposed instead of the P×P covariance: if R Rᵀ u = λ u then
 * v = Rᵀ u / √λ is a unit principal direction with the same λ.
 */
import { UserError } from "../../util/errors.js";
import { symmetricEigen } from "../../num/linalg/index.js";

export interface PcaResult {
  d1: Float64Array;
  d2: Float64Array;
  /** λ_k / Σλ for the two directions (their sum is at most 1). */
  explainedVarianceRatio: [number, number];
  /** Coordinates of θ_i - θ_final on (d1, d2): [K, 2] row-major. d1, d2 are orthonormal, so this is the least-squares projection. */
  projection: Float64Array;
}

/** Gram products beyond this are refused before they take minutes. */
export const MAX_PCA_WORK = 5e10;

export function pcaDirections(traj: { rows: number; cols: number; data: Float64Array }, thetaFinal: Float64Array): PcaResult {
  const { rows: K, cols: P, data } = traj;
  if (thetaFinal.length !== P) throw new Error(`pcaDirections: θ has ${thetaFinal.length} values, trajectory rows ${P}`);
  if (K < 3) throw new UserError(`PCA directions need a trajectory of at least 3 checkpoints, got ${K}`);
  if (K * K * P > MAX_PCA_WORK) throw new UserError(`the trajectory has ${K} checkpoints of ${P} parameters; PCA over more than ${Math.floor(Math.sqrt(MAX_PCA_WORK / P))} checkpoints is refused (save checkpoints less often)`);
  const R = new Float64Array(K * P);
  for (let i = 0; i < K; i++) for (let k = 0; k < P; k++) R[i * P + k] = data[i * P + k]! - thetaFinal[k]!;
  const mean = new Float64Array(P);
  for (let i = 0; i < K; i++) for (let k = 0; k < P; k++) mean[k] = mean[k]! + R[i * P + k]!;
  for (let k = 0; k < P; k++) mean[k] = mean[k]! / K;
  const C = new Float64Array(K * P);
  for (let i = 0; i < K; i++) for (let k = 0; k < P; k++) C[i * P + k] = R[i * P + k]! - mean[k]!;
  const G = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = i; j < K; j++) {
      let s = 0;
      for (let k = 0; k < P; k++) s += C[i * P + k]! * C[j * P + k]!;
      G[i * K + j] = s;
      G[j * K + i] = s;
    }
  }
  // Ascending eigenvalues: the top two principal directions are the last two columns.
  const { values, vectors } = symmetricEigen(G, K);
  const top = [K - 1, K - 2] as const;
  let total = 0;
  for (let i = 0; i < K; i++) total += G[i * K + i]!;
  const l1 = values[top[0]]!, l2 = values[top[1]]!;
  if (!(total > 0) || !(l2 > total * 1e-14)) throw new UserError("the trajectory spans fewer than two dimensions: PCA cannot choose a plane");
  const dirs = [l1, l2].map((lam, c) => {
    const v = new Float64Array(P);
    for (let i = 0; i < K; i++) {
      const u = vectors![i * K + top[c]!]!;
      for (let k = 0; k < P; k++) v[k] = v[k]! + u * C[i * P + k]!;
    }
    const s = 1 / Math.sqrt(lam);
    for (let k = 0; k < P; k++) v[k] = v[k]! * s;
    return v;
  }) as [Float64Array, Float64Array];
  const projection = new Float64Array(K * 2);
  const project = (): void => {
    for (let i = 0; i < K; i++) {
      for (let c = 0; c < 2; c++) {
        let s = 0;
        for (let k = 0; k < P; k++) s += R[i * P + k]! * dirs[c]![k]!;
        projection[i * 2 + c] = s;
      }
    }
  };
  project();
  // Orient each axis so the start of training lies at a non-negative coordinate: a stable, readable picture.
  let flipped = false;
  for (let c = 0; c < 2; c++) {
    if (projection[c]! < 0) {
      const d = dirs[c]!;
      for (let k = 0; k < P; k++) d[k] = -d[k]!;
      flipped = true;
    }
  }
  if (flipped) project();
  return { d1: dirs[0], d2: dirs[1], explainedVarianceRatio: [l1 / total, l2 / total], projection };
}
