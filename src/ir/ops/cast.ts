import { DTYPES, isFloat, type DType } from "../dtype.js";
import { ShapeError } from "../shape.js";
import { mapUnary } from "../kernels.js";
import { defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { exactUnary } from "../exact-tensor.js";
import { intervalUnary, iv, type Interval } from "../interval-tensor.js";

function castExact(x: Rational, to: DType): Rational {
  if (to === "bool") return x.isZero() ? Rational.ZERO : Rational.ONE;
  if (to === "int64") return Rational.fromBigInt(x.sign() < 0 ? x.ceil() : x.floor());
  return x;
}

function castInterval(x: Interval, to: DType): Interval {
  if (iv.isNaNInterval(x)) return iv.NAN_INTERVAL;
  if (to === "bool") return x.lo === 0 && x.hi === 0 ? iv.ZERO : x.lo > 0 || x.hi < 0 ? iv.ONE : { lo: 0, hi: 1 };
  // truncation toward zero is monotone
  if (to === "int64") return { lo: Math.trunc(x.lo), hi: Math.trunc(x.hi) };
  return x;
}

function target(to: unknown): DType {
  if (typeof to !== "string" || !DTYPES.includes(to as DType)) throw new ShapeError(`Cast: unknown target dtype ${String(to)}`);
  return to as DType;
}

export const Cast = defineOp({
  name: "Cast",
  curvature: linearFacts("cast"),
  minInputs: 1,
  maxInputs: 1,
  infer: ([x], attrs) => ({ dtype: target(attrs["to"]), shape: x!.shape }),
  eval: ([x], attrs, type) => {
    const to = target(attrs["to"]);
    if (to === "bool") return mapUnary(x!, type, (v) => (v !== 0 ? 1 : 0));
    if (to === "int64") return mapUnary(x!, type, (v) => Math.trunc(v));
    return mapUnary(x!, type, (v) => v);
  },
  exact: (xs, attrs, type) => exactUnary((v) => castExact(v, target(attrs["to"])))(xs, attrs, type),
  interval: (xs, attrs, type) => intervalUnary((v) => castInterval(v, target(attrs["to"])))(xs, attrs, type),
  vjp: (g, { inputs: [x] }, gy) => [isFloat(x!.dtype) ? g.cast(gy, x!.dtype) : null],
  jvp: (g, { inputs: [x], output }, [dx]) => (dx && isFloat(x!.dtype) && isFloat(output.dtype) ? g.cast(dx, output.dtype) : null),
  // "to" is written as the ONNX TensorProto data type code by the exporter.
  onnx: { attrs: { to: "int" } }
});
