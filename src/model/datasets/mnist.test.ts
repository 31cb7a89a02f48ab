import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import { makeMnist, MNIST_PIXELS } from "./mnist.js";
import { UserError } from "../../util/errors.js";

// The package's own per-digit accessor, used only as an independent oracle for the interleaving.
interface MnistDigit { length: number; get(i: number): number[] }
const mnistPackage = createRequire(import.meta.url)("mnist") as MnistDigit[];

describe("mnist", () => {
  const ds = makeMnist();

  it("has 10,000 digits of 784 pixels in [0, 1] and labels 0..9", () => {
    expect([ds.n, ds.inputDim, ds.outputDim, ds.classes]).toEqual([10_000, 784, 1, 10]);
    expect(ds.x.length).toBe(10_000 * 784);
    let min = Infinity, max = -Infinity;
    for (const v of ds.x) { if (v < min) min = v; if (v > max) max = v; }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.99);
    expect(new Set(ds.y)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it("holds every image of the package, as many per digit as the package has", () => {
    const counts = new Array<number>(10).fill(0);
    for (const label of ds.y) counts[label]!++;
    expect(counts).toEqual(mnistPackage.map((d) => d.length));
  });

  it("is interleaved: sample 10r + d is the package's r-th image of digit d", () => {
    for (const [r, d] of [[0, 0], [0, 9], [1, 3], [500, 5], [862, 5], [862, 7]] as const) {
      const i = 10 * r + d;
      expect(ds.y[i]).toBe(d);
      expect(Array.from(ds.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS))).toEqual(mnistPackage[d]!.get(r));
    }
  });

  it("every prefix of 10k samples (k ≤ 863) holds k of each digit", () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 8630; i++) {
      counts[ds.y[i]!]!++;
      if ((i + 1) % 10 === 0) expect(new Set(counts).size).toBe(1);
    }
  });

  it("n takes a prefix and each call gets its own copy of the cached data", () => {
    const small = makeMnist({ n: 20 });
    expect([small.n, small.x.length]).toEqual([20, 20 * 784]);
    expect(Array.from(small.y)).toEqual(Array.from(ds.y.subarray(0, 20)));
    small.x.fill(7);
    expect(makeMnist({ n: 20 }).x).toEqual(ds.x.subarray(0, 20 * 784));
  });

  it("rejects an n it cannot provide", () => {
    expect(() => makeMnist({ n: 10_001 })).toThrow(UserError);
    expect(() => makeMnist({ n: 0 })).toThrow(/n must be an integer from 1 to 10000/);
  });
});
