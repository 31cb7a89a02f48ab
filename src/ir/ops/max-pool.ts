import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat } from "../kernels.js";
import { defineOp } from "../op.js";
import { fixedFacts } from "../curvature-facts.js";
import { NotExactError } from "../exact-tensor.js";
import type { Rational } from "../../num/rational.js";
import { sizeOf } from "../shape.js";
import { explicitWindowPads, gatherOffset, kernelOffsets, offsetInside, poolGeometry, pooledShape, scatterOffset, windowPlan, forEachWindow, type PoolGeometry } from "./pool-common.js";

function geometry(shape: readonly number[], attrs: Attrs): PoolGeometry {
  return poolGeometry(shape, attrs, { dilations: true });
}

/**
 * For each kernel offset (row-major), 1 where that cell is the window's first maximiser: the cell equals
 * the max, lies inside x, and no earlier cell took it. Exactly one cell per window gets each adjoint,
 * as in PyTorch. Built from comparisons, so the masks carry no derivative themselves.
 */
function argmaxMasks(g: GraphBuilder, x: Value, y: Value, geom: PoolGeometry): (Value | null)[] {
  let free: Value | null = null;
  return kernelOffsets(geom).map((o) => {
    const inside = offsetInside(geom, o, x.dtype);
    if (inside && inside.data.every((v) => v === 0)) return null;
    let hit = g.cast(g.equal(gatherOffset(g, x, geom, o), y), x.dtype);
    if (inside) hit = g.mul(hit, g.constant(inside));
    const m: Value = free ? g.mul(hit, free) : hit;
    free = free ? g.sub(free, m) : g.sub(1, m);
    return m;
  });
}

/**
 * Without ceil_mode, the derivative rules read each window's argmax from MaxPoolIndices (onnxruntime's
 * MaxPool Indices output, same tie rule) and move values with one GatherElements (tangent) or one
 * ScatterElements-add (adjoint, so overlapping windows sum) over the flattened tensors. Measured on
 * LeNet-5 over 2000 digits: the comparison-mask form (SpaceToDepth, Equal, ReduceMax, DepthToSpace)
 * took ~20% of a Hessian-vector product in onnxruntime. ceil_mode windows keep the masks (onnxruntime
 * mis-sizes MaxPool's outputs there, see the lowering).
 */
function flatArgmax(g: GraphBuilder, x: Value, geom: PoolGeometry): Value {
  const idx = g.op("MaxPoolIndices", [x], {
    kernel_shape: [...geom.kernel],
    strides: [...geom.strides],
    pads: [...geom.padBegin, ...geom.padEnd],
    dilations: [...geom.dilations]
  });
  return g.reshape(idx, [idx.shape.reduce((a, b) => a * b, 1)]);
}

const flat = (g: GraphBuilder, v: Value): Value => g.reshape(v, [v.shape.reduce((a, b) => a * b, 1)]);

