/**
 * Where each switch flips: the zeros of its switching argument k(x), isolated with interval
 * enclosures (boxes where k's enclosure excludes 0, or is exactly [0, 0], hold no switching point)
 * and then narrowed by bisection on k's rigorous sign at points. A zero is "verified" when the
 * sign change is proven at both ends of its bracket and k' provably keeps one sign on the
 * cluster (so there is exactly one).
 */
import type { Graph } from "../../ir/graph.js";
import { grad } from "../../autodiff/grad.js";
import { Rational } from "../../num/rational.js";
import { exactScalar } from "./node-exact.js";
import type { Interval } from "./node-intervals.js";
import { bisect, classify, floatOne, intervalOne, pointInterval, simplestIn } from "./scalar-eval.js";
import type { Switch } from "./piecewise.js";

export interface SwitchPoint {
  /** The switching point (the simplest number inside its bracket). */
  readonly x: number;
  /** The zero of k lies in [lo, hi]. */
  readonly bracket: readonly [number, number];
  readonly switches: readonly number[];
  /** How the zero is known: exact (k(x) = 0 in rationals), verified (interval sign change + monotone k), or located by bisection. */
  readonly isolation: "exact" | "verified" | "bisection";
}

export interface RootOptions {
  /** Clusters narrower than this are handed to bisection. */
  readonly clusterWidth: number;
  /** Give up beyond this many boxes per switch. */
  readonly maxBoxes: number;
}

interface Cluster {
  lo: number;
  hi: number;
}

/** The boxes of [a, b] where k's enclosure may contain a switching point, merged into clusters. */
function clusters(kGraph: Graph, out: string, a: number, b: number, opts: RootOptions, openEnds: readonly [boolean, boolean]): Cluster[] {
  const found: Cluster[] = [];
  const stack: Cluster[] = [{ lo: a, hi: b }];
  let boxes = 0;
  while (stack.length) {
    const box = stack.pop()!;
    if (++boxes > opts.maxBoxes) throw new Error(`switch isolation for ${out} exceeded ${opts.maxBoxes} boxes`);
    const k = intervalOne(kGraph, box, out);
    const c = classify(k);
    if (c !== "unknown") continue;
    if (box.hi - box.lo <= opts.clusterWidth) {
      // An enclosure that is NaN only because the box touches an excluded end point is not a switch.
      const atOpen = (openEnds[0] && box.lo === a) || (openEnds[1] && box.hi === b);
      if (!(atOpen && Number.isNaN(k.lo))) found.push(box);
      continue;
    }
    const m = box.lo / 2 + box.hi / 2;
    stack.push({ lo: m, hi: box.hi }, { lo: box.lo, hi: m });
  }
  found.sort((p, q) => p.lo - q.lo);
  const merged: Cluster[] = [];
  for (const c of found) {
    const last = merged[merged.length - 1];
    if (last && c.lo <= last.hi) last.hi = Math.max(last.hi, c.hi);
    else merged.push({ ...c });
  }
  return merged;
}

const signAt = (kGraph: Graph, out: string, x: number): ReturnType<typeof classify> => classify(intervalOne(kGraph, pointInterval(x), out));

function locate(kGraph: Graph, dkGraph: Graph, out: string, c: Cluster): Omit<SwitchPoint, "switches"> {
  const sl = signAt(kGraph, out, c.lo);
  const sr = signAt(kGraph, out, c.hi);
  let bracket: [number, number];
  let verified = false;
  if ((sl === "pos" && sr === "neg") || (sl === "neg" && sr === "pos")) {
    bracket = bisect(c.lo, c.hi, (m) => {
      const s = signAt(kGraph, out, m);
      if (s === "zero") return "hit";
      if (s === "unknown") return floatOne(kGraph, m, out) === 0 ? "hit" : (floatOne(kGraph, m, out) > 0) === (sr === "pos");
      return s === sr;
    });
    const dk = intervalOne(dkGraph, { lo: c.lo, hi: c.hi }, "grad:x");
    verified = classify(dk) === "pos" || classify(dk) === "neg";
  } else if (sl === "zero" || sr === "zero") {
    // The edge of a stretch where k is identically 0 (relu(relu(x)) at 0).
    const zeroOnLeft = sl === "zero";
    bracket = bisect(c.lo, c.hi, (m) => (floatOne(kGraph, m, out) === 0) !== zeroOnLeft);
  } else {
    // No sign change across the cluster: a zero that k touches (relu(x^2) at 0), kept as a candidate.
    let best = c.lo;
    let bestAbs = Infinity;
    for (let i = 0; i <= 64; i++) {
      const x = c.lo + ((c.hi - c.lo) * i) / 64;
      const v = Math.abs(floatOne(kGraph, x, out));
      if (v < bestAbs) {
        bestAbs = v;
        best = x;
      }
    }
    bracket = [best, best];
  }
  const x = simplestIn(bracket[0], bracket[1]);
  const k = exactScalar(kGraph, Rational.fromFloat(x), [out]);
  if (k && k[0]!.isZero()) return { x, bracket: [x, x], isolation: "exact" };
  return { x, bracket, isolation: verified ? "verified" : "bisection" };
}

/** All switching points of all switches on [a, b], merged where brackets touch. */
export function switchPoints(kGraph: Graph, switches: readonly Switch[], a: number, b: number, opts: RootOptions, openEnds: readonly [boolean, boolean]): SwitchPoint[] {
  const pts: SwitchPoint[] = [];
  for (const [j, s] of switches.entries()) {
    const cs = clusters(kGraph, s.output, a, b, opts, openEnds);
    if (cs.length === 0) continue;
    const dkGraph = grad(kGraph, { of: s.output, wrt: ["x"], keepOutputs: false });
    for (const c of cs) pts.push({ ...locate(kGraph, dkGraph, s.output, c), switches: [j] });
  }
  pts.sort((p, q) => p.x - q.x);
  const merged: SwitchPoint[] = [];
  const tol = (b - a) * 1e-13;
  for (const p of pts) {
    const last = merged[merged.length - 1];
    if (last && p.bracket[0] <= last.bracket[1] + tol) {
      const lo = Math.min(last.bracket[0], p.bracket[0]);
      const hi = Math.max(last.bracket[1], p.bracket[1]);
      const iso = last.isolation === p.isolation ? p.isolation : last.isolation === "bisection" || p.isolation === "bisection" ? "bisection" : "verified";
      merged[merged.length - 1] = { x: last.isolation === "exact" ? last.x : p.isolation === "exact" ? p.x : simplestIn(lo, hi), bracket: [lo, hi], switches: [...last.switches, ...p.switches], isolation: iso };
    } else merged.push(p);
  }
  // A switching point at an end of the domain changes nothing inside it.
  return merged.filter((p) => p.x > a && p.x < b);
}

export type { Interval };
