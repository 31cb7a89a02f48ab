import type { GraphBuilder, Value } from "../ir/builder.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { UserError } from "../util/errors.js";
import type { Dataset } from "./datasets/dataset.js";
import type { LossName, ModelSpec } from "./spec.js";

/** What the loss formulas need of a model: the loss, the L2 weight and the width of the network's output. */
export interface LossHead {
  loss: LossName;
  l2: number;
  /** Values per sample in the network's output (logits, or regression outputs). */
  outputs: number;
}

export function mlpHead(spec: ModelSpec): LossHead {
  return { loss: spec.loss, l2: spec.l2, outputs: spec.model.layers[spec.model.layers.length - 1]! };
}

/**
 * The targets as the loss consumes them: regression targets n×k, one-hot n×C for cross-entropy,
 * {0,1} n×1 for bce and ±1 n×1 for hinge. Checked against the network's output size.
 */
export function prepareTargets(spec: Pick<LossHead, "loss" | "outputs">, ds: Dataset, dtype: "float32" | "float64" = "float64"): Tensor {
  const k = spec.outputs;
  const n = ds.n;
  const labels = (): Float64Array => {
    if (ds.outputDim !== 1) {
      const oneHot = spec.loss === "cross_entropy" ? ` or one-hot rows of ${k} values (one per output)` : "";
      throw new UserError(
        `loss ${spec.loss} needs one class label per sample${oneHot}, but the data has ${ds.outputDim} values per sample ` +
          `and the model ${k} output(s)`
      );
    }
    ds.y.forEach((v, i) => {
      if (!Number.isInteger(v)) throw new UserError(`loss ${spec.loss} needs integer class labels; sample ${i} has label ${v}`);
    });
    return ds.y;
  };
  switch (spec.loss) {
    case "sse_half":
    case "mse":
    case "mae":
      if (ds.outputDim !== k) throw new UserError(`the model has ${k} output(s) per sample but the data has ${ds.outputDim} target(s) per sample`);
      return tensor([n, k], ds.y, dtype);
    case "cross_entropy": {
      if (k < 2) throw new UserError("loss cross_entropy needs at least 2 outputs (one logit per class); use bce for one logit");
      if (ds.outputDim === k && ds.task === "regression") {
        // already one-hot (or soft labels): rows must be probability vectors
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += ds.y[i * k + c]!;
          if (Math.abs(s - 1) > 1e-9) throw new UserError(`cross_entropy targets in row ${i} sum to ${s}, not 1`);
        }
        return tensor([n, k], ds.y, dtype);
      }
      const y = labels();
      let lo = Infinity, hi = -Infinity, at = 0;
      y.forEach((c, i) => {
        if (c < lo) lo = c;
        if (c > hi) {
          hi = c;
          at = i;
        }
      });
      if (lo < 0) throw new UserError(`loss cross_entropy needs class labels 0..${k - 1}; sample ${y.indexOf(lo)} has class ${lo}`);
      if (hi >= k) {
        throw new UserError(
          `the data has class labels up to ${hi} (${hi + 1} classes; sample ${at}), but the model has ${k} outputs: ` +
            `cross_entropy needs one output per class, so the last layer must have at least ${hi + 1} units`
        );
      }
      const oh = new Float64Array(n * k);
      y.forEach((c, i) => {
        oh[i * k + c] = 1;
      });
      return tensor([n, k], oh, dtype);
    }
    case "bce":
    case "hinge": {
      if (k !== 1) throw new UserError(`loss ${spec.loss} is binary: the model must have 1 output, not ${k}`);
      const y = labels();
      const t = new Float64Array(n);
      y.forEach((v, i) => {
        const ok = spec.loss === "bce" ? v === 0 || v === 1 : v === 0 || v === 1 || v === -1;
        if (!ok) throw new UserError(`loss ${spec.loss} needs labels ${spec.loss === "bce" ? "0/1" : "0/1 or -1/+1"}; sample ${i} has ${v}`);
        t[i] = spec.loss === "hinge" ? (v === 1 ? 1 : -1) : v;
      });
      return tensor([n, 1], t, dtype);
    }
  }
}

/**
 * Reduction axes of the loss: over everything for outputs n×k; per point for a batch of G points
 * stacked as G×n×k (the landscape's surface graph), so both use the same formulas.
 */
function lossAxes(batched: boolean): { all: number[] | undefined; classes: number; samples: number[] | undefined } {
  return batched ? { all: [1, 2], classes: 2, samples: [1] } : { all: undefined, classes: 1, samples: undefined };
}

/** The data term of the loss, from network outputs `out` (n×k, or G×n×k with `batched`) and prepared targets. */
export function dataLoss(g: GraphBuilder, spec: Pick<LossHead, "loss">, out: Value, target: Value, batched = false): Value {
  const { all, classes, samples } = lossAxes(batched);
  switch (spec.loss) {
    case "sse_half": {
      const e = g.sub(out, target);
      return g.mul(0.5, g.reduceSum(g.mul(e, e), all));
    }
    case "mse": {
      const e = g.sub(out, target);
      return g.reduceMean(g.mul(e, e), all);
    }
    case "mae":
      return g.reduceMean(g.abs(g.sub(out, target)), all);
    case "cross_entropy":
      return g.neg(g.reduceMean(g.reduceSum(g.mul(target, g.logSoftmax(out, classes)), [classes]), samples));
    case "bce":
      // softplus(z) - y z: log(1 + e^z) - y z is the logistic loss without overflow
      return g.reduceMean(g.sub(g.softplus(out), g.mul(target, out)), all);
    case "hinge":
      return g.reduceMean(g.relu(g.sub(1, g.mul(target, out))), all);
  }
}

/** Fraction of samples classified correctly, inside the graph (null for regression losses); `batched` as for dataLoss. */
export function accuracy(g: GraphBuilder, spec: Pick<LossHead, "loss">, out: Value, target: Value, batched = false): Value | null {
  const { all, classes, samples } = lossAxes(batched);
  switch (spec.loss) {
    case "cross_entropy": {
      // the true class's logit equals the max logit (ties count as correct; they have measure zero)
      const trueLogit = g.reduceSum(g.mul(target, out), [classes]);
      return g.reduceMean(g.cast(g.equal(trueLogit, g.reduceMax(out, [classes])), out.dtype), samples);
    }
    case "bce":
      return g.reduceMean(g.cast(g.equal(g.greater(out, 0), g.greater(target, 0.5)), out.dtype), all);
    case "hinge":
      return g.reduceMean(g.cast(g.equal(g.greater(out, 0), g.greater(target, 0)), out.dtype), all);
    default:
      return null;
  }
}
