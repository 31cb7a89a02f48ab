import { describe, expect, it } from "vitest";
import { D, exactDec, oracle } from "./decimal-oracle.testkit.js";
import { analyzeSign, type SignResult } from "./analyze-sign.js";
import { renderSignText, signJson } from "./render-sign.js";

const R_SIGMA2 = "(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))";

/** Every sign claim against the 60-digit oracle: g at sample points of each interval, and a sign change around each zero. */
function problems(r: SignResult): string[] {
  const g = oracle(r.expression);
  const out: string[] = [];
  for (const [list, want] of [[r.nonnegative, 1], [r.nonpositive, -1]] as const) {
    for (const [u, v] of list) {
      for (let i = 0; i <= 30; i++) {
        const x = exactDec(u).add(exactDec(v).sub(exactDec(u)).mul(i).div(30));
        const y = g(x);
        if (y.isNaN()) continue;
        if (want > 0 ? y.lt(new D(-1e-45)) : y.gt(new D(1e-45))) out.push(`${want > 0 ? ">=" : "<="} 0 on [${u}, ${v}] claimed, but g(${x.toPrecision(10)}) = ${y.toPrecision(5)}`);
      }
    }
  }
  for (const z of r.zeros) {
    const w = Math.max(z.enclosure[1] - z.enclosure[0], 1e-9);
    const l = g(exactDec(z.enclosure[0]).sub(w)), h = g(exactDec(z.enclosure[1]).add(w));
    if (!(l.isNeg() !== h.isNeg() && !l.isZero() && !h.isZero())) out.push(`zero in [${z.enclosure}] claimed without a sign change`);
    if (z.exact && !g(z.x).abs().lt(new D(1e-50))) out.push(`exact zero at ${z.x} claimed, but g = ${g(z.x).toPrecision(5)}`);
  }
  return out;
}

describe("losscape sign: proven signs and zeros", () => {
  it("the asker's R expression (sigma'') on [-100, 100]: >= 0 up to 0, <= 0 after, zero exactly at 0", () => {
    const r = analyzeSign(R_SIGMA2, { domain: [-100, 100] });
    expect(r.undecided).toEqual([]);
    expect(r.nonnegative).toEqual([[-100, 0]]);
    expect(r.nonpositive).toEqual([[0, 100]]);
    expect(r.zeros).toEqual([{ x: 0, enclosure: [0, 0], exact: true }]);
    expect(problems(r)).toEqual([]);
    expect(renderSignText(r)).toMatch(/zeros: +at 0 \(exactly\)/);
  });

  it("x^3 - x: zeros at -1, 0, 1 exactly, alternating signs", () => {
    const r = analyzeSign("x^3 - x", { domain: [-2, 2] });
    expect(r.zeros.map((z) => z.x)).toEqual([-1, 0, 1]);
    expect(r.zeros.every((z) => z.exact)).toBe(true);
    expect(r.nonpositive).toEqual([[-2, -1], [0, 1]]);
    expect(r.nonnegative).toEqual([[-1, 0], [1, 2]]);
    expect(problems(r)).toEqual([]);
  });

  it("irrational zeros come as narrow enclosures (cos on [0, 7]: π/2 and 3π/2)", () => {
    const r = analyzeSign("cos(x)", { domain: [0, 7] });
    expect(r.zeros).toHaveLength(2);
    const [z1, z2] = r.zeros;
    expect(z1!.enclosure[1] - z1!.enclosure[0]).toBeLessThanOrEqual(1e-9);
    expect(z1!.enclosure[0]).toBeLessThanOrEqual(Math.PI / 2);
    expect(z1!.enclosure[1]).toBeGreaterThanOrEqual(Math.PI / 2 - 1e-15);
    expect(z2!.x).toBeCloseTo((3 * Math.PI) / 2, 9);
    expect(problems(r)).toEqual([]);
    expect(renderSignText(r)).toMatch(/zeros: +in \[1\.5707963\d*, 1\.5707963\d*\]/);
  });

  it("kinks and flat stretches: relu(x) - 1 and relu(x - 1) (g = 0 up to 1)", () => {
    const a = analyzeSign("relu(x) - 1", { domain: [-3, 3] });
    expect(a.zeros.map((z) => z.x)).toEqual([1]);
    expect(problems(a)).toEqual([]);
    const b = analyzeSign("relu(x - 1)", { domain: [-3, 3] });
    // g = 0 proven up to the refinement width below the kink at 1.
    expect(b.zeroIntervals).toHaveLength(1);
    expect(b.zeroIntervals[0]![0]).toBe(-3);
    expect(b.zeroIntervals[0]![1]).toBeGreaterThan(1 - 1e-5);
    expect(b.zeroIntervals[0]![1]).toBeLessThanOrEqual(1);
    expect(b.nonnegative).toEqual([[-3, 3]]);
    expect(problems(b)).toEqual([]);
  });

  it("sign proofs over the coverage functions' second derivatives agree with the oracle", () => {
    for (const [src, dom] of [["exp(-x^2)*(4*x^2 - 2)", [-5, 5]], ["sigmoid(x)*(1 - sigmoid(x))*(1 - 2*sigmoid(x))", [-40, 40]], ["1/x", [0, 3]], ["x*log(x)", [0, 3]]] as const) {
      const r = analyzeSign(src, { domain: dom });
      expect(r.undecided, src).toEqual([]);
      expect(problems(r), src).toEqual([]);
    }
  });

  it("JSON has no samples or raw segments", () => {
    const j = signJson(analyzeSign("x", { domain: [-1, 1], samples: 11 }));
    expect(j).not.toHaveProperty("samples");
    expect(j).not.toHaveProperty("segments");
    expect(j.zeros).toEqual([{ x: 0, enclosure: [0, 0], exact: true }]);
  });
});
