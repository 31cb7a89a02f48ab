/**
 * Optimisers on a flat float64 θ, updated in place. Weight decay is the coupled L2 form
 * (g ← g + λθ), as in PyTorch's SGD and Adam, so `--weight-decay` means the same thing for both.
 */
export type OptimizerName = "sgd" | "adam";
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "adam"];

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** SGD heavy-ball momentum μ (0 = plain SGD). */
  momentum: number;
  weightDecay: number;
  /** Adam only. */
  beta1: number;
  beta2: number;
  eps: number;
}

export interface Optimizer {
  /** θ ← update(θ, g); g is not modified. */
  step(theta: Float64Array, grad: Float64Array): void;
  /** The live moving parts (steps taken, momentum / moment buffers), for a checkpoint a resumed run continues from. */
  readonly state: OptimizerState;
}

/** SGD holds one buffer (the velocity), Adam two (first and second moments). */
export interface OptimizerState {
  steps: number;
  buffers: Float64Array[];
}

/** `state`, when given, is copied in, so the run continues exactly where a checkpoint left off. */
export function createOptimizer(cfg: OptimizerConfig, size: number, state?: OptimizerState): Optimizer {
  const want = cfg.name === "sgd" ? 1 : 2;
  const s: OptimizerState = { steps: 0, buffers: Array.from({ length: want }, () => new Float64Array(size)) };
  if (state) {
    if (state.buffers.length !== want || state.buffers.some((b) => b.length !== size)) throw new Error(`optimizer state does not fit ${cfg.name} over ${size} values`);
    s.steps = state.steps;
    state.buffers.forEach((b, k) => s.buffers[k]!.set(b));
  }
  return cfg.name === "sgd" ? sgd(cfg, size, s) : adam(cfg, size, s);
}

/** v ← μ v + g;  θ ← θ - lr v  (PyTorch's convention: the first step uses v = g). */
function sgd(cfg: OptimizerConfig, size: number, state: OptimizerState): Optimizer {
  const v = state.buffers[0]!;
  return {
    state,
    step(theta, grad) {
      const first = state.steps === 0;
      for (let k = 0; k < size; k++) {
        const g = grad[k]! + cfg.weightDecay * theta[k]!;
        const vk = cfg.momentum > 0 ? (first ? g : cfg.momentum * v[k]! + g) : g;
        v[k] = vk;
        theta[k] = theta[k]! - cfg.lr * vk;
      }
      state.steps++;
    }
  };
}

/** Kingma & Ba with bias correction. */
function adam(cfg: OptimizerConfig, size: number, state: OptimizerState): Optimizer {
  const m = state.buffers[0]!;
  const s = state.buffers[1]!;
  return {
    state,
    step(theta, grad) {
      const t = ++state.steps;
      const c1 = 1 - cfg.beta1 ** t;
      const c2 = 1 - cfg.beta2 ** t;
      for (let k = 0; k < size; k++) {
        const g = grad[k]! + cfg.weightDecay * theta[k]!;
        const mk = cfg.beta1 * m[k]! + (1 - cfg.beta1) * g;
        const sk = cfg.beta2 * s[k]! + (1 - cfg.beta2) * g * g;
        m[k] = mk;
        s[k] = sk;
        theta[k] = theta[k]! - (cfg.lr * (mk / c1)) / (Math.sqrt(sk / c2) + cfg.eps);
      }
    }
  };
}
