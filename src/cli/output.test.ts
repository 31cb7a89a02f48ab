import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.testkit.js";

const dir = mkdtempSync(join(tmpdir(), "losscape-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("output and progress", () => {
  it("every --json is pretty-printed alike (two-space indent, one trailing newline)", async () => {
    const runs = [
      await runCli(["hessian", "seed-relu", "--params", "example:theta1", "--exact", "--json"]),
      await runCli(["convexity", "linear-regression", "--json"]),
      await runCli(["inspect", "seed-relu", "--json"])
    ];
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${JSON.stringify(JSON.parse(r.out), null, 2)}\n`);
      expect(r.err).toBe("");
    }
  });

  it("hessian shows a progress bar counted in HVPs on stderr, none with --json or --no-progress", async () => {
    const args = ["hessian", "seed-relu", "--params", "example:theta1", "--exact", "--trace", "--probes", "20"];
    const shown = await runCli(args);
    expect(shown.code).toBe(0);
    // off a TTY: plain lines, the last one the finished count
    expect(shown.err).toMatch(/^hessian: 100% {2}\d+\/\d+ HVPs/m);
    expect((await runCli([...args, "--no-progress"])).err).toBe("");
    expect((await runCli([...args, "--json"])).err).toBe("");
  });

  it("train labels the minibatch figures and the final full-data ones apart", async () => {
    const r = await runCli(["train", "moons-mlp", "--epochs", "2", "--batch-size", "50", "--test-fraction", "0.25", "--out", join(dir, "run")]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/batch loss \d/);
    expect(r.err).toMatch(/batch acc \d/);
    expect(r.err).not.toMatch(/(?<!batch )loss \d/);
    expect(r.out).toMatch(/train loss \(all 150 samples\) \d\S*, train accuracy \d\S*, test loss \(all 50 held-out samples\) \d\S*, test accuracy/);
  });
});
