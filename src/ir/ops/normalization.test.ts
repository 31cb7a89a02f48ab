import { afterAll, describe, expect, it } from "vitest";
import { GraphBuilder } from "../builder.js";
import { tensor, type Tensor } from "../tensor.js";
import { sizeOf } from "../shape.js";
import { getOp } from "../registry.js";
import { evaluate } from "../../exec/reference.js";
import { evaluateInterval, evaluateIntervalAt } from "../../exec/interval-interpreter.js";
import { isExactlyEvaluable } from "../../exec/exact-interpreter.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { decomposeForOnnx } from "../../exec/onnx/lower.js";
import { analyzeDcp } from "../../convexity/dcp/analyze-dcp.js";
import {
  checkEnclosure, checkHvp, checkJvp, checkOrt, checkVjp, makeFeeds, positive, type OpCase
} from "./op-checks.testkit.js";

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

const F32_EPS = Math.fround(1e-5);

const bnCase = (name: string, xShape: number[], epsilon?: number): OpCase => {
  const c = xShape[1]!;
  return {
    name,
    inputs: { x: xShape, scale: [c], b: [c], mean: [c], var: [c] },
    sample: { var: positive },
    build: (g, v) => g.batchNormalization(v.x!, v.scale!, v.b!, v.mean!, v.var!, epsilon)
  };
};

const BN_CASES: OpCase[] = [
  bnCase("BatchNormalization [N,C,H,W]", [2, 3, 2, 2]),
  bnCase("BatchNormalization [N,C]", [4, 3]),
  bnCase("BatchNormalization [N,C,L], epsilon 0.1 (not a float32)", [2, 2, 3], 0.1)
];

const LN_CASES: OpCase[] = [
  {
    name: "LayerNormalization last axis",
    inputs: { x: [2, 3, 4], scale: [4], b: [4] },
    build: (g, v) => g.layerNormalization(v.x!, v.scale!, v.b!)
  },
  {
    name: "LayerNormalization axis 1",
    inputs: { x: [2, 3, 4], scale: [3, 4], b: [3, 4] },
    build: (g, v) => g.layerNormalization(v.x!, v.scale!, v.b!, { axis: 1 })
  },
  {
    name: "LayerNormalization without B",
    inputs: { x: [3, 5], scale: [5] },
    build: (g, v) => g.layerNormalization(v.x!, v.scale!)
  },
  {
    name: "LayerNormalization epsilon 0.1 (not a float32), axis -2",
    inputs: { x: [2, 3, 2], scale: [3, 2], b: [3, 2] },
    build: (g, v) => g.layerNormalization(v.x!, v.scale!, v.b!, { axis: -2, epsilon: 0.1 })
  }
];

const ALL = [...BN_CASES, ...LN_CASES];

function graphOf(c: OpCase) {
  const g = new GraphBuilder();
  const v: Record<string, ReturnType<GraphBuilder["input"]>> = {};
  for (const [k, s] of Object.entries(c.inputs)) v[k] = g.input(k, s);
  return g.build({ y: c.build(g, v) });
}

function run1(c: OpCase, feeds: Record<string, Tensor>): Float64Array {
  return evaluate(graphOf(c), feeds)["y"]!.data;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? m : Infinity;
}

describe("BatchNormalization float64 kernel", () => {
  it("matches (x − mean)/sqrt(var + ε)·scale + B written as an N,C,H,W loop", () => {
    const c = BN_CASES[0]!;
    for (const seed of [1, 2, 3]) {
      const f = makeFeeds(c, seed);
      const [N, C, H, W] = [2, 3, 2, 2];
      const want = new Float64Array(N * C * H * W);
      for (let n = 0; n < N; n++) for (let ch = 0; ch < C; ch++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
        const i = ((n * C + ch) * H + h) * W + w;
        const inv = 1 / Math.sqrt(f["var"]!.data[ch]! + F32_EPS);
        want[i] = f["scale"]!.data[ch]! * inv * (f["x"]!.data[i]! - f["mean"]!.data[ch]!) + f["b"]!.data[ch]!;
      }
      expect(maxAbsDiff(run1(c, f), want)).toBeLessThan(1e-14);
    }
  });

  it("uses ONNX's float32 epsilon by default and keeps a given epsilon as given", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1]);
    const one = g.constant(tensor([1], [1]));
    const zero = g.constant(tensor([1], [0]));
    const d = g.batchNormalization(x, one, zero, zero, one);
    const e = g.batchNormalization(x, one, zero, zero, one, 1e-5);
    const graph = g.build({ d, e });
    expect(graph.nodes[graph.outputs[0]!.id]!.attrs["epsilon"]).toBe(F32_EPS);
    expect(graph.nodes[graph.outputs[1]!.id]!.attrs["epsilon"]).toBe(1e-5);
    const r = evaluate(graph, { x: tensor([1, 1], [1]) });
    expect(r["d"]!.data[0]).toBe(1 / Math.sqrt(1 + F32_EPS));
    expect(r["e"]!.data[0]).toBe(1 / Math.sqrt(1 + 1e-5));
  });

  it("rejects training mode and per-channel inputs of the wrong length", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 3]);
    const p = g.input("p", [3]);
    const q = g.input("q", [2]);
    expect(() => g.op("BatchNormalization", [x, p, p, p, p], { training_mode: 1 })).toThrow(/training_mode = 1 is not supported/);
    expect(() => g.batchNormalization(x, p, q, p, p)).toThrow(/B must have shape \[3\]/);
    expect(() => g.batchNormalization(g.input("v", [3]), p, p, p, p)).toThrow(/rank >= 2/);
  });
});

