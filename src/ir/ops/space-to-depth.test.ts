import { afterAll, describe, expect, it } from "vitest";
import { GraphBuilder, type Value } from "../builder.js";
import type { Graph } from "../graph.js";
import { sizeOf } from "../shape.js";
import { tensor, type Tensor } from "../tensor.js";
import { evaluate } from "../../exec/reference.js";
import { evaluateExactFromFloat, exactToFloat64, isExactlyEvaluable } from "../../exec/exact-interpreter.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import { graphToOnnx } from "../../exec/onnx/lower.js";
import { grad, gradName } from "../../autodiff/grad.js";
import { analyzeDcp } from "../../convexity/dcp/analyze-dcp.js";
import { createRng } from "../../util/random.js";
import { checkEnclosure, checkHvp, checkJvp, checkOrt, checkVjp, makeFeeds, type OpCase } from "./op-checks.testkit.js";

const ort64 = createOnnxExecutor({ threads: 1 });
const ort32 = createOnnxExecutor({ threads: 1, dtype: "float32" });
afterAll(async () => {
  await ort64.dispose();
  await ort32.dispose();
});

const s2d = (b: number) => (g: GraphBuilder, x: Record<string, Value>): Value => g.op("SpaceToDepth", [x.a!], { blocksize: b });
const d2s = (b: number, mode?: "DCR" | "CRD") => (g: GraphBuilder, x: Record<string, Value>): Value =>
  g.op("DepthToSpace", [x.a!], mode ? { blocksize: b, mode } : { blocksize: b });

const PURE: OpCase[] = [
  { name: "SpaceToDepth b=2", inputs: { a: [2, 3, 4, 6] }, build: s2d(2) },
  { name: "SpaceToDepth b=3", inputs: { a: [1, 2, 6, 3] }, build: s2d(3) },
  { name: "SpaceToDepth b=1", inputs: { a: [1, 2, 2, 3] }, build: s2d(1) },
  { name: "DepthToSpace b=2 (default DCR)", inputs: { a: [2, 12, 2, 3] }, build: d2s(2) },
  { name: "DepthToSpace b=2 DCR", inputs: { a: [1, 8, 3, 2] }, build: d2s(2, "DCR") },
  { name: "DepthToSpace b=2 CRD", inputs: { a: [2, 12, 2, 3] }, build: d2s(2, "CRD") },
  { name: "DepthToSpace b=3 CRD", inputs: { a: [1, 18, 2, 1] }, build: d2s(3, "CRD") }
];

/** Inside smooth nonlinear graphs, so the HVP is not trivially zero and a wrong permutation shows. */
const COMPOSED: OpCase[] = PURE.map((c) => ({
  ...c,
  name: `tanh(${c.name}) · sin(b)`,
  inputs: { ...c.inputs, b: c.inputs["a"]! },
  build: (g: GraphBuilder, x: Record<string, Value>) => {
    const y = c.build(g, x);
    return g.mul(g.tanh(y), g.reshape(g.sin(x.b!), y.shape));
  }
}));

function graphOf(c: OpCase, dtype: "float32" | "float64" = "float64"): Graph {
  const g = new GraphBuilder(dtype);
  const v: Record<string, Value> = {};
  for (const [k, s] of Object.entries(c.inputs)) v[k] = g.input(k, s);
  return g.build({ y: c.build(g, v) });
}

/** ONNX's definitions as index formulas, written out element by element. */
function spaceToDepthDirect(x: Tensor, b: number): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const ho = h / b, wo = w / b;
  const y = new Array<number>(x.data.length);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let bh = 0; bh < b; bh++) for (let bw = 0; bw < b; bw++)
    for (let r = 0; r < ho; r++) for (let s = 0; s < wo; s++) {
      const oc = (bh * b + bw) * c + ch;
      y[((i * c * b * b + oc) * ho + r) * wo + s] = x.data[((i * c + ch) * h + r * b + bh) * w + s * b + bw]!;
    }
  return y;
}

