import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { trainTestSplit, splitByIndex, subsetDataset } from "./split.js";
import { type Dataset, assertValidDataset } from "./dataset.js";
import { makeMoons } from "./moons.js";
import { UserError } from "../../util/errors.js";

/** x holds each sample's own index twice, y ten times it, so membership is readable off the data. */
function indexed(n: number): Dataset {
  return {
    name: "indexed", task: "regression", n, inputDim: 2, outputDim: 1,
    x: Float64Array.from({ length: 2 * n }, (_, k) => Math.floor(k / 2)),
    y: Float64Array.from({ length: n }, (_, i) => 10 * i),
    featureNames: ["a", "b"]
  };
}

function ids(ds: Dataset): number[] {
  return Array.from({ length: ds.n }, (_, i) => ds.x[2 * i]!);
}

describe("trainTestSplit", () => {
  it("parts have the rounded sizes, are disjoint, cover everything, keep rows intact and stay sorted", () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 200 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer(), (n, f, seed) => {
      const nTest = Math.round(n * f);
      fc.pre(nTest >= 1 && nTest <= n - 1);
      const { train, test } = trainTestSplit(indexed(n), { testFraction: f, seed });
      expect(test.n).toBe(nTest);
      expect(train.n).toBe(n - nTest);
      const all = [...ids(train), ...ids(test)].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
      for (const part of [train, test]) {
        assertValidDataset(part);
        const p = ids(part);
        expect(p).toEqual(p.slice().sort((a, b) => a - b));
        for (let i = 0; i < part.n; i++) {
          expect(part.x[2 * i + 1]).toBe(p[i]);
          expect(part.y[i]).toBe(10 * p[i]!);
        }
      }
    }));
  });

  it("is deterministic per seed and varies across seeds", () => {
    const ds = indexed(100);
    expect(ids(trainTestSplit(ds, { testFraction: 0.2, seed: 3 }).test)).toEqual(ids(trainTestSplit(ds, { testFraction: 0.2, seed: 3 }).test));
    expect(ids(trainTestSplit(ds, { testFraction: 0.2, seed: 3 }).test)).not.toEqual(ids(trainTestSplit(ds, { testFraction: 0.2, seed: 4 }).test));
  });

  it("keeps metadata of classification datasets", () => {
    const { train } = trainTestSplit(makeMoons({ n: 50 }), { testFraction: 0.3, seed: 0 });
    expect([train.classes, train.classNames, train.task]).toEqual([2, ["upper", "lower"], "classification"]);
  });

  it("rejects fractions that leave a part empty", () => {
    for (const testFraction of [0, 1, -0.1, 1.5, NaN]) expect(() => trainTestSplit(indexed(10), { testFraction, seed: 0 })).toThrow(UserError);
    expect(() => trainTestSplit(indexed(10), { testFraction: 0.01, seed: 0 })).toThrow(/empty train or test part/);
  });
});

describe("splitByIndex", () => {
  it("takes the first nTrain samples for training and the rest for testing", () => {
    const { train, test } = splitByIndex(indexed(10), 7);
    expect(ids(train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ids(test)).toEqual([7, 8, 9]);
    expect(Array.from(test.y)).toEqual([70, 80, 90]);
  });

  it("rejects nTrain outside 1..n-1", () => {
    for (const nTrain of [0, 10, 3.5, -1]) expect(() => splitByIndex(indexed(10), nTrain)).toThrow(/nTrain must be an integer from 1 to 9/);
  });
});

describe("subsetDataset", () => {
  it("copies rows in the requested order, repeats allowed, without aliasing", () => {
    const ds = indexed(5);
    const sub = subsetDataset(ds, [4, 0, 4]);
    expect(ids(sub)).toEqual([4, 0, 4]);
    sub.x[0] = -1;
    sub.featureNames![0] = "z";
    expect(ds.x[8]).toBe(4);
    expect(ds.featureNames).toEqual(["a", "b"]);
  });
});
