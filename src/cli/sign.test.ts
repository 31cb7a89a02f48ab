import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliRun } from "./run-cli.testkit.js";

const run = (...args: string[]): Promise<CliRun> => runCli(["sign", ...args]);

describe("losscape sign", () => {
  it("proves the sign of the asker's sigma'' on [-100, 100] (text)", async () => {
    const r = await run("(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))", "--domain=-100,100");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/g >= 0 on: +\[-100, 0\]\n/);
    expect(r.out).toMatch(/g <= 0 on: +\[0, 100\]\n/);
    expect(r.out).toMatch(/zeros: +at 0 \(exactly\)\n/);
    expect(r.out).not.toMatch(/undecided/);
  });

  it("--json and --plot (SVG and scaled PNG)", async () => {
    const j = JSON.parse((await run("x^3 - x", "--domain=-2,2", "--json")).out) as { zeros: { x: number }[]; undecided: unknown[] };
    expect(j.zeros.map((z) => z.x)).toEqual([-1, 0, 1]);
    expect(j.undecided).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), "losscape-sign-"));
    try {
      const svg = join(dir, "s.svg");
      expect((await run("sin(x)", "--domain", "0,7", "--plot", svg)).code).toBe(0);
      const text = readFileSync(svg, "utf8");
      for (const label of ["g(x)", "zero 3.142", "(proven)"]) expect(text).toContain(label);
      const p1 = join(dir, "a.png"), p3 = join(dir, "b.png");
      expect((await run("sin(x)", "--domain", "0,7", "--plot", p1)).code).toBe(0);
      expect((await run("sin(x)", "--domain", "0,7", "--plot", p3, "--scale", "3")).code).toBe(0);
      expect(statSync(p3).size).toBeGreaterThan(statSync(p1).size);
      // PNGs default to 2× the SVG's width, like every other command's plots.
      const svgWidth = Number(/width="(\d+)"/.exec(text)![1]);
      expect(readFileSync(p1).readUInt32BE(16)).toBe(2 * svgWidth);
      expect(readFileSync(p3).readUInt32BE(16)).toBe(3 * svgWidth);
      expect((await run("x", "--plot", p1, "--scale", "0")).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad input exits 2", async () => {
    expect((await run("x +")).code).toBe(2);
    expect((await run("x", "--domain=1,0")).code).toBe(2);
  });
});