export const MaxPool = defineOp({
  name: "MaxPool",
  minInputs: 1,
  maxInputs: 1,
  defaults: { auto_pad: "NOTSET", ceil_mode: 0, storage_order: 0 },
  curvature: fixedFacts("max pool", "convex", "increasing", ([s]) => s!),
  onnx: {
    attrs: { kernel_shape: "ints", strides: "ints", pads: "ints", dilations: "ints", auto_pad: "string", ceil_mode: "int", storage_order: "int" },
    // ONNX Runtime's shape inference sizes ceil_mode outputs without dropping a last window that starts in
    // the right padding, while its kernel drops it (measured), so a model with static shapes does not load.
    // Padding with -inf to exactly the windows' extent and pooling without ceil_mode means the same.
    decompose: {
      dtypes: ["float32", "float64"],
      when: (attrs) => (attrs["ceil_mode"] ?? 0) !== 0,
      rewrite: (g, [x], attrs) => {
        const geom = geometry(x!.shape, attrs);
        const xp = g.pad(x!, explicitWindowPads(geom), { value: Number.NEGATIVE_INFINITY });
        return g.op("MaxPool", [xp], { kernel_shape: [...geom.kernel], strides: [...geom.strides], dilations: [...geom.dilations], ceil_mode: 0 });
      }
    }
  },
  infer: ([x], attrs) => {
    requireFloat(x!);
    return { dtype: x!.dtype, shape: pooledShape(geometry(x!.shape, attrs)) };
  },
  eval: ([x], attrs, type) => {
    const r = new Float64Array(type.shape.reduce((a, b) => a * b, 1));
    const d = x!.data;
    forEachWindow(windowPlan(geometry(x!.shape, attrs)), (f, _q, cells) => {
      let m = Number.NEGATIVE_INFINITY;
      for (const c of cells) {
        const v = d[c]!;
        if (Number.isNaN(v)) {
          m = NaN;
          break;
        }
        if (v > m) m = v;
      }
      r[f] = m;
    });
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  exact: ([x], attrs, type) => {
    const data: Rational[] = [];
    forEachWindow(windowPlan(geometry(x!.shape, attrs)), (f, _q, cells) => {
      if (cells.length === 0) throw new NotExactError("a MaxPool window lies entirely in the padding (its value is -inf)");
      let m = x!.data[cells[0]!]!;
      for (const c of cells) if (x!.data[c]!.gt(m)) m = x!.data[c]!;
      data[f] = m;
    });
    return { shape: type.shape, data };
  },
  interval: ([x], attrs, type) => {
    const n = type.shape.reduce((a, b) => a * b, 1);
    const lo = new Float64Array(n), hi = new Float64Array(n);
    forEachWindow(windowPlan(geometry(x!.shape, attrs)), (f, _q, cells) => {
      let l = Number.NEGATIVE_INFINITY, h = Number.NEGATIVE_INFINITY;
      for (const c of cells) {
        const a = x!.lo[c]!, b = x!.hi[c]!;
        if (Number.isNaN(a) || Number.isNaN(b)) {
          l = h = NaN;
          break;
        }
        if (a > l) l = a;
        if (b > h) h = b;
      }
      lo[f] = l;
      hi[f] = h;
    });
    return { shape: type.shape, lo, hi };
  },
  nonSmooth: "at ties within a window the adjoint goes to the first maximiser in row-major kernel order (PyTorch's rule)",
  vjp: (g, { inputs: [x], output, attrs }, gy) => {
    const geom = geometry(x!.shape, attrs);
    if ((attrs["ceil_mode"] ?? 0) === 0) {
      const gx = g.op("ScatterElements", [g.zerosLike({ dtype: x!.dtype, shape: [sizeOf(x!.shape)] }), flatArgmax(g, x!, geom), flat(g, gy)], { axis: 0, reduction: "add" });
      return [g.reshape(gx, x!.shape)];
    }
    const offsets = kernelOffsets(geom);
    const masks = argmaxMasks(g, x!, output, geom);
    let gx: Value | null = null;
    for (let i = 0; i < masks.length; i++) {
      const m = masks[i];
      if (!m) continue;
      const part = scatterOffset(g, g.mul(m, gy), geom, offsets[i]!);
      gx = gx ? g.add(gx, part) : part;
    }
    return [gx ?? g.zerosLike(x!)];
  },
  jvp: (g, { inputs: [x], output, attrs }, [dx]) => {
    if (!dx) return null;
    const geom = geometry(x!.shape, attrs);
    if ((attrs["ceil_mode"] ?? 0) === 0) return g.reshape(g.op("GatherElements", [flat(g, dx), flatArgmax(g, x!, geom)], { axis: 0 }), output.shape);
    const offsets = kernelOffsets(geom);
    const masks = argmaxMasks(g, x!, output, geom);
    let dy: Value | null = null;
    for (let i = 0; i < masks.length; i++) {
      const m = masks[i];
      if (!m) continue;
      const part = g.mul(m, gatherOffset(g, dx, geom, offsets[i]!));
      dy = dy ? g.add(dy, part) : part;
    }
    return dy ?? g.zerosLike(output);
  }
});
