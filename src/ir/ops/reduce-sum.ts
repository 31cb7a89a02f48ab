import { reduceAgain, reduceOp, spread } from "./reduce-op.js";

export const ReduceSum = reduceOp({
  name: "ReduceSum",
  init: 0,
  fold: (a, v) => a + v,
  // opset 13+: axes is an int64 input, keepdims an attribute
  onnx: { attrs: { keepdims: "int" }, attrInputs: ["axes"] },
  vjp: (g, { inputs: [x] }, gy, info) => spread(g, x!, gy, info),
  jvp: (g, _ctx, dx, info) => reduceAgain(g, "ReduceSum", dx, info)
});
