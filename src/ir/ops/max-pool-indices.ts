import { Rational } from "../../num/rational.js";
import { stepFacts } from "../curvature-facts.js";
import type { Attrs } from "../graph.js";
import { requireFloat } from "../kernels.js";
import { defineOp } from "../op.js";
import { ShapeError } from "../shape.js";
import { forEachWindow, poolGeometry, pooledShape, windowPlan, type PoolGeometry } from "./pool-common.js";

function geometry(shape: readonly number[], attrs: Attrs): PoolGeometry {
  if ((attrs["ceil_mode"] ?? 0) !== 0) throw new ShapeError("ceil_mode is not supported (onnxruntime sizes its outputs differently from its kernel)");
  if ((attrs["storage_order"] ?? 0) !== 0) throw new ShapeError("only storage_order 0 (row-major indices) is supported");
  return poolGeometry(shape, attrs, { dilations: true });
}

/**
 * Where each MaxPool window's maximum sits: ONNX MaxPool's second output (Indices), int64 of the pooled
 * shape, each the flat row-major offset into the whole input X (batch and channels included; padding is
 * not counted). A window's first maximiser in row-major kernel order wins ties — the cell a strict `>`
 * scan from -∞ keeps, which is onnxruntime's kernel (checked against it in the tests) and PyTorch's rule,
 * the one MaxPool's derivative rules document. NaN cells are skipped by that scan; a window of only NaN
 * or -∞ points at its first cell here (onnxruntime's differs there: such windows are outside the contract).
 * Exported as MaxPool with this as output 1. Piecewise constant: no derivative.
 */
export const MaxPoolIndices = defineOp({
  name: "MaxPoolIndices",
  minInputs: 1,
  maxInputs: 1,
  defaults: { auto_pad: "NOTSET", ceil_mode: 0, storage_order: 0 },
  curvature: stepFacts("max pool argmax", "nonneg"),
  onnx: {
    opType: "MaxPool",
    outputIndex: 1,
    attrs: { kernel_shape: "ints", strides: "ints", pads: "ints", dilations: "ints", auto_pad: "string", ceil_mode: "int", storage_order: "int" }
  },
  infer: ([x], attrs) => {
    requireFloat(x!);
    return { dtype: "int64", shape: pooledShape(geometry(x!.shape, attrs)) };
  },
  eval: ([x], attrs, type) => {
    const r = new Float64Array(type.shape.reduce((a, b) => a * b, 1));
    const d = x!.data;
    forEachWindow(windowPlan(geometry(x!.shape, attrs)), (f, _q, cells) => {
      let m = Number.NEGATIVE_INFINITY, at = cells[0]!;
      for (const c of cells) {
        if (d[c]! > m) {
          m = d[c]!;
          at = c;
        }
      }
      r[f] = at;
    });
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  exact: ([x], attrs, type) => {
    const data: Rational[] = [];
    forEachWindow(windowPlan(geometry(x!.shape, attrs)), (f, _q, cells) => {
      let at = cells[0]!;
      for (const c of cells) if (x!.data[c]!.gt(x!.data[at]!)) at = c;
      data[f] = Rational.fromInt(at);
    });
    return { shape: type.shape, data };
  },
  // Cell c may be the first maximiser on the box unless some earlier cell is certainly >= it or some
  // later one certainly > it; the result is the hull of the cells that may be (a point when one is left).
  interval: ([x], attrs, type) => {
    const n = type.shape.reduce((a, b) => a * b, 1);
    const lo = new Float64Array(n), hi = new Float64Array(n);
    forEachWindow(windowPlan(geometry(x!.shape, attrs)), (f, _q, cells) => {
      if (cells.some((c) => Number.isNaN(x!.lo[c]!) || Number.isNaN(x!.hi[c]!))) {
        lo[f] = hi[f] = NaN;
        return;
      }
      let l = Number.POSITIVE_INFINITY, h = Number.NEGATIVE_INFINITY;
      cells.forEach((c, i) => {
        for (let j = 0; j < cells.length; j++) {
          const e = cells[j]!;
          if (j < i ? x!.lo[e]! >= x!.hi[c]! : j > i && x!.lo[e]! > x!.hi[c]!) return;
        }
        l = Math.min(l, c);
        h = Math.max(h, c);
      });
      lo[f] = l;
      hi[f] = h;
    });
    return { shape: type.shape, lo, hi };
  },
  nonSmooth: "piecewise constant (an integer index): no derivative",
  vjp: () => [null],
  jvp: () => null
});
