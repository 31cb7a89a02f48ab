/**
 * A scalar graph in x compiled once into a flat program of interval kernels, so the sign proofs
 * can evaluate it on hundreds of thousands of boxes: no tensors, no per-node allocation beyond the
 * intervals themselves. Enclosures are those of the number-level interval library (outward
 * rounded); a value used twice by one node gets the tight kernel (u·u = u², u/u = 1).
 */
import { iv, type Interval } from "../../ir/interval-tensor.js";
import type { Graph, Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import { productError } from "../../num/interval/directed.js";
import { nextDown, nextUp } from "../../num/interval/round.js";
import { scalarKernel } from "./node-intervals.js";

// Products and sums rounded to nearest, then stepped one float outward unless the error-free
// transformation (Dekker's product, Knuth's two-sum) shows the rounded result is on the right side
// of the exact one: the rounding error is below one ulp, so this encloses the exact result, keeps
// exact results exact (1 − 1 = 0 at an open end stays ≥ 0), and costs far less than the library's
// tight directed rounding. A product with an exact 0 factor is 0, also against ±∞, which is never
// a member of an interval.
const mulLo = (x: number, y: number): number => {
  if (x === 0 || y === 0) return 0;
  const p = x * y;
  const e = productError(x, y, p);
  return e >= 0 ? p : nextDown(p);
};
const mulHi = (x: number, y: number): number => {
  if (x === 0 || y === 0) return 0;
  const p = x * y;
  const e = productError(x, y, p);
  return e <= 0 ? p : nextUp(p);
};

// On boxes a product is widened by two ulps without the exactness test: p − (|p|·2^−51 + tiny) is
// at least one ulp below p even after its own rounding, and costs a few flops.
const EPS2 = 2 ** -51, TINY = Number.MIN_VALUE;
const roughLo = (x: number, y: number): number => {
  if (x === 0 || y === 0) return 0;
  const p = x * y;
  // An overflow to +∞ from finite factors: the exact product is above the largest double.
  if (p === Infinity) return Number.isFinite(x) && Number.isFinite(y) ? Number.MAX_VALUE : Infinity;
  if (p === -Infinity) return p;
  return p - (Math.abs(p) * EPS2 + TINY);
};
const roughHi = (x: number, y: number): number => {
  if (x === 0 || y === 0) return 0;
  const p = x * y;
  if (p === -Infinity) return Number.isFinite(x) && Number.isFinite(y) ? -Number.MAX_VALUE : -Infinity;
  if (p === Infinity) return p;
  return p + (Math.abs(p) * EPS2 + TINY);
};

/** [a]·[b] into out (lo, hi) with the given endpoint kernels. */
function mulInto(al: number, ah: number, bl: number, bh: number, lo: (x: number, y: number) => number, hi: (x: number, y: number) => number, out: Float64Array, L: Float64Array, i: number): void {
  if (al !== al || ah !== ah || bl !== bl || bh !== bh) {
    L[i] = NaN;
    out[i] = NaN;
    return;
  }
  if (al >= 0 && bl >= 0) {
    L[i] = lo(al, bl);
    out[i] = hi(ah, bh);
  } else if (ah <= 0 && bh <= 0) {
    L[i] = lo(ah, bh);
    out[i] = hi(al, bl);
  } else if (al >= 0 && bh <= 0) {
    L[i] = lo(ah, bl);
    out[i] = hi(al, bh);
  } else if (ah <= 0 && bl >= 0) {
    L[i] = lo(al, bh);
    out[i] = hi(ah, bl);
  } else {
    L[i] = Math.min(lo(al, bl), lo(al, bh), lo(ah, bl), lo(ah, bh));
    out[i] = Math.max(hi(al, bl), hi(al, bh), hi(ah, bl), hi(ah, bh));
  }
}

function sumError(x: number, y: number, s: number): number {
  if (!Number.isFinite(s)) return NaN;
  const bb = s - x;
  return (x - (s - bb)) + (y - bb);
}
const addLo = (x: number, y: number): number => {
  const s = x + y;
  if (s === Infinity && Number.isFinite(x) && Number.isFinite(y)) return Number.MAX_VALUE;
  const e = sumError(x, y, s);
  return e >= 0 || s === -Infinity ? s : nextDown(s);
};
const addHi = (x: number, y: number): number => {
  const s = x + y;
  if (s === -Infinity && Number.isFinite(x) && Number.isFinite(y)) return -Number.MAX_VALUE;
  const e = sumError(x, y, s);
  return e <= 0 || s === Infinity ? s : nextUp(s);
};



export interface ScalarProgram {
  readonly size: number;
  /** Output name -> node index. */
  readonly outputs: Readonly<Record<string, number>>;
  /** Enclosures of the requested outputs over [lo, hi]. */
  box(lo: number, hi: number, outputs: readonly number[]): Interval[];
}

const ONE: Interval = { lo: 1, hi: 1 };

const OP_OTHER = 0, OP_CONST = 1, OP_INPUT = 2, OP_ADD = 3, OP_SUB = 4, OP_MUL = 5, OP_NEG = 6, OP_SQR = 7;

export function compileScalar(graph: Graph): ScalarProgram {
  const nodes: readonly Node[] = graph.nodes;
  const n = nodes.length;
  const code = new Uint8Array(n), in0 = new Int32Array(n), in1 = new Int32Array(n);
  const cv = new Float64Array(n);
  for (const node of nodes) {
    const i = node.id;
    in0[i] = node.inputs[0] ?? -1;
    in1[i] = node.inputs[1] ?? -1;
    const same = node.inputs.length === 2 && node.inputs[0] === node.inputs[1];
    if (node.op === "Constant") {
      code[i] = OP_CONST;
      const v = (node.attrs["value"] as Tensor).data[0]!;
      cv[i] = Number.isFinite(v) ? v : NaN;
    } else if (node.op === "Input") code[i] = OP_INPUT;
    else if (node.op === "Add") code[i] = OP_ADD;
    else if (node.op === "Sub" && !same) code[i] = OP_SUB;
    else if (node.op === "Mul") code[i] = same ? OP_SQR : OP_MUL;
    else if (node.op === "Neg") code[i] = OP_NEG;
    else code[i] = OP_OTHER;
  }
  const outputs = Object.fromEntries(graph.outputs.map((o) => [o.name, o.id]));
  // Intervals as two arrays: the common ops allocate nothing.
  const L = new Float64Array(n), H = new Float64Array(n);
  const ins: Interval[] = [];
  // Only the nodes the requested outputs need are evaluated (a point value of g skips g'').
  const plans = new Map<string, Int32Array>();
  const plan = (want: readonly number[]): Int32Array => {
    const key = want.join(",");
    let p = plans.get(key);
    if (!p) {
      const live = new Uint8Array(n);
      for (const k of want) live[k] = 1;
      for (let i = n - 1; i >= 0; i--) if (live[i]) for (const j of nodes[i]!.inputs) live[j] = 1;
      p = Int32Array.from([...live.keys()].filter((i) => live[i]));
      plans.set(key, p);
    }
    return p;
  };
  const set = (i: number, v: Interval): void => {
    L[i] = v.lo;
    H[i] = v.hi;
  };
  return {
    size: n,
    outputs,
    box(lo: number, hi: number, want: readonly number[]): Interval[] {
      const point = lo === hi;
      for (const i of plan(want)) {
        switch (code[i]) {
          case OP_CONST:
            L[i] = cv[i]!;
            H[i] = cv[i]!;
            break;
          case OP_INPUT:
            L[i] = lo;
            H[i] = hi;
            break;
          case OP_ADD: {
            const a = in0[i]!, b = in1[i]!;
            const al = L[a]!, ah = H[a]!, bl = L[b]!, bh = H[b]!;
            if (al !== al || ah !== ah || bl !== bl || bh !== bh) {
              L[i] = NaN;
              H[i] = NaN;
            } else {
              L[i] = addLo(al, bl);
              H[i] = addHi(ah, bh);
            }
            break;
          }
          case OP_SUB: {
            const a = in0[i]!, b = in1[i]!;
            const al = L[a]!, ah = H[a]!, bl = L[b]!, bh = H[b]!;
            if (al !== al || ah !== ah || bl !== bl || bh !== bh) {
              L[i] = NaN;
              H[i] = NaN;
            } else {
              L[i] = addLo(al, -bh);
              H[i] = addHi(ah, -bl);
            }
            break;
          }
          case OP_NEG: {
            const a = in0[i]!;
            L[i] = -H[a]!;
            H[i] = -L[a]!;
            break;
          }
          case OP_MUL: {
            const a = in0[i]!, b = in1[i]!;
            // Points keep exact products exact (the exactness of a zero at a simple number rests on it).
            if (point) mulInto(L[a]!, H[a]!, L[b]!, H[b]!, mulLo, mulHi, H, L, i);
            else mulInto(L[a]!, H[a]!, L[b]!, H[b]!, roughLo, roughHi, H, L, i);
            break;
          }
          case OP_SQR: {
            const a = in0[i]!;
            set(i, iv.sqr({ lo: L[a]!, hi: H[a]! }));
            break;
          }
          default: {
            const node = nodes[i]!;
            ins.length = 0;
            for (const j of node.inputs) ins.push({ lo: L[j]!, hi: H[j]! });
            const same = node.inputs.length === 2 && node.inputs[0] === node.inputs[1];
            if (same && node.op === "Div") set(i, iv.containsZero(ins[0]!) ? iv.div(ins[0]!, ins[0]!) : ONE);
            else set(i, scalarKernel(node, ins, same));
          }
        }
      }
      return want.map((k) => ({ lo: L[k]!, hi: H[k]! }));
    }
  };
}

/** The program's output index for a name. */
export function outputIndex(p: ScalarProgram, name: string): number {
  const k = p.outputs[name];
  if (k === undefined) throw new Error(`scalar program has no output "${name}"`);
  return k;
}
