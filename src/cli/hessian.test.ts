import { describe, it, expect, vi, afterEach, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNpy, toFloat64 } from "../io/npy.js";
import { runCli, type CliRun } from "./run-cli.testkit.js";

const run = (...args: string[]): Promise<CliRun> => runCli(["hessian", ...args]);

afterEach(() => vi.restoreAllMocks());

let dir = "";
let zeros = "";
let saddleSpec = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "losscape-hessian-"));
  zeros = join(dir, "zeros.json");
  writeFileSync(zeros, "[0, 0]");
  // (w2·w1 − 1)² on the single sample x = 1, y = 1: eigenvalues ±2 at θ = 0.
  saddleSpec = join(dir, "saddle.json");
  writeFileSync(saddleSpec, JSON.stringify({
    model: { type: "mlp", layers: [1, 1, 1], activation: "linear", bias: false }, loss: "mse", data: { x: [[1]], y: [[1]] }
  }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("losscape hessian", () => {
  it("--exact --json on the deep linear saddle gives eigenvalues ±2 ascending", async () => {
    const r = await run(saddleSpec, "--params", zeros, "--exact", "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j["n"]).toBe(2);
    const ev = j["eigenvalues"] as number[];
    expect(ev[0]).toBeCloseTo(-2, 12);
    expect(ev[1]).toBeCloseTo(2, 12);
    expect(j["hvps"]).toBe(2);
    expect(typeof j["seconds"]).toBe("number");
    expect(j["top"]).toBeUndefined();
  });

  it("the built-in deep-linear example (loss ½(w2 w1 − 1)²) gives ±1, and the text names the saddle", async () => {
    const r = await run("deep-linear", "--params", zeros, "--exact", "--executor", "reference");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/n = 2 parameters/);
    expect(r.out).toMatch(/exact eigenvalues \(ascending\): -1\.00000, 1\.00000/);
    expect(r.out).toMatch(/not convex/);
  });

  it("--json has the documented shape for Lanczos, trace, density and blocks", async () => {
    const r = await run("seed-relu", "--params", "example:theta1", "--top", "2", "--bottom", "1", "--trace", "--probes", "10",
      "--density", "--runs", "2", "--steps", "5", "--blocks", "--json", "--seed", "3");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      n: number; top: { value: number; residual: number }[]; bottom: { value: number; residual: number }[];
      trace: { value: number; standardError: number }; density: { grid: number[]; density: number[] };
      hvps: number; seconds: number; blocks: { name: string; hvps: number }[];
    };
    expect(j.n).toBe(7);
    expect(j.top).toHaveLength(2);
    expect(Object.keys(j.top[0]!).sort()).toEqual(["residual", "value"]);
    expect(j.top[0]!.value).toBeGreaterThanOrEqual(j.top[1]!.value);
    expect(j.bottom).toHaveLength(1);
    expect(typeof j.trace.value).toBe("number");
    expect(typeof j.trace.standardError).toBe("number");
    expect(j.density.grid.length).toBe(j.density.density.length);
    expect(j.blocks.map((b) => b.name)).toEqual(["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]);
    expect(j.hvps).toBeGreaterThan(10 + 10);
    // The total counts every HVP once: the parts of the whole-θ analysis plus every block's.
    const parts = j as unknown as { lanczos: { hvps: number }; trace: { hvps: number }; density: { hvps: number } };
    expect(parts.trace.hvps).toBe(10);
    expect(j.hvps).toBe(j.blocks.reduce((s, b) => s + b.hvps, 0) + parts.lanczos.hvps + parts.trace.hvps + parts.density.hvps);
  });

  it("--save-vectors writes length-P .npy eigenvectors usable as landscape directions, and --plot an SVG", async () => {
    const out = join(dir, "vectors");
    const plot = join(dir, "spectrum.svg");
    const r = await run(saddleSpec, "--params", zeros, "--exact", "--top", "1", "--save-vectors", out, "--plot", plot);
    expect(r.code).toBe(0);
    const top1 = toFloat64(loadNpy(join(out, "top1.npy")));
    expect(top1.shape).toEqual([2]);
    // The +2 eigenvector is (1, −1)/√2 up to sign.
    expect(Math.abs(top1.data[0]!)).toBeCloseTo(Math.SQRT1_2, 8);
    expect(top1.data[0]! + top1.data[1]!).toBeCloseTo(0, 8);
    expect(loadNpy(join(out, "eigenvectors.npy")).shape).toEqual([2, 2]);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).vectors[0].value).toBeCloseTo(2, 8);
    expect(readFileSync(plot, "utf8")).toMatch(/^<svg|<\?xml/);
  });

  it("a missing params file is a user error (exit 2) naming the file", async () => {
    const missing = join(dir, "nope.npy");
    const r = await run(saddleSpec, "--params", missing, "--exact");
    expect(r.code).toBe(2);
    expect(r.err).toContain(missing);
    expect(r.err).not.toMatch(/internal error/);
  });

  it("a params file of the wrong length is a user error naming both lengths", async () => {
    const three = join(dir, "three.json");
    writeFileSync(three, "[1, 2, 3]");
    const r = await run(saddleSpec, "--params", three, "--trace");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/3 values/);
    expect(r.err).toMatch(/2 parameters/);
  });

  it("refuses --exact above --max-exact, pointing to Lanczos, before computing anything", async () => {
    const plot = join(dir, "never.svg");
    const r = await run("seed-relu", "--params", "example:theta1", "--exact", "--max-exact", "5", "--plot", plot);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--top K \/ --bottom K \(Lanczos\)/);
    expect(existsSync(plot)).toBe(false);
  });

  it("other bad input exits 2: no mode, unknown example params, --plot without a picture, reference in float32", async () => {
    expect((await run(saddleSpec, "--params", zeros)).err).toMatch(/nothing to compute/);
    const bad = await run("seed-relu", "--params", "example:theta9", "--trace");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/example:theta1, example:theta2/);
    expect((await run(saddleSpec, "--params", zeros, "--top", "1", "--plot", join(dir, "x.svg"))).code).toBe(2);
    expect((await run(saddleSpec, "--params", zeros, "--trace", "--executor", "reference", "--dtype", "float32")).code).toBe(2);
    expect((await run(saddleSpec, "--params", zeros, "--top", "0")).code).toBe(2);
  });

  it("--help explains the cost of each mode in HVPs", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/n HVPs/);
    expect(r.out).toMatch(/--runs × --steps HVPs/);
  });
});
