import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";
import { DIV_FACTS } from "../curvature-facts.js";
import { exactBinary, NotExactError } from "../exact-tensor.js";
import { intervalBinary, iv } from "../interval-tensor.js";
import type { Rational } from "../../num/rational.js";

function exactDiv(x: Rational, y: Rational): Rational {
  if (y.isZero()) throw new NotExactError("division by zero");
  return x.div(y);
}

export const Div = defineOp({
  name: "Div",
  curvature: DIV_FACTS,
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  exact: exactBinary((x, y) => exactDiv(x, y)),
  interval: intervalBinary((x, y) => iv.div(x, y)),
  eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => x / y),
  vjp: (g, { inputs: [a, b], output: y, needs }, gy) => [
    needs[0] ? g.unbroadcast(g.div(gy, b!), a!.shape) : null,
    needs[1] ? g.unbroadcast(g.neg(g.div(g.mul(gy, y), b!)), b!.shape) : null
  ],
  jvp: (g, { inputs: [, b], output: y }, [da, db]) => {
    // d(a/b) = (da - y db) / b
    const num = da && db ? g.sub(da, g.mul(y, db)) : da ? da : db ? g.neg(g.mul(y, db)) : null;
    return num ? g.broadcastTo(g.div(num, b!), y.shape) : null;
  }
});
