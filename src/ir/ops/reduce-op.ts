import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs, ValueType } from "../graph.js";
import { reduceAxes, reduceKernel, reducedShape } from "../kernels.js";
import type { CurvatureFacts } from "../curvature-facts.js";
import { attrInts, attrNum, defineOp, type OnnxLowering, type OpDef, type RuleContext } from "../op.js";
import { sizeOf } from "../shape.js";
import type { ExactKernel } from "../exact-tensor.js";
import type { IntervalKernel } from "../interval-tensor.js";

export interface ReduceInfo {
  axes: number[];
  keepdims: boolean;
  /** shape of the result with reduced axes kept as 1, for broadcasting back */
  keptShape: number[];
  count: number;
}

export function reduceInfo(x: ValueType, attrs: Attrs): ReduceInfo {
  const axes = reduceAxes(x.shape.length, attrInts(attrs, "axes"));
  return {
    axes,
    keepdims: attrNum(attrs, "keepdims", 1) !== 0,
    keptShape: reducedShape(x.shape, axes, true),
    count: sizeOf(axes.map((a) => x.shape[a]!))
  };
}

/** The reduction's adjoint seed broadcast back to the input's shape. */
export function spread(g: GraphBuilder, x: Value, gy: Value, info: ReduceInfo): Value {
  return g.broadcastTo(g.reshape(gy, info.keptShape), x.shape);
}

/** Template for ReduceSum/ReduceMean/ReduceMax (ONNX default keepdims = 1; no axes = all axes). */
export function reduceOp(spec: {
  name: string;
  init: number;
  fold: (acc: number, v: number) => number;
  finish?: (acc: number, count: number) => number;
  vjp: (g: GraphBuilder, ctx: RuleContext, gy: Value, info: ReduceInfo) => Value;
  jvp: (g: GraphBuilder, ctx: RuleContext, dx: Value, info: ReduceInfo) => Value;
  onnx: OnnxLowering;
  nonSmooth?: string;
  curvature?: CurvatureFacts;
  exact?: ExactKernel;
  interval?: IntervalKernel;
}): OpDef {
  return defineOp({
    name: spec.name,
    minInputs: 1,
    maxInputs: 1,
    defaults: { keepdims: 1 },
    onnx: spec.onnx,
    ...(spec.nonSmooth ? { nonSmooth: spec.nonSmooth } : {}),
    ...(spec.curvature ? { curvature: spec.curvature } : {}),
    ...(spec.exact ? { exact: spec.exact } : {}),
    ...(spec.interval ? { interval: spec.interval } : {}),
    infer: ([x], attrs) => {
      const info = reduceInfo(x!, attrs);
      return { dtype: x!.dtype, shape: reducedShape(x!.shape, info.axes, info.keepdims) };
    },
    eval: ([x], attrs, type) => {
      const info = reduceInfo(x!, attrs);
      const acc = reduceKernel(x!, info.axes, spec.init, spec.fold);
      if (spec.finish) for (let i = 0; i < acc.length; i++) acc[i] = spec.finish(acc[i]!, info.count);
      return { dtype: type.dtype, shape: type.shape, data: acc };
    },
    vjp: (g, ctx, gy) => [spec.vjp(g, ctx, gy, reduceInfo(ctx.inputs[0]!, ctx.attrs))],
    jvp: (g, ctx, [dx]) => (dx ? spec.jvp(g, ctx, dx, reduceInfo(ctx.inputs[0]!, ctx.attrs)) : null)
  });
}

export function reduceAgain(g: GraphBuilder, name: string, v: Value, info: ReduceInfo): Value {
  return g.op(name, [v], { axes: info.axes, keepdims: info.keepdims ? 1 : 0 });
}
