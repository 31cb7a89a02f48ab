import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import {
  formatLinearTicks, formatLogTicks, formatValue, linearScale, logDomain, logScale, logTicks, niceDomain, niceStep, niceTicks,
} from "./scale.js";

const finiteRange = fc.tuple(
  fc.double({ min: -1e9, max: 1e9, noNaN: true }),
  fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
).map(([lo, span]) => [lo, lo + span] as const).filter(([lo, hi]) => hi - lo > Math.abs(hi) * 1e-9 + 1e-300);

/** Is `v` (a double) the nearest double to k × m × 10^e for integer k and m in {1, 2, 5}? Checked in exact decimal. */
function isStepMultiple(v: number, step: number): boolean {
  const q = new Decimal(v).div(new Decimal(step));
  return q.minus(q.round()).abs().lt(1e-6);
}

describe("niceStep", () => {
  it("is 1, 2 or 5 times a power of ten", () => {
    fc.assert(fc.property(fc.double({ min: 1e-12, max: 1e12, noNaN: true }), fc.integer({ min: 2, max: 12 }), (span, n) => {
      const s = niceStep(span, n);
      expect([1, 2, 5]).toContain(s.mantissa);
      expect(s.value).toBeCloseTo(s.mantissa * 10 ** s.exponent, 10);
    }));
  });
});

describe("niceTicks", () => {
  it("lies inside the domain, steps evenly by a 1-2-5 value and leaves less than one step uncovered at each end", () => {
    fc.assert(fc.property(finiteRange, fc.integer({ min: 5, max: 10 }), ([lo, hi], n) => {
      const ticks = niceTicks(lo, hi, n);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(n);
      // The difference of two ticks carries rounding error; the step itself is a short decimal.
      const s = Number((ticks[1]! - ticks[0]!).toPrecision(6));
      const e = Math.floor(Math.log10(s) + 1e-9);
      expect([1, 2, 5]).toContain(Math.round(s / 10 ** e));
      const tol = (hi - lo) * 1e-9;
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(lo - tol);
        expect(t).toBeLessThanOrEqual(hi + tol);
        expect(isStepMultiple(t, s)).toBe(true);
      }
      expect(ticks[0]! - lo).toBeLessThan(s * (1 + 1e-9));
      expect(hi - ticks[ticks.length - 1]!).toBeLessThan(s * (1 + 1e-9));
    }));
  });

  it("uses the finest 1-2-5 step that fits the budget", () => {
    expect(niceTicks(0, 10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 10, 11)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 5, 10]);
  });

  it("produces exact decimals: 0.3 not 0.30000000000000004", () => {
    expect(niceTicks(0, 1, 11)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(-0.35, 0.35, 8)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });

  it("respects a minimum step (integer axes)", () => {
    expect(niceTicks(0.5, 3.5, 10, 1)).toEqual([1, 2, 3]);
  });
});

describe("niceDomain", () => {
  it("contains the data range and ends on multiples of the step", () => {
    fc.assert(fc.property(finiteRange, ([lo, hi]) => {
      const [a, b] = niceDomain(lo, hi, 6);
      expect(a).toBeLessThanOrEqual(lo);
      expect(b).toBeGreaterThanOrEqual(hi);
      const step = niceStep(hi - lo, 6).value;
      expect(isStepMultiple(a, step)).toBe(true);
      expect(isStepMultiple(b, step)).toBe(true);
      expect(b - a).toBeLessThanOrEqual(hi - lo + 2 * step * (1 + 1e-9));
    }));
  });
  it("widens a single value into a usable range", () => {
    const [a, b] = niceDomain(5, 5);
    expect(a).toBeLessThan(5);
    expect(b).toBeGreaterThan(5);
  });
});

