/**
 * Did a training run diverge? A loss that became non-finite, or that ended higher than it started,
 * means the optimiser went the wrong way (typically the learning rate is too large). A landscape
 * drawn from such a run shows how far it flew off, not a barrier between two minima, so the
 * explorer names it before it reads anything into the surface.
 */

export interface Divergence {
  diverged: boolean;
  /** Why, in words (only when diverged). */
  why?: string;
}

const g = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

/** `initialLoss` is the loss at the starting θ; `losses` the full-data loss after each epoch, in order. */
export function trainingDivergence(initialLoss: number, losses: readonly number[]): Divergence {
  if (!Number.isFinite(initialLoss)) return { diverged: true, why: `the loss at the starting point is ${g(initialLoss)}` };
  const bad = losses.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return { diverged: true, why: `the loss became ${g(losses[bad]!)} after epoch ${bad + 1}` };
  const last = losses[losses.length - 1];
  // Roundoff-sized rises of an already-converged run are not divergence.
  if (last !== undefined && last > initialLoss * (1 + 1e-6) + 1e-12) {
    return { diverged: true, why: `the loss grew from ${g(initialLoss)} to ${g(last)} during training` };
  }
  return { diverged: false };
}