describe("LayerNormalization float64 kernel", () => {
  it("matches a direct loop (variance as E[x²] − E[x]²) over the normalized axes", () => {
    for (const c of LN_CASES) {
      const f = makeFeeds(c, 5);
      const xs = c.inputs["x"]!;
      const axis = c.name.includes("axis 1") ? 1 : c.name.includes("axis -2") ? xs.length - 2 : xs.length - 1;
      const eps = c.name.includes("0.1") ? 0.1 : F32_EPS;
      const lane = sizeOf(xs.slice(axis));
      const want = new Float64Array(sizeOf(xs));
      for (let o = 0; o < want.length / lane; o++) {
        let s = 0, s2 = 0;
        for (let i = 0; i < lane; i++) {
          const v = f["x"]!.data[o * lane + i]!;
          s += v;
          s2 += v * v;
        }
        const mean = s / lane, variance = s2 / lane - mean * mean;
        for (let i = 0; i < lane; i++) {
          // Scale and B have the normalized shape, so the lane offset indexes them directly
          const b = f["b"] ? f["b"].data[i]! : 0;
          want[o * lane + i] = ((f["x"]!.data[o * lane + i]! - mean) / Math.sqrt(variance + eps)) * f["scale"]!.data[i]! + b;
        }
      }
      expect(maxAbsDiff(run1(c, f), want), c.name).toBeLessThan(1e-12);
    }
  });

  it("rejects a Scale that does not broadcast to X", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 4]);
    expect(() => g.layerNormalization(x, g.input("s", [3]))).toThrow(/Scale of shape \[3\] does not broadcast/);
    expect(() => g.layerNormalization(x, g.input("t", [4]), undefined, { axis: 2 })).toThrow(/axis 2 is out of range/);
  });
});

describe("normalization derivative rules match finite differences", () => {
  for (const c of ALL) {
    it(`${c.name}: VJP, JVP and HVP`, () => {
      for (const seed of [1, 2, 3]) {
        checkVjp(c, seed);
        checkJvp(c, seed);
        checkHvp(c, seed);
      }
    });
  }
});

describe("onnxruntime agrees with the reference on forward, gradient and HVP graphs", () => {
  for (const c of ALL) {
    it(c.name, async () => {
      for (const seed of [1, 2]) await checkOrt(c, ort64, ort32, seed);
    });
  }

  it("runs BatchNormalization and LayerNormalization natively unless epsilon is not a float32", () => {
    const ops = (c: OpCase): string[] => decomposeForOnnx(graphOf(c)).nodes.map((n) => n.op);
    expect(ops(BN_CASES[0]!)).toContain("BatchNormalization");
    expect(ops(BN_CASES[2]!)).not.toContain("BatchNormalization");
    expect(ops(LN_CASES[0]!)).toContain("LayerNormalization");
    expect(ops(LN_CASES[3]!)).not.toContain("LayerNormalization");
  });
});


