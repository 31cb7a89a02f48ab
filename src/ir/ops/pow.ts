import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";
import { POW_FACTS } from "../curvature-facts.js";
import { exactBinary, NotExactError } from "../exact-tensor.js";
import { intervalBinary, iv, type Interval } from "../interval-tensor.js";
import type { Rational } from "../../num/rational.js";

/** Rational only for integer exponents (and a nonzero base when the exponent is negative). */
function exactPow(x: Rational, p: Rational): Rational {
  if (!p.isInteger() || !Number.isSafeInteger(p.toNumber())) throw new NotExactError(`exponent ${p} is not an integer`);
  const k = p.toNumber();
  if (k < 0 && x.isZero()) throw new NotExactError(`0 to the power ${k}`);
  return x.powInt(k);
}

/** A point exponent uses the tight one-exponent enclosures; otherwise x^p = exp(p log x) on x > 0. */
function intervalPow(x: Interval, p: Interval): Interval {
  if (p.lo === p.hi) return iv.powReal(x, p.lo);
  return iv.exp(iv.mul(p, iv.log(x)));
}

/**
 * x^p with numpy/ONNX semantics (negative bases only for integral exponents).
 * d/dp needs log(x), so the exponent's adjoint is only built when the exponent actually needs one.
 */
export const Pow = defineOp({
  name: "Pow",
  curvature: POW_FACTS,
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  exact: exactBinary(exactPow),
  interval: intervalBinary(intervalPow),
  eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => Math.pow(x, y)),
  vjp: (g, { inputs: [x, p], output: y, needs }, gy) => [
    needs[0] ? g.unbroadcast(g.mul(gy, g.mul(p!, g.pow(x!, g.sub(p!, 1)))), x!.shape) : null,
    needs[1] ? g.unbroadcast(g.mul(gy, g.mul(y, g.log(x!))), p!.shape) : null
  ],
  jvp: (g, { inputs: [x, p], output: y }, [dx, dp]) => {
    const tx = dx ? g.mul(dx, g.mul(p!, g.pow(x!, g.sub(p!, 1)))) : null;
    const tp = dp ? g.mul(dp, g.mul(y, g.log(x!))) : null;
    const t = tx && tp ? g.add(tx, tp) : tx ?? tp;
    return t ? g.broadcastTo(t, y.shape) : null;
  }
});
