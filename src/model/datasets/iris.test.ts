import { describe, it, expect } from "vitest";
import { makeIris } from "./iris.js";
import { assertValidDataset } from "./dataset.js";

describe("iris", () => {
  const ds = makeIris();

  it("has 150 samples of 4 features and 50 of each of 3 classes", () => {
    expect([ds.n, ds.inputDim, ds.outputDim, ds.classes, ds.task]).toEqual([150, 4, 1, 3, "classification"]);
    expect(ds.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    const counts = [0, 0, 0];
    for (const label of ds.y) counts[label]!++;
    expect(counts).toEqual([50, 50, 50]);
    expect(() => assertValidDataset(ds)).not.toThrow();
  });

  it("matches the published first row and per-class petal length means", () => {
    expect(Array.from(ds.x.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    // Fisher (1936) / UCI summary statistics for petal length by species.
    const expectedMeans = [1.462, 4.26, 5.552];
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let i = 0; i < 150; i++) if (ds.y[i] === k) sum += ds.x[4 * i + 2]!;
      expect(sum / 50).toBeCloseTo(expectedMeans[k]!, 10);
    }
  });

  it("values lie in the published ranges (cm)", () => {
    const ranges = [[4.3, 7.9], [2.0, 4.4], [1.0, 6.9], [0.1, 2.5]];
    for (let j = 0; j < 4; j++) {
      const col = Array.from({ length: 150 }, (_, i) => ds.x[4 * i + j]!);
      expect([Math.min(...col), Math.max(...col)]).toEqual(ranges[j]);
    }
  });

  it("returns fresh arrays on each call", () => {
    const a = makeIris();
    a.x[0] = -1;
    expect(makeIris().x[0]).toBe(5.1);
  });
});
