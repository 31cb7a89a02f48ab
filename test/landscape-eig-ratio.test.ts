import { mlpProblem } from "../src/model/problem/from-mlp.js";
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliRun } from "../src/cli/run-cli.testkit.js";
import { createReferenceExecutor } from "../src/exec/reference.js";
import { exactSpectrum } from "../src/hessian/dense.js";
import { eigRatioAt } from "../src/hessian/eig-ratio.js";
import { hessianOperator } from "../src/hessian/hvp-operator.js";
import { float64Array, loadNpy, saveNpy } from "../src/io/npy.js";
import { resolveData } from "../src/model/data.js";
import { mlpLayout } from "../src/model/layout.js";
import { parseModelSpec } from "../src/model/spec.js";

const root = mkdtempSync(join(tmpdir(), "losscape-eig-ratio-"));
const reference = createReferenceExecutor();
afterAll(async () => {
  await reference.dispose();
  rmSync(root, { recursive: true, force: true });
});

// A 2-3-1 tanh regression net: 13 parameters, so its Hessian is indefinite away from a minimum and
// small enough for a dense eigendecomposition at every grid point.
const rawSpec = { model: { type: "mlp", layers: [2, 3, 1], activation: "tanh" }, loss: "mse", data: { name: "regression2d", n: 16 } };
writeFileSync(join(root, "net.json"), JSON.stringify(rawSpec));
const spec = parseModelSpec(rawSpec);
const data = resolveData(spec, root);
const P = mlpLayout(spec).size;
const theta = Float64Array.from({ length: P }, (_, k) => 0.8 * Math.cos(1.7 * k + 0.3));
saveNpy(join(root, "theta.npy"), float64Array([P], theta));
saveNpy(join(root, "d1.npy"), float64Array([P], Array.from({ length: P }, (_, k) => 0.5 * Math.sin(2.3 * k))));
saveNpy(join(root, "d2.npy"), float64Array([P], Array.from({ length: P }, (_, k) => 0.5 * Math.cos(0.9 * k + 1))));

/** `losscape ...` in-process, from `root`. */
const run = (...args: string[]): Promise<CliRun> => runCli(args, root);

const npy = (dir: string, f: string): Float64Array => loadNpy(join(root, dir, f)).data as Float64Array;

/** θ + a·d1 (+ b·d2), summed in the evaluator's order. */
function pointOf(d: Float64Array[], c: number[]): Float64Array {
  const th = theta.slice();
  d.forEach((v, k) => {
    for (let i = 0; i < P; i++) th[i] = th[i]! + c[k]! * v[i]!;
  });
  return th;
}

/** |λmin/λmax| from the dense Hessian (reference executor, symmetric eigensolver): the independent oracle. */
async function denseRatio(th: Float64Array): Promise<number> {
  const v = (await exactSpectrum(hessianOperator(mlpProblem(spec, data), th, { executor: reference }).matvec, P, { wantVectors: false })).values;
  return Math.abs(v[0]! / v[P - 1]!);
}

describe("losscape landscape --metrics eig-ratio", () => {
  it("a 3×3 grid equals |λmin/λmax| computed independently at every point; [ny, nx] array and heatmap written", async () => {
    const r = await run("landscape", "net.json", "--params", "theta.npy", "--x", "-1:1:3", "--y", "-1:1:3", "--metrics", "loss,eig-ratio",
      "--format", "svg,png", "--out", "plane", "--no-progress");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const saved = loadNpy(join(root, "plane", "eig-ratio.npy"));
    expect(saved.shape).toEqual([3, 3]);
    for (const f of ["eig-ratio.svg", "eig-ratio.png", "loss.npy", "contour.svg", "surface.vtp"]) expect(existsSync(join(root, "plane", f)), f).toBe(true);
    expect(readFileSync(join(root, "plane", "eig-ratio.svg"), "utf8")).toContain("λmin");
    expect(r.out).toMatch(/\|λmin\/λmax\| from \S+ to \S+; \d+ HVPs \(\d+\.\d per point\)/);

    const dirs = [npy("plane", "dir1.npy"), npy("plane", "dir2.npy")];
    const xs = npy("plane", "x.npy"), ys = npy("plane", "y.npy");
    let indefinite = 0;
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        const th = pointOf(dirs, [xs[i]!, ys[j]!]);
        const got = saved.data[j * 3 + i]!;
        const at = await eigRatioAt(mlpProblem(spec, data), th, reference, { seed: 0, tol: 1e-6, maxIter: 100 });
        expect(got).toBeCloseTo(at.ratio, 9);
        const exact = await denseRatio(th);
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(1e-7 * Math.max(1, exact));
        if (exact > 1e-6) indefinite++;
      }
    }
    // The map is not trivially zero: the plane crosses indefinite (non-convex) points.
    expect(indefinite).toBeGreaterThan(0);
    const m = JSON.parse(readFileSync(join(root, "plane", "manifest.json"), "utf8")) as { evaluation: { plugins: Record<string, { seed: number; tol: number; thisRun: { hvps: number } }> } };
    expect(m.evaluation.plugins["eig-ratio"]!.tol).toBe(1e-6);
    expect(m.evaluation.plugins["eig-ratio"]!.thisRun.hvps).toBeGreaterThan(0);
  });

  it("1-D: eig-ratio alone along a line writes shape [nx] and a curve, and agrees with the dense oracle", async () => {
    const r = await run("landscape", "net.json", "--params", "theta.npy", "--dir1", "d1.npy", "--x", "0:2:5", "--metrics", "eig-ratio", "--out", "line", "--no-progress");
    expect(r.code).toBe(0);
    const saved = loadNpy(join(root, "line", "eig-ratio.npy"));
    expect(saved.shape).toEqual([5]);
    expect(existsSync(join(root, "line", "eig-ratio.svg"))).toBe(true);
    expect(existsSync(join(root, "line", "loss.npy"))).toBe(false);
    const d1 = npy("line", "dir1.npy");
    for (let i = 0; i < 5; i++) {
      const exact = await denseRatio(pointOf([d1], [i * 0.5]));
      expect(Math.abs(saved.data[i]! - exact)).toBeLessThanOrEqual(1e-7 * Math.max(1, exact));
    }
  });

  it("a rerun reuses the chunks byte for byte; another Lanczos seed is another input and exits 2", async () => {
    const args = ["landscape", "net.json", "--params", "theta.npy", "--dir1", "d1.npy", "--dir2", "d2.npy", "--x", "-1:1:3", "--y", "0:1:2", "--metrics", "eig-ratio", "--no-progress", "--out", "again"];
    expect((await run(...args)).code).toBe(0);
    const first = readFileSync(join(root, "again", "eig-ratio.npy"));
    const second = await run(...args);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/computed 0 points/);
    expect(readFileSync(join(root, "again", "eig-ratio.npy")).equals(first)).toBe(true);
    const other = await run(...args, "--seed", "5");
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/different inputs \(metricPlugins\)/);
  });

  it("eig-ratio is listed in --help with its cost", async () => {
    const r = await run("landscape", "--help");
    expect(r.out).toMatch(/eig-ratio/);
    expect(r.out).toMatch(/one Lanczos run per point/);
  });
});
