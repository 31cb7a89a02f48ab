import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { UserError } from "../../util/errors.js";
import { type Dataset, assertValidDataset } from "./dataset.js";
import { makeXor } from "./xor.js";
import { makeCircles, INNER_RADIUS } from "./circles.js";
import { makeMoons } from "./moons.js";
import { makeSpirals, SPIRAL_MIN_RADIUS, SPIRAL_TURNS } from "./spirals.js";
import { makeBlobs, blobCenters } from "./blobs.js";
import { makeRegression1d } from "./regression1d.js";
import { makeRegression2d } from "./regression2d.js";
import { makeSeedDataset } from "./seed.js";

type Builder = (o: { n?: number; noise?: number; seed?: number }) => Dataset;

const GENERATORS: [string, Builder, number][] = [
  ["xor", makeXor, 2], ["circles", makeCircles, 2], ["moons", makeMoons, 2], ["spirals", makeSpirals, 2],
  ["blobs", makeBlobs, 2], ["regression1d", makeRegression1d, 1], ["regression2d", makeRegression2d, 2]
];

function bytes(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function row(ds: Dataset, i: number): number[] {
  return Array.from(ds.x.subarray(i * ds.inputDim, (i + 1) * ds.inputDim));
}

function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes!).fill(0);
  for (const label of ds.y) counts[label]!++;
  return counts;
}

describe.each(GENERATORS)("%s generator", (name, make, inputDim) => {
  it("is deterministic: the same seed gives identical bytes", () => {
    const a = make({ n: 64, seed: 7 });
    const b = make({ n: 64, seed: 7 });
    expect(bytes(a.x)).toEqual(bytes(b.x));
    expect(bytes(a.y)).toEqual(bytes(b.y));
  });

  it("depends on the seed", () => {
    expect(bytes(make({ n: 64, seed: 1 }).x)).not.toEqual(bytes(make({ n: 64, seed: 2 }).x));
  });

  it("has the documented shape and satisfies the Dataset invariants", () => {
    const ds = make({ n: 37, seed: 3 });
    expect(ds.name).toBe(name);
    expect([ds.n, ds.inputDim, ds.outputDim, ds.x.length, ds.y.length]).toEqual([37, inputDim, 1, 37 * inputDim, 37]);
    expect(() => assertValidDataset(ds)).not.toThrow();
    expect(ds.x.every(Number.isFinite) && ds.y.every(Number.isFinite)).toBe(true);
  });

  it("rejects bad options with a UserError naming the dataset", () => {
    for (const bad of [{ n: 0 }, { n: 2.5 }, { n: 1e12 }, { noise: -1 }, { noise: NaN }, { seed: 0.5 }]) {
      expect(() => make(bad)).toThrow(UserError);
      expect(() => make(bad)).toThrow(new RegExp(`dataset ${name}`));
    }
  });
});

describe("class balance", () => {
  it("every prefix of a classification generator is balanced to within one sample per class", () => {
    const classifiers: Builder[] = [makeXor, makeCircles, makeMoons, makeSpirals, makeBlobs, (o) => makeBlobs({ ...o, classes: 7 })];
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
      for (const make of classifiers) {
        const counts = classCounts(make({ n, seed }));
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
      }
    }), { numRuns: 30 });
  });
});

