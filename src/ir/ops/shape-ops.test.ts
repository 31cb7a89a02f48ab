import { afterAll, describe, expect, it } from "vitest";
import { GraphBuilder, type Value } from "../builder.js";
import type { Graph } from "../graph.js";
import { tensor, type Tensor } from "../tensor.js";
import { getOp } from "../registry.js";
import { evaluate } from "../../exec/reference.js";
import { evaluateInterval } from "../../exec/interval-interpreter.js";
import { evaluateExactFromFloat, exactToFloat64, isExactlyEvaluable } from "../../exec/exact-interpreter.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { graphToOnnx } from "../../exec/onnx/lower.js";
import { grad, gradName } from "../../autodiff/grad.js";
import { analyzeDcp } from "../../convexity/dcp/analyze-dcp.js";
import { createRng } from "../../util/random.js";
import {
  checkEnclosure, checkHvp, checkJvp, checkOrt, checkVjp, makeFeeds, type OpCase, type Sampler
} from "./op-checks.testkit.js";

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

/** Uniform on [-2, 2] but at least 0.05 from every kink, so central differences see one smooth piece. */
const awayFrom = (...kinks: number[]): Sampler => (r) => {
  for (;;) {
    const v = 4 * r.next() - 2;
    if (kinks.every((k) => Math.abs(v - k) > 0.05)) return v;
  }
};

/** The ops alone: rational, so the exact interpreter applies. */
const PURE: OpCase[] = [
  { name: "Clip [min, max]", inputs: { a: [3, 4] }, sample: { a: awayFrom(-0.5, 0.8) }, build: (g, x) => g.clip(x.a!, -0.5, 0.8) },
  { name: "Clip min only", inputs: { a: [7] }, sample: { a: awayFrom(0.3) }, build: (g, x) => g.clip(x.a!, 0.3) },
  { name: "Clip max only", inputs: { a: [7] }, sample: { a: awayFrom(-0.2) }, build: (g, x) => g.clip(x.a!, undefined, -0.2) },
  { name: "Clip min > max", inputs: { a: [5] }, build: (g, x) => g.clip(x.a!, 1, -1) },
  { name: "Squeeze listed axes", inputs: { a: [3, 1, 4, 1] }, build: (g, x) => g.squeeze(x.a!, [1, -1]) },
  { name: "Squeeze all length-1 axes", inputs: { a: [1, 3, 1, 2] }, build: (g, x) => g.squeeze(x.a!) },
  { name: "Unsqueeze", inputs: { a: [3, 4] }, build: (g, x) => g.unsqueeze(x.a!, [0, -1]) },
  { name: "Unsqueeze middle", inputs: { a: [3, 4] }, build: (g, x) => g.unsqueeze(x.a!, [1]) },
  { name: "Dropout (inference)", inputs: { a: [2, 3] }, build: (g, x) => g.dropout(x.a!, 0.3) }
];

/** The ops inside smooth nonlinear graphs, so second derivatives are not trivially zero. */
const COMPOSED: OpCase[] = [
  ...PURE.filter((c) => !c.name.includes("min > max")).map((c) => ({
    ...c,
    name: `${c.name} · sin(b)`,
    inputs: { ...c.inputs, b: c.inputs["a"]! },
    build: (g: GraphBuilder, x: Record<string, Value>) => {
      const y = c.build(g, x);
      return g.mul(g.tanh(y), g.reshape(g.sin(x.b!), y.shape));
    }
  })),
  {
    name: "Unsqueeze then Squeeze round trip in a product",
    inputs: { a: [2, 3] },
    build: (g, x) => g.mul(g.squeeze(g.unsqueeze(g.exp(x.a!), [1]), [1]), x.a!)
  }
];

function graphOf(c: OpCase): Graph {
  const g = new GraphBuilder();
  const v: Record<string, Value> = {};
  for (const [k, s] of Object.entries(c.inputs)) v[k] = g.input(k, s);
  return g.build({ y: c.build(g, v) });
}

const clipDirect = (v: number, lo: number, hi: number): number => {
  let r = v;
  if (r < lo) r = lo;
  if (r > hi) r = hi;
  return lo > hi ? hi : r;
};