describe("tick labels", () => {
  it("use as many decimals as the step needs", () => {
    expect(formatLinearTicks([0, 0.1, 0.2, 0.30000000000000004])).toEqual(["0.0", "0.1", "0.2", "0.3"]);
    expect(formatLinearTicks([0, 0.25, 0.5])).toEqual(["0.00", "0.25", "0.50"]);
    expect(formatLinearTicks([-2, 0, 2])).toEqual(["\u22122", "0", "2"]);
    expect(formatLinearTicks([100, 200, 300])).toEqual(["100", "200", "300"]);
  });
  it("switch to exponent notation for very large and very small values", () => {
    expect(formatLinearTicks([0, 5e5, 1e6])).toEqual(["0", "5e5", "1e6"]);
    expect(formatLinearTicks([1e-6, 2e-6, 3e-6])).toEqual(["1e-6", "2e-6", "3e-6"]);
    expect(formatLinearTicks([1.5e-4, 2e-4, 2.5e-4])).toEqual(["1.5e-4", "2e-4", "2.5e-4"]);
  });
  it("read back as the tick values (to the printed precision)", () => {
    fc.assert(fc.property(finiteRange, ([lo, hi]) => {
      const ticks = niceTicks(lo, hi, 6);
      const labels = formatLinearTicks(ticks);
      ticks.forEach((t, i) => {
        const back = Number(labels[i]!.replace("\u2212", "-"));
        expect(Math.abs(back - t)).toBeLessThanOrEqual(Math.abs(ticks[1]! - ticks[0]!) * 1e-6 + Math.abs(t) * 1e-12);
        expect(labels[i]!.length).toBeLessThanOrEqual(16);
      });
    }));
  });
  it("formatValue gives short annotations", () => {
    expect(formatValue(0.1 + 0.2)).toBe("0.3");
    expect(formatValue(1234.5)).toBe("1230");
    expect(formatValue(-2e-7)).toBe("\u22122e-7");
  });
});

describe("log ticks", () => {
  it("are whole decades over a wide range", () => {
    expect(logTicks(1e-6, 1e2, 10)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]);
    // one format per axis: exponents for all once any tick needs one
    expect(formatLogTicks([1e-6, 1e-3, 1, 1e4, 1e6])).toEqual(["1e-6", "1e-3", "1e0", "1e4", "1e6"]);
    expect(formatLogTicks([1e-3, 0.01, 1, 1e4])).toEqual(["0.001", "0.01", "1", "10000"]);
    expect(formatLogTicks([2e-4, 5e-4, 1e-3])).toEqual(["2e-4", "5e-4", "1e-3"]);
  });
  it("thin out to every k-th decade when there are many", () => {
    const t = logTicks(1e-20, 1e20, 8);
    expect(t.length).toBeLessThanOrEqual(8);
    expect(t.length).toBeGreaterThanOrEqual(4);
    const strides = t.slice(1).map((v, i) => Math.round(Math.log10(v) - Math.log10(t[i]!)));
    expect(new Set(strides).size).toBe(1);
  });
  it("use 1-2-5 within a narrow range", () => {
    expect(logTicks(0.15, 6)).toEqual([0.2, 0.5, 1, 2, 5]);
  });
  it("are powers of ten and lie in the domain", () => {
    fc.assert(fc.property(fc.integer({ min: -30, max: 30 }), fc.integer({ min: 3, max: 40 }), (e, span) => {
      const lo = 10 ** e * 1.5, hi = 10 ** (e + span);
      for (const v of logTicks(lo, hi)) {
        expect(v).toBeGreaterThanOrEqual(lo * (1 - 1e-12));
        expect(v).toBeLessThanOrEqual(hi * (1 + 1e-12));
        expect(Math.abs(Math.log10(v) - Math.round(Math.log10(v)))).toBeLessThan(1e-9);
      }
    }));
  });
  it("logDomain widens to whole decades", () => {
    expect(logDomain(0.03, 250)).toEqual([0.01, 1000]);
  });
});

describe("scales", () => {
  it("linear maps domain ends to range ends", () => {
    const s = linearScale([2, 6], [100, 0]);
    expect(s.map(2)).toBe(100);
    expect(s.map(6)).toBe(0);
    expect(s.map(4)).toBe(50);
    expect(Number.isNaN(s.map(Number.NaN))).toBe(true);
  });
  it("log maps decades evenly and rejects non-positive values", () => {
    const s = logScale([1, 1000], [0, 300]);
    expect(s.map(10)).toBeCloseTo(100, 10);
    expect(s.map(100)).toBeCloseTo(200, 10);
    expect(Number.isNaN(s.map(0))).toBe(true);
    expect(Number.isNaN(s.map(-1))).toBe(true);
  });
});
