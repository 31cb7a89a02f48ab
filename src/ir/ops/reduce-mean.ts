import { reduceAgain, reduceOp, spread } from "./reduce-op.js";

export const ReduceMean = reduceOp({
  name: "ReduceMean",
  init: 0,
  fold: (a, v) => a + v,
  finish: (a, n) => a / n,
  // opset 17 still takes ReduceMean axes as an attribute
  onnx: { attrs: { axes: "ints", keepdims: "int" } },
  vjp: (g, { inputs: [x] }, gy, info) => g.div(spread(g, x!, gy, info), info.count),
  jvp: (g, _ctx, dx, info) => reduceAgain(g, "ReduceMean", dx, info)
});
