import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";
import { SUB_FACTS } from "../curvature-facts.js";
import { exactBinary } from "../exact-tensor.js";
import { intervalBinary, iv } from "../interval-tensor.js";

export const Sub = defineOp({
  name: "Sub",
  curvature: SUB_FACTS,
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  exact: exactBinary((x, y) => x.sub(y)),
  interval: intervalBinary((x, y) => iv.sub(x, y)),
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
