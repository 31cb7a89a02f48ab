/**
 * Cooperative cancellation for long synchronous work (an exact or interval evaluation of a loss over
 * a whole data set can take a minute, in one call). Code that may run long calls `checkpoint()`
 * between units of work (graph nodes, matrix rows); whoever starts the work with `withCheckpoint`
 * decides what a checkpoint does, e.g. throw DeadlinePassed once a budget is spent. Without one
 * installed a checkpoint costs one comparison.
 */
let current: (() => void) | null = null;
let listeners: readonly (() => void)[] = [];

export function checkpoint(): void {
  if (current !== null) current();
  if (listeners.length !== 0) for (const l of listeners) l();
}

/**
 * Call `fn` at every checkpoint, in sync and async work alike, until the returned function is
 * called (a progress display that must keep moving while a long synchronous check blocks timers).
 * It must not throw.
 */
export function addCheckpointListener(fn: () => void): () => void {
  listeners = [...listeners, fn];
  return () => {
    listeners = listeners.filter((l) => l !== fn);
  };
}

/** Run `fn` with `check` called at every checkpoint inside it (nested calls restore the outer one). */
export function withCheckpoint<T>(check: () => void, fn: () => T): T {
  const outer = current;
  current = outer ? () => (outer(), check()) : check;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** Thrown at a checkpoint when the time given to the work is up. */
export class DeadlinePassed extends Error {
  constructor(readonly deadline: number) {
    super("the time budget ran out");
    this.name = "DeadlinePassed";
  }
}

/** A check that throws DeadlinePassed after `deadline` (Date.now() milliseconds). */
export function deadlineCheck(deadline: number, now: () => number = Date.now): () => void {
  return () => {
    if (now() > deadline) throw new DeadlinePassed(deadline);
  };
}
