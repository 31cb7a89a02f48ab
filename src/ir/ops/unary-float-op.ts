import type { Value, GraphBuilder } from "../builder.js";
import type { Attrs } from "../graph.js";
import { inferUnaryFloat, mapUnary } from "../kernels.js";
import type { CurvatureFacts } from "../curvature-facts.js";
import { defineOp, type OnnxLowering, type OpDef, type RuleContext } from "../op.js";
import type { Rational } from "../../num/rational.js";
import { exactUnary } from "../exact-tensor.js";
import { intervalUnary, type Interval } from "../interval-tensor.js";

/**
 * Template for elementwise float ops y = f(x). Their Jacobian is diagonal, so the forward rule is the
 * reverse rule applied to the tangent: one derivative formula serves both modes.
 */
export function unaryFloatOp(spec: {
  name: string;
  f: (x: number, attrs: Attrs) => number;
  /** dx = gy * f'(x), written in IR ops. */
  derivative: (g: GraphBuilder, ctx: RuleContext, gy: Value) => Value;
  nonSmooth?: string;
  curvature?: CurvatureFacts;
  defaults?: Attrs;
  onnx?: OnnxLowering;
  /** f on exact rationals, only where f is rational (piecewise-linear ops). */
  exact?: (x: Rational, attrs: Attrs) => Rational;
  /** An enclosure of f over an interval. */
  interval?: (x: Interval, attrs: Attrs) => Interval;
}): OpDef {
  return defineOp({
    name: spec.name,
    minInputs: 1,
    maxInputs: 1,
    ...(spec.defaults ? { defaults: spec.defaults } : {}),
    ...(spec.nonSmooth ? { nonSmooth: spec.nonSmooth } : {}),
    ...(spec.onnx ? { onnx: spec.onnx } : {}),
    ...(spec.curvature ? { curvature: spec.curvature } : {}),
    ...(spec.exact ? { exact: exactUnary(spec.exact) } : {}),
    ...(spec.interval ? { interval: intervalUnary(spec.interval) } : {}),
    infer: inferUnaryFloat,
    eval: ([x], attrs, type) => mapUnary(x!, type, (v) => spec.f(v, attrs)),
    vjp: (g, ctx, gy) => [spec.derivative(g, ctx, gy)],
    jvp: (g, ctx, [dx]) => (dx ? spec.derivative(g, ctx, dx) : null)
  });
}
