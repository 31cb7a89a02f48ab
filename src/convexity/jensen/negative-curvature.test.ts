import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng } from "../../util/random.js";
import { jacobiEigen, mostNegativeCurvature } from "./negative-curvature.js";

function randomSymmetric(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i]![j] = a[j]![i] = rng.normal();
  return a;
}

describe("Jacobi eigen solver", () => {
  it("returns eigenpairs: A v = λ v, orthonormal vectors, eigenvalues summing to the trace", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const a = randomSymmetric(n, seed);
        const { values, vectors } = jacobiEigen(a);
        const trace = a.reduce((s, r, i) => s + r[i]!, 0);
        expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
        for (let k = 0; k < n; k++) {
          for (let i = 0; i < n; i++) {
            let av = 0;
            for (let j = 0; j < n; j++) av += a[i]![j]! * vectors[j]![k]!;
            expect(av).toBeCloseTo(values[k]! * vectors[i]![k]!, 9);
          }
          for (let m = 0; m < n; m++) {
            let d = 0;
            for (let i = 0; i < n; i++) d += vectors[i]![k]! * vectors[i]![m]!;
            expect(d).toBeCloseTo(k === m ? 1 : 0, 9);
          }
        }
      }),
      { numRuns: 60 }
    );
  });
});

describe("most negative curvature by Lanczos", () => {
  it("finds the smallest eigenvalue and its eigenvector of a known diagonal matrix", async () => {
    const diag = Float64Array.from([3, -2, 0.5, 7, -0.25, 1]);
    const r = await mostNegativeCurvature(async (v) => v.map((x, i) => diag[i]! * x), Float64Array.from([1, 1, 1, 1, 1, 1]), 6);
    expect(r.value).toBeCloseTo(-2, 10);
    expect(Math.abs(r.vector[1]!)).toBeCloseTo(1, 8);
  });

  it("agrees with the dense solver on random symmetric matrices when steps = n", async () => {
    for (const seed of [1, 2, 3]) {
      const a = randomSymmetric(7, seed);
      const dense = Math.min(...jacobiEigen(a).values);
      const mv = async (v: Float64Array): Promise<Float64Array> => Float64Array.from(a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0)));
      const r = await mostNegativeCurvature(mv, Float64Array.from({ length: 7 }, (_, i) => 1 + i * 0.1), 7);
      expect(r.value).toBeCloseTo(dense, 8);
    }
  });
});
