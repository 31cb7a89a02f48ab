import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { slqDensity, GRID_PADDING_SIGMAS } from "./slq.js";
import type { SlqDensity } from "./slq.js";
import { hutchinsonTrace } from "./hutchinson.js";
import { denseMatVec } from "./operator.js";
import type { MatVec } from "./operator.js";
import { matrixWithSpectrum, randomSymmetric, traceOf } from "./matrices.testkit.js";
import { createRng } from "../../util/random.js";

/** Trapezoid rule ∫ f(λ) ρ(λ) dλ over the output grid. */
function integrate(r: SlqDensity, f: (x: number) => number = () => 1, from = -Infinity, to = Infinity): number {
  let s = 0;
  for (let g = 1; g < r.grid.length; g++) {
    const x0 = r.grid[g - 1]!;
    const x1 = r.grid[g]!;
    if (x0 < from || x1 > to) continue;
    s += 0.5 * (x1 - x0) * (f(x0) * r.density[g - 1]! + f(x1) * r.density[g]!);
  }
  return s;
}

function twoClusterSpectrum(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => (i < n / 2 ? -1 : 3) + 0.1 * (rng.next() - 0.5));
}

describe("slqDensity", () => {
  it("gives a density that integrates to 1 and quadrature weights that sum to 1 per run", async () => {
    const n = 120;
    const r = await slqDensity(denseMatVec(randomSymmetric(n, 13), n), n, { runs: 6, steps: 40, seed: 3 });
    expect(Math.abs(integrate(r) - 1)).toBeLessThan(1e-5);
    expect(r.nodes).toHaveLength(6);
    for (let run = 0; run < 6; run++) {
      expect(r.nodes[run]).toHaveLength(40);
      expect(Math.abs(r.weights[run]!.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-12);
    }
    expect(r.matvecs).toBe(6 * 40);
    expect(r.grid).toHaveLength(1000);
    expect(r.grid[0]).toBeCloseTo(r.lambdaMin - GRID_PADDING_SIGMAS * r.sigma, 10);
    expect(r.grid[999]).toBeCloseTo(r.lambdaMax + GRID_PADDING_SIGMAS * r.sigma, 10);
  });

  it("has first moment ≈ trace/n: equal to Hutchinson on the same probes, within 4 standard errors of exact", async () => {
    const n = 150;
    const a = randomSymmetric(n, 19);
    for (let i = 0; i < n; i++) a[i * n + i]! += 0.5;
    const matvec = denseMatVec(a, n);
    const runs = 20;
    const r = await slqDensity(matvec, n, { runs, steps: 30, seed: 77 });
    const mean = integrate(r, (x) => x);
    // Gauss quadrature reproduces vᵀAv, and the start vectors are the same sign draws as the probes.
    const hutch = await hutchinsonTrace(matvec, n, { probes: runs, seed: 77 });
    expect(Math.abs(mean - hutch.trace / n)).toBeLessThan(1e-6);
    expect(Math.abs(mean - traceOf(a, n) / n)).toBeLessThanOrEqual((4 * hutch.standardError) / n);
  });

  it("reproduces the second moment exactly: ∫λ²ρ = σ² + mean ‖Av‖² over its start vectors", async () => {
    const n = 60;
    const a = randomSymmetric(n, 23);
    const matvec = denseMatVec(a, n);
    const runs = 4;
    const r = await slqDensity(matvec, n, { runs, steps: 10, seed: 5, gridPoints: 4000 });
    const rng = createRng(5);
    let expected = 0;
    for (let run = 0; run < runs; run++) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = rng.sign() / Math.sqrt(n);
      const av = matvec(v) as Float64Array;
      expected += av.reduce((s, x) => s + x * x, 0) / runs;
    }
    expect(Math.abs(integrate(r, (x) => x * x) - r.sigma ** 2 - expected)).toBeLessThan(1e-4 * expected);
  });

  it("puts its mass where the eigenvalues are (two clusters, half the mass each)", async () => {
    const n = 200;
    const spectrum = twoClusterSpectrum(n, 1);
    const a = matrixWithSpectrum(spectrum, 2);
    const r = await slqDensity(denseMatVec(a, n), n, { runs: 10, steps: 25, seed: 4, sigma: 0.05 });
    // Ritz values lie inside the spectrum.
    expect(r.lambdaMin).toBeGreaterThanOrEqual(Math.min(...spectrum) - 1e-9);
    expect(r.lambdaMax).toBeLessThanOrEqual(Math.max(...spectrum) + 1e-9);
    const low = integrate(r, () => 1, -Infinity, 1);
    const high = integrate(r, () => 1, 1, Infinity);
    expect(Math.abs(low - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(high - 0.5)).toBeLessThan(0.1);
    // No mass between the clusters, away from the smoothing tails.
    expect(integrate(r, () => 1, -0.5, 2.5)).toBeLessThan(1e-6);
  });

  it("finds every eigenvalue of the path-graph Laplacian (closed form) when steps = n", async () => {
    const n = 24;
    const matvec: MatVec = (v) =>
      v.map((x, i) => 2 * x - (i > 0 ? v[i - 1]! : 0) - (i < n - 1 ? v[i + 1]! : 0));
    const r = await slqDensity(matvec, n, { runs: 2, steps: n, seed: 9 });
    for (const nodes of r.nodes) {
      expect(nodes).toHaveLength(n);
      nodes.forEach((theta, k) => {
        expect(Math.abs(theta - (2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))))).toBeLessThan(1e-10);
      });
    }
  });

  it("stops a run at an invariant subspace: c·I gives one node of weight 1", async () => {
    const n = 50;
    const r = await slqDensity((v) => v.map((x) => -3 * x), n, { runs: 3, steps: 20, seed: 0 });
    for (let run = 0; run < 3; run++) {
      expect(r.nodes[run]).toHaveLength(1);
      expect(r.nodes[run]![0]).toBeCloseTo(-3, 13);
      expect(r.weights[run]![0]).toBeCloseTo(1, 13);
    }
    expect(r.matvecs).toBe(3);
    expect(r.sigma).toBeGreaterThan(0);
    expect(Math.abs(integrate(r) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(integrate(r, (x) => x) + 3)).toBeLessThan(1e-5);
  });

  it("is bitwise reproducible for a seed (property)", async () => {
    const n = 30;
    const matvec = denseMatVec(randomSymmetric(n, 1), n);
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const a = await slqDensity(matvec, n, { runs: 2, steps: 8, seed, gridPoints: 50 });
        const b = await slqDensity(matvec, n, { runs: 2, steps: 8, seed, gridPoints: 50 });
        expect(b).toEqual(a);
        a.density.forEach((x, i) => expect(Object.is(x, b.density[i])).toBe(true));
      }),
      { numRuns: 20 }
    );
  });

  it("rejects bad options", async () => {
    const m = denseMatVec(randomSymmetric(4, 1), 4);
    await expect(slqDensity(m, 4, { runs: 0, steps: 2 })).rejects.toThrow(/runs must be a positive integer/);
    await expect(slqDensity(m, 4, { runs: 1, steps: 0 })).rejects.toThrow(/steps/);
    await expect(slqDensity(m, 4, { runs: 1, steps: 2, gridPoints: 1 })).rejects.toThrow(/gridPoints/);
    await expect(slqDensity(m, 4, { runs: 1, steps: 2, sigma: 0 })).rejects.toThrow(/sigma/);
  });
});
