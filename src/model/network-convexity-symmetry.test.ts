/**
 * Certificates found by a symmetry say which one: the units swapped (i ↔ j of layer k), or the unit
 * whose signs were flipped or that was rescaled, and the loss along the certificate's line at
 * s = 0, ¼, ½, ¾, 1. Oracle for the seed network: θ(s) = (1 − 2s)·θ1 (θ2 = −θ1), so N(x) = (1 − 2s)²·x
 * and L(s) = ((1 − 2s)² − 1)², worked out by hand.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.testkit.js";
import { resolveData } from "./data.js";
import { SEED_RELU } from "./examples.js";
import { convexityJson } from "./network-convexity-report.js";
import { mlpLayout } from "./layout.js";
import { analyzeNetworkConvexity, onnxSymmetryCandidates, symmetryCandidates } from "./network-convexity.js";
import { createReferenceExecutor } from "../exec/reference.js";
import { tensor } from "../ir/tensor.js";
import { lossGraph } from "./problem/loss-graph.js";
import { resolveProblem } from "./problem/resolve.js";
import { loadModelSource } from "./train/spec-source.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { mlpProblem } from "./problem/from-mlp.js";
import { parseModelSpec, type ModelSpecInput } from "./spec.js";

async function analyze(raw: ModelSpecInput) {
  const spec = parseModelSpec(raw);
  return analyzeNetworkConvexity(mlpProblem(spec, resolveData(spec)), { seed: 0, budgetSeconds: 10, specInput: raw, blocks: false });
}

describe("explained symmetry certificates", () => {
  it("seed network: names units 1 ↔ 2 of hidden layer 1 and gives L = ((1−2s)² − 1)² along the line", async () => {
    const r = await analyze(SEED_RELU.spec);
    expect(r.symmetry).toMatchObject({ kind: "swap", layer: 1, units: [1, 2] });
    const hand = [0, 0.25, 0.5, 0.75, 1].map((s) => ((1 - 2 * s) ** 2 - 1) ** 2);
    expect(r.symmetry!.line.s).toEqual([0, 0.25, 0.5, 0.75, 1]);
    r.symmetry!.line.loss.forEach((l, k) => expect(l).toBeCloseTo(hand[k]!, 14));
    expect(r.explanation).toContain("unit 1 ↔ unit 2");
    expect(r.explanation).toContain("0.5625 at s = ¼");
    expect(r.explanation).toContain("1 at s = ½");
    const j = convexityJson(r) as { symmetry: unknown; explanation: string };
    expect(j.symmetry).toEqual(r.symmetry);
    expect(j.explanation).toBe(r.explanation);
  });

  it("the line's ends and middle are the certificate's own losses (t = ½), whatever symmetry won", async () => {
    const tanh: ModelSpecInput = { model: { type: "mlp", layers: [1, 3, 1], activation: "tanh" }, loss: "sse_half", data: { x: [[-2], [-1], [0], [1], [2]], y: [[0], [1], [0], [1], [0]] } };
    for (const raw of [SEED_RELU.spec, tanh]) {
      const r = await analyze(raw);
      if (!r.symmetry) continue;
      const c = r.certificate!;
      expect(c.t).toBe(0.5);
      const [l0, , lMid, , l1] = r.symmetry.line.loss as [number, number, number, number, number];
      expect(l0).toBeCloseTo(c.losses.a, 12);
      expect(l1).toBeCloseTo(c.losses.b, 12);
      expect(lMid).toBeCloseTo(c.losses.mid, 12);
      const named = { swap: `unit ${r.symmetry.units[0]} ↔ unit ${r.symmetry.units[1]} of hidden layer ${r.symmetry.layer}`, "sign-flip": `signs of unit ${r.symmetry.units[0]} of hidden layer ${r.symmetry.layer}`, rescale: `unit ${r.symmetry.units[0]} of hidden layer ${r.symmetry.layer} rescaled` }[r.symmetry.kind];
      expect(r.explanation).toContain(r.symmetry.kind === "swap" ? `unit ${r.symmetry.units[0]} ↔ unit ${r.symmetry.units[1]}` : named);
    }
  });

  it("each candidate's named move is the one applied: sign flips negate, rescalings scale, swaps exchange the unit's weights", () => {
    const spec = parseModelSpec({ model: { type: "mlp", layers: [2, 3, 1], activation: "tanh" }, loss: "sse_half", data: { x: [[0, 1]], y: [[1]] } });
    const layout = mlpLayout(spec);
    const theta = Float64Array.from({ length: layout.size }, (_, i) => i + 1);
    const block = (n: string) => layout.blocks.find((b) => b.name === n)!;
    const [w1, b1, w2] = [block("layer1.weight"), block("layer1.bias"), block("layer2.weight")];
    /** Unit u's (1-based) incoming weights, bias and outgoing weight in θ. */
    const unit = (t: Float64Array, u: number) => [...t.subarray(w1.offset + (u - 1) * 2, w1.offset + u * 2), t[b1.offset + u - 1]!, t[w2.offset + u - 1]!];
    const kinds = new Set<string>();
    for (const c of symmetryCandidates(spec, layout, theta, "θ")) {
      const m = c.symmetry;
      kinds.add(m.kind);
      expect(m.layer).toBe(1);
      if (m.kind === "swap") {
        expect(unit(c.thetaB, m.units[0]!)).toEqual(unit(theta, m.units[1]!));
        expect(unit(c.thetaB, m.units[1]!)).toEqual(unit(theta, m.units[0]!));
      } else {
        const u = m.units[0]!, f = m.factors!;
        const [a, b] = [unit(theta, u), unit(c.thetaB, u)];
        expect(b).toEqual([a[0]! * f.incoming, a[1]! * f.incoming, a[2]! * f.incoming, a[3]! * f.outgoing]);
      }
    }
    // tanh is odd, not positively homogeneous
    expect([...kinds].sort()).toEqual(["sign-flip", "swap"]);
  });

  it("losscape convexity: the text shows the same explanation, line included, as --json", async () => {
    const j = await runCli(["convexity", "seed-relu", "--json", "--budget", "5", "--no-blocks"]);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out) as { explanation: string; symmetry: { line: { loss: number[] } } };
    expect(doc.symmetry.line.loss[2]).toBe(1);
    const t = await runCli(["convexity", "seed-relu", "--budget", "5", "--no-blocks", "--no-progress"]);
    expect(t.code).toBe(0);
    expect(t.out).toContain(doc.explanation);
  });
});

