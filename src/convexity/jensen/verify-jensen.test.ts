import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../ir/builder.js";
import { Rational } from "../../num/rational.js";
import { verifyJensen, type LossGraphRef } from "./verify-jensen.js";

/** L(θ) = (relu(θ0) − relu(−θ0) − 1)² + θ1²: piecewise polynomial, flat for θ0 ≤ 0. */
function reluLoss(): LossGraphRef {
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [2]);
  const a = g.slice(th, [0], [1], [0]);
  const b = g.slice(th, [1], [2], [0]);
  const e = g.sub(g.relu(a), 1);
  return { graph: g.build({ loss: g.reduceSum(g.add(g.mul(e, e), g.mul(b, b))) }), input: "theta", output: "loss" };
}

/** L(θ) = sigmoid(θ0) + θ1²: concave for θ0 > 0, so chords there lie below the curve. */
function sigmoidLoss(): LossGraphRef {
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [2]);
  const a = g.slice(th, [0], [1], [0]);
  const b = g.slice(th, [1], [2], [0]);
  return { graph: g.build({ loss: g.reduceSum(g.add(g.sigmoid(a), g.mul(b, b))) }), input: "theta", output: "loss" };
}

describe("verifyJensen", () => {
  it("checks a violation exactly in rationals when every op is rational", () => {
    // L(−1, 0) = 1, L(1, 0) = 0, midpoint (0, 0): L = 1 > 1/2
    const r = verifyJensen(reluLoss(), { thetaA: [-1, 0], thetaB: [1, 0], t: 0.5 });
    expect(r.method).toBe("exact rationals");
    expect(r.valid).toBe(true);
    expect(r.exact).toEqual({ a: "1", b: "0", mid: "1", gap: "1/2" });
  });

  it("uses the exact point t·θa + (1−t)·θb and the exact t (t = 0.9 is the double nearest 9/10)", () => {
    // point ≈ (−0.8, 0): L = 1 exactly; chord = t·1 + (1 − t)·0 = t; gap = 1 − t with t's exact value
    const r = verifyJensen(reluLoss(), { thetaA: [-1, 0], thetaB: [1, 0], t: 0.9 });
    expect(r.valid).toBe(true);
    expect(r.exact!.mid).toBe("1");
    expect(Rational.parse(r.exact!.gap).eq(Rational.ONE.sub(Rational.fromFloat(0.9)))).toBe(true);
    expect(Rational.fromFloat(0.9).toString()).not.toBe("9/10");
  });

  it("rejects a pair on which the loss is convex (gap ≤ 0), exactly", () => {
    const r = verifyJensen(reluLoss(), { thetaA: [0.5, -1], thetaB: [2, 1], t: 0.5 });
    expect(r.valid).toBe(false);
    expect(r.problems.join()).toMatch(/not above the chord/);
  });

  it("rejects hand-edited numbers even when the points still show a violation", () => {
    const good = { thetaA: [-1, 0], thetaB: [1, 0], t: 0.5, losses: { a: 1, b: 0, mid: 1 }, gap: 0.5 };
    expect(verifyJensen(reluLoss(), good).valid).toBe(true);
    const edited = verifyJensen(reluLoss(), { ...good, losses: { a: 1, b: 0, mid: 3 } });
    expect(edited.valid).toBe(false);
    expect(edited.problems.join()).toMatch(/claimed L\(t\*thetaA/);
    const wrongExact = verifyJensen(reluLoss(), { ...good, exact: { a: "1", b: "0", mid: "1", gap: "1/3" } });
    expect(wrongExact.valid).toBe(false);
    expect(verifyJensen(reluLoss(), { ...good, gap: -1 }).valid).toBe(false);
  });

  it("checks smooth losses with intervals: the gap's lower bound must be positive", () => {
    const ref = sigmoidLoss();
    const r = verifyJensen(ref, { thetaA: [0.5, 0], thetaB: [4, 0], t: 0.5 });
    expect(r.method).toBe("intervals");
    expect(r.valid).toBe(true);
    // oracle: sigmoid(2.25) − (sigmoid(0.5) + sigmoid(4))/2 in float64
    const s = (x: number): number => 1 / (1 + Math.exp(-x));
    const want = s(2.25) - (s(0.5) + s(4)) / 2;
    expect(r.gap.lo).toBeGreaterThan(0);
    expect(r.gap.lo).toBeLessThanOrEqual(want + 1e-15);
    expect(r.gap.hi).toBeGreaterThanOrEqual(want - 1e-15);
    expect(r.gap.hi - r.gap.lo).toBeLessThan(1e-13);
    // on the convex side of the sigmoid the same check fails
    expect(verifyJensen(ref, { thetaA: [-4, 0], thetaB: [-0.5, 0], t: 0.5 }).valid).toBe(false);
  });

  it("rejects malformed claims: wrong length, t outside (0, 1)", () => {
    expect(verifyJensen(reluLoss(), { thetaA: [1], thetaB: [1, 0], t: 0.5 }).problems.join()).toMatch(/thetaA has 1 entries/);
    expect(verifyJensen(reluLoss(), { thetaA: [-1, 0], thetaB: [1, 0], t: 1 }).problems.join()).toMatch(/strictly between 0 and 1/);
  });
});