describe("geometry with the noise switched off", () => {
  it("seed: the answer's two points", () => {
    const ds = makeSeedDataset();
    expect(Array.from(ds.x)).toEqual([1, -1]);
    expect(Array.from(ds.y)).toEqual([1, -1]);
    expect([ds.n, ds.inputDim, ds.outputDim, ds.task]).toEqual([2, 1, 1, "regression"]);
  });

  it("xor: the four exact corners with the XOR truth table", () => {
    const ds = makeXor();
    expect(ds.n).toBe(4);
    expect(Array.from(ds.x)).toEqual([-1, -1, -1, 1, 1, -1, 1, 1]);
    expect(Array.from(ds.y)).toEqual([0, 1, 1, 0]);
  });

  it("xor: noisy points stay on the side of their corner and keep its label", () => {
    const ds = makeXor({ n: 400, noise: 0.1, seed: 5 });
    for (let i = 0; i < ds.n; i++) {
      const [a, b] = row(ds, i);
      expect(ds.y[i]).toBe(Math.sign(a!) === Math.sign(b!) ? 0 : 1);
    }
  });

  it("circles: radius exactly 1 for class 0 and 0.5 for class 1", () => {
    const ds = makeCircles({ n: 100, noise: 0, seed: 2 });
    for (let i = 0; i < ds.n; i++) {
      const [a, b] = row(ds, i);
      expect(Math.hypot(a!, b!)).toBeCloseTo(ds.y[i] === 0 ? 1 : INNER_RADIUS, 12);
    }
  });

  it("moons: points lie on their half circles", () => {
    const ds = makeMoons({ n: 100, noise: 0, seed: 2 });
    for (let i = 0; i < ds.n; i++) {
      const [a, b] = row(ds, i);
      if (ds.y[i] === 0) {
        expect(Math.hypot(a!, b!)).toBeCloseTo(1, 12);
        expect(b!).toBeGreaterThanOrEqual(0);
      } else {
        expect(Math.hypot(a! - 1, b! - 0.5)).toBeCloseTo(1, 12);
        expect(b!).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it("spirals: angle = 2π·turns·r + kπ (mod 2π) and r within [0.1, 1]", () => {
    const ds = makeSpirals({ n: 100, noise: 0, seed: 2 });
    for (let i = 0; i < ds.n; i++) {
      const [a, b] = row(ds, i);
      const r = Math.hypot(a!, b!);
      expect(r).toBeGreaterThanOrEqual(SPIRAL_MIN_RADIUS - 1e-12);
      expect(r).toBeLessThanOrEqual(1 + 1e-12);
      const expected = 2 * Math.PI * SPIRAL_TURNS * r + ds.y[i]! * Math.PI;
      const diff = Math.atan2(b!, a!) - expected;
      // The difference must be a whole number of turns.
      expect(Math.abs(diff / (2 * Math.PI) - Math.round(diff / (2 * Math.PI)))).toBeLessThan(1e-9);
    }
  });

  it("blobs: neighbouring centres are 4 apart and noise-free samples sit on them", () => {
    for (const classes of [2, 3, 5, 10]) {
      const c = blobCenters(classes, 2);
      for (let k = 0; k < classes; k++) {
        const next = (k + 1) % classes;
        expect(Math.hypot(c[2 * k]! - c[2 * next]!, c[2 * k + 1]! - c[2 * next + 1]!)).toBeCloseTo(4, 12);
      }
    }
    expect(Array.from(blobCenters(3, 1))).toEqual([-4, 0, 4]);
    const ds = makeBlobs({ n: 30, noise: 0, classes: 3, dim: 4 });
    const c = blobCenters(3, 4);
    for (let i = 0; i < ds.n; i++) expect(row(ds, i)).toEqual(Array.from(c.subarray(ds.y[i]! * 4, ds.y[i]! * 4 + 4)));
  });

  it("blobs: class means approach the centres and the spread matches noise", () => {
    const noise = 0.7;
    const ds = makeBlobs({ n: 30_000, noise, classes: 3, seed: 11 });
    const c = blobCenters(3, 2);
    const m = ds.n / 3;
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < 2; j++) {
        let sum = 0, sumSq = 0;
        for (let i = k; i < ds.n; i += 3) { const v = ds.x[2 * i + j]! - c[2 * k + j]!; sum += v; sumSq += v * v; }
        // 6 standard errors: fails only if the generator is wrong, not by chance.
        expect(Math.abs(sum / m)).toBeLessThan(6 * noise / Math.sqrt(m));
        expect(Math.sqrt(sumSq / m)).toBeCloseTo(noise, 1);
      }
    }
  });

  it("regression1d: x in [-1, 1], y = sin(3x) exactly without noise, residual sd = noise with it", () => {
    const clean = makeRegression1d({ n: 500, noise: 0, seed: 4 });
    for (let i = 0; i < clean.n; i++) {
      expect(Math.abs(clean.x[i]!)).toBeLessThanOrEqual(1);
      expect(clean.y[i]).toBe(Math.sin(3 * clean.x[i]!));
    }
    const noisy = makeRegression1d({ n: 20_000, noise: 0.3, seed: 4 });
    let ss = 0;
    for (let i = 0; i < noisy.n; i++) ss += (noisy.y[i]! - Math.sin(3 * noisy.x[i]!)) ** 2;
    expect(Math.sqrt(ss / noisy.n)).toBeCloseTo(0.3, 2);
  });

  it("regression2d: x in [-1, 1]^2 and y = sin(πx1)cos(πx2) without noise", () => {
    const ds = makeRegression2d({ n: 500, noise: 0, seed: 4 });
    for (let i = 0; i < ds.n; i++) {
      const [a, b] = row(ds, i);
      expect(Math.max(Math.abs(a!), Math.abs(b!))).toBeLessThanOrEqual(1);
      expect(ds.y[i]).toBe(Math.sin(Math.PI * a!) * Math.cos(Math.PI * b!));
    }
  });

  it("uniform inputs cover their range evenly (each quarter of [-1, 1] gets about a quarter)", () => {
    const ds = makeRegression1d({ n: 40_000, seed: 9 });
    const bins = [0, 0, 0, 0];
    for (const v of ds.x) bins[Math.min(3, Math.floor((v + 1) * 2))]!++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(6 * Math.sqrt(40_000 * 0.25 * 0.75));
  });
});
