/**
 * A progress bar over time, for commands whose work has no countable units but a known bound (a
 * time budget) or none (a certificate check). It is redrawn from a timer while the work awaits, and
 * from checkpoints while a long synchronous check blocks the timer.
 */
import { addCheckpointListener } from "../util/checkpoint.js";
import { createProgress, type Progress } from "../util/progress.js";

export interface ClockProgress {
  /** Draw the final line (the time the work took) and stop the timer. */
  finish(): void;
}

/** Start it when the work starts; `budgetSeconds` 0 = unknown: only the elapsed time is shown. Writes to stderr. */
export function clockProgress(label: string, budgetSeconds: number): ClockProgress {
  const startMs = Date.now();
  const bar: Progress = createProgress({ total: budgetSeconds, label, unit: "s of the budget", rate: false, stream: process.stderr, now: Date.now });
  // Work done within a second draws nothing: a bar that flashes by is noise.
  let drawn = false;
  const tick = (): void => {
    const elapsed = (Date.now() - startMs) / 1000;
    if (elapsed < 1 && !drawn) return;
    drawn = true;
    bar.update(Math.min(budgetSeconds, elapsed));
  };
  const timer = setInterval(tick, 200);
  timer.unref();
  const stop = addCheckpointListener(tick);
  return {
    finish() {
      clearInterval(timer);
      stop();
      if (!drawn) return;
      tick();
      bar.finish();
    }
  };
}