function depthToSpaceDirect(x: Tensor, b: number, mode: "DCR" | "CRD"): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const co = c / (b * b);
  const y = new Array<number>(x.data.length);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < co; ch++) for (let bh = 0; bh < b; bh++) for (let bw = 0; bw < b; bw++)
    for (let r = 0; r < h; r++) for (let s = 0; s < w; s++) {
      const ic = mode === "DCR" ? (bh * b + bw) * co + ch : ch * b * b + bh * b + bw;
      y[((i * co + ch) * h * b + r * b + bh) * w * b + s * b + bw] = x.data[((i * c + ic) * h + r) * w + s]!;
    }
  return y;
}

function direct(c: OpCase, x: Tensor): number[] {
  const b = Number(/b=(\d)/.exec(c.name)![1]);
  if (c.name.startsWith("SpaceToDepth")) return spaceToDepthDirect(x, b);
  return depthToSpaceDirect(x, b, c.name.includes("CRD") ? "CRD" : "DCR");
}

describe("float64 kernels", () => {
  it("match ONNX's index formulas (SpaceToDepth channel (bh·b + bw)·C + c; DepthToSpace DCR and CRD)", () => {
    for (const c of PURE) {
      const f = makeFeeds(c, 3);
      const y = evaluate(graphOf(c), f)["y"]!;
      expect(Array.from(y.data), c.name).toEqual(direct(c, f["a"]!));
    }
  });

  it("shapes, and DepthToSpace in DCR mode undoes SpaceToDepth", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 3, 4, 6]);
    const s = g.op("SpaceToDepth", [x], { blocksize: 2 });
    expect(s.shape).toEqual([2, 12, 2, 3]);
    const back = g.op("DepthToSpace", [s], { blocksize: 2 });
    expect(back.shape).toEqual([2, 3, 4, 6]);
    const f = makeFeeds(PURE[0]!, 5);
    expect(Array.from(evaluate(g.build({ back }), { x: f["a"]! })["back"]!.data)).toEqual(Array.from(f["a"]!.data));
  });

  it("reject shapes ONNX rejects, with clear messages", () => {
    const g = new GraphBuilder();
    expect(() => g.op("SpaceToDepth", [g.input("a", [1, 2, 5, 4])], { blocksize: 2 })).toThrow(/not a multiple of blocksize 2/);
    expect(() => g.op("SpaceToDepth", [g.input("b", [2, 4, 4])], { blocksize: 2 })).toThrow(/4-D input/);
    expect(() => g.op("DepthToSpace", [g.input("c", [1, 6, 2, 2])], { blocksize: 2 })).toThrow(/not a multiple of blocksize² = 4/);
    expect(() => g.op("DepthToSpace", [g.input("d", [1, 4, 2, 2])], { blocksize: 2, mode: "XYZ" })).toThrow(/DCR" or "CRD/);
    expect(() => g.op("SpaceToDepth", [g.input("e", [1, 1, 2, 2])], { blocksize: 0 })).toThrow(/positive integer/);
  });
});

describe("derivative rules match finite differences", () => {
  for (const c of COMPOSED) {
    it(`${c.name}: VJP, JVP and HVP`, () => {
      for (const seed of [1, 2]) {
        checkVjp(c, seed);
        checkJvp(c, seed);
        checkHvp(c, seed);
      }
    });
  }

  it("each op's gradient is the other op applied to the adjoint (DCR), and the inverse transpose for CRD", () => {
    for (const c of PURE) {
      const g = new GraphBuilder();
      const a = g.input("a", c.inputs["a"]!);
      const y = c.build(g, { a });
      const w = g.input("w", y.shape);
      const gr = grad(g.build({ L: g.sum(g.mul(y, w)) }), { of: "L", wrt: ["a"] });
      const ops = gr.nodes.map((n) => n.op);
      if (c.name.startsWith("SpaceToDepth")) expect(ops, c.name).toContain("DepthToSpace");
      else if (c.name.includes("CRD")) expect(ops, c.name).toContain("Transpose");
      else expect(ops, c.name).toContain("SpaceToDepth");
      // <y, w> = <a, Jᵀw>: the gradient at w is the adjoint applied to w
      const f = makeFeeds({ ...c, inputs: { a: c.inputs["a"]!, w: [...y.shape] } }, 8);
      const out = evaluate(gr, f)[gradName("a")]!.data;
      const lhs = (evaluate(graphOf(c), f)["y"]!.data).reduce((s, v, i) => s + v * f["w"]!.data[i]!, 0);
      const rhs = out.reduce((s, v, i) => s + v * f["a"]!.data[i]!, 0);
      expect(Math.abs(lhs - rhs), c.name).toBeLessThan(1e-12 * (1 + Math.abs(lhs)));
    }
  });
});

