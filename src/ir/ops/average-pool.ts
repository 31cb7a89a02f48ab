import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat } from "../kernels.js";
import { defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { addDown, addUp, divDown, divUp } from "../interval-tensor.js";
import { forEachWindow, gatherOffset, kernelOffsets, poolGeometry, pooledShape, scatterOffset, windowDivisors, windowPlan, type WindowPlan } from "./pool-common.js";

function plan(shape: readonly number[], attrs: Attrs): WindowPlan {
  return windowPlan(poolGeometry(shape, attrs, { dilations: false }));
}

function includePad(attrs: Attrs): boolean {
  return (attrs["count_include_pad"] ?? 0) !== 0;
}

/**
 * Each window's divisor: with count_include_pad = 1 the cells in x or its padding (but not past the
 * padding, where ceil_mode lets a window overhang), else only the cells in x. Both measured against
 * ONNX Runtime, and both are PyTorch's.
 */
function divisor(p: WindowPlan, q: number, attrs: Attrs): number {
  return includePad(attrs) ? p.withPads[q]! : p.cells[q]!.length;
}

/** Σ over kernel offsets of the cell, then ÷ divisor: the same sums in the same order as the kernel. */
function sumOfCells(g: GraphBuilder, x: Value, attrs: Attrs): Value {
  const p = plan(x.shape, attrs);
  let acc: Value | null = null;
  for (const o of kernelOffsets(p.geom)) {
    const c = gatherOffset(g, x, p.geom, o);
    acc = acc ? g.add(acc, c) : c;
  }
  return g.div(acc!, g.constant(windowDivisors(p, includePad(attrs), x.dtype)));
}

export const AveragePool = defineOp({
  name: "AveragePool",
  minInputs: 1,
  maxInputs: 1,
  defaults: { auto_pad: "NOTSET", ceil_mode: 0, count_include_pad: 0 },
  curvature: linearFacts("average pool"),
  onnx: {
    attrs: { kernel_shape: "ints", strides: "ints", pads: "ints", auto_pad: "string", ceil_mode: "int", count_include_pad: "int" },
    // onnxruntime's CPU AveragePool is float32 only (measured), and in float32 its shape inference
    // disagrees with its kernel under ceil_mode (see MaxPool); the decomposition is right for both.
    decompose: { dtypes: ["float32", "float64"], rewrite: (g, [x], attrs) => sumOfCells(g, x!, attrs) }
  },
  infer: ([x], attrs) => {
    requireFloat(x!);
    return { dtype: x!.dtype, shape: pooledShape(poolGeometry(x!.shape, attrs, { dilations: false })) };
  },
  eval: ([x], attrs, type) => {
    const p = plan(x!.shape, attrs);
    const r = new Float64Array(p.planes * p.outPlane);
    const d = x!.data;
    forEachWindow(p, (f, q, cells) => {
      let s = 0;
      for (const c of cells) s += d[c]!;
      r[f] = s / divisor(p, q, attrs);
    });
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  exact: ([x], attrs, type) => {
    const p = plan(x!.shape, attrs);
    const data: Rational[] = [];
    forEachWindow(p, (f, q, cells) => {
      let s = Rational.ZERO;
      for (const c of cells) s = s.add(x!.data[c]!);
      data[f] = s.div(Rational.fromInt(divisor(p, q, attrs)));
    });
    return { shape: type.shape, data };
  },
  interval: ([x], attrs, type) => {
    const p = plan(x!.shape, attrs);
    const lo = new Float64Array(p.planes * p.outPlane), hi = new Float64Array(p.planes * p.outPlane);
    forEachWindow(p, (f, q, cells) => {
      let l = 0, h = 0;
      for (const c of cells) {
        l = addDown(l, x!.lo[c]!);
        h = addUp(h, x!.hi[c]!);
      }
      const n = divisor(p, q, attrs);
      lo[f] = divDown(l, n);
      hi[f] = divUp(h, n);
    });
    return { shape: type.shape, lo, hi };
  },
  vjp: (g, { inputs: [x], attrs }, gy) => {
    const p = plan(x!.shape, attrs);
    const w = g.div(gy, g.constant(windowDivisors(p, includePad(attrs), gy.dtype)));
    let gx: Value | null = null;
    for (const o of kernelOffsets(p.geom)) {
      const part = scatterOffset(g, w, p.geom, o);
      gx = gx ? g.add(gx, part) : part;
    }
    return [gx!];
  },
  jvp: (g, { attrs }, [dx]) => (dx ? g.op("AveragePool", [dx], attrs) : null)
});
