import { describe, it, expect, vi, afterEach } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliRun } from "./run-cli.testkit.js";

const run = (...args: string[]): Promise<CliRun> => runCli(["curvature", ...args]);

afterEach(() => vi.restoreAllMocks());

describe("losscape curvature", () => {
  it('"sigmoid(x)" prints the verdict, the intervals and the inflection', async () => {
    const r = await run("sigmoid(x)");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verdict: NEITHER/);
    expect(r.out).toMatch(/convex on: +\[-10, 0\]/);
    expect(r.out).toMatch(/concave on: +\[0, 10\]/);
    expect(r.out).toMatch(/inflections: +at 0 \(exactly\)\n/);
  });

  it("the issue's first tries are decided, and the text never contradicts the verdict", async () => {
    const logistic = await run("-log(sigmoid(x))");
    expect(logistic.out).toMatch(/verdict: CONVEX/);
    const softplus = await run("log(1+exp(x))");
    expect(softplus.out).toMatch(/verdict: CONVEX/);
    expect(softplus.out).toMatch(/convex on: +\[-10, 10\]\n/);
    const entropy = await run("x*log(x)", "--domain", "0,4");
    expect(entropy.out).toMatch(/verdict: CONVEX/);
    expect(entropy.out).toMatch(/convex on: +\(0, 4\]\n/);
    const flat = await run("max(x, 0)^2");
    expect(flat.out).toMatch(/minima: +f = 0 on \[-10, 0\] \(flat\)/);
    const sig = await run("1/(1+exp(-x))", "--domain=-100,100");
    expect(sig.out).toMatch(/inflections: +at 0 \(exactly\)\n/);
    for (const e of ["max(x, x)", "min(x,x)"]) {
      const r = await run(e);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/verdict: AFFINE/);
    }
  });

  it("the asker's R expression on [-100, 100]: four proven regions, inflections as enclosures and an exact 0", async () => {
    const r = await run("(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))", "--domain=-100,100");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verdict: NEITHER/);
    expect(r.out).toMatch(/convex on: +\[-100, -2\.29243\], \[0, 2\.29243\]\n/);
    expect(r.out).toMatch(/concave on: +\[-2\.29243, 0\], \[2\.29243, 100\]\n/);
    expect(r.out).toMatch(/inflections: +in \[-2\.2924316\d*, -2\.2924316\d*\], at 0 \(exactly\), in \[2\.2924316\d*, 2\.2924316\d*\]\n/);
    expect(r.out).not.toMatch(/nowhere|undecided/);
    const j = JSON.parse((await run("(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))", "--domain=-100,100", "--json")).out) as { undecided: unknown[]; inflectionPoints: { exact: boolean }[] };
    expect(j.undecided).toEqual([]);
    expect(j.inflectionPoints.map((p) => p.exact)).toEqual([false, true, false]);
  });

  it('"-x^2" (a leading minus) is concave', async () => {
    const r = await run("-x^2");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verdict: CONCAVE/);
  });

  it("--domain=-5,5 and --domain -5,5 both work", async () => {
    for (const args of [["sqrt(1+x^2)", "--domain=-5,5"], ["sqrt(1+x^2)", "--domain", "-5,5"]]) {
      const r = await run(...args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/on \[-5, 5\]/);
      expect(r.out).toMatch(/verdict: CONVEX/);
      expect(r.out).toMatch(/proof: +interval/);
    }
  });

  it("the ReLU hat lists kinks with jumps +1, -2, +1", async () => {
    const r = await run("relu(x+1) - 2*relu(x) + relu(x-1)");
    expect(r.out).toMatch(/x = -1: .*by \+1 \(convex kink/);
    expect(r.out).toMatch(/x = 0: .*by -2 \(concave kink/);
    expect(r.out).toMatch(/x = 1: .*by \+1 \(convex kink/);
  });

  it("--json has the documented shape", async () => {
    const r = await run("relu(x) - relu(-x)", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    for (const key of ["expression", "domain", "verdict", "proof", "certificates", "dcp", "kinks", "inflections", "convexIntervals", "concaveIntervals", "minima", "maxima"]) {
      expect(j).toHaveProperty(key);
    }
    expect(j["verdict"]).toBe("affine");
    expect(j["domain"]).toEqual([-10, 10]);
    expect((j["proof"] as { method: string }).method).toBe("interval");
    expect((j["dcp"] as { tree: { curvature: string } }).tree.curvature).toBe("unknown");
    expect(j).not.toHaveProperty("samples");
  });

  it("a bad expression exits 2 and names the column", async () => {
    const r = await run("x + * 2");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/column 5/);
    const u = await run("relu(x) + foo(x)");
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/unknown function "foo".*column 11|column 11.*unknown function "foo"/s);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
  });

  it("a bad domain exits 2", async () => {
    expect((await run("x", "--domain=3,1")).code).toBe(2);
    expect((await run("log(x)")).code).toBe(2);
  });

  it("--plot writes an SVG with the three panels", async () => {
    const dir = mkdtempSync(join(tmpdir(), "losscape-curv-"));
    try {
      const file = join(dir, "hat.svg");
      const r = await run("relu(x+1) - 2*relu(x) + relu(x-1)", "--domain=-3,3", "--plot", file);
      expect(r.code).toBe(0);
      const svg = readFileSync(file, "utf8");
      expect(svg).toMatch(/^<svg|<\?xml/);
      for (const label of ["f(x)", "kink -2", "concave kink"]) expect(svg).toContain(label);
      // f' and f'' labels, with the apostrophes escaped however the SVG writer escapes them.
      expect(svg).toMatch(/f(&#39;|&apos;|')\(x\)/);
      expect(svg).toMatch(/f(&#39;|&apos;|'){2}\(x\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--help teaches with examples", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Examples:/);
    expect(r.out).toContain('losscape curvature "-x^2"');
    expect(r.out).toContain("--domain=-5,5");
  });
});
