/**
 * `losscape connect` and `losscape landscape --to B --align` as a user runs them: the numbers they print
 * are the ones in their JSON files and manifests, a stopped and resumed connect run equals an
 * uninterrupted one, and bad input exits 2 having written nothing.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../src/cli/run-cli.testkit.js";
import { float64Array, loadNpy, saveNpy } from "../src/io/npy.js";
import { loadProblem } from "../src/cli/problem-input.js";
import { loadProblemParams } from "../src/model/problem/resolve.js";

const root = mkdtempSync(join(tmpdir(), "losscape-connect-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = (...args: string[]): Promise<CliRun> => runCli(args, root);

saveNpy(join(root, "t1.npy"), float64Array([7], [1, -1, 0, 0, 1, -1, 0]));
saveNpy(join(root, "t2.npy"), float64Array([7], [-1, 1, 0, 0, -1, 1, 0]));
saveNpy(join(root, "t6.npy"), float64Array([6], [1, 2, 3, 4, 5, 6]));

interface Profiles {
  t: number[];
  line: { loss: number[]; barrier: { height: number; t: number } };
  curve: { loss: number[]; barrier: { height: number; t: number } };
}
const json = <T>(...p: string[]): T => JSON.parse(readFileSync(join(root, ...p), "utf8")) as T;

beforeAll(async () => {
  for (const s of ["1", "2"]) {
    const r = await run("train", "moons-mlp", "--optimizer", "adam", "--lr", "0.01", "--epochs", "100", "--seed", s, "--out", `m${s}`, "--no-progress");
    expect(r.code, r.err).toBe(0);
  }
}, 60_000);

const connect = (out: string, ...more: string[]): Promise<CliRun> =>
  run("connect", "moons-mlp", "m2/theta.npy", "--params", "m1/theta.npy", "--seed", "3", "--points", "31", "--out", out, "--no-progress", ...more);

describe("losscape connect", () => {
  it("writes bends, profiles, plot and manifest; the text's barriers are the JSON's; the curve stays below the line", async () => {
    const r = await connect("c", "--epochs", "6", "--format", "svg,png");
    expect(r.code, r.err).toBe(0);
    for (const f of ["bend-1.npy", "bend-1.json", "profiles.json", "profiles.csv", "profiles.svg", "profiles.png", "checkpoint.json", "manifest.json"]) {
      expect(existsSync(join(root, "c", f)), f).toBe(true);
    }
    const p = json<Profiles>("c", "profiles.json");
    expect(p.t).toHaveLength(31);
    expect(Math.max(...p.curve.loss)).toBeLessThan(Math.max(...p.line.loss) / 3);
    expect(r.out).toContain(`straight line: max loss ${Math.max(...p.line.loss).toPrecision(5)}, barrier ${p.line.barrier.height.toPrecision(4)} at t = ${p.line.barrier.t.toFixed(3)}`);
    expect(r.out).toContain(`curve:         max loss ${Math.max(...p.curve.loss).toPrecision(5)}, barrier ${p.curve.barrier.height.toPrecision(4)} at t = ${p.curve.barrier.t.toFixed(3)}`);
    const m = json<{ barriers: { line: unknown; curve: unknown }; training: { epochs: number } }>("c", "manifest.json");
    expect(m.barriers).toEqual({ line: p.line.barrier, curve: p.curve.barrier });
    expect(m.training.epochs).toBe(6);
    // the bend is a θ file the other commands read
    const l = await run("landscape", "moons-mlp", "--params", "m1/theta.npy", "--to", "c/bend-1.npy", "--x", "0:1:3", "--out", "to-bend", "--no-progress");
    expect(l.code, l.err).toBe(0);
  });

  it("stopped after 2 epochs and resumed to 6, it equals the uninterrupted run byte for byte", async () => {
    expect((await connect("r", "--epochs", "2")).code).toBe(0);
    const again = await connect("r", "--epochs", "6");
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/holds a connect run \(2 epoch\(s\) trained\); pass --resume/);
    const resumed = await connect("r", "--epochs", "6", "--resume");
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/trained 4 epoch\(s\) after the checkpoint's 2/);
    for (const f of ["bend-1.npy", "profiles.json", "profiles.csv", "checkpoint.json"]) {
      expect(readFileSync(join(root, "r", f)).equals(readFileSync(join(root, "c", f))), f).toBe(true);
    }
  });

  it("killed mid-run (SIGKILL after its first checkpoint), then resumed, it equals the uninterrupted run byte for byte", async () => {
    const bin = new URL("../bin/losscape.js", import.meta.url).pathname;
    expect(existsSync(new URL("../dist/cli/main.js", import.meta.url).pathname), "build first: npm run build").toBe(true);
    const args = ["connect", "moons-mlp", "m2/theta.npy", "--params", "m1/theta.npy", "--seed", "3", "--points", "11", "--batch-size", "16", "--epochs", "60", "--no-plots", "--no-progress"];
    const ck = join(root, "killed", "checkpoint.json");
    const child = spawn(process.execPath, [bin, ...args, "--out", "killed"], { cwd: root, stdio: "ignore" });
    const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
    let killed = false;
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        if (existsSync(ck)) {
          clearInterval(timer);
          killed = child.kill("SIGKILL");
          res();
        }
      }, 2);
      void exited.then(() => {
        clearInterval(timer);
        if (!killed) rej(new Error("the child finished before it could be killed"));
      });
    });
    await exited;
    const at = json<{ epoch: number }>("killed", "checkpoint.json").epoch;
    expect(at).toBeLessThan(60);
    expect(existsSync(join(root, "killed", "profiles.json"))).toBe(false);
    const resumed = await run(...args, "--out", "killed", "--resume");
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain(`trained ${60 - at} epoch(s) after the checkpoint's ${at}`);
    expect((await run(...args, "--out", "whole")).code).toBe(0);
    for (const f of ["bend-1.npy", "profiles.json", "profiles.csv", "checkpoint.json"]) {
      expect(readFileSync(join(root, "killed", f)).equals(readFileSync(join(root, "whole", f))), f).toBe(true);
    }
  }, 60_000);

  it("resuming with other inputs is refused and names what changed; the checkpoint is untouched", async () => {
    const before = readFileSync(join(root, "r", "checkpoint.json"));
    const r = await connect("r", "--epochs", "8", "--resume", "--lr", "0.02");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds a connect run from different inputs \(optimizer\)/);
    const fewer = await connect("r", "--epochs", "3", "--resume");
    expect(fewer.code).toBe(2);
    expect(fewer.err).toMatch(/--epochs 3: the checkpoint .* already has 6 epochs/);
    expect(readFileSync(join(root, "r", "checkpoint.json")).equals(before)).toBe(true);
  });

  it("an ONNX CNN (BatchNorm): the bend is also written as an .onnx model holding the same θ (in the file's float32)", async () => {
    const fix = join(process.cwd(), "test/fixtures/onnx");
    for (const f of ["cnn_bn.onnx", "cnn_bn.x.npy", "cnn_bn.y.npy"]) copyFileSync(join(fix, f), join(root, f));
    writeFileSync(join(root, "cnn.json"), JSON.stringify({ model: { type: "onnx", path: "cnn_bn.onnx" }, loss: "cross_entropy", data: { x: "cnn_bn.x.npy", y: "cnn_bn.y.npy" } }));
    const b = loadProblem(join(root, "cnn.json")).problem.theta0!.map((v, i) => v + 0.05 * Math.sin(i));
    saveNpy(join(root, "cnn-b.npy"), float64Array([b.length], b));
    const r = await run("connect", "cnn.json", "cnn-b.npy", "--epochs", "1", "--batch-size", "0", "--points", "5", "--out", "cnn", "--no-progress");
    expect(r.code, r.err).toBe(0);
    const { problem } = loadProblem(join(root, "cnn.json"));
    const fromOnnx = loadProblemParams(join(root, "cnn", "bend-1.onnx"), problem.layout, "bend");
    expect(Array.from(fromOnnx)).toEqual(Array.from(loadNpy(join(root, "cnn", "bend-1.npy")).data, (v) => Math.fround(Number(v))));
    expect(json<Profiles>("cnn", "profiles.json").line.loss[0]).toBeCloseTo(json<Profiles>("cnn", "profiles.json").curve.loss[0]!, 12);
    // its BatchNorm statistics are held fixed along a line, so an aligned line would not end at B's function
    const al = await run("landscape", "cnn.json", "--to", "cnn-b.npy", "--align", "--out", "cnn-align", "--no-progress");
    expect(al.code).toBe(2);
    expect(al.err).toMatch(/aligning along a line needs a model without buffers; the loss holds bn\.running_mean/);
    expect(existsSync(join(root, "cnn-align"))).toBe(false);
  });

  it.each([
    ["B of the wrong length", ["connect", "moons-mlp", "t6.npy", "--params", "m1/theta.npy"], /B file .* has 6 values, but the model has 354 parameters/],
    ["A of the wrong length", ["connect", "moons-mlp", "m2/theta.npy", "--params", "t6.npy"], /--params file .* has 6 values/],
    ["a missing B", ["connect", "moons-mlp", "nope.npy", "--params", "m1/theta.npy"], /cannot read file .*nope\.npy/],
    ["zero bends", ["connect", "seed-relu", "t2.npy", "--params", "t1.npy", "--bends", "0"], /--bends/],
    ["too many bends", ["connect", "seed-relu", "t2.npy", "--params", "t1.npy", "--bends", "99"], /--bends must be an integer from 1 to 16, got 99/],
    ["a one-point grid", ["connect", "seed-relu", "t2.npy", "--params", "t1.npy", "--points", "1"], /--points/],
    ["a bad format", ["connect", "seed-relu", "t2.npy", "--params", "t1.npy", "--format", "gif"], /--format gif/],
    ["a negative learning rate", ["connect", "seed-relu", "t2.npy", "--params", "t1.npy", "--lr", "-1"], /--lr must be a positive number, got -1/]
  ])("%s: exit 2, a clear message, nothing written", async (_name, args, message) => {
    const r = await run(...args, "--out", "bad", "--no-progress");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, "bad"))).toBe(false);
  });
});

describe("losscape landscape --to B --align", () => {
  it("the seed network: barrier 1 before alignment, 0 after; θ2 aligned is θ1", async () => {
    const r = await run("landscape", "seed-relu", "--params", "t1.npy", "--to", "t2.npy", "--align", "--x", "0:1:21", "--out", "seed-align", "--no-progress");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/straight line θ → θ2: +barrier 1\.000 at t = 0\.500/);
    expect(r.out).toMatch(/line θ → θ2 aligned \(activation\): barrier 0\.000 at t = 0\.000/);
    const b = json<{ barriers: { straight: { height: number; t: number }; aligned: { height: number } } }>("seed-align", "barriers.json");
    expect(b.barriers.straight.height).toBe(1);
    expect(b.barriers.straight.t).toBe(0.5);
    expect(b.barriers.aligned.height).toBe(0);
    expect(Array.from(loadNpy(join(root, "seed-align", "theta-aligned.npy")).data)).toEqual([1, -1, 0, 0, 1, -1, 0]);
    expect(existsSync(join(root, "seed-align", "barriers.svg"))).toBe(true);
    const m = json<{ align: { barriers: unknown } }>("seed-align", "manifest.json");
    expect(m.align.barriers).toEqual(b.barriers);
  });

  it("two moons MLPs from seeds 1 and 2: activation matching cuts the barrier severalfold; the text, JSON and manifest agree", async () => {
    const heights: Record<string, { straight: number; aligned: number }> = {};
    for (const method of ["activation", "weight"]) {
      const out = `moons-${method}`;
      const r = await run("landscape", "moons-mlp", "--params", "m1/theta.npy", "--to", "m2/theta.npy", "--align", "--align-method", method, "--out", out, "--no-progress");
      expect(r.code, r.err).toBe(0);
      const b = json<{ barriers: { straight: { height: number; t: number }; aligned: { height: number; t: number } }; straightLoss: number[] }>(out, "barriers.json");
      expect(r.out).toContain(`straight line θ → θ2:         barrier ${b.barriers.straight.height.toPrecision(4)} at t = ${b.barriers.straight.t.toFixed(3)}`);
      expect(r.out).toContain(`line θ → θ2 aligned (${method}): barrier ${b.barriers.aligned.height.toPrecision(4)} at t = ${b.barriers.aligned.t.toFixed(3)}`);
      expect(json<{ align: { barriers: unknown } }>(out, "manifest.json").align.barriers).toEqual(b.barriers);
      // the straight line in barriers.json is the landscape's own line
      const loss = loadNpy(join(root, out, "loss.npy")).data as Float64Array;
      b.straightLoss.forEach((v, i) => expect(v).toBeCloseTo(loss[i]!, 10));
      heights[method] = { straight: b.barriers.straight.height, aligned: b.barriers.aligned.height };
    }
    // Measured: straight 1.762; activation 0.0590 (30×), weight 0.181 (9.7×).
    expect(heights["activation"]!.straight / heights["activation"]!.aligned).toBeGreaterThan(10);
    expect(heights["weight"]!.straight / heights["weight"]!.aligned).toBeGreaterThan(3);
  });

  it("an ONNX residual block (LayerNorm): the aligned line ends at B's loss, its barrier reported", async () => {
    const fix = join(process.cwd(), "test/fixtures/onnx");
    for (const f of ["resblock_ln.onnx", "resblock_ln.x.npy", "resblock_ln.y.npy"]) copyFileSync(join(fix, f), join(root, f));
    writeFileSync(join(root, "res.json"), JSON.stringify({ model: { type: "onnx", path: "resblock_ln.onnx" }, loss: "cross_entropy", data: { x: "resblock_ln.x.npy", y: "resblock_ln.y.npy" } }));
    for (const s of ["1", "2"]) expect((await run("train", "res.json", "--epochs", "5", "--seed", s, "--init", "he", "--out", `res${s}`, "--no-progress")).code).toBe(0);
    const r = await run("landscape", "res.json", "--params", "res1/model.onnx", "--to", "res2/model.onnx", "--align", "--x", "0:1:11", "--out", "res-align", "--no-progress");
    expect(r.code, r.err).toBe(0);
    const b = json<{ barriers: { straight: { lossB: number; height: number }; aligned: { lossB: number; height: number } }; alignment: { maxOutputDiff: number } }>("res-align", "barriers.json");
    expect(b.alignment.maxOutputDiff).toBeLessThan(1e-12);
    expect(b.barriers.aligned.lossB).toBeCloseTo(b.barriers.straight.lossB, 10);
    expect(r.out).toContain(`line θ → θ2 aligned (activation): barrier ${b.barriers.aligned.height.toPrecision(4)}`);
  });

  it.each([
    ["--align without --to", ["--align"], /--align needs --to/],
    ["--align on a plane", ["--align", "--to", "t2.npy", "--y", "-1:1:3"], /--align draws lines: drop --y/],
    ["a bad method", ["--align", "--to", "t2.npy", "--align-method", "nearest"], /--align-method/]
  ])("%s: exit 2, nothing written", async (_name, args, message) => {
    const r = await run("landscape", "seed-relu", "--params", "t1.npy", ...args, "--out", "bad-align", "--no-progress");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(join(root, "bad-align"))).toBe(false);
  });
});

it("no temp files are left anywhere", () => {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
  expect(walk(root).filter((f) => f.includes(".tmp-"))).toEqual([]);
});
