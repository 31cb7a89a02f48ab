import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat, sameDType } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { ShapeError, fmtShape, sizeOf, type Shape } from "../shape.js";
import { argSign, isNonneg, isNonpos, type CurvatureFacts, type Monotonicity } from "../curvature-facts.js";
import { intervalAt as at, iv, type Interval, type IntervalTensor } from "../interval-tensor.js";

/** ONNX's default epsilon is the FLOAT attribute 1e-5, i.e. the float32 nearest to 1e-5, which is what PyTorch writes. */
export const BATCH_NORM_DEFAULT_EPSILON = Math.fround(1e-5);

function epsilonOf(attrs: Attrs): number {
  return attrNum(attrs, "epsilon", BATCH_NORM_DEFAULT_EPSILON);
}

/** [C, 1, ..., 1]: a per-channel vector laid out to broadcast against X of the given rank (channel axis 1). */
function channelShape(x: Shape): number[] {
  return [x[1]!, ...new Array<number>(x.length - 2).fill(1)];
}

/** Every axis but the channel axis: the axes a per-channel adjoint is summed over. */
function otherAxes(x: Shape): number[] {
  return x.map((_, i) => i).filter((i) => i !== 1);
}

/** Per-channel pieces of Y = (X − mean) / sqrt(var + ε) · scale + B, as IR, built on demand (hash-consing shares them). */
function pieces(g: GraphBuilder, [x, scale, , mean, variance]: readonly Value[], attrs: Attrs) {
  const cs = channelShape(x!.shape);
  const at = (v: Value): Value => g.reshape(v, cs);
  const ve = g.add(variance!, epsilonOf(attrs));
  const r = g.sqrt(ve);
  return {
    at,
    ve,
    /** scale / sqrt(var + ε), the slope in X, per channel. */
    k: () => g.div(scale!, r),
    xhat: () => g.div(g.sub(x!, at(mean!)), at(r))
  };
}

/**
 * Affine in X (and jointly in X, mean and B) when scale, mean and var are constant: increasing in X
 * where scale ≥ 0, decreasing where scale ≤ 0. Also affine in scale and B when X, mean and var are
 * constant. The variance enters through 1/sqrt, so a non-constant var has no DCP rule here.
 */
const BATCH_NORM_FACTS: CurvatureFacts = {
  atom: ({ args }) => {
    const [x, scale, , mean, variance] = args;
    const varies = (a: (typeof args)[number] | undefined): boolean => !!a && a.curvature !== "constant";
    const s = argSign(scale!);
    const up: Monotonicity = isNonneg(s) ? "increasing" : isNonpos(s) ? "decreasing" : "none";
    const down: Monotonicity = up === "increasing" ? "decreasing" : up === "decreasing" ? "increasing" : "none";
    const monotonicity: Monotonicity[] = [up, "none", "increasing", down, "none"];
    const atom = "batch normalization (inference)";
    if (varies(variance)) {
      return { atom, curvature: "unknown", sign: "unknown", monotonicity, note: "the variance enters through 1/sqrt(var + ε)" };
    }
    if (varies(scale) && (varies(x) || varies(mean))) {
      return { atom, curvature: "unknown", sign: "unknown", monotonicity, note: "product of a non-constant scale and a non-constant normalized input" };
    }
    return { atom, curvature: "affine", sign: "unknown", monotonicity };
  }
};

