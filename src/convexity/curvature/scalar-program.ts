/**
 * A scalar graph in x compiled once into a flat program of interval kernels, so the sign proofs
 * can evaluate it on hundreds of thousands of boxes: no tensors, no per-node allocation beyond the
 * intervals themselves. Enclosures are those of the number-level interval library (outward
 * rounded); a value used twice by one node gets the tight kernel (u·u = u², u/u = 1).
 */
import { iv, type Interval } from "../../ir/interval-tensor.js";
import type { Graph, Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import { scalarKernel } from "./node-intervals.js";

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
  return {
    size: n,
    outputs,
    box(lo: number, hi: number, want: readonly number[]): Interval[] {
      const x: Interval = { lo, hi };
      for (let i = 0; i < n; i++) {
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
        if (same[i] && node.op === "Div") vals[i] = iv.containsZero(ins[0]!) ? iv.div(ins[0]!, ins[0]!) : ONE;
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
