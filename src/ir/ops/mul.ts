import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";

export const Mul = defineOp({
  name: "Mul",
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => x * y),
  vjp: (g, { inputs: [a, b], needs }, gy) => [
    needs[0] ? g.unbroadcast(g.mul(gy, b!), a!.shape) : null,
    needs[1] ? g.unbroadcast(g.mul(gy, a!), b!.shape) : null
  ],
  jvp: (g, { inputs: [a, b], output }, [da, db]) => {
    const ta = da ? g.mul(da, b!) : null;
    const tb = db ? g.mul(a!, db) : null;
    if (ta && tb) return g.add(ta, tb);
    const t = ta ?? tb;
    return t ? g.broadcastTo(t, output.shape) : null;
  }
});