describe("normalization interval kernels", () => {
  it("have no exact kernel: 1/sqrt is irrational", () => {
    expect(getOp("BatchNormalization").exact).toBeUndefined();
    expect(getOp("LayerNormalization").exact).toBeUndefined();
    expect(isExactlyEvaluable(graphOf(BN_CASES[0]!))).toBe(false);
  });

  for (const c of ALL) {
    it(`${c.name}: encloses the float64 value at random points of random boxes`, () => {
      for (let seed = 0; seed < 30; seed++) {
        for (const radius of [0, 0.01, 0.5, 2]) checkEnclosure(c, seed, radius, { keepPositive: ["var"] });
      }
    });
  }

  it("are tight at point boxes", () => {
    for (const c of ALL) {
      const graph = graphOf(c);
      const feeds = makeFeeds(c, 9);
      const y = evaluate(graph, feeds)["y"]!.data;
      const out = evaluateIntervalAt(graph, feeds)["y"]!;
      y.forEach((v, i) => {
        expect(out.hi[i]! - out.lo[i]!, `${c.name} width at ${i}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v)));
        expect(Math.abs(out.lo[i]! - v), c.name).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v)));
      });
    }
  });

  it("bound a layer-normalized value by sqrt(n − 1)·|scale| + |B| however wide the box", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 5]);
    const graph = g.build({ y: g.layerNormalization(x, g.constant(tensor([5], [1, -2, 1, 1, 0.5])), g.constant(tensor([5], [0, 0, 3, 0, 0]))) });
    const out = evaluateInterval(graph, { x: { shape: [1, 5], lo: new Float64Array(5).fill(-1e6), hi: new Float64Array(5).fill(1e6) } })["y"]!;
    const s = [1, 2, 1, 1, 0.5], b = [0, 0, 3, 0, 0];
    for (let i = 0; i < 5; i++) {
      expect(out.lo[i]).toBeGreaterThanOrEqual(b[i]! - 2 * s[i]! - 1e-12);
      expect(out.hi[i]).toBeLessThanOrEqual(b[i]! + 2 * s[i]! + 1e-12);
    }
  });

  it("give no enclosure when the variance box reaches below −ε", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 1]);
    const one = g.constant(tensor([1], [1]));
    const graph = g.build({ y: g.batchNormalization(x, one, one, one, g.input("v", [1])) });
    const out = evaluateInterval(graph, { x: { shape: [1, 1], lo: Float64Array.of(0), hi: Float64Array.of(1) }, v: { shape: [1], lo: Float64Array.of(-1), hi: Float64Array.of(1) } })["y"]!;
    expect(Number.isNaN(out.lo[0]!)).toBe(true);
  });
});

describe("normalization DCP facts", () => {
  const bnGraph = (scale: number[], f: (g: GraphBuilder, y: ReturnType<GraphBuilder["input"]>) => ReturnType<GraphBuilder["input"]>) => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 2]);
    const c = (d: number[]) => g.constant(tensor([2], d));
    return g.build({ y: g.reduceSum(f(g, g.batchNormalization(g.relu(x), c(scale), c([0.1, -1]), c([0.5, 0.2]), c([1, 2])))) });
  };
  it("BatchNormalization is affine in X, increasing for a nonneg scale and decreasing for a nonpos one", () => {
    expect(analyzeDcp(bnGraph([1, 2], (_g, y) => y)).curvature).toBe("convex");
    expect(analyzeDcp(bnGraph([-1, -2], (_g, y) => y)).curvature).toBe("concave");
    expect(analyzeDcp(bnGraph([1, -2], (_g, y) => y)).curvature).toBe("unknown");
    expect(analyzeDcp(bnGraph([1, 2], (g, y) => g.exp(y))).curvature).toBe("convex");
  });

  it("BatchNormalization with a variable scale and variable X, or a variable variance, has no rule", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 2]);
    const s = g.input("s", [2]);
    const v = g.input("v", [2]);
    const k = g.constant(tensor([2], [0.5, 1]));
    const graph = g.build({ a: g.sum(g.batchNormalization(x, s, k, k, k)), b: g.sum(g.batchNormalization(x, k, k, k, v)), c: g.sum(g.batchNormalization(x, k, s, k, k)) });
    expect(analyzeDcp(graph, { of: "a" }).curvature).toBe("unknown");
    expect(analyzeDcp(graph, { of: "b", wrt: ["v"] }).curvature).toBe("unknown");
    expect(analyzeDcp(graph, { of: "c" }).curvature).toBe("affine");
    expect(analyzeDcp(graph, { of: "a", wrt: ["s"] }).curvature).toBe("affine");
  });

  it("LayerNormalization is not DCP in X but affine in Scale and B", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 3]);
    const s = g.input("s", [3]);
    const xc = g.constant(tensor([2, 3], [1, 2, 3, -1, 0, 4]));
    const graph = g.build({ a: g.sum(g.layerNormalization(x, g.constant(tensor([3], [1, 1, 1])))), b: g.sum(g.layerNormalization(xc, s, s)) });
    expect(analyzeDcp(graph, { of: "a", wrt: ["x"] }).curvature).toBe("unknown");
    expect(analyzeDcp(graph, { of: "b", wrt: ["s"] }).curvature).toBe("affine");
  });
});

