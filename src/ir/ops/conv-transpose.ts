import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { requireFloat, sameDType } from "../kernels.js";
import { defineOp } from "../op.js";
import { convExact, convInterval, convTransposeFloat, convTransposeGeometry, explicitAttrs, type ConvGeometry } from "../conv-kernels.js";
import { biasShape, convFacts, cropSpatial, emitConv, groupsToBatch, padZeros, swap01 } from "./conv.js";

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}

function geometry(inputs: readonly Value[], attrs: Attrs): ConvGeometry {
  return convTransposeGeometry(inputs[0]!, inputs[1]!, inputs[2], attrs);
}

/**
 * float64 ConvTranspose (onnxruntime's CPU provider has it for float32 only — measured) as a Conv,
 * which lowers further by Conv's own rule: X upsampled by the strides (zeros interleaved with
 * Concat + Reshape), padded or cropped by (K−1)·d − pb at the start, and convolved at stride 1 with
 * the kernel flipped and its channel axes exchanged per group.
 */
function asConv(g: GraphBuilder, x: Value, w: Value, b: Value | undefined, geo: ConvGeometry): Value {
  const r = geo.kernel.length;
  const G = geo.group, Cg = geo.cIn / G, Mg = geo.cOut / G;
  let z = x;
  for (let a = 0; a < r; a++) {
    const s = geo.strides[a]!;
    if (s === 1) continue;
    const ax = a + 2;
    const shape = [...z.shape];
    const split = [...shape.slice(0, ax + 1), 1, ...shape.slice(ax + 1)];
    const spread = padZeros(g, g.reshape(z, split), ax + 1, 0, s - 1);
    shape[ax] = shape[ax]! * s;
    z = g.reshape(spread, shape);
  }
  // z has I·s entries per axis: input i sits at i·s, followed by s−1 zeros.
  const padsBegin: number[] = [], padsEnd: number[] = [];
  for (let a = 0; a < r; a++) {
    const span = (geo.kernel[a]! - 1) * geo.dilations[a]! + 1;
    const before = span - 1 - geo.padsBegin[a]!;
    const after = geo.outSize[a]! - z.shape[a + 2]! - before + span - 1;
    const len = z.shape[a + 2]!;
    const start = Math.max(0, -before), end = len - Math.max(0, -after);
    if (start > 0 || end < len) z = g.slice(z, [start], [end], [a + 2]);
    padsBegin.push(Math.max(0, before));
    padsEnd.push(Math.max(0, after));
  }
  let wc = G === 1 ? swap01(g, w) : g.reshape(g.transpose(g.reshape(w, [G, Cg, Mg, ...geo.kernel]), [0, 2, 1, ...range(3, r + 3)]), [geo.cOut, Cg, ...geo.kernel]);
  for (let a = 0; a < r; a++) {
    const k = geo.kernel[a]!;
    if (k > 1) wc = g.slice(wc, [k - 1], [-k - 1], [a + 2], [-1]);
  }
  return emitConv(g, z, wc, b, {
    kernel_shape: [...geo.kernel],
    strides: new Array<number>(r).fill(1),
    pads: [...padsBegin, ...padsEnd],
    dilations: [...geo.dilations],
    group: G
  });
}

function emitConvTranspose(g: GraphBuilder, x: Value, w: Value, attrs: Attrs): Value {
  return g.op("ConvTranspose", [x, w], attrs);
}

/**
 * ONNX ConvTranspose (opset 11+ semantics, unchanged through 17): X [N, C, spatial...], W [C,
 * M/group, kernel...], optional B [M]; output size s·(I−1) + output_padding + (K−1)·d + 1 − pads.
 * output_shape and auto_pad SAME_* are resolved to explicit pads by the spec's equations (total
 * padding split with the odd element at the end for SAME_UPPER and at the beginning otherwise);
 * a negative total padding is refused. Derivative graphs and the ONNX export see explicit pads.
 */