describe("float64 kernels", () => {
  it("Clip is min(max(x, min), max), max everywhere when min > max", () => {
    const bounds: [string, number, number][] = [["Clip [min, max]", -0.5, 0.8], ["Clip min only", 0.3, Infinity], ["Clip max only", -Infinity, -0.2], ["Clip min > max", 1, -1]];
    for (const [name, lo, hi] of bounds) {
      const c = PURE.find((k) => k.name === name)!;
      const f = makeFeeds(c, 3);
      const got = evaluate(graphOf(c), f)["y"]!.data;
      expect(Array.from(got), name).toEqual(Array.from(f["a"]!.data, (v) => clipDirect(v, lo, hi)));
    }
  });

  it("Squeeze, Unsqueeze and Dropout keep the data and change only the shape", () => {
    const want: Record<string, number[]> = {
      "Squeeze listed axes": [3, 4], "Squeeze all length-1 axes": [3, 2], Unsqueeze: [1, 3, 4, 1], "Unsqueeze middle": [3, 1, 4], "Dropout (inference)": [2, 3]
    };
    for (const [name, shape] of Object.entries(want)) {
      const c = PURE.find((k) => k.name === name)!;
      const f = makeFeeds(c, 4);
      const y = evaluate(graphOf(c), f)["y"]!;
      expect(y.shape, name).toEqual(shape);
      expect(Array.from(y.data), name).toEqual(Array.from(f["a"]!.data));
    }
  });

  it("reject bad axes and training-mode Dropout with clear messages", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [3, 1]);
    expect(() => g.squeeze(x, [0])).toThrow(/cannot squeeze axis 0 of length 3/);
    expect(() => g.squeeze(x, [2])).toThrow(/out of range/);
    expect(() => g.unsqueeze(x, [1, 1])).toThrow(/listed twice/);
    expect(() => g.unsqueeze(x, [3])).toThrow(/out of range/);
    expect(() => g.op("Dropout", [x], { training_mode: 1 })).toThrow(/Dropout: training_mode = 1 is not supported/);
    expect(() => g.op("Clip", [x], { min: Number.NaN })).toThrow(/min must be a number/);
  });
});

describe("derivative rules match finite differences", () => {
  for (const c of COMPOSED) {
    it(`${c.name}: VJP, JVP and HVP`, () => {
      for (const seed of [1, 2, 3]) {
        checkVjp(c, seed);
        checkJvp(c, seed);
        checkHvp(c, seed);
      }
    });
  }

  it("Clip's gradient is 1 strictly inside, 0 outside and at both bounds; 0 everywhere when min > max", () => {
    const at = (lo: number, hi: number, xs: number[]): number[] => {
      const g = new GraphBuilder();
      const x = g.input("x", [xs.length]);
      const gr = grad(g.build({ f: g.sum(g.clip(x, lo, hi)) }), { wrt: ["x"] });
      return Array.from(evaluate(gr, { x: tensor([xs.length], xs) })[gradName("x")]!.data);
    };
    expect(at(0, 1, [-1, 0, 0.5, 1, 2])).toEqual([0, 0, 1, 0, 0]);
    expect(at(1, -1, [-2, -1, 0, 1, 2])).toEqual([0, 0, 0, 0, 0]);
    expect(getOp("Clip").nonSmooth).toMatch(/at x = min and x = max too/);
  });
});

describe("onnxruntime agrees with the reference on forward, gradient and HVP graphs", () => {
  for (const c of [...PURE, ...COMPOSED]) {
    it(c.name, async () => {
      for (const seed of [1, 2]) await checkOrt(c, ort64, ort32, seed);
    });
  }

  it("lowers Clip bounds to scalar inputs of the node's dtype, an absent min to the empty name", () => {
    const g = new GraphBuilder("float32");
    const x = g.input("x", [3]);
    const model = graphToOnnx(g.build({ a: g.clip(x, undefined, 2), b: g.clip(x, -1), c: g.squeeze(g.unsqueeze(x, [0])), d: g.dropout(x) }));
    const nodes = model.graph!.node!;
    const clips = nodes.filter((n) => n.opType === "Clip");
    expect(clips.map((n) => n.input!.length).sort()).toEqual([2, 3]);
    const maxOnly = clips.find((n) => n.input!.length === 3)!;
    expect(maxOnly.input![1]).toBe("");
    const init = model.graph!.initializer!.find((t) => t.name === maxOnly.input![2])!;
    expect(init.dataType).toBe(1); // FLOAT
    expect(init.dims ?? []).toEqual([]);
    expect(nodes.find((n) => n.opType === "Squeeze")!.input!.length).toBe(1);
    expect(nodes.find((n) => n.opType === "Unsqueeze")!.input!.length).toBe(2);
    expect(nodes.some((n) => n.opType === "Dropout")).toBe(false);
  });
});

