import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { UserError } from "../util/errors.js";
import { parseRange, rangeValues } from "./range.js";

describe("min:max:num ranges", () => {
  it("parse negative, zero and fractional bounds (zero bounds are valid, unlike the reference code)", () => {
    expect(parseRange("-1:1:51", "--x")).toEqual({ min: -1, max: 1, num: 51 });
    expect(parseRange("0:1:11", "--x")).toEqual({ min: 0, max: 1, num: 11 });
    expect(parseRange("-0.5:0:3", "--y")).toEqual({ min: -0.5, max: 0, num: 3 });
    expect(parseRange(" 1e-2 : 2.5E1 : 2 ", "--x")).toEqual({ min: 0.01, max: 25, num: 2 });
    expect(parseRange("3:3:1", "--x")).toEqual({ min: 3, max: 3, num: 1 });
  });

  it("values are evenly spaced with both ends exact", () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 1e-3, max: 100, noNaN: true }), fc.integer({ min: 2, max: 500 }), (lo, span, n) => {
        const v = rangeValues({ min: lo, max: lo + span, num: n });
        expect(v.length).toBe(n);
        expect(v[0]).toBe(lo);
        expect(v[n - 1]).toBe(lo + span);
        for (let i = 1; i < n; i++) {
          expect(v[i]! - v[i - 1]!).toBeGreaterThan(0);
          expect(Math.abs(v[i]! - v[i - 1]! - span / (n - 1))).toBeLessThan(1e-9 * Math.max(1, Math.abs(lo) + span));
        }
      })
    );
    expect(Array.from(rangeValues({ min: 0, max: 1, num: 5 }))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Object.is(rangeValues({ min: -0, max: 1, num: 3 })[0], -0)).toBe(true);
  });

  it.each([
    ["1:-1:5", /min must be below max/],
    ["1:1:5", /min must be below max/],
    ["0:1:0", /num must be from 1/],
    ["0:1:2.5", /positive integer/],
    ["0:1", /three parts/],
    ["a:1:3", /min "a" is not a number/],
    ["0:1:1", /single point/],
    ["0:inf:3", /not a number/],
    ["0:1:1000001", /num must be from 1/]
  ])("rejects %s with a UserError naming the problem", (text, why) => {
    expect(() => parseRange(text, "--x")).toThrow(UserError);
    expect(() => parseRange(text, "--x")).toThrow(why);
    expect(() => parseRange(text, "--x")).toThrow(/--x/);
  });
});
