import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";

export const Div = defineOp({
  name: "Div",
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
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