describe("exact and interval kernels", () => {
  it("every case is exactly evaluable", () => {
    for (const c of PURE) expect(isExactlyEvaluable(graphOf(c)), c.name).toBe(true);
  });

  it("exact equals float64 on small integers and dyadic bounds", () => {
    const rng = createRng(5);
    const ints: Sampler = () => Math.floor(11 * rng.next()) - 5;
    const cases: OpCase[] = [
      ...PURE.filter((c) => !c.name.startsWith("Clip")),
      { name: "Clip [-2, 3]", inputs: { a: [12] }, build: (g, x) => g.clip(x.a!, -2, 3) },
      { name: "Clip [-0.75] only", inputs: { a: [12] }, build: (g, x) => g.clip(x.a!, -0.75) },
      { name: "Clip [, 1.5] only", inputs: { a: [12] }, build: (g, x) => g.clip(x.a!, undefined, 1.5) },
      { name: "Clip 2 > -1", inputs: { a: [12] }, build: (g, x) => g.clip(x.a!, 2, -1) }
    ];
    for (const c of cases) {
      const graph = graphOf(c);
      const feeds: Record<string, Tensor> = {};
      for (const [k, s] of Object.entries(c.inputs)) feeds[k] = tensor(s, Array.from({ length: s.reduce((p, q) => p * q, 1) }, ints));
      const ex = evaluateExactFromFloat(graph, feeds)["y"]!;
      const fl = evaluate(graph, feeds)["y"]!;
      expect(ex.shape, c.name).toEqual(fl.shape);
      expect(Array.from(exactToFloat64(ex)), c.name).toEqual(Array.from(fl.data));
    }
  });

  for (const c of PURE) {
    it(`${c.name}: the enclosure over random boxes contains the exact value at random points`, () => {
      for (let seed = 0; seed < 40; seed++) for (const radius of [0, 0.01, 0.5, 2]) checkEnclosure(c, seed, radius);
    });
  }

  it("Clip maps a box to its clipped endpoints, unbounded boxes included", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [3]);
    const out = evaluateInterval(g.build({ y: g.clip(x, -1, 2) }), { x: { shape: [3], lo: Float64Array.of(-Infinity, 0.5, 3), hi: Float64Array.of(Infinity, 1.5, 4) } })["y"]!;
    expect(Array.from(out.lo)).toEqual([-1, 0.5, 2]);
    expect(Array.from(out.hi)).toEqual([2, 1.5, 2]);
  });
});

describe("DCP facts", () => {
  const curv = (f: (g: GraphBuilder, x: Value) => Value): string => {
    const g = new GraphBuilder();
    const x = g.input("x", [3]);
    return analyzeDcp(g.build({ y: g.sum(f(g, x)) })).curvature;
  };
  it("Clip is increasing: convex with only min, concave with only max, neither with both", () => {
    expect(curv((g, x) => g.clip(x, 0))).toBe("convex");
    expect(curv((g, x) => g.clip(g.relu(x), 0.5))).toBe("convex");
    expect(curv((g, x) => g.neg(g.clip(x, 0)))).toBe("concave");
    expect(curv((g, x) => g.clip(x, undefined, 1))).toBe("concave");
    expect(curv((g, x) => g.clip(x, 0, 1))).toBe("unknown");
    expect(curv((g, x) => g.clip(g.mul(x, 2)))).toBe("affine");
    expect(curv((g, x) => g.exp(g.clip(g.relu(x), 1)))).toBe("convex");
  });

  it("Clip's sign follows its bounds", () => {
    const facts = getOp("Clip").curvature!;
    const arg = { curvature: "affine" as const, sign: "unknown" as const };
    const sign = (attrs: Record<string, number>) => facts.atom({ attrs, args: [arg], sameOperands: false }).sign;
    expect(sign({ min: 0.5 })).toBe("positive");
    expect(sign({ min: 0 })).toBe("nonneg");
    expect(sign({ max: -1 })).toBe("negative");
    expect(sign({ min: -1, max: 1 })).toBe("unknown");
    expect(facts.atom({ attrs: { min: -1, max: 1 }, args: [{ curvature: "affine", sign: "positive" }], sameOperands: false }).sign).toBe("positive");
    // with both bounds, a range that stays below max makes it max(x, min): convex
    expect(facts.atom({ attrs: { min: -1, max: 1 }, args: [{ ...arg, range: { lo: -3, hi: 0.5 } }], sameOperands: false }).curvature).toBe("convex");
  });

  it("Squeeze, Unsqueeze and Dropout are affine and increasing", () => {
    expect(curv((g, x) => g.relu(g.squeeze(g.unsqueeze(x, [0]), [0])))).toBe("convex");
    expect(curv((g, x) => g.dropout(g.mul(x, 3)))).toBe("affine");
    expect(curv((g, x) => g.exp(g.unsqueeze(x, [1])))).toBe("convex");
  });
});
