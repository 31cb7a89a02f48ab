/**
 * `losscape align` as a user runs it: an .onnx B (a CNN with BatchNorm whose channels, buffers included,
 * were shuffled by a known permutation) comes back as an .onnx equal to A's weights; a .npy B (the seed's
 * θ2) comes back as θ1; text and JSON report the same numbers; bad input exits 2 with a message naming
 * the problem and writes nothing.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { float64Array, loadNpy, saveNpy } from "../io/npy.js";
import { resolveProblem } from "../model/problem/resolve.js";
import { loadModelSource } from "../model/train/spec-source.js";
import { loadOnnxModel } from "../onnx/import-model.js";
import { symmetryOf } from "../symmetry/align.js";
import { applyPermutations } from "../symmetry/permute.js";
import { runCli } from "./run-cli.testkit.js";

const FIX = join(process.cwd(), "test/fixtures/onnx");
const root = mkdtempSync(join(tmpdir(), "losscape-align-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const f of ["cnn_bn.onnx", "cnn_bn.x.npy", "cnn_bn.y.npy", "resblock_ln.onnx"]) copyFileSync(join(FIX, f), join(root, f));
const cnnSpec = join(root, "cnn.json");
writeFileSync(cnnSpec, JSON.stringify({ model: { type: "onnx", path: "cnn_bn.onnx" }, loss: "cross_entropy", data: { x: "cnn_bn.x.npy", y: "cnn_bn.y.npy" } }));

interface Report {
  method: string;
  groups: { group: string; size: number; moved: number; perm: number[] }[];
  unpermuted: { group: string; reason: string }[];
  distanceBefore: number;
  distanceAfter: number;
  maxOutputDiff: number;
  format: string;
}

describe("losscape align", () => {
  // B: A's channels shuffled (conv1's within conv2's two groups), BN statistics with them.
  const problem = resolveProblem(loadModelSource(cnnSpec));
  const s = symmetryOf(problem);
  const perms = new Map([["conv1", [1, 0, 3, 2]], ["conv2", [0, 1, 3, 2]]]);
  const shuffled = applyPermutations(s, problem.layout, problem.theta0!, s.buffers, perms);
  const bPath = join(root, "b.onnx");
  writeFileSync(bPath, problem.structure.onnx!.write(shuffled.theta, shuffled.buffers));

  it.each(["activation", "weight"])(".onnx in, .onnx out (%s): the aligned file holds A's weights and statistics exactly", async (method) => {
    const out = join(root, `b-${method}.onnx`);
    const r = await runCli(["align", cnnSpec, bPath, "--out", out, "--method", method, "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as Report;
    expect(rep.format).toBe("onnx");
    expect(rep.groups.map((g) => [g.group, g.moved])).toEqual([["conv1", 4], ["conv2", 2]]);
    expect(rep.distanceBefore).toBeGreaterThan(0);
    expect(rep.distanceAfter).toBe(0);
    const [a, aligned] = [loadOnnxModel(join(root, "cnn_bn.onnx")), loadOnnxModel(out)];
    for (const init of a.initializers) expect(Array.from(aligned.initializers.find((i) => i.name === init.name)!.data)).toEqual(Array.from(init.data));
  });

  it(".npy in, .npy out on the seed network: θ2 comes back as θ1; the text report states the JSON's numbers", async () => {
    const b = join(root, "theta2.npy");
    saveNpy(b, float64Array([7], [-1, 1, 0, 0, -1, 1, 0]));
    const out = join(root, "theta2-aligned.npy");
    const j = await runCli(["align", "seed-relu", b, "--out", out, "--json"]);
    expect(j.code).toBe(0);
    expect(Array.from(loadNpy(out).data as Float64Array)).toEqual([1, -1, 0, 0, 1, -1, 0]);
    const rep = JSON.parse(j.out) as Report;
    const t = await runCli(["align", "seed-relu", b, "--out", out]);
    expect(t.code).toBe(0);
    expect(t.out).toContain(`layer1: 2 units, ${rep.groups[0]!.moved} moved`);
    expect(t.out).toContain(`‖A − B‖ = ${rep.distanceBefore}`);
    expect(t.out).toContain(`‖A − P(B)‖ = ${rep.distanceAfter}`);
    expect(t.out).toContain(`= ${rep.maxOutputDiff} `);
  });

  it(".json in, .json out keeps B's JSON shape (a plain array stays a plain array)", async () => {
    const b = join(root, "theta2.json");
    writeFileSync(b, "[-1, 1, 0, 0, -1, 1, 0]\n");
    const out = join(root, "theta2-aligned.json");
    const r = await runCli(["align", "seed-relu", b, "--out", out, "--method", "weight"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual([1, -1, 0, 0, 1, -1, 0]);
  });

  it("refuses --out that is B itself (exit 2) and leaves B as it was", async () => {
    const copy = join(root, "b-copy.onnx");
    copyFileSync(bPath, copy);
    const r = await runCli(["align", cnnSpec, copy, "--out", copy]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out.*B itself/);
    expect(readFileSync(copy).equals(readFileSync(bPath))).toBe(true);
  });

  const bad: [string, string[], RegExp][] = [
    ["B of another architecture", [cnnSpec, join(root, "resblock_ln.onnx"), "--out", join(root, "x1.onnx")], /not the same architecture/],
    ["a missing B", [cnnSpec, join(root, "nope.onnx"), "--out", join(root, "x2.onnx")], /nope\.onnx/],
    ["an unknown method", [cnnSpec, bPath, "--out", join(root, "x3.onnx"), "--method", "nearest"], /--method.*nearest|nearest.*--method/],
    ["an output in another format than B", [cnnSpec, bPath, "--out", join(root, "x4.npy")], /--out.*\.onnx/],
    ["a θ file whose permutation would move BatchNorm statistics", [cnnSpec, join(root, "b-theta.npy"), "--out", join(root, "x5.npy")], /BatchNormalization statistics.*\.onnx/],
    ["a θ file of the wrong length", ["seed-relu", join(root, "short.npy"), "--out", join(root, "x6.npy")], /6 values.*7 parameters/],
    ["an .onnx B for an MLP spec", ["seed-relu", bPath, "--out", join(root, "x7.onnx")], /B: .*ONNX model, but A's spec is not/]
  ];
  it.each(bad)("refuses %s: exit 2, a message naming it, nothing written", async (_what, args, message) => {
    saveNpy(join(root, "b-theta.npy"), float64Array([shuffled.theta.length], shuffled.theta));
    saveNpy(join(root, "short.npy"), float64Array([6], [1, 2, 3, 4, 5, 6]));
    const r = await runCli(["align", ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(args[args.indexOf("--out") + 1]!)).toBe(false);
  });
});
