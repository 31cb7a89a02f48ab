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
}

export function createOptimizer(cfg: OptimizerConfig, size: number): Optimizer {
  return cfg.name === "sgd" ? sgd(cfg, size) : adam(cfg, size);
}

/** v ← μ v + g;  θ ← θ - lr v  (PyTorch's convention: the first step uses v = g). */
function sgd(cfg: OptimizerConfig, size: number): Optimizer {
  const v = new Float64Array(size);
  let first = true;
  return {
    step(theta, grad) {
      for (let k = 0; k < size; k++) {
        const g = grad[k]! + cfg.weightDecay * theta[k]!;
        const vk = cfg.momentum > 0 ? (first ? g : cfg.momentum * v[k]! + g) : g;
        v[k] = vk;
        theta[k] = theta[k]! - cfg.lr * vk;
      }
      first = false;
    }
  };
}

/** Kingma & Ba with bias correction. */
function adam(cfg: OptimizerConfig, size: number): Optimizer {
  const m = new Float64Array(size);
  const s = new Float64Array(size);
  let t = 0;
  return {
    step(theta, grad) {
      t++;
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
