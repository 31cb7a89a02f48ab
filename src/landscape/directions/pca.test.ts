import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng } from "../../util/random.js";
import { UserError } from "../../util/errors.js";
import { pcaDirections } from "./pca.js";
import { orthogonalize } from "./orthogonal.js";
import { dot, norm } from "./vector.js";

function randomTrajectory(K: number, P: number, seed: number) {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: K * P }, () => rng.normal());
  return { traj: { rows: K, cols: P, data }, final: Float64Array.from({ length: P }, () => rng.normal()) };
}

describe("PCA directions of a trajectory", () => {
  it("explained variance ratios are in [0, 1], descending, and sum to at most 1; directions are orthonormal", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 3, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (K, P, seed) => {
        const { traj, final } = randomTrajectory(K, P, seed);
        const r = pcaDirections(traj, final);
        const [a, b] = r.explainedVarianceRatio;
        expect(a).toBeGreaterThanOrEqual(b);
        expect(b).toBeGreaterThan(0);
        expect(a + b).toBeLessThanOrEqual(1 + 1e-12);
        expect(norm(r.d1)).toBeCloseTo(1, 10);
        expect(norm(r.d2)).toBeCloseTo(1, 10);
        expect(Math.abs(dot(r.d1, r.d2))).toBeLessThan(1e-9);
      })
    );
  });

  it("recovers a trajectory that lies in a known plane: ratios sum to 1 and the projection reproduces it", () => {
    const P = 40, K = 15;
    const rng = createRng(3);
    // an orthonormal pair u, v and θ_i = θ_f + s_i u + t_i v with more spread along u
    const u0 = Float64Array.from({ length: P }, () => rng.normal());
    const v0 = Float64Array.from({ length: P }, () => rng.normal());
    const u = u0.map((x) => x / norm(u0));
    const v = orthogonalize(u, v0).map((x, _, arr) => x / norm(arr));
    const final = Float64Array.from({ length: P }, () => rng.normal());
    const s = Array.from({ length: K }, (_, i) => 5 * (1 - i / (K - 1)) ** 2);
    const t = Array.from({ length: K }, (_, i) => Math.sin(i) * (1 - i / (K - 1)));
    const data = new Float64Array(K * P);
    for (let i = 0; i < K; i++) for (let k = 0; k < P; k++) data[i * P + k] = final[k]! + s[i]! * u[k]! + t[i]! * v[k]!;
    const r = pcaDirections({ rows: K, cols: P, data }, final);
    expect(r.explainedVarianceRatio[0] + r.explainedVarianceRatio[1]).toBeCloseTo(1, 10);
    // the plane is the same: d1, d2 lie in span(u, v)
    for (const d of [r.d1, r.d2]) expect(dot(d, u) ** 2 + dot(d, v) ** 2).toBeCloseTo(1, 10);
    // projected points have the true distances to θ_final
    for (let i = 0; i < K; i++) {
      const x = r.projection[2 * i]!, y = r.projection[2 * i + 1]!;
      expect(Math.hypot(x, y)).toBeCloseTo(Math.hypot(s[i]!, t[i]!), 9);
    }
    // oriented so the first checkpoint has non-negative coordinates
    expect(r.projection[0]).toBeGreaterThanOrEqual(0);
    expect(r.projection[1]).toBeGreaterThanOrEqual(0);
    // the final checkpoint is θ_final itself: the origin
    expect(Math.abs(r.projection[2 * (K - 1)]!)).toBeLessThan(1e-12);
  });

  it("refuses trajectories that are too short or one-dimensional", () => {
    expect(() => pcaDirections({ rows: 2, cols: 3, data: new Float64Array(6) }, new Float64Array(3))).toThrow(UserError);
    const line = new Float64Array(4 * 3);
    for (let i = 0; i < 4; i++) line.set([i, 2 * i, 3 * i], 3 * i);
    expect(() => pcaDirections({ rows: 4, cols: 3, data: line }, new Float64Array(3))).toThrow(/fewer than two dimensions/);
  });
});

describe("--orthogonal", () => {
  it("makes d2 orthogonal to d1 and keeps its length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 0, max: 1e6 }), (P, seed) => {
        const rng = createRng(seed);
        const d1 = Float64Array.from({ length: P }, () => rng.normal());
        const d2 = Float64Array.from({ length: P }, () => rng.normal() + 0.5 * d1[0]!);
        const o = orthogonalize(d1, d2);
        expect(Math.abs(dot(o, d1))).toBeLessThan(1e-12 * norm(d1) * norm(d2));
        expect(norm(o)).toBeCloseTo(norm(d2), 9);
      })
    );
  });

  it("refuses parallel directions", () => {
    const d1 = Float64Array.from([1, 2, 3]);
    expect(() => orthogonalize(d1, d1.map((x) => -2 * x))).toThrow(/parallel/);
  });
});
