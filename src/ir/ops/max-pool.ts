import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat } from "../kernels.js";
import { defineOp } from "../op.js";
import { fixedFacts } from "../curvature-facts.js";
import { NotExactError } from "../exact-tensor.js";
import type { Rational } from "../../num/rational.js";
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
 * Windows that tile x exactly (stride = kernel, no padding, no dilation, every axis a whole number of
 * windows — LeNet's 2×2/2) make the derivative rules a few elementwise ops on x, instead of one strided
 * gather/scatter (Pad) per kernel offset, which dominated CNN Hessian-vector products on ONNX Runtime
 * (measured: Pad ~40% of a LeNet HVP). x is laid out window-offset first, [K, M] with K the kernel
 * size and M the number of windows (N·C·o1·o2…), so every broadcast against the pooled values [1, M]
 * runs over whole contiguous rows (a [.., 1, .., 1] broadcast inside a 6-D tensor was measured slower
 * than the Pads it replaced).
 */
interface Tiling {
  /** x as [N, C, o1, k1, o2, k2, …]. */
  split: number[];
  /** Permutation to [k1, k2, …, N, C, o1, o2, …], and its inverse. */
  toWindows: number[];
  fromWindows: number[];
  K: number;
  M: number;
}

function tiling(geom: PoolGeometry): Tiling | null {
  const k = geom.kernel.length;
  for (let a = 0; a < k; a++) {
    if (geom.strides[a] !== geom.kernel[a] || geom.dilations[a] !== 1 || geom.padBegin[a] !== 0 || geom.padEnd[a] !== 0) return null;
    if (geom.out[a]! * geom.kernel[a]! !== geom.spatial[a]) return null;
  }
  const lead = geom.lead.length;
  const split = [...geom.lead, ...geom.out.flatMap((o, a) => [o, geom.kernel[a]!])];
  const kernelAxes = geom.kernel.map((_, a) => lead + 2 * a + 1);
  const otherAxes = split.map((_, i) => i).filter((i) => !kernelAxes.includes(i));
  const toWindows = [...kernelAxes, ...otherAxes];
  const fromWindows = toWindows.map((_, i) => toWindows.indexOf(i));
  const K = geom.kernel.reduce((a, b) => a * b, 1);
  return { split, toWindows, fromWindows, K, M: split.reduce((a, b) => a * b, 1) / K };
}

function toWindows(g: GraphBuilder, v: Value, t: Tiling): Value {
  return g.reshape(g.transpose(g.reshape(v, t.split), t.toWindows), [t.K, t.M]);
}

function fromWindows(g: GraphBuilder, v: Value, t: Tiling, shape: readonly number[]): Value {
  const permuted = t.toWindows.map((i) => t.split[i]!);
  return g.reshape(g.transpose(g.reshape(v, permuted), t.fromWindows), shape);
}

/**
 * The first maximiser of each window as a 0/1 mask [K, M]: among the cells equal to the max, the one
 * with the smallest row-major kernel index (PyTorch's rule) — it has the largest priority K − index,
 * so exactly one cell per window survives.
 */
function tiledArgmaxMask(g: GraphBuilder, xw: Value, y: Value, t: Tiling): Value {
  const hit = g.cast(g.equal(xw, g.reshape(y, [1, t.M])), xw.dtype);
  const prio = Float64Array.from({ length: t.K }, (_, q) => t.K - q);
  const score = g.mul(hit, g.constant({ dtype: xw.dtype, shape: [t.K, 1], data: prio }));
  return g.mul(hit, g.cast(g.equal(score, g.reduceMax(score, [0], true)), xw.dtype));
}

/**
 * Square 2-D tiling windows (k×k, stride k) get the window-major layout from one SpaceToDepth instead
 * of a 6-D Transpose (measured on LeNet's 2×2/2 over 2000 digits: ~80 ms against 130–230 ms per node
 * in onnxruntime, float32 and float64 alike; the whole HVP's best of 4–5 interleaved runs went from
 * 3.0 s to 2.4 s in float32 and 7.1 s to 4.8 s in float64 on a loaded machine, results bit-identical).
 * SpaceToDepth's output channel is (bh·k + bw)·C + c, so
 * [N, k²·C, Ho, Wo] read as [N, K, C·Ho·Wo] puts the kernel offset on axis 1 in row-major kernel order
 * and every window's cells in one contiguous row per offset.
 */
function squareTile(geom: PoolGeometry, t: Tiling | null): number | null {
  if (!t || geom.kernel.length !== 2 || geom.lead.length !== 2 || geom.lead[0] === 0 || geom.kernel[0] !== geom.kernel[1]) return null;
  return geom.kernel[0]!;
}

function blockRows(g: GraphBuilder, v: Value, k: number, t: Tiling, n: number): Value {
  return g.reshape(g.op("SpaceToDepth", [v], { blocksize: k }), [n, t.K, t.M / n]);
}

/** As tiledArgmaxMask, on [N, K, C·Ho·Wo] with the pooled values as [N, 1, C·Ho·Wo]. */
function blockArgmaxMask(g: GraphBuilder, xb: Value, y: Value, t: Tiling, n: number): Value {
  const hit = g.cast(g.equal(xb, g.reshape(y, [n, 1, t.M / n])), xb.dtype);
  const prio = Float64Array.from({ length: t.K }, (_, q) => t.K - q);
  const score = g.mul(hit, g.constant({ dtype: xb.dtype, shape: [1, t.K, 1], data: prio }));
  return g.mul(hit, g.cast(g.equal(score, g.reduceMax(score, [1], true)), xb.dtype));
}

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
    const t = tiling(geom);
    const k = squareTile(geom, t);
    if (t && k !== null) {
      const n = x!.shape[0]!;
      const mask = blockArgmaxMask(g, blockRows(g, x!, k, t, n), output, t, n);
      const gb = g.reshape(g.mul(mask, g.reshape(gy, [n, 1, t.M / n])), [n, t.K * x!.shape[1]!, geom.out[0]!, geom.out[1]!]);
      return [g.op("DepthToSpace", [gb], { blocksize: k, mode: "DCR" })];
    }
    if (t) {
      const mask = tiledArgmaxMask(g, toWindows(g, x!, t), output, t);
      return [fromWindows(g, g.mul(mask, g.reshape(gy, [1, t.M])), t, x!.shape)];
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
    const t = tiling(geom);
    const k = squareTile(geom, t);
    if (t && k !== null) {
      const n = x!.shape[0]!;
      const mask = blockArgmaxMask(g, blockRows(g, x!, k, t, n), output, t, n);
      return g.reshape(g.reduceSum(g.mul(mask, blockRows(g, dx, k, t, n)), [1]), output.shape);
    }
    if (t) {
      const mask = tiledArgmaxMask(g, toWindows(g, x!, t), output, t);
      return g.reshape(g.reduceSum(g.mul(mask, toWindows(g, dx, t)), [0]), output.shape);
    }
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