describe("channel swaps of imported ONNX models as symmetry candidates", () => {
  const FIX = join(process.cwd(), "test/fixtures/onnx");
  const root = mkdtempSync(join(tmpdir(), "losscape-onnx-sym-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const problemOf = (name: string) => {
    const path = join(root, `${name}.json`);
    writeFileSync(path, JSON.stringify({ model: { type: "onnx", path: join(FIX, `${name}.onnx`) }, loss: "cross_entropy", data: { x: join(FIX, `${name}.x.npy`), y: join(FIX, `${name}.y.npy`) } }));
    return resolveProblem(loadModelSource(path));
  };

  it.each([["cnn_bn", ["conv2"]], ["resblock_ln", ["mid+inp"]], ["lenet_view", ["conv1", "conv2", "fc1"]]] as const)(
    "%s: every candidate swaps two units of one group and keeps the loss (groups %j)",
    async (name, groups) => {
      const p = problemOf(name);
      const { graph } = lossGraph(p, { withAccuracy: false });
      const ex = createReferenceExecutor();
      const loss = async (t: Float64Array) => (await ex.run(graph, { theta: tensor([t.length], t) }))["loss"]!.data[0]!;
      const a = p.theta0!;
      const la = await loss(a);
      const seen = new Set<string>();
      for (const c of onnxSymmetryCandidates(p, a, "the model's own weights")) {
        seen.add(c.symmetry.group);
        expect(c.symmetry.kind).toBe("swap");
        expect(c.description).toContain(`unit ${c.symmetry.units[0]} ↔ unit ${c.symmetry.units[1]}`);
        expect(Math.abs((await loss(c.thetaB)) - la)).toBeLessThanOrEqual(1e-12 * Math.max(1, la));
        // A swap moves entries, it does not change them.
        expect(Array.from(c.thetaB).sort()).toEqual(Array.from(a).sort());
      }
      // cnn_bn's conv1 channels carry distinct BatchNorm statistics, which the loss holds fixed: no swap there.
      expect([...seen].sort()).toEqual([...groups]);
    }
  );
});
