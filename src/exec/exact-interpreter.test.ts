import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder, type Value } from "../ir/builder.js";
import { broadcastShapes } from "../ir/shape.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { Rational } from "../num/rational.js";
import { createRng, type Rng } from "../util/random.js";
import { UserError } from "../util/errors.js";
import { evaluate } from "./reference.js";
import {
  evaluateExact,
  evaluateExactFromFloat,
  exactFromTensor,
  exactnessProblems,
  exactToFloat64,
  isExactlyEvaluable,
  NotExactlyEvaluableError
} from "./exact-interpreter.js";

/** A small dyadic k/4 with |k| ≤ 8: products and sums of a few of them are exact in float64 too. */
function dyadic(rng: Rng): number {
  return (rng.int(17) - 8) / 4;
}

type Step = (g: GraphBuilder, pick: () => Value, rng: Rng) => Value | null;

function broadcastable(a: Value, b: Value): boolean {
  try {
    broadcastShapes(a.shape, b.shape);
    return true;
  } catch {
    return false;
  }
}

const steps: Step[] = [
  (g, pick) => { const a = pick(), b = pick(); return broadcastable(a, b) ? g.add(a, b) : null; },
  (g, pick) => { const a = pick(), b = pick(); return broadcastable(a, b) ? g.sub(a, b) : null; },
  (g, pick) => { const a = pick(), b = pick(); return broadcastable(a, b) ? g.mul(a, b) : null; },
  (g, pick) => { const a = pick(), b = pick(); return broadcastable(a, b) ? g.max(a, b) : null; },
  (g, pick) => { const a = pick(), b = pick(); return broadcastable(a, b) ? g.min(a, b) : null; },
  (g, pick) => g.neg(pick()),
  (g, pick) => g.abs(pick()),
  (g, pick) => g.relu(pick()),
  (g, pick) => g.leakyRelu(pick(), 0.25),
  (g, pick) => g.sign(pick()),
  (g, pick) => g.identity(pick()),
  (g, pick) => g.pow(pick(), 2),
  (g, pick) => {
    const c = pick(), a = pick(), b = pick();
    if (!broadcastable(c, a) || !broadcastable(c, b) || !broadcastable(a, b)) return null;
    try { broadcastShapes(c.shape, a.shape, b.shape); } catch { return null; }
    return g.where(g.greater(c, a), a, b);
  },
  (g, pick) => { const a = pick(), b = pick(); return broadcastable(a, b) ? g.cast(g.less(a, b), "float64") : null; },
  (g, pick) => { const a = pick(); return g.cast(g.equal(a, g.neg(a)), "float64"); },
  (g, pick) => { const a = pick(); return a.rank === 2 ? g.matmul(a, g.transpose(a)) : null; },
  (g, pick) => { const a = pick(); return a.rank === 2 ? g.gemm(a, a, undefined, { transA: true, alpha: 0.5 }) : null; },
  (g, pick, rng) => { const a = pick(); return a.rank >= 1 ? g.reduceSum(a, [rng.int(a.rank)], rng.next() < 0.5) : g.reduceSum(a); },
  (g, pick, rng) => { const a = pick(); return a.rank >= 1 ? g.reduceMax(a, [rng.int(a.rank)], rng.next() < 0.5) : null; },
  (g, pick) => { const a = pick(); return g.reshape(a, [-1]); },
  (g, pick) => { const a = pick(); return a.rank >= 1 ? g.concat([a, g.neg(a)], 0) : null; },
  (g, pick) => { const a = pick(); return a.rank >= 1 && a.shape[0]! > 1 ? g.slice(a, [1], [a.shape[0]!], [0]) : null; },
  (g, pick) => { const a = pick(); return g.expand(a, [2, ...a.shape]); },
  (g, pick) => { const a = pick(); return a.rank === 2 ? g.transpose(a) : null; },
  (g, pick) => { const a = pick(); return a.rank === 2 ? g.flatten(a, 1) : null; }
];

