import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { ShapeError, broadcastShapes, fmtShape } from "../shape.js";
import { mapBinary, mapUnary, matmulKernel, requireFloat, sameDType, transposeKernel } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import type { Tensor } from "../tensor.js";
import { GEMM_FACTS } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { exactBinary, exactMatmul, exactTranspose2d, exactUnary } from "../exact-tensor.js";
import { intervalBinary, intervalMatmul, intervalTranspose2d, intervalUnary, iv } from "../interval-tensor.js";

function t2(g: GraphBuilder, v: Value, on: boolean): Value {
  return on ? g.transpose(v, [1, 0]) : v;
}

function scale(g: GraphBuilder, v: Value, s: number): Value {
  return s === 1 ? v : g.mul(v, s);
}

function opts(attrs: Attrs) {
  return {
    alpha: attrNum(attrs, "alpha", 1),
    beta: attrNum(attrs, "beta", 1),
    transA: attrNum(attrs, "transA", 0) !== 0,
    transB: attrNum(attrs, "transB", 0) !== 0
  };
}

/** Y = alpha * A' B' + beta * C with A' = transA ? Aᵀ : A (2-D only, C broadcast to [M, N]). */
export const Gemm = defineOp({
  name: "Gemm",
  curvature: GEMM_FACTS,
  minInputs: 2,
  maxInputs: 3,
  defaults: { alpha: 1, beta: 1, transA: 0, transB: 0 },
  onnx: {
    attrs: { alpha: "float", beta: "float", transA: "int", transB: "int" },
    // alpha/beta are 32-bit FLOAT attributes in ONNX: spell Gemm out when they are not exact in float32.
    decompose: {
      dtypes: ["float64"],
      when: (attrs) => {
        const o = opts(attrs);
        return Math.fround(o.alpha) !== o.alpha || Math.fround(o.beta) !== o.beta;
      },
      rewrite: (g, [a, b, c], attrs) => {
        const o = opts(attrs);
        const ab = scale(g, g.matmul(t2(g, a!, o.transA), t2(g, b!, o.transB)), o.alpha);
        return c ? g.add(ab, scale(g, c, o.beta)) : ab;
      }
    }
  },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    const [a, b, c] = types;
    if (a!.shape.length !== 2 || b!.shape.length !== 2) throw new ShapeError(`A and B must be 2-D, got ${fmtShape(a!.shape)} and ${fmtShape(b!.shape)}`);
    const o = opts(attrs);
    const [m, k1] = o.transA ? [a!.shape[1]!, a!.shape[0]!] : [a!.shape[0]!, a!.shape[1]!];
    const [k2, n] = o.transB ? [b!.shape[1]!, b!.shape[0]!] : [b!.shape[0]!, b!.shape[1]!];
    if (k1 !== k2) throw new ShapeError(`inner dimensions differ (${k1} vs ${k2})`);
    if (c) {
      const s = broadcastShapes(c.shape, [m, n]);
      if (s.length !== 2 || s[0] !== m || s[1] !== n) throw new ShapeError(`C of shape ${fmtShape(c.shape)} does not broadcast to [${m},${n}]`);
    }
    return { dtype, shape: [m, n] };
  },
  eval: ([a, b, c], attrs, type) => {
    const o = opts(attrs);
    const tr = (t: Tensor, on: boolean): Tensor =>
      on ? transposeKernel(t, [1, 0], { dtype: t.dtype, shape: [t.shape[1]!, t.shape[0]!] }) : t;
    const ab = matmulKernel(tr(a!, o.transA), tr(b!, o.transB), type);
    if (!c) return o.alpha === 1 ? ab : mapUnary(ab, type, (x) => o.alpha * x);
    return mapBinary(ab, c, type, (x, y) => o.alpha * x + o.beta * y);
  },
  exact: ([a, b, c], attrs, type) => {
    const o = opts(attrs);
    const alpha = Rational.fromFloat(o.alpha), beta = Rational.fromFloat(o.beta);
    const ab = exactMatmul(o.transA ? exactTranspose2d(a!) : a!, o.transB ? exactTranspose2d(b!) : b!);
    if (!c) return exactUnary((x) => alpha.mul(x))([ab], attrs, type);
    return exactBinary((x, y) => alpha.mul(x).add(beta.mul(y)))([ab, c], attrs, type);
  },
  interval: ([a, b, c], attrs, type) => {
    const o = opts(attrs);
    const alpha = iv.point(o.alpha), beta = iv.point(o.beta);
    const ab = intervalMatmul(o.transA ? intervalTranspose2d(a!) : a!, o.transB ? intervalTranspose2d(b!) : b!);
    const scaled = o.alpha === 1 ? ab : intervalUnary((x) => iv.mul(alpha, x))([ab], attrs, type);
    if (!c) return scaled;
    return intervalBinary((x, y) => iv.add(x, o.beta === 1 ? y : iv.mul(beta, y)))([scaled, c], attrs, type);
  },
  vjp: (g, { inputs: [a, b, c], attrs, needs }, gy) => {
    const o = opts(attrs);
    const ap = t2(g, a!, o.transA), bp = t2(g, b!, o.transB);
    const dap = needs[0] ? scale(g, g.matmul(gy, g.transpose(bp, [1, 0])), o.alpha) : null;
    const dbp = needs[1] ? scale(g, g.matmul(g.transpose(ap, [1, 0]), gy), o.alpha) : null;
    return [
      dap ? t2(g, dap, o.transA) : null,
      dbp ? t2(g, dbp, o.transB) : null,
      c && needs[2] ? g.unbroadcast(scale(g, gy, o.beta), c.shape) : null
    ];
  },
  jvp: (g, { inputs: [a, b], attrs, output }, [da, db, dc]) => {
    const o = opts(attrs);
    const ap = t2(g, a!, o.transA), bp = t2(g, b!, o.transB);
    const terms: Value[] = [];
    if (da) terms.push(g.matmul(t2(g, da, o.transA), bp));
    if (db) terms.push(g.matmul(ap, t2(g, db, o.transB)));
    let t: Value | null = terms.length ? scale(g, terms.reduce((x, y) => g.add(x, y)), o.alpha) : null;
    if (dc) {
      const tc = scale(g, dc, o.beta);
      t = t ? g.add(t, tc) : g.broadcastTo(tc, output.shape);
    }
    return t;
  }
});
