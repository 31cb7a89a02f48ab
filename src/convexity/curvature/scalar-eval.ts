import { evaluate } from "../../exec/reference.js";
import type { Graph } from "../../ir/graph.js";
import { scalar } from "../../ir/tensor.js";
import { scalarIntervals, type Interval } from "./node-intervals.js";

/** float64 values of a scalar graph's outputs at x. */
export function floatAt(graph: Graph, x: number, outputs: readonly string[]): number[] {
  const r = evaluate(graph, { x: scalar(x) }, { outputs });
  return outputs.map((o) => r[o]!.data[0]!);
}

export function floatOne(graph: Graph, x: number, output: string): number {
  return floatAt(graph, x, [output])[0]!;
}

export function intervalOne(graph: Graph, x: Interval, output: string): Interval {
  return scalarIntervals(graph, x, [output])[0]!;
}

export const pointInterval = (x: number): Interval => ({ lo: x, hi: x });

/** The number with the fewest significant digits in [lo, hi] (0 if inside): "0.5" rather than 0.49999999999999994. */
export function simplestIn(lo: number, hi: number): number {
  if (lo <= 0 && 0 <= hi) return 0;
  const mid = lo / 2 + hi / 2;
  for (let digits = 1; digits <= 17; digits++) {
    const c = Number(mid.toPrecision(digits));
    if (c >= lo && c <= hi) return c;
  }
  return mid;
}

export type SignClass = "pos" | "neg" | "zero" | "unknown";

export function classify(v: Interval): SignClass {
  if (Number.isNaN(v.lo) || Number.isNaN(v.hi)) return "unknown";
  if (v.lo === 0 && v.hi === 0) return "zero";
  if (v.lo > 0) return "pos";
  if (v.hi < 0) return "neg";
  return "unknown";
}

/**
 * Bisection on a sign predicate between lo (predicate false) and hi (true) down to adjacent floats
 * or until `exact(m)` says m is the crossing itself. Returns the final bracket.
 */
export function bisect(lo: number, hi: number, isRight: (m: number) => boolean | "hit"): [number, number] {
  for (let i = 0; i < 2200; i++) {
    const m = lo / 2 + hi / 2;
    if (m <= lo || m >= hi) break;
    const r = isRight(m);
    if (r === "hit") return [m, m];
    if (r) hi = m;
    else lo = m;
  }
  return [lo, hi];
}
