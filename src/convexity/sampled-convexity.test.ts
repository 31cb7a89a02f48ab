import { describe, expect, it } from "vitest";
import { sampledConvexity, SAMPLED_CONVEXITY_TOLERANCE } from "./sampled-convexity.js";

const grid = (n: number, a = -1, b = 1): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

describe("sampledConvexity", () => {
  it("accepts convex samples (x², |x|, a line) and rejects a W whose ends are above every interior point", () => {
    const xs = grid(101);
    expect(sampledConvexity(xs, xs.map((x) => x * x)).convex).toBe(true);
    expect(sampledConvexity(xs, xs.map((x) => Math.abs(x))).convex).toBe(true);
    expect(sampledConvexity(xs, xs.map((x) => 3 * x - 2)).convex).toBe(true);
    // (x² − 0.25)² scaled: the end chord (at height 0.5625) lies above the whole curve.
    const w = xs.map((x) => (x * x - 0.25) ** 2);
    const r = sampledConvexity(xs, w);
    expect(r.endChordGap).toBeLessThan(0);
    expect(r.convex).toBe(false);
    // Brute force oracle for the worst rise: the bump at 0 (height 0.0625) over the chord of the two minima ±0.5.
    expect(r.worst!.at).toBeCloseTo(0, 12);
    expect(r.worst!.from).toBeCloseTo(-0.5, 12);
    expect(r.worst!.to).toBeCloseTo(0.5, 12);
    expect(r.worst!.gap).toBeCloseTo(0.0625, 12);
  });

  it("agrees with non-negative second differences on random sequences", () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const n = 3 + (trial % 9);
      const xs = grid(n, 0, 1);
      // Half the trials are convex by construction (cumulative sums of increasing slopes).
      const slopes = Array.from({ length: n - 1 }, () => rand() - 0.5);
      if (trial % 2 === 0) slopes.sort((a, b) => a - b);
      const ys = [0];
      slopes.forEach((s, i) => ys.push(ys[i]! + s / (n - 1)));
      const second = slopes.slice(1).every((s, i) => s >= slopes[i]!);
      const scale = Math.max(...ys.map(Math.abs));
      const clearly = slopes.slice(1).every((s, i) => s - slopes[i]! > -1e-6) === second;
      if (clearly) expect(sampledConvexity(xs, ys).convex, `${ys}`).toBe(second || scale === 0);
    }
  });

  it("skips non-finite samples and states its tolerance", () => {
    const r = sampledConvexity([0, 1, 2, 3], [1, null, 0, 1]);
    expect(r.samples).toBe(3);
    expect(r.skipped).toBe(1);
    expect(r.tolerance).toBe(SAMPLED_CONVEXITY_TOLERANCE * 1);
    // A rise below the tolerance is roundoff, not a violation.
    expect(sampledConvexity([0, 1, 2], [1, 1 + 1e-12, 1]).convex).toBe(true);
  });
});
