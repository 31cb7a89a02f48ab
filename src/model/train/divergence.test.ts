import { describe, expect, it } from "vitest";
import { trainingDivergence } from "./divergence.js";

describe("trainingDivergence", () => {
  it("flags a growing or non-finite loss and accepts a falling one", () => {
    expect(trainingDivergence(0.69, [0.5, 0.3, 0.2])).toEqual({ diverged: false });
    const grew = trainingDivergence(0.69, [3, 7.7e8]);
    expect(grew.diverged).toBe(true);
    expect(grew.why).toContain("grew from 0.69 to 770000000");
    expect(trainingDivergence(0.69, [1, Number.NaN]).why).toContain("NaN after epoch 2");
    expect(trainingDivergence(Number.POSITIVE_INFINITY, []).diverged).toBe(true);
    // A converged run that wobbles by roundoff has not diverged.
    expect(trainingDivergence(1e-3, [1e-3 * (1 + 1e-9)]).diverged).toBe(false);
  });
});
