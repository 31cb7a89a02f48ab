import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.testkit.js";

const dir = mkdtempSync(join(tmpdir(), "losscape-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the CLI shows the library's field errors under its flags", () => {
  it("train: optimizer.momentum is --momentum, checkpointEvery is --checkpoint-every", async () => {
    const r = await runCli(["train", "seed-relu", "--momentum", "1", "--out", join(dir, "t"), "--no-progress"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^losscape: error: --momentum must be in \[0, 1\), got 1$/m);
  });

  it("hessian: trace.probes is --probes", async () => {
    const r = await runCli(["hessian", "seed-relu", "--params", "example:theta1", "--trace", "--trace-method", "hutch++", "--probes", "2"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--probes must be at least 3 for Hutch\+\+, got 2/);
  });

  it("a spec error names the field, the valid values and the nearest, exit 2", async () => {
    const spec = join(dir, "bad.json");
    writeFileSync(spec, JSON.stringify({ model: { type: "mlp", layers: [1, 2, 1], activation: "ReLU" }, loss: "mse", data: { x: [1, -1], y: [1, -1] } }));
    const r = await runCli(["convexity", spec]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/model\.activation: "ReLU" is not one of .*; did you mean "relu"\?/);
    expect(r.err).toMatch(/data\.x must be rows, one per sample, e\.g\. \[\[1\], \[-1\]\]/);
  });
});
