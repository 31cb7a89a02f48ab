import { ShapeError, broadcastShapes } from "../shape.js";
import { mapTernary, sameDType } from "../kernels.js";
import { defineOp } from "../op.js";
import { WHERE_FACTS } from "../curvature-facts.js";
import { exactTernary } from "../exact-tensor.js";
import { intervalSelect, intervalTernary } from "../interval-tensor.js";

export const Where = defineOp({
  name: "Where",
  curvature: WHERE_FACTS,
  minInputs: 3,
  maxInputs: 3,
  infer: ([c, a, b]) => {
    if (c!.dtype !== "bool") throw new ShapeError(`condition must be bool, got ${c!.dtype}`);
    return { dtype: sameDType([a!, b!]), shape: broadcastShapes(c!.shape, a!.shape, b!.shape) };
  },
  eval: ([c, a, b], _attrs, type) => mapTernary(c!, a!, b!, type, (k, x, y) => (k ? x : y)),
  exact: exactTernary((k, x, y) => (k.isZero() ? y : x)),
  interval: intervalTernary(intervalSelect),
  nonSmooth: "the branch is chosen by the condition; no derivative flows into the condition",
  vjp: (g, { inputs: [c, a, b], needs }, gy) => [
    null,
    needs[1] ? g.unbroadcast(g.where(c!, gy, 0), a!.shape) : null,
    needs[2] ? g.unbroadcast(g.where(c!, 0, gy), b!.shape) : null
  ],
  jvp: (g, { inputs: [c], output }, [, da, db]) => {
    if (!da && !db) return null;
    return g.where(c!, da ?? g.zerosLike(output), db ?? g.zerosLike(output));
  }
});
