import { describe, expect, it } from "vitest";
import { createRng } from "../../util/random.js";
import { symmetricEigen } from "../../num/linalg/index.js";
import { mostNegativeCurvature } from "./negative-curvature.js";

function randomSymmetric(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i]![j] = a[j]![i] = rng.normal();
  return a;
}

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
      const dense = symmetricEigen(Float64Array.from(a.flat()), 7).values[0]!;
      const mv = async (v: Float64Array): Promise<Float64Array> => Float64Array.from(a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0)));
      const r = await mostNegativeCurvature(mv, Float64Array.from({ length: 7 }, (_, i) => 1 + i * 0.1), 7);
      expect(r.value).toBeCloseTo(dense, 8);
    }
  });

  it("reports NaN instead of failing when a Hessian-vector product is not finite, so the search skips the point", async () => {
    const r = await mostNegativeCurvature(async (v) => v.map((x, i) => (i === 0 ? NaN : x)), Float64Array.from([1, 2, 3]), 3);
    expect(r.value).toBeNaN();
  });
});
