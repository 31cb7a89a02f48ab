/**
 * The sign of f'' proven on subintervals: interval bisection of one smooth piece until every box's
 * enclosure of f'' has one sign, or the box is narrower than the width limit ("unsettled").
 */
import type { Graph } from "../../ir/graph.js";
import { intervalOne } from "./scalar-eval.js";

export type RunClass = "zero" | "nonneg" | "nonpos" | "unsettled";

export interface SignRun {
  from: number;
  to: number;
  cls: RunClass;
}

export interface SignRunOptions {
  readonly widthLimit: number;
  readonly maxBoxes: number;
  readonly output?: string;
}

export function classifyBox(lo: number, hi: number): RunClass {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return "unsettled";
  if (lo === 0 && hi === 0) return "zero";
  if (lo >= 0) return "nonneg";
  if (hi <= 0) return "nonpos";
  return "unsettled";
}

/** Runs of proven sign of `output` (default d2f) over [a, b], left to right, same classes merged. */
export function signRuns(graph: Graph, a: number, b: number, opts: SignRunOptions): { runs: SignRun[]; boxes: number } {
  const out = opts.output ?? "d2f";
  const runs: SignRun[] = [];
  const push = (from: number, to: number, cls: RunClass): void => {
    const last = runs[runs.length - 1];
    if (last && last.cls === cls && last.to === from) last.to = to;
    else runs.push({ from, to, cls });
  };
  const stack: [number, number][] = [[a, b]];
  let boxes = 0;
  while (stack.length) {
    const [lo, hi] = stack.pop()!;
    if (boxes >= opts.maxBoxes) {
      push(lo, hi, "unsettled");
      continue;
    }
    boxes++;
    const d = intervalOne(graph, { lo, hi }, out);
    const cls = classifyBox(d.lo, d.hi);
    const m = lo / 2 + hi / 2;
    if (cls !== "unsettled" || hi - lo <= opts.widthLimit || m <= lo || m >= hi) {
      push(lo, hi, cls);
      continue;
    }
    stack.push([m, hi], [lo, m]);
  }
  return { runs, boxes };
}
