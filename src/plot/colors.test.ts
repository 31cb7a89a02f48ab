import { describe, expect, it } from "vitest";
import { categorical, CATEGORICAL, hexToRgb, luminance, rgbToHex, sequential, sequentialRgb } from "./colors.js";

describe("sequential colormap", () => {
  it("runs from dark purple to yellow", () => {
    expect(sequential(0)).toBe("#440154");
    expect(sequential(1)).toBe("#fde725");
  });
  it("gets lighter monotonically, so order is readable without a legend", () => {
    let prev = -1;
    for (let k = 0; k <= 100; k++) {
      const l = luminance(sequentialRgb(k / 100));
      expect(l).toBeGreaterThan(prev);
      prev = l;
    }
  });
  it("clamps out-of-range and NaN inputs", () => {
    expect(sequential(-3)).toBe(sequential(0));
    expect(sequential(7)).toBe(sequential(1));
    expect(sequential(Number.NaN)).toBe(sequential(0));
  });
});

describe("categorical palette", () => {
  it("cycles and gives distinct colours within one cycle", () => {
    expect(new Set(CATEGORICAL).size).toBe(CATEGORICAL.length);
    expect(categorical(CATEGORICAL.length)).toBe(categorical(0));
    expect(categorical(-1)).toBe(CATEGORICAL[CATEGORICAL.length - 1]);
  });
});

describe("hex conversion", () => {
  it("round-trips", () => {
    expect(rgbToHex(hexToRgb("#1a2B3c"))).toBe("#1a2b3c");
    expect(hexToRgb("#fff")).toEqual([255, 255, 255]);
    expect(() => hexToRgb("red")).toThrow();
  });
});