export const ConvTranspose = defineOp({
  name: "ConvTranspose",
  curvature: convFacts("conv_transpose"),
  minInputs: 2,
  maxInputs: 3,
  defaults: { group: 1 },
  onnx: {
    attrs: {
      kernel_shape: "ints", strides: "ints", pads: "ints", dilations: "ints", group: "int", auto_pad: "string",
      output_padding: "ints", output_shape: "ints"
    },
    decompose: {
      dtypes: ["float32", "float64"],
      // float32 is native; only auto_pad / output_shape are spelled out, so onnxruntime's own reading
      // of them (which has differed from the spec's) never matters.
      when: (attrs, dtype) => dtype === "float64" || (attrs["auto_pad"] ?? "NOTSET") !== "NOTSET" || attrs["output_shape"] !== undefined,
      rewrite: (g, inputs, attrs) => {
        const [x, w, b] = inputs;
        const geo = geometry(inputs, attrs);
        if (x!.dtype === "float64") return asConv(g, x!, w!, b, geo);
        return g.op("ConvTranspose", b ? [x!, w!, b] : [x!, w!], explicitAttrs(geo, true));
      }
    }
  },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    const geo = convTransposeGeometry(types[0]!, types[1]!, types[2], attrs);
    return { dtype, shape: [geo.batch, geo.cOut, ...geo.outSize] };
  },
  eval: ([x, w, b], attrs, type) => convTransposeFloat(x!, w!, b, convTransposeGeometry(x!, w!, b, attrs), type),
  exact: ([x, w, b], attrs, type) => convExact(x!, w!, b, convTransposeGeometry(x!, w!, b, attrs), true, type),
  interval: ([x, w, b], attrs, type) => convInterval(x!, w!, b, convTransposeGeometry(x!, w!, b, attrs), true, type),
  vjp: (g, { inputs, attrs, needs }, gy) => {
    const [x, w, b] = inputs;
    const geo = geometry(inputs, attrs);
    const r = geo.kernel.length;
    // The conv that reads gy back at i·s − pb + k·d: end padding pe − output_padding gives exactly I
    // (or K) positions; when output_padding exceeds pe the extra tail is cropped instead.
    const padsEnd = geo.padsEnd.map((p, a) => Math.max(0, p - geo.outputPadding[a]!));
    let dx: Value | null = null, dw: Value | null = null;
    if (needs[0]) {
      const c = emitConv(g, gy, w!, undefined, {
        kernel_shape: [...geo.kernel],
        strides: [...geo.strides],
        pads: [...geo.padsBegin, ...padsEnd],
        dilations: [...geo.dilations],
        group: geo.group
      });
      dx = cropSpatial(g, c, geo.inSize);
    }
    if (needs[1]) {
      // dW[c, m, k] = Σ_{n,i} X[n, c, i] gy[n, m, i·s − pb + k·d]: gy (groups to batch) convolved
      // with X (batch and channels swapped) as the kernel.
      const corr = emitConv(g, groupsToBatch(g, gy, geo.group), swap01(g, x!), undefined, {
        kernel_shape: [...geo.inSize],
        strides: [...geo.dilations],
        pads: [...geo.padsBegin, ...padsEnd],
        dilations: [...geo.strides],
        group: geo.group
      });
      dw = swap01(g, cropSpatial(g, corr, geo.kernel));
    }
    const db = b && needs[2] ? g.reduceSum(gy, [0, ...range(2, r + 2)]) : null;
    return [dx, dw, db];
  },
  jvp: (g, { inputs, attrs, output }, [dx, dw, db]) => {
    const [x, w, b] = inputs;
    const ex = explicitAttrs(geometry(inputs, attrs), true);
    const terms: Value[] = [];
    if (dx) terms.push(emitConvTranspose(g, dx, w!, ex));
    if (dw) terms.push(emitConvTranspose(g, x!, dw, ex));
    if (b && db) terms.push(g.broadcastTo(biasShape(g, db, output.rank), output.shape));
    return terms.length ? terms.reduce((s, t) => g.add(s, t)) : null;
  }
});
