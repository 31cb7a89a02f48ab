import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";

export const Sub = defineOp({
  name: "Sub",
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => x - y),
  vjp: (g, { inputs: [a, b], needs }, gy) => [
    needs[0] ? g.unbroadcast(gy, a!.shape) : null,
    needs[1] ? g.unbroadcast(g.neg(gy), b!.shape) : null
  ],
  jvp: (g, { output }, [da, db]) => {
    if (da && db) return g.sub(da, db);
    if (da) return g.broadcastTo(da, output.shape);
    return db ? g.broadcastTo(g.neg(db), output.shape) : null;
  }
});
