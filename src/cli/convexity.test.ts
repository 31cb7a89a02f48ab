import { afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliRun } from "./run-cli.testkit.js";

const run = (...args: string[]): Promise<CliRun> => runCli(args);

afterEach(() => vi.restoreAllMocks());

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "losscape-convexity-"));
}

describe("losscape example / convexity / verify, as a user runs them", () => {
  it("`losscape example` lists the examples and `losscape example seed-relu > seed.json` is a usable spec", async () => {
    const list = await run("example");
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/seed-relu/);
    const dir = tmp();
    try {
      const ex = await run("example", "seed-relu");
      expect(ex.code).toBe(0);
      writeFileSync(join(dir, "seed.json"), ex.out);
      const theta1 = await run("example", "seed-relu", "--params", "theta1");
      writeFileSync(join(dir, "theta1.json"), theta1.out);
      const cert = join(dir, "cert.json"), plot = join(dir, "jensen.svg");
      const r = await run("convexity", join(dir, "seed.json"), "--certificate", cert, "--plot", plot, "--params", join(dir, "theta1.json"), "--budget", "10");
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/NOT convex in its 7 parameters/);
      expect(r.out).toMatch(/L\(θa\) = 0, L\(θb\) = 0, L\(point\) = 1, gap = 1/);
      expect(r.out).toMatch(/output layer \(layer2.weight, layer2.bias\) +convex/);
      expect(readFileSync(plot, "utf8")).toMatch(/^<svg/);
      const v = await run("verify", cert);
      expect(v.code).toBe(0);
      expect(v.out).toMatch(/VALID/);
      expect(v.out).toMatch(/L\(point\) = 1/);
      const vs = await run("verify", cert, "--spec", join(dir, "seed.json"));
      expect(vs.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--json has the documented shape", async () => {
    const r = await run("convexity", "seed-relu", "--json", "--budget", "10");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j["verdict"]).toBe("nonconvex");
    expect(Object.keys(j)).toEqual(expect.arrayContaining(["verdict", "certificate", "blocks", "explanation", "search"]));
    expect(Object.keys(j["search"] as object)).toEqual(expect.arrayContaining(["strategy", "evaluations", "seconds"]));
    const lr = JSON.parse((await run("convexity", "linear-regression", "--json")).out) as { verdict: string; proof: { method: string } };
    expect(lr.verdict).toBe("convex");
    expect(lr.proof.method).toBe("DCP");
  });

  it("a certificate edited by hand to be wrong is invalid (exit 1)", async () => {
    const dir = tmp();
    try {
      const cert = join(dir, "cert.json");
      expect((await run("convexity", "seed-relu", "--certificate", cert, "--no-blocks")).code).toBe(0);
      const c = JSON.parse(readFileSync(cert, "utf8")) as { thetaB: number[]; losses: { mid: number } };
      const editedLoss = { ...c, losses: { ...c.losses, mid: 2 } };
      writeFileSync(join(dir, "a.json"), JSON.stringify(editedLoss));
      const a = await run("verify", join(dir, "a.json"));
      expect(a.code).toBe(1);
      expect(a.out).toMatch(/INVALID/);
      // θb moved onto θa: the "violation" disappears
      writeFileSync(join(dir, "b.json"), JSON.stringify({ ...c, thetaB: [1, -1, 0, 0, 1, -1, 0] }));
      const b = await run("verify", join(dir, "b.json"));
      expect(b.code).toBe(1);
      expect(b.out).toMatch(/not above the chord/);
      // checked against another model
      const d = await run("verify", cert, "--spec", "linear-regression");
      expect(d.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("unusable input exits 2 and says why", async () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, "junk.json"), "{ not json");
      expect((await run("verify", join(dir, "junk.json"))).code).toBe(2);
      writeFileSync(join(dir, "nocert.json"), JSON.stringify({ type: "losscape/jensen-certificate", version: 1 }));
      const r = await run("verify", join(dir, "nocert.json"));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/thetaA/);
      expect((await run("verify", join(dir, "missing.json"))).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad specs exit 2 naming the field", async () => {
    const dir = tmp();
    try {
      const cases: [unknown, RegExp][] = [
        [{ model: { type: "mlp", layers: [1, "x", 1] }, loss: "sse_half", data: { x: [[1]], y: [[1]] } }, /model\.layers\[1\]/],
        [{ model: { type: "mlp", layers: [1, 2, 1], activation: "swish" }, loss: "sse_half", data: { x: [[1]], y: [[1]] } }, /model\.activation/],
        [{ model: { type: "mlp", layers: [1, 2, 1] }, loss: "squared", data: { x: [[1]], y: [[1]] } }, /loss/],
        [{ model: { type: "mlp", layers: [2, 2, 1] }, loss: "mse", data: { x: [[1]], y: [[1]] } }, /model\.layers\[0\]/]
      ];
      for (const [i, [spec, field]] of cases.entries()) {
        const p = join(dir, `bad${i}.json`);
        writeFileSync(p, JSON.stringify(spec));
        const r = await run("convexity", p);
        expect(r.code, JSON.stringify(spec)).toBe(2);
        expect(r.err).toMatch(field);
      }
      expect((await run("example", "no-such-example")).code).toBe(2);
      expect((await run("convexity", "seed-relu", "--budget", "0")).code).toBe(2);
      const params = join(dir, "p.json");
      writeFileSync(params, "[1, 2]");
      const pr = await run("convexity", "seed-relu", "--params", params);
      expect(pr.code).toBe(2);
      expect(pr.err).toMatch(/7 parameters/);
      expect(existsSync(join(dir, "never.json"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