describe("onnxruntime agrees with the reference", () => {
  it("lowers both ops unchanged, with blocksize and mode attributes", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 8, 2, 2]);
    const model = graphToOnnx(g.build({ a: g.op("DepthToSpace", [x], { blocksize: 2, mode: "CRD" }), b: g.op("SpaceToDepth", [x], { blocksize: 2 }) }));
    const nodes = model.graph!.node!;
    const d = nodes.find((n) => n.opType === "DepthToSpace")!;
    expect(d.attribute!.map((a) => a.name).sort()).toEqual(["blocksize", "mode"]);
    expect(nodes.some((n) => n.opType === "SpaceToDepth")).toBe(true);
  });

  it("native float32 and float64 kernels move the data exactly", async () => {
    for (const c of PURE) {
      const f = makeFeeds(c, 4);
      // float32-representable inputs, so a float32 run must reproduce them bit for bit
      const a = tensor(f["a"]!.shape, Array.from(f["a"]!.data, (v) => Math.fround(v)));
      const want = direct(c, a);
      for (const [ex, dtype] of [[ort64, "float64"], [ort32, "float32"]] as const) {
        const r = await ex.run(graphOf(c, dtype), { a });
        expect(r["y"]!.dtype, c.name).toBe(dtype);
        expect(Array.from(r["y"]!.data), `${c.name} ${dtype}`).toEqual(want);
      }
    }
  });

  for (const c of COMPOSED) {
    it(`${c.name}: forward, gradient and HVP graphs (float64 to 1e-12)`, async () => {
      await checkOrt(c, ort64, ort32, 1);
    });
  }
});

describe("exact and interval kernels", () => {
  it("exact equals float64 on small integers", () => {
    const rng = createRng(5);
    for (const c of PURE) {
      const graph = graphOf(c);
      expect(isExactlyEvaluable(graph), c.name).toBe(true);
      const s = c.inputs["a"]!;
      const a = tensor(s, Array.from({ length: sizeOf(s) }, () => Math.floor(11 * rng.next()) - 5));
      const ex = evaluateExactFromFloat(graph, { a })["y"]!;
      const fl = evaluate(graph, { a })["y"]!;
      expect(ex.shape, c.name).toEqual(fl.shape);
      expect(Array.from(exactToFloat64(ex)), c.name).toEqual(Array.from(fl.data));
    }
  });

  for (const c of PURE) {
    it(`${c.name}: the enclosure over random boxes contains the exact value at random points`, () => {
      for (let seed = 0; seed < 10; seed++) for (const radius of [0, 0.01, 0.5]) checkEnclosure(c, seed, radius);
    });
  }
});

describe("DCP facts", () => {
  it("both are affine (linear data movement)", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [1, 4, 2, 2]);
    const graph = g.build({
      a: g.sum(g.op("SpaceToDepth", [x], { blocksize: 2 })),
      b: g.sum(g.op("DepthToSpace", [x], { blocksize: 2, mode: "CRD" })),
      c: g.sum(g.relu(g.op("DepthToSpace", [x], { blocksize: 2 })))
    });
    expect(analyzeDcp(graph, { of: "a" }).curvature).toBe("affine");
    expect(analyzeDcp(graph, { of: "b" }).curvature).toBe("affine");
    expect(analyzeDcp(graph, { of: "c" }).curvature).toBe("convex");
  });
});
