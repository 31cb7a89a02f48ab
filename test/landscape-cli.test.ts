import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { float64Array, loadNpy, saveNpy } from "../src/io/npy.js";
import { mlpLayout } from "../src/model/layout.js";
import { parseModelSpec } from "../src/model/spec.js";
import { runCli, type CliRun } from "../src/cli/run-cli.testkit.js";

const BIN = new URL("../bin/losscape.js", import.meta.url).pathname;
const DIST_MAIN = new URL("../dist/cli/main.js", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "losscape-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

saveNpy(join(root, "t1.npy"), float64Array([7], [1, -1, 0, 0, 1, -1, 0]));
saveNpy(join(root, "t2.npy"), float64Array([7], [-1, 1, 0, 0, -1, 1, 0]));
saveNpy(join(root, "t6.npy"), float64Array([6], [1, 2, 3, 4, 5, 6]));
const moons = { model: { type: "mlp", layers: [2, 16, 2] }, loss: "cross_entropy", data: { name: "moons", n: 400 } };
writeFileSync(join(root, "moons.json"), JSON.stringify(moons));
const P = mlpLayout(parseModelSpec(moons)).size;
saveNpy(join(root, "m.npy"), float64Array([P], Array.from({ length: P }, (_, k) => Math.cos(k))));

/** `losscape ...` in-process, from `root`. */
const run = (...args: string[]): Promise<CliRun> => runCli(args, root);

describe("losscape landscape (CLI)", () => {
  it("parses both --x -0.5:1.5:9 and --x=-0.5:1.5:9, and the line shows the seed's bump of height 1", async () => {
    const a = await run("landscape", "seed-relu", "--params", "t1.npy", "--to", "t2.npy", "--x", "-0.5:1.5:9", "--out", "sp", "--no-progress");
    const b = await run("landscape", "seed-relu", "--params", "t1.npy", "--to", "t2.npy", "--x=-0.5:1.5:9", "--out", "eq", "--no-progress");
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(join(root, "sp", "loss.npy")).equals(readFileSync(join(root, "eq", "loss.npy")))).toBe(true);
    const loss = loadNpy(join(root, "sp", "loss.npy")).data as Float64Array;
    expect(loss[4]).toBe(1); // x = 0.5
    expect(loss[2]).toBe(0); // x = 0
    expect(loss[6]).toBe(0); // x = 1
    expect(existsSync(join(root, "sp", "curve.svg"))).toBe(true);
    expect(a.out).toMatch(/1-D landscape, grid 9/);
  });

  it("a 2-D run writes the arrays, every plot and the .vtp; --y -1:0:3 is non-square with a zero bound", async () => {
    const r = await run("landscape", "moons.json", "--params", "m.npy", "--x", "-1:1:5", "--y", "-1:0:3", "--out", "plane", "--log-levels", "--no-progress");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    for (const f of ["loss.npy", "accuracy.npy", "dir1.npy", "dir2.npy", "contour.svg", "contour-filled.svg", "heatmap.svg", "surface.svg", "surface.vtp", "manifest.json"]) {
      expect(existsSync(join(root, "plane", f)), f).toBe(true);
    }
    expect(loadNpy(join(root, "plane", "loss.npy")).shape).toEqual([3, 5]);
    const m = JSON.parse(readFileSync(join(root, "plane", "manifest.json"), "utf8")) as { directions: { normalization: string; biases: string } };
    expect(m.directions.normalization).toBe("filter");
    expect(m.directions.biases).toMatch(/ignored/);
  });

  it.each([
    ["a bad range", ["--x", "1:-1:5"], /--x "1:-1:5": min must be below max/],
    ["a range with too few parts", ["--x=0:1"], /three parts/],
    ["a missing θ file", ["--params", "missing.npy"], /cannot read file .*missing\.npy/],
    ["θ of the wrong length", ["--params", "t6.npy"], /has 6 values, but the model has 7 parameters/],
    ["a mismatched --to", ["--to", "t6.npy"], /--to file .* has 6 values/],
    ["an unknown metric", ["--metrics", "loss,f1"], /unknown metric "f1"/]
  ])("%s exits 2 with the reason, no stack trace and no output folder", async (_n, extra, why) => {
    const out = `bad-${Math.random().toString(36).slice(2)}`;
    const args = ["landscape", "seed-relu", "--params", "t1.npy", "--out", out, ...extra];
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(why);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, out))).toBe(false);
  });

  it("a rerun with different inputs into the same folder exits 2 unless --force", async () => {
    expect((await run("landscape", "seed-relu", "--params", "t1.npy", "--x", "0:1:3", "--out", "same", "--no-progress")).code).toBe(0);
    const r = await run("landscape", "seed-relu", "--params", "t1.npy", "--x", "0:1:4", "--out", "same", "--no-progress");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/different inputs/);
    expect((await run("landscape", "seed-relu", "--params", "t1.npy", "--x", "0:1:4", "--out", "same", "--force", "--no-progress")).code).toBe(0);
  });

  it("resumes after the process is killed mid-way: finished chunks are kept and the arrays equal an uninterrupted run", async () => {
    expect(existsSync(DIST_MAIN), "build first: npm run build").toBe(true);
    const args = ["landscape", "moons.json", "--params", "m.npy", "--x", "-1:1:41", "--y", "-1:1:41", "--chunk-size", "3", "--batch-points", "3", "--no-plots", "--no-vtp", "--no-progress"];
    const total = Math.ceil((41 * 41) / 3);
    const chunkDir = join(root, "killed", "chunks");
    const chunkFiles = (): string[] => (existsSync(chunkDir) ? readdirSync(chunkDir).filter((f) => /^chunk-\d+\.npy$/.test(f)) : []);
    const child = spawn(process.execPath, [BIN, ...args, "--out", "killed"], { cwd: root, stdio: "ignore" });
    const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
    let killedEarly = false;
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        if (chunkFiles().length > 0) {
          clearInterval(timer);
          killedEarly = child.kill("SIGKILL");
          res();
        }
      }, 2);
      void exited.then(() => {
        clearInterval(timer);
        if (!killedEarly) rej(new Error("the child exited before it could be killed"));
      });
    });
    await exited;
    const survivors = chunkFiles().sort();
    expect(survivors.length).toBeGreaterThan(0);
    expect(survivors.length).toBeLessThan(total);
    expect(existsSync(join(root, "killed", "loss.npy"))).toBe(false);
    const mtimes = survivors.map((f) => statSync(join(chunkDir, f)).mtimeMs);

    const resumed = await run(...args, "--out", "killed");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(new RegExp(`computed \\d+ points in ${total - survivors.length} chunk\\(s\\), reused ${survivors.length} chunk`));
    expect(survivors.map((f) => statSync(join(chunkDir, f)).mtimeMs)).toEqual(mtimes);
    expect(readdirSync(chunkDir).some((f) => f.includes(".tmp-"))).toBe(false);

    expect((await run(...args, "--out", "uninterrupted")).code).toBe(0);
    for (const f of ["loss.npy", "accuracy.npy", "x.npy", "y.npy", "dir1.npy", "dir2.npy"]) {
      expect(readFileSync(join(root, "killed", f)).equals(readFileSync(join(root, "uninterrupted", f))), f).toBe(true);
    }
  });
});

describe("losscape train (CLI)", () => {
  it("trains, writes θ + trajectory, and the trajectory feeds PCA directions", async () => {
    const t = await run("train", "moons.json", "--epochs", "4", "--batch-size", "50", "--lr", "0.1", "--seed", "2", "--out", "trained", "--no-progress");
    expect(t.err).toBe("");
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/trained \d+ parameters for 32 steps/);
    expect(loadNpy(join(root, "trained", "trajectory.npy")).shape).toEqual([5, P]);
    const l = await run("landscape", "moons.json", "--params", "trained/theta.json", "--trajectory", "trained/trajectory.npy", "--x", "-1:1:5", "--y", "-1:1:5", "--out", "pca", "--no-progress");
    expect(l.code).toBe(0);
    expect(l.out).toMatch(/PCA explained variance: /);
    expect(existsSync(join(root, "pca", "trajectory.svg"))).toBe(true);
  });

  it("rejects a negative learning rate with exit 2", async () => {
    const r = await run("train", "moons.json", "--lr", "-1", "--out", "neg");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--lr must be a positive number/);
    expect(existsSync(join(root, "neg"))).toBe(false);
  });
});