/** ONNX BatchNormalization in inference form (training_mode = 0), output Y only. */
export const BatchNormalization = defineOp({
  name: "BatchNormalization",
  curvature: BATCH_NORM_FACTS,
  minInputs: 5,
  maxInputs: 5,
  defaults: { epsilon: BATCH_NORM_DEFAULT_EPSILON, training_mode: 0 },
  onnx: {
    attrs: { epsilon: "float" },
    // epsilon is a 32-bit FLOAT attribute in ONNX: spell the op out when it is not exact in float32.
    decompose: {
      dtypes: ["float64"],
      when: (attrs) => Math.fround(epsilonOf(attrs)) !== epsilonOf(attrs),
      rewrite: (g, inputs, attrs) => {
        const p = pieces(g, inputs, attrs);
        return g.add(g.mul(p.xhat(), p.at(inputs[1]!)), p.at(inputs[2]!));
      }
    }
  },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    if (attrNum(attrs, "training_mode", 0) !== 0) {
      throw new ShapeError("training_mode = 1 is not supported: only inference-mode BatchNormalization (running statistics) is a function of its inputs");
    }
    const x = types[0]!;
    if (x.shape.length < 2) throw new ShapeError(`X must have rank >= 2 ([N, C, ...]), got ${fmtShape(x.shape)}`);
    const c = x.shape[1]!;
    const names = ["scale", "B", "input_mean", "input_var"];
    types.slice(1).forEach((t, i) => {
      if (t.shape.length !== 1 || t.shape[0] !== c) throw new ShapeError(`${names[i]} must have shape [${c}] (the channels of X ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}`);
    });
    const eps = epsilonOf(attrs);
    if (!(eps >= 0)) throw new ShapeError(`epsilon must be >= 0, got ${eps}`);
    return { dtype, shape: x.shape };
  },
  eval: ([x, scale, b, mean, variance], attrs, type) => {
    const eps = epsilonOf(attrs);
    const c = x!.shape[1]!;
    const inner = sizeOf(x!.shape.slice(2));
    const r = new Float64Array(x!.data.length);
    for (let f = 0; f < r.length; f++) {
      const ch = Math.floor(f / inner) % c;
      r[f] = ((x!.data[f]! - mean!.data[ch]!) / Math.sqrt(variance!.data[ch]! + eps)) * scale!.data[ch]! + b!.data[ch]!;
    }
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  // Each input appears once in the formula, so evaluating it in interval arithmetic is tight up to rounding.
  interval: ([x, scale, b, mean, variance], attrs, type): IntervalTensor => {
    const eps = iv.point(epsilonOf(attrs));
    const c = x!.shape[1]!;
    const inner = sizeOf(x!.shape.slice(2));
    const den: Interval[] = [];
    for (let ch = 0; ch < c; ch++) den.push(iv.sqrt(iv.add(at(variance!, ch), eps)));
    const lo = new Float64Array(x!.lo.length), hi = new Float64Array(x!.lo.length);
    for (let f = 0; f < lo.length; f++) {
      const ch = Math.floor(f / inner) % c;
      const y = iv.add(iv.mul(iv.div(iv.sub(at(x!, f), at(mean!, ch)), den[ch]!), at(scale!, ch)), at(b!, ch));
      lo[f] = y.lo;
      hi[f] = y.hi;
    }
    return { shape: type.shape, lo, hi };
  },
  // exact: absent — 1/sqrt(var + ε) is irrational in general, so certificates through BatchNormalization use intervals.
  vjp: (g, { inputs, attrs, needs }, gy) => {
    const [x, scale] = inputs;
    const p = pieces(g, inputs, attrs);
    const axes = otherAxes(x!.shape);
    const sumGy = (): Value => g.reduceSum(gy, axes, false);
    const sumGyXhat = (): Value => g.reduceSum(g.mul(gy, p.xhat()), axes, false);
    return [
      needs[0] ? g.mul(gy, p.at(p.k())) : null,
      needs[1] ? sumGyXhat() : null,
      needs[2] ? sumGy() : null,
      needs[3] ? g.neg(g.mul(sumGy(), p.k())) : null,
      // ∂/∂var of (x − m)/sqrt(var + ε) = −xhat / (2 (var + ε))
      needs[4] ? g.mul(sumGyXhat(), g.div(g.mul(scale!, -0.5), p.ve)) : null
    ];
  },
  jvp: (g, { inputs, attrs, output }, [dx, dscale, db, dmean, dvar]) => {
    const [, scale] = inputs;
    const p = pieces(g, inputs, attrs);
    const terms: Value[] = [];
    const centred = dx && dmean ? g.sub(dx, p.at(dmean)) : dx ? dx : dmean ? g.neg(p.at(dmean)) : null;
    if (centred) terms.push(g.mul(centred, p.at(p.k())));
    if (dscale) terms.push(g.mul(p.at(dscale), p.xhat()));
    if (dvar) terms.push(g.mul(p.xhat(), p.at(g.mul(dvar, g.div(g.mul(scale!, -0.5), p.ve)))));
    if (db) terms.push(p.at(db));
    if (!terms.length) return null;
    return g.broadcastTo(terms.reduce((a, b) => g.add(a, b)), output.shape);
  }
});

