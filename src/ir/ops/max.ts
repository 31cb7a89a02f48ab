import { inferBinaryFloat, mapBinary } from "../kernels.js";
import { defineOp } from "../op.js";
import { MAX_FACTS } from "../curvature-facts.js";
import { exactBinary } from "../exact-tensor.js";
import { intervalBinary, iv } from "../interval-tensor.js";

/** Binary Max (ONNX's Max is variadic; the builder folds longer lists). Ties send the adjoint to the first operand. */
export const Max = defineOp({
  name: "Max",
  curvature: MAX_FACTS,
  minInputs: 2,
  maxInputs: 2,
  infer: inferBinaryFloat,
  exact: exactBinary((x, y) => (x.ge(y) ? x : y)),
  interval: intervalBinary((x, y) => iv.max(x, y)),
  eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : x >= y ? x : y)),
  nonSmooth: "at ties max(a, b) is differentiated as a",
  vjp: (g, { inputs: [a, b], needs }, gy) => {
    const bWins = g.less(a!, b!);
    return [
      needs[0] ? g.unbroadcast(g.where(bWins, 0, gy), a!.shape) : null,
      needs[1] ? g.unbroadcast(g.where(bWins, gy, 0), b!.shape) : null
    ];
  },
  jvp: (g, { inputs: [a, b], output }, [da, db]) => {
    if (!da && !db) return null;
    const bWins = g.less(a!, b!);
    return g.where(bWins, db ?? g.zerosLike(output), da ?? g.zerosLike(output));
  }
});
