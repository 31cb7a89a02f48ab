import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";

export const Add = defineOp({
  name: "Add",
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => x + y),
  vjp: (g, { inputs: [a, b], needs }, gy) => [
    needs[0] ? g.unbroadcast(gy, a!.shape) : null,
    needs[1] ? g.unbroadcast(gy, b!.shape) : null
  ],
  jvp: (g, { output }, [da, db]) => {
    if (da && db) return g.add(da, db);
    const d = da ?? db;
    return d ? g.broadcastTo(d, output.shape) : null;
  }
});
