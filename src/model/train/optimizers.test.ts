import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createOptimizer, type OptimizerConfig } from "./optimizers.js";

const base: OptimizerConfig = { name: "sgd", lr: 0.1, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

describe("optimizers against closed forms", () => {
  it("SGD with momentum μ under a constant gradient g: θ_t = θ0 - lr·g·Σ_{s=1..t} (1-μ^s)/(1-μ)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.95, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 20 }), (mu, g, steps) => {
        const opt = createOptimizer({ ...base, momentum: mu }, 1);
        const theta = Float64Array.of(1);
        for (let t = 0; t < steps; t++) opt.step(theta, Float64Array.of(g));
        let sum = 0;
        for (let s = 1; s <= steps; s++) sum += mu === 0 ? 1 : (1 - mu ** s) / (1 - mu);
        expect(theta[0]).toBeCloseTo(1 - 0.1 * g * sum, 9);
      })
    );
  });

  it("weight decay λ adds λθ to the gradient: plain SGD on g = 0 shrinks θ by (1 - lr·λ) per step", () => {
    const opt = createOptimizer({ ...base, weightDecay: 0.5 }, 2);
    const theta = Float64Array.of(2, -4);
    for (let t = 0; t < 3; t++) opt.step(theta, new Float64Array(2));
    expect(theta[0]).toBeCloseTo(2 * 0.95 ** 3, 14);
    expect(theta[1]).toBeCloseTo(-4 * 0.95 ** 3, 14);
  });

  it("Adam under a constant gradient moves every coordinate by lr·g/(|g| + eps) per step (bias correction exact)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 10 }), (gs, steps) => {
        const opt = createOptimizer({ ...base, name: "adam", lr: 0.01 }, gs.length);
        const theta = new Float64Array(gs.length);
        for (let t = 0; t < steps; t++) opt.step(theta, Float64Array.from(gs));
        gs.forEach((g, k) => expect(theta[k]).toBeCloseTo(-steps * 0.01 * (g / (Math.abs(g) + 1e-8)), 9));
      })
    );
  });

  it("does not modify the gradient it is given", () => {
    const g = Float64Array.of(1, 2, 3);
    createOptimizer({ ...base, name: "adam", weightDecay: 0.1 }, 3).step(Float64Array.of(1, 1, 1), g);
    expect(Array.from(g)).toEqual([1, 2, 3]);
  });
});
