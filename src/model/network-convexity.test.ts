import { mlpProblem } from "./problem/from-mlp.js";
import { describe, expect, it } from "vitest";
import { tensor } from "../ir/tensor.js";
import { evaluate } from "../exec/reference.js";
import { resolveData } from "./data.js";
import { EXAMPLES, SEED_RELU, findExample } from "./examples.js";
import { mlpLayout } from "./layout.js";
import { buildModelGraph } from "./mlp.js";
import { affineFitParameters, analyzeNetworkConvexity, symmetryCandidates } from "./network-convexity.js";
import { verifyNetworkCertificate } from "./network-certificate.js";
import { parseModelSpec, type ModelSpecInput } from "./spec.js";

async function analyze(raw: ModelSpecInput, budgetSeconds = 10) {
  const spec = parseModelSpec(raw);
  const ds = resolveData(spec);
  const r = await analyzeNetworkConvexity(mlpProblem(spec, ds), { seed: 0, budgetSeconds, specInput: raw });
  return { spec, ds, r };
}

const wave = { x: [[-2], [-1], [0], [1], [2]], y: [[0], [1], [0], [1], [0]] };

describe("analyzeNetworkConvexity: the issue's must-work list", () => {
  it("the seed spec is nonconvex with exact losses 0, 0 and 1 — the seed answer's own θ1 and θ2", async () => {
    const { r } = await analyze(SEED_RELU.spec);
    expect(r.verdict).toBe("nonconvex");
    const c = r.certificate!;
    expect(c.verifiedBy).toBe("exact rationals");
    expect(c.exact).toEqual({ a: "0", b: "0", mid: "1", gap: "1" });
    expect(c.t).toBe(0.5);
    expect(c.thetaA).toEqual(SEED_RELU.params!["theta1"]);
    expect(c.thetaB).toEqual(SEED_RELU.params!["theta2"]);
    expect(r.search.strategy).toBe("symmetry");
    expect(r.explanation).toMatch(/units 1 and 2 of hidden layer 1 swapped/);
    expect(r.explanation).toMatch(/averages the two units into 0/);
    expect(verifyNetworkCertificate(c).valid).toBe(true);
  });

  it("the seed net's output layer is a convex block (DCP), its hidden layer is not (certificate)", async () => {
    const { r } = await analyze(SEED_RELU.spec);
    const block = (name: string) => r.blocks.find((b) => b.params.startsWith(name))!;
    expect(block("output layer").verdict).toBe("convex");
    expect(block("output layer").proof?.method).toBe("DCP");
    expect(block("layer2.weight").verdict).toBe("convex");
    expect(block("layer2.bias").verdict).toBe("convex");
    const hidden = block("layer1.weight");
    expect(hidden.verdict).toBe("nonconvex");
    const check = verifyNetworkCertificate(hidden.certificate!);
    expect(check.valid).toBe(true);
    // a block certificate moves only the block
    const { offset, size } = hidden.certificate!.block!;
    hidden.certificate!.thetaA.forEach((v, i) => {
      if (i < offset || i >= offset + size) expect(hidden.certificate!.thetaB[i]).toBe(v);
    });
  });

  it("a deeper ReLU net (2-4-4-1 on XOR) is nonconvex, checked exactly", async () => {
    const { r } = await analyze({
      model: { type: "mlp", layers: [2, 4, 4, 1], activation: "relu" }, loss: "sse_half",
      data: { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] }
    });
    expect(r.verdict).toBe("nonconvex");
    expect(r.certificate!.verifiedBy).toBe("exact rationals");
    expect(verifyNetworkCertificate(r.certificate!).valid).toBe(true);
  });

  for (const act of ["sigmoid", "tanh"] as const) {
    it(`a ${act} net is nonconvex, verified with interval arithmetic (gap lower bound > 0)`, async () => {
      const { r } = await analyze({ model: { type: "mlp", layers: [1, 3, 1], activation: act }, loss: "mse", data: wave });
      expect(r.verdict).toBe("nonconvex");
      const c = r.certificate!;
      expect(c.verifiedBy).toBe("intervals");
      expect(c.gapEnclosure![0]).toBeGreaterThan(0);
      const check = verifyNetworkCertificate(c);
      expect(check.valid).toBe(true);
      expect(check.verification!.method).toBe("intervals");
    });
  }

  it("a 2-layer linear network is nonconvex although every function in it is linear (exact 0, 0, 1/2)", async () => {
    const { r } = await analyze(findExample("deep-linear")!.spec);
    expect(r.verdict).toBe("nonconvex");
    expect(r.certificate!.exact).toEqual({ a: "0", b: "0", mid: "1/2", gap: "1/2" });
    expect(r.explanation).toMatch(/linear is odd/);
  });

  for (const name of ["linear-regression", "logistic-regression"]) {
    it(`${name} (no hidden layer) is convex with a DCP proof and no certificate`, async () => {
      const { r } = await analyze(findExample(name)!.spec);
      expect(r.verdict).toBe("convex");
      expect(r.proof?.method).toBe("DCP");
      expect(r.certificate).toBeUndefined();
      expect(r.blocks.every((b) => b.verdict === "convex" && !b.certificate)).toBe(true);
    });
  }

  it("regression with every loss and no hidden layer is convex; so is an l2-regularised one", async () => {
    for (const loss of ["sse_half", "mse", "mae"] as const) {
      const { r } = await analyze({ model: { type: "mlp", layers: [1, 2] }, loss, l2: 0.1, data: { x: [[0], [1], [2]], y: [[1, 0], [2, 1], [2, 5]] } });
      expect(r.verdict, loss).toBe("convex");
    }
    for (const loss of ["cross_entropy", "hinge"] as const) {
      const k = loss === "cross_entropy" ? 3 : 1;
      const { r } = await analyze({ model: { type: "mlp", layers: [2, k] }, loss, data: { x: [[0, 1], [1, 0], [2, 2]], y: loss === "hinge" ? [1, 0, 1] : [0, 1, 2] } });
      expect(r.verdict, loss).toBe("convex");
    }
  });
});

describe("symmetry pairs", () => {
  it("every symmetry pair has L(θb) = L(θa) exactly in float64 for piecewise-linear nets", () => {
    const raw: ModelSpecInput = { model: { type: "mlp", layers: [2, 3, 3, 1], activation: "relu" }, loss: "sse_half", data: { x: [[1, 2], [0.5, -1], [-2, 0.25]], y: [[1], [0], [2]] } };
    const spec = parseModelSpec(raw);
    const { graph, layout } = buildModelGraph(spec, resolveData(spec), { withAccuracy: false });
    const theta = Float64Array.from({ length: layout.size }, (_, i) => ((i * 7) % 5) / 4 - 0.5);
    const loss = (t: Float64Array) => evaluate(graph, { theta: tensor([layout.size], t) }).loss!.data[0]!;
    let n = 0;
    for (const c of symmetryCandidates(spec, layout, theta, "test")) {
      // swaps and ×4 / ×1/4 rescales are exact in binary floating point
      expect(loss(c.thetaB)).toBe(loss(c.thetaA));
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });

  it("the affine-fit construction reproduces the seed answer's θ1", () => {
    const spec = parseModelSpec(SEED_RELU.spec);
    expect(Array.from(affineFitParameters(spec, mlpLayout(spec), resolveData(spec))!)).toEqual(SEED_RELU.params!["theta1"]);
  });

  it("the examples list covers the issue's cases", () => {
    expect(EXAMPLES.map((e) => e.name)).toEqual(expect.arrayContaining(["seed-relu", "linear-regression", "logistic-regression", "deep-linear"]));
  });
});
