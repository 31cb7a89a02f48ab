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

function fastMul(a: Interval, b: Interval): Interval {
  if (a.lo !== a.lo || a.hi !== a.hi || b.lo !== b.lo || b.hi !== b.hi) return iv.NAN_INTERVAL;
  if (a.lo >= 0 && b.lo >= 0) return { lo: mulLo(a.lo, b.lo), hi: mulHi(a.hi, b.hi) };
  if (a.hi <= 0 && b.hi <= 0) return { lo: mulLo(a.hi, b.hi), hi: mulHi(a.lo, b.lo) };
  if (a.lo >= 0 && b.hi <= 0) return { lo: mulLo(a.hi, b.lo), hi: mulHi(a.lo, b.hi) };
  if (a.hi <= 0 && b.lo >= 0) return { lo: mulLo(a.lo, b.hi), hi: mulHi(a.hi, b.lo) };
  return {
    lo: Math.min(mulLo(a.lo, b.lo), mulLo(a.lo, b.hi), mulLo(a.hi, b.lo), mulLo(a.hi, b.hi)),
    hi: Math.max(mulHi(a.lo, b.lo), mulHi(a.lo, b.hi), mulHi(a.hi, b.lo), mulHi(a.hi, b.hi))
  };
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

function fastAdd(a: Interval, b: Interval): Interval {
  if (a.lo !== a.lo || a.hi !== a.hi || b.lo !== b.lo || b.hi !== b.hi) return iv.NAN_INTERVAL;
  return { lo: addLo(a.lo, b.lo), hi: addHi(a.hi, b.hi) };
}

function fastSub(a: Interval, b: Interval): Interval {
  if (a.lo !== a.lo || a.hi !== a.hi || b.lo !== b.lo || b.hi !== b.hi) return iv.NAN_INTERVAL;
  return { lo: addLo(a.lo, -b.hi), hi: addHi(a.hi, -b.lo) };
}

export interface ScalarProgram {
  readonly size: number;
  /** Output name -> node index. */
  readonly outputs: Readonly<Record<string, number>>;
  /** Enclosures of the requested outputs over [lo, hi]. */
  box(lo: number, hi: number, outputs: readonly number[]): Interval[];
}

const ONE: Interval = { lo: 1, hi: 1 };

export function compileScalar(graph: Graph): ScalarProgram {
  const nodes: readonly Node[] = graph.nodes;
  const n = nodes.length;
  const constants: (Interval | undefined)[] = nodes.map((node) => {
    if (node.op !== "Constant") return undefined;
    const v = (node.attrs["value"] as Tensor).data[0]!;
    return Number.isFinite(v) ? { lo: v, hi: v } : iv.NAN_INTERVAL;
  });
  const isInput = nodes.map((node) => node.op === "Input");
  const same = nodes.map((node) => node.inputs.length === 2 && node.inputs[0] === node.inputs[1]);
  const outputs = Object.fromEntries(graph.outputs.map((o) => [o.name, o.id]));
  const vals: Interval[] = new Array<Interval>(n);
  const ins: Interval[] = [];
  // Only the nodes the requested outputs need are evaluated (a point value of f'' skips f'''').
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
  return {
    size: n,
    outputs,
    box(lo: number, hi: number, want: readonly number[]): Interval[] {
      const x: Interval = { lo, hi };
      // At a point the library's tight rounding keeps exact results exact (σ''(0) = [0, 0]), which
      // is what proves a crossing exactly at a simple number; boxes take the fast kernels.
      const fast = lo < hi;
      for (const i of plan(want)) {
        const c = constants[i];
        if (c) {
          vals[i] = c;
          continue;
        }
        if (isInput[i]) {
          vals[i] = x;
          continue;
        }
        const node = nodes[i]!;
        ins.length = 0;
        for (const j of node.inputs) ins.push(vals[j]!);
        const op = node.op;
        if (fast && op === "Mul" && !same[i]) vals[i] = fastMul(ins[0]!, ins[1]!);
        else if (fast && op === "Add") vals[i] = fastAdd(ins[0]!, ins[1]!);
        else if (fast && op === "Sub" && !same[i]) vals[i] = fastSub(ins[0]!, ins[1]!);
        else if (same[i] && op === "Div") vals[i] = iv.containsZero(ins[0]!) ? iv.div(ins[0]!, ins[0]!) : ONE;
        else vals[i] = scalarKernel(node, ins, same[i]!);
      }
      return want.map((k) => vals[k]!);
    }
  };
}

/** The program's output index for a name. */
export function outputIndex(p: ScalarProgram, name: string): number {
  const k = p.outputs[name];
  if (k === undefined) throw new Error(`scalar program has no output "${name}"`);
  return k;
}
