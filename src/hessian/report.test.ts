import { mlpProblem } from "../model/problem/from-mlp.js";
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createReferenceExecutor } from "../exec/reference.js";
import { loadNpy, toFloat64 } from "../io/npy.js";
import { resolveData } from "../model/data.js";
import { parseModelSpec } from "../model/spec.js";
import { analyzeHessian, type HessianReport } from "./analyze.js";
import { hessianReportJson, hessianReportText, negativeCurvature, zeroTolerance } from "./report.js";
import { saveHessianVectors } from "./save-vectors.js";

const base = (extra: Partial<HessianReport>): HessianReport => ({
  name: "all", offset: 0, n: 3, hvps: 3, loss: 1, gradientNorm: 0, totalHvps: 3, seconds: 0.5, seed: 0, ...extra
});

describe("report rendering", () => {
  it("roundoff-sized negative eigenvalues are zero, not evidence of non-convexity", () => {
    const r = base({ eigenvalues: Float64Array.of(-3e-16, 0, 2) });
    expect(zeroTolerance(r.eigenvalues!)).toBe(2e-10);
    expect(negativeCurvature(r)).toBeNull();
    expect(hessianReportText(r)).toMatch(/0 negative, 2 zero/);
    expect(hessianReportText(r)).not.toMatch(/not convex/);
    const s = base({ eigenvalues: Float64Array.of(-0.5, 0, 2) });
    expect(negativeCurvature(s)).toBe(-0.5);
    expect(hessianReportText(s)).toMatch(/not convex/);
  });

  it("a Lanczos value counts as negative only beyond its residual", () => {
    const pair = (value: number, residual: number): { value: number; residual: number; vector: Float64Array } => ({ value, residual, vector: new Float64Array(3) });
    expect(negativeCurvature(base({ bottom: [pair(-1e-3, 1e-2)], top: [pair(1, 0)] }))).toBeNull();
    expect(negativeCurvature(base({ bottom: [pair(-1e-1, 1e-2)], top: [pair(1, 0)] }))).toBe(-0.1);
  });

  it("JSON keeps the issue's keys, writes a missing standard error as null, and leaves vectors out", () => {
    const j = hessianReportJson(base({
      top: [{ value: 2, residual: 1e-12, vector: new Float64Array(3) }],
      trace: { method: "hutchinson", trace: 1, standardError: Number.NaN, probes: 1, hvps: 1 }
    }));
    expect(j.top).toEqual([{ value: 2, residual: 1e-12 }]);
    expect(j.trace!.standardError).toBeNull();
    expect(j.hvps).toBe(3);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe("saved eigenvectors", () => {
  it("are length-P .npy files; a block's vector sits in its slice of θ with zeros elsewhere", async () => {
    const spec = parseModelSpec({ model: { type: "mlp", layers: [2, 3, 1], activation: "tanh" }, loss: "mse", data: { name: "regression2d", n: 10 } });
    const theta = Float64Array.from({ length: 13 }, (_, i) => Math.cos(2 * i));
    const r = await analyzeHessian({ problem: mlpProblem(spec, resolveData(spec)), theta, executor: createReferenceExecutor(), top: 1, blocks: true, seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), "losscape-vectors-"));
    try {
      const saved = saveHessianVectors(r, dir, 13);
      expect(saved.files).toContain("top1.npy");
      expect(saved.files).toContain("layer1.bias.top1.npy");
      const full = toFloat64(loadNpy(join(dir, "top1.npy")));
      expect(Array.from(full.data)).toEqual(Array.from(r.top![0]!.vector));
      const b = r.blocks!.find((x) => x.name === "layer1.bias")!;
      const v = toFloat64(loadNpy(join(dir, "layer1.bias.top1.npy"))).data;
      expect(v.length).toBe(13);
      for (let i = 0; i < 13; i++) {
        const inside = i >= b.offset && i < b.offset + b.n;
        expect(v[i]).toBe(inside ? b.top![0]!.vector[i - b.offset] : 0);
      }
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { vectors: { file: string; value: number }[] };
      expect(manifest.vectors.find((x) => x.file === "top1.npy")!.value).toBe(r.top![0]!.value);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
