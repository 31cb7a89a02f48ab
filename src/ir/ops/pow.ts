import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";

/**
 * x^p with numpy/ONNX semantics (negative bases only for integral exponents).
 * d/dp needs log(x), so the exponent's adjoint is only built when the exponent actually needs one.
 */
export const Pow = defineOp({
  name: "Pow",
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
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
