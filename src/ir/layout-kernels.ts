/**
 * Exact and interval kernels for ops that only move data (Reshape, Transpose, Slice, Concat, ...).
 * The op's own float64 kernel is run once on tensors holding element indices; its output says where
 * each result element comes from, so the exact and interval versions cannot disagree with it.
 */
import type { ExactTensor } from "./exact-tensor.js";
import type { Attrs, ValueType } from "./graph.js";
import type { IntervalTensor } from "./interval-tensor.js";
import type { OpDef } from "./op.js";
import { sizeOf } from "./shape.js";
import type { Tensor } from "./tensor.js";

type EvalKernel = OpDef["eval"];

/** For each output element, its flat index into the inputs' data laid end to end. */
export function layoutIndexMap(evalKernel: EvalKernel, shapes: readonly (readonly number[])[], attrs: Attrs, type: ValueType): Float64Array {
  let offset = 0;
  const indexTensors: Tensor[] = shapes.map((shape) => {
    const n = sizeOf(shape);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = offset + i;
    offset += n;
    return { dtype: "float64", shape, data };
  });
  return evalKernel(indexTensors, attrs, { dtype: "float64", shape: type.shape }).data;
}

export interface LayoutKernels {
  exact(inputs: readonly ExactTensor[], attrs: Attrs, out: ValueType): ExactTensor;
  interval(inputs: readonly IntervalTensor[], attrs: Attrs, out: ValueType): IntervalTensor;
}

/** `getEval` is called lazily so an op record can pass its own `eval`. */
export function layoutKernels(getEval: () => EvalKernel): LayoutKernels {
  return {
    exact: (inputs, attrs, type) => {
      const map = layoutIndexMap(getEval(), inputs.map((t) => t.shape), attrs, type);
      const all = inputs.length === 1 ? inputs[0]!.data : inputs.flatMap((t) => t.data);
      return { shape: type.shape, data: Array.from(map, (i) => all[i]!) };
    },
    interval: (inputs, attrs, type) => {
      const map = layoutIndexMap(getEval(), inputs.map((t) => t.shape), attrs, type);
      const concat = (key: "lo" | "hi"): Float64Array => {
        if (inputs.length === 1) return inputs[0]![key];
        const r = new Float64Array(inputs.reduce((s, t) => s + t.lo.length, 0));
        let off = 0;
        for (const t of inputs) {
          r.set(t[key], off);
          off += t.lo.length;
        }
        return r;
      };
      const lo = concat("lo"), hi = concat("hi");
      return { shape: type.shape, lo: Float64Array.from(map, (i) => lo[i]!), hi: Float64Array.from(map, (i) => hi[i]!) };
    }
  };
}
