import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { contourLevels, marchingSquares, type Polyline } from "./contour.js";
import { UserError } from "../util/errors.js";

function linspace(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function sample(f: (x: number, y: number) => number, x: Float64Array, y: Float64Array): Float64Array {
  const z = new Float64Array(x.length * y.length);
  for (let j = 0; j < y.length; j++) for (let i = 0; i < x.length; i++) z[j * x.length + i] = f(x[i]!, y[j]!);
  return z;
}

/**
 * Independent oracle: every contour point lies on a grid edge, where the piecewise-linear
 * interpolant is linear along the edge; interpolate z there and return it.
 */
function interpolateOnEdge(x: Float64Array, y: Float64Array, z: ArrayLike<number>, p: [number, number]): number {
  const nx = x.length;
  const i = x.indexOf(p[0]);
  const j = y.indexOf(p[1]);
  if (i >= 0) {
    let jj = 0;
    while (jj + 2 < y.length && y[jj + 1]! < p[1]) jj++;
    const t = (p[1] - y[jj]!) / (y[jj + 1]! - y[jj]!);
    return z[jj * nx + i]! * (1 - t) + z[(jj + 1) * nx + i]! * t;
  }
  if (j >= 0) {
    let ii = 0;
    while (ii + 2 < x.length && x[ii + 1]! < p[0]) ii++;
    const t = (p[0] - x[ii]!) / (x[ii + 1]! - x[ii]!);
    return z[j * nx + ii]! * (1 - t) + z[j * nx + ii + 1]! * t;
  }
  throw new Error(`point ${p} is not on a grid edge`);
}

describe("marchingSquares on z = x² + y²", () => {
  const n = 41;
  const x = linspace(-2, 2, n), y = linspace(-2, 2, n);
  const z = sample((a, b) => a * a + b * b, x, y);
  const h = 4 / (n - 1);

  for (const level of [0.3, 0.5, 1, 2, 3.5]) {
    it(`gives one closed loop at radius √${level} for level ${level}`, () => {
      const lines = marchingSquares({ x, y, z }, level);
      expect(lines).toHaveLength(1);
      const loop = lines[0]!;
      expect(loop.closed).toBe(true);
      expect(loop.points[0]).toEqual(loop.points[loop.points.length - 1]);
      // Along an edge, linear interpolation of x² errs by at most h²/4 in z, so by h²/(4√level) in r.
      const bound = (h * h) / (4 * Math.sqrt(level)) + 1e-12;
      for (const [px, py] of loop.points) expect(Math.abs(Math.hypot(px, py) - Math.sqrt(level))).toBeLessThanOrEqual(bound);
      // The loop goes all the way round: its points cover every direction.
      const angles = new Set(loop.points.map(([px, py]) => Math.floor(((Math.atan2(py, px) + Math.PI) / (2 * Math.PI)) * 8) % 8));
      expect(angles.size).toBe(8);
    });
  }

  it("gives nothing for a level outside the data", () => {
    expect(marchingSquares({ x, y, z }, -1)).toEqual([]);
    expect(marchingSquares({ x, y, z }, 100)).toEqual([]);
  });
});

describe("marchingSquares on a linear ramp", () => {
  it("gives one straight open line exactly where the ramp equals the level", () => {
    const x = linspace(0, 1, 11), y = linspace(0, 2, 7);
    const f = (a: number, b: number): number => 2 * a + 3 * b;
    const z = sample(f, x, y);
    const level = 3.7;
    const lines = marchingSquares({ x, y, z }, level);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.closed).toBe(false);
    for (const p of line.points) expect(f(p[0], p[1])).toBeCloseTo(level, 12);
    // Both ends lie on the grid border.
    for (const p of [line.points[0]!, line.points[line.points.length - 1]!]) {
      const onBorder = p[0] === 0 || p[0] === 1 || p[1] === 0 || p[1] === 2;
      expect(onBorder).toBe(true);
    }
  });

  it("interpolates the exact crossing along a row", () => {
    const x = Float64Array.from([0, 1, 2, 3]), y = Float64Array.from([0, 1]);
    const z = Float64Array.from([0, 10, 20, 30, 0, 10, 20, 30]);
    const [line] = marchingSquares({ x, y, z }, 12.5);
    const xs = line!.points.map((p) => p[0]);
    expect(xs.every((v) => v === 1.25)).toBe(true);
    expect(new Set(line!.points.map((p) => p[1]))).toEqual(new Set([0, 1]));
  });
});

describe("marchingSquares on random grids", () => {
  it("puts every point at the level of the edge interpolant, and closed lines end where they start", () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 7 }), fc.integer({ min: 2, max: 7 }),
      fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 49, maxLength: 49 }), fc.double({ min: -4.5, max: 4.5, noNaN: true }),
      (nx, ny, vals, level) => {
        const x = linspace(0, 1, nx), y = linspace(-1, 2, ny);
        const z = Float64Array.from(vals.slice(0, nx * ny));
        const lines: Polyline[] = marchingSquares({ x, y, z }, level);
        for (const l of lines) {
          expect(l.points.length).toBeGreaterThanOrEqual(2);
          if (l.closed) expect(l.points[0]).toEqual(l.points[l.points.length - 1]);
          for (const p of l.points) expect(interpolateOnEdge(x, y, z, p)).toBeCloseTo(level, 9);
        }
      },
    ));
  });
});

describe("marchingSquares with missing values", () => {
  it("opens a contour around a NaN cell instead of emitting NaN points", () => {
    const n = 21;
    const x = linspace(-1, 1, n), y = linspace(-1, 1, n);
    const z = sample((a, b) => a * a + b * b, x, y);
    z[10 * n + 17] = Number.NaN; // near (0.7, 0): on the level-0.5 circle's path
    const lines = marchingSquares({ x, y, z }, 0.5);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((l) => !l.closed)).toBe(true);
    for (const l of lines) for (const p of l.points) expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
  });

  it("rejects grids whose sizes disagree", () => {
    expect(() => marchingSquares({ x: [0, 1], y: [0, 1], z: [1, 2, 3] }, 1)).toThrow(UserError);
    expect(() => marchingSquares({ x: [0, 0], y: [0, 1], z: [1, 2, 3, 4] }, 1)).toThrow(/strictly increasing/);
  });
});

describe("contourLevels", () => {
  it("gives nice linear levels strictly inside the data range", () => {
    expect(contourLevels(0, 10, { count: 5 })).toEqual([2, 4, 6, 8]);
    for (const l of contourLevels(-3.3, 7.1, { count: 10 })) {
      expect(l).toBeGreaterThan(-3.3);
      expect(l).toBeLessThan(7.1);
    }
  });
  it("gives log-spaced levels with round mantissas, as many as asked for or fewer", () => {
    const levels = contourLevels(0.01, 1000, { count: 12, log: true });
    expect(levels.length).toBeLessThanOrEqual(12);
    expect(levels.length).toBeGreaterThanOrEqual(5);
    for (const v of levels) {
      const e = Math.floor(Math.log10(v) + 1e-12);
      expect([1, 1.5, 2, 3, 5, 7]).toContain(Number((v / 10 ** e).toPrecision(6)));
      expect(v).toBeGreaterThan(0.01);
      expect(v).toBeLessThan(1000);
    }
    expect(levels).toContain(1);
    expect(contourLevels(1, 1e3, { count: 20, log: true })).toEqual([1.5, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700]);
  });
  it("returns nothing for a flat or empty range", () => {
    expect(contourLevels(1, 1)).toEqual([]);
    expect(contourLevels(Number.NaN, 1)).toEqual([]);
  });
});
