import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { exactBinary } from "../exact-tensor.js";
import { intervalBinary, iv } from "../interval-tensor.js";

export const Add = defineOp({
  name: "Add",
  curvature: linearFacts("add"),
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  exact: exactBinary((x, y) => x.add(y)),
  interval: intervalBinary((x, y) => iv.add(x, y)),
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