function randomGraph(seed: number) {
  const rng = createRng(seed);
  const g = new GraphBuilder("float64");
  const shapes: Record<string, number[]> = { a: [3, 4], b: [4], c: [3, 1] };
  const pool: Value[] = [];
  const feeds: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(shapes)) {
    pool.push(g.input(k, s));
    const n = s.reduce((x, y) => x * y, 1);
    feeds[k] = tensor(s, Array.from({ length: n }, () => dyadic(rng)));
  }
  pool.push(g.constant(tensor([4], [0.5, -1.25, 2, 0])));
  const pick = (): Value => pool[pool.length - 1 - rng.int(Math.min(pool.length, 4))]!;
  let made = 0;
  for (let tries = 0; made < 6 && tries < 100; tries++) {
    const v = steps[rng.int(steps.length)]!(g, pick, rng);
    if (v) {
      pool.push(v);
      made++;
    }
  }
  return { graph: g.build({ y: pool[pool.length - 1]!, z: pool[pool.length - 2]! }), feeds };
}

describe("exact interpreter", () => {
  it("agrees bit for bit with float64 on random graphs of small dyadic values (where float64 is exact too)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { graph, feeds } = randomGraph(seed);
        expect(isExactlyEvaluable(graph)).toBe(true);
        const ex = evaluateExactFromFloat(graph, feeds);
        // large intermediate values could round in float64; this generator keeps them far below 2^53
        fc.pre(Object.values(ex).every((t) => t.data.every((r) => r.abs().lt(Rational.fromInt(2 ** 30)) && r.den < 2n ** 20n)));
        const fl = evaluate(graph, feeds);
        for (const k of ["y", "z"]) {
          expect(ex[k]!.shape).toEqual(fl[k]!.shape);
          expect(Array.from(exactToFloat64(ex[k]!))).toEqual(Array.from(fl[k]!.data, (v) => (v === 0 ? 0 : v)));
        }
      }),
      { numRuns: 300 }
    );
  });

  it("computes the exact value where float64 rounds (1/10 + 2/10 is exactly 3/10 as rationals of the doubles)", () => {
    const g = new GraphBuilder("float64");
    const x = g.input("x", [3]);
    const graph = g.build({ y: g.reduceMean(g.div(x, 3)) });
    const r = evaluateExact(graph, { x: { shape: [3], data: [Rational.parse("1/10"), Rational.parse("2/10"), Rational.ONE] } }).y!;
    expect(r.data[0]!.toString()).toBe("13/90");
  });

  it("converts float64 tensors exactly from their bits", () => {
    const t = exactFromTensor(tensor([2], [0.1, -3]));
    expect(t.data[0]!.toString()).toBe("3602879701896397/36028797018963968");
    expect(t.data[1]!.toString()).toBe("-3");
  });

  it("names the op and node that make a graph not exactly evaluable", () => {
    const g = new GraphBuilder("float64");
    const x = g.input("x", [2]);
    const graph = g.build({ y: g.add(g.relu(x), g.sigmoid(x)) });
    expect(isExactlyEvaluable(graph)).toBe(false);
    const p = exactnessProblems(graph);
    expect(p.map((q) => q.op)).toEqual(["Sigmoid"]);
    expect(() => evaluateExactFromFloat(graph, { x: tensor([2], [1, 2]) })).toThrow(/Sigmoid/);
    expect(() => evaluateExactFromFloat(graph, { x: tensor([2], [1, 2]) })).toThrow(UserError);
  });

  it("accepts Pow with a constant integer exponent and refuses a fractional one", () => {
    const g = new GraphBuilder("float64");
    const x = g.input("x", [2]);
    const graph = g.build({ cube: g.pow(x, 3), root: g.pow(x, 0.5) });
    expect(isExactlyEvaluable(graph, ["cube"])).toBe(true);
    expect(isExactlyEvaluable(graph, ["root"])).toBe(false);
    const r = evaluateExactFromFloat(graph, { x: tensor([2], [-0.5, 3]) }, ["cube"]).cube!;
    expect(r.data.map(String)).toEqual(["-1/8", "27"]);
  });

  it("reports division by zero as having no exact value", () => {
    const g = new GraphBuilder("float64");
    const x = g.input("x", [1]);
    const graph = g.build({ y: g.div(1, x) });
    expect(() => evaluateExactFromFloat(graph, { x: tensor([1], [0]) })).toThrow(NotExactlyEvaluableError);
  });
});
