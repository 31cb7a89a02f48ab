import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";
import { MUL_FACTS } from "../curvature-facts.js";
import { exactBinary } from "../exact-tensor.js";
import { intervalBinary, iv } from "../interval-tensor.js";

export const Mul = defineOp({
  name: "Mul",
  curvature: MUL_FACTS,
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  exact: exactBinary((x, y) => x.mul(y)),
  interval: intervalBinary((x, y, _a, same) => (same ? iv.sqr(x) : iv.mul(x, y))),
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
