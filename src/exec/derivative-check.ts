/**
 * Finite-difference oracles for the autodiff transforms. Used by the tests; exported so other
 * layers (and users debugging a custom graph) can check derivatives the same way.
 */
import type { Graph } from "../ir/graph.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { evaluate } from "./reference.js";

export type Feeds = Record<string, Tensor>;

function perturb(feeds: Feeds, name: string, index: number, delta: number): Feeds {
  const t = feeds[name]!;
  const data = t.data.slice();
  data[index]! += delta;
  return { ...feeds, [name]: tensor(t.shape, data, t.dtype) };
}

function scalarOut(graph: Graph, feeds: Feeds, output: string): number {
  const r = evaluate(graph, feeds, { outputs: [output] })[output]!;
  let s = 0;
  for (const v of r.data) s += v;
  return s;
}

/** Central differences of sum(output) with respect to every element of `wrt`. */
export function fdGradient(graph: Graph, feeds: Feeds, output: string, wrt: string, h = 1e-6): Float64Array {
  const n = feeds[wrt]!.data.length;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = feeds[wrt]!.data[i]!;
    const step = h * Math.max(1, Math.abs(x));
    g[i] = (scalarOut(graph, perturb(feeds, wrt, i, step), output) - scalarOut(graph, perturb(feeds, wrt, i, -step), output)) / (2 * step);
  }
  return g;
}

/** Central difference of an output along a direction in several inputs at once. */
export function fdDirectional(graph: Graph, feeds: Feeds, output: string, dirs: Readonly<Record<string, Float64Array>>, h = 1e-6): Float64Array {
  const shifted = (s: number): Feeds => {
    const f: Feeds = { ...feeds };
    for (const [name, d] of Object.entries(dirs)) {
      const t = feeds[name]!;
      f[name] = tensor(t.shape, t.data.map((v, i) => v + s * d[i]!), t.dtype);
    }
    return f;
  };
  const a = evaluate(graph, shifted(h), { outputs: [output] })[output]!.data;
  const b = evaluate(graph, shifted(-h), { outputs: [output] })[output]!.data;
  return a.map((v, i) => (v - b[i]!) / (2 * h));
}

/** Largest |a - b| relative to max(1, |b|). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (!(e <= m)) m = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
  }
  return m;
}
