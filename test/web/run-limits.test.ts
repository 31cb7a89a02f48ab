/**
 * The browser's checks before a run agree with the server's: the optimiser steps and parameter
 * counts the page shows are the ones the server computes for the same spec, the field limits are
 * the server's caps, and a value just outside a range is refused (never clamped) at its edge.
 */
import { describe, expect, it } from "vitest";
import { totalSteps } from "../../src/landscape/pipeline.js";
import { CAPS } from "../../src/server/api-schemas.js";
import { modelInput } from "../../src/server/model-input.js";
import { checkNumber, checkVector, checkWidths, modelLimits } from "../../web/src/limits.js";
import { parameterCount } from "../../web/src/model-form.js";
import { estimate, stepsPerRun } from "../../web/src/run-estimate.js";

const caps: Record<string, number> = { ...CAPS };
const spec = (hidden: number[], n: number) => ({
  model: { type: "mlp", layers: [2, ...hidden, 2], activation: "relu", outputActivation: "linear", bias: true },
  loss: "cross_entropy",
  data: { name: "moons", n, noise: 0.1 },
});

describe("the page's run plan matches the server", () => {
  it("counts the same optimiser steps as the server for full and mini batches", () => {
    const p = modelInput(spec([4], 203)).problem;
    for (const batch of [0, 1, 7, 50, 202, 203, 500]) {
      for (const epochs of [1, 3, 200]) {
        expect(stepsPerRun(203, batch, epochs)).toBe(totalSteps(p, { optimizer: "adam", lr: 0.01, momentum: 0.9, epochs, batchSize: batch, seed: 1 }));
      }
    }
  });

  it("counts the same parameters as the server's layout", () => {
    for (const hidden of [[], [16, 16], [3, 5, 7]]) expect(parameterCount([2, ...hidden, 2], true)).toBe(modelInput(spec(hidden, 50)).layout.size);
  });

  it("blocks a run over the parameter and step caps, with the numbers in the reason", () => {
    const P = parameterCount([2, 128, 128, 128, 128, 2], true);
    expect(estimate({ parameters: P, samples: 200, stepsPerRun: 200, runs: 2, evaluations: 0 }, 0, caps).blocked).toBe(`${P} parameters is over the explorer's cap of ${CAPS.parameters}`);
    const steps = stepsPerRun(200, 10, 2000);
    expect(estimate({ parameters: 354, samples: 200, stepsPerRun: steps, runs: 2, evaluations: 0 }, 10, caps).blocked).toContain(`${2 * steps} optimiser steps is over the cap of ${CAPS.trainSteps}`);
    expect(estimate({ parameters: 354, samples: 200, stepsPerRun: CAPS.trainSteps / 2, runs: 2, evaluations: 0 }, 0, caps).blocked).toBeNull();
  });
});

describe("fields refuse what is out of range instead of clamping it", () => {
  const l = modelLimits(caps);
  it("takes the caps from the server's numbers", () => {
    expect(l.epochs.max).toBe(CAPS.epochs);
    expect(l.grid.max).toBe(CAPS.gridSide);
    expect(l.n.max).toBe(CAPS.samples);
    expect(l.k.max).toBe(CAPS.eigenpairs);
  });

  it("accepts the edges and refuses just past them", () => {
    expect(checkNumber("10", l.lr)).toEqual({ ok: true, value: 10 });
    expect(checkNumber("1e-6", l.lr)).toEqual({ ok: true, value: 1e-6 });
    for (const bad of ["0", "-0.5", "10.001", "", "abc"]) expect(checkNumber(bad, l.lr).ok).toBe(false);
    expect(checkNumber(String(CAPS.epochs), l.epochs).ok).toBe(true);
    for (const bad of [String(CAPS.epochs + 1), "0", "-3", "2.5"]) expect(checkNumber(bad, l.epochs).ok).toBe(false);
    // A domain's left end below its right end (here 3): 3 itself is refused, and the message says so.
    const left = checkNumber("3", { min: -1e6, max: 3, below: true });
    expect(left.ok ? "" : left.message).toBe("3 is out of range (allowed: from -1e6, below 3)");
    expect(checkNumber("2.999", { min: -1e6, max: 3, below: true }).ok).toBe(true);
    const r = checkNumber("1000", l.grid);
    expect(r.ok ? "" : r.message).toBe(`1000 is out of range (allowed: whole numbers from 5 to ${CAPS.gridSide})`);
  });

  it("reads layer widths and parameter vectors exactly, or says what is wrong", () => {
    const o = { minLength: 2, maxLength: CAPS.layers + 2, maxWidth: CAPS.width };
    expect(checkWidths("1-2-1", o)).toEqual({ ok: true, value: [1, 2, 1] });
    expect(checkWidths("16, 16", o)).toEqual({ ok: true, value: [16, 16] });
    for (const bad of ["abc", "1-0-1", `1-${CAPS.width + 1}-1`, "3", "1-2.5-1"]) expect(checkWidths(bad, o).ok).toBe(false);
    expect(checkVector("1, -1, 0", 3)).toEqual({ ok: true, value: [1, -1, 0] });
    const short = checkVector("1 2", 3);
    expect(short.ok ? "" : short.message).toBe("2 values given; this network has 3 parameters");
    expect(checkVector("1, x, 2", 3).ok).toBe(false);
  });
});
