/**
 * What a run will cost, shown before it starts: the parameter count, the optimiser steps (which the
 * server caps) and an estimated time. The time is a rough work count (samples × parameters per
 * evaluation) divided by a speed that starts as a guess and is re-measured from every finished run.
 */
import type { Caps } from "./limits.js";

export interface RunPlan {
  parameters: number;
  samples: number;
  /** Optimiser steps per training run. */
  stepsPerRun: number;
  runs: number;
  /** Loss evaluations of the whole data set after training (grid, lines, Hessian-vector products). */
  evaluations: number;
}

export interface Estimate {
  text: string;
  /** Why the run may not start (a cap it exceeds), or null. */
  blocked: string | null;
  units: number;
}

// Work units (sample × parameter) per second; a first guess for a small CPU, replaced by measurements.
let speed = 4e7;

export function stepsPerRun(samples: number, batch: number, epochs: number): number {
  const b = batch === 0 || batch >= samples ? samples : batch;
  return Math.ceil(samples / b) * epochs;
}

function units(p: RunPlan, batch: number): number {
  const perStep = Math.min(batch === 0 ? p.samples : batch, p.samples) * p.parameters;
  // A gradient step costs about three loss evaluations (forward, backward, update).
  return p.runs * p.stepsPerRun * perStep * 3 + p.evaluations * p.samples * p.parameters;
}

const seconds = (s: number): string => (s < 1 ? "under a second" : s < 90 ? `about ${Math.round(s)} s` : `about ${Math.round(s / 60)} min`);

export function estimate(p: RunPlan, batch: number, caps: Caps): Estimate {
  const u = units(p, batch);
  const steps = p.stepsPerRun * p.runs;
  let blocked: string | null = null;
  if (p.parameters > (caps["parameters"] ?? Infinity)) blocked = `${p.parameters} parameters is over the explorer's cap of ${caps["parameters"]}`;
  else if (p.samples > (caps["samples"] ?? Infinity)) blocked = `${p.samples} samples is over the explorer's cap of ${caps["samples"]}`;
  else if (steps > (caps["trainSteps"] ?? Infinity))
    blocked = `${steps} optimiser steps is over the cap of ${caps["trainSteps"]} per request: use fewer epochs or a larger batch`;
  const time = u / speed;
  // The estimate is rough, so a long one warns instead of blocking; the server's own time cap decides.
  const long = time > (caps["seconds"] ?? Infinity) ? ` — may pass the server's ${caps["seconds"]} s limit` : "";
  const runs = p.runs === 0 ? "no training" : `${p.runs === 2 ? "2 runs × " : ""}${p.stepsPerRun} optimiser steps`;
  return { text: `${p.parameters} parameters · ${runs} · ${seconds(time)} (estimate)${long}`, blocked, units: u };
}

/** Learn the speed from a finished run (a mean over runs, so one slow run does not swing it). */
export function measured(u: number, secondsTaken: number): void {
  if (!(secondsTaken > 0.2) || !(u > 0)) return;
  speed = 0.5 * speed + 0.5 * (u / secondsTaken);
}
