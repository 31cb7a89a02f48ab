import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { Command } from "commander";
import { VERSION } from "../src/version.js";
import { protectNegativeOperands } from "../src/cli/argv.js";

const BIN = new URL("../bin/losscape.js", import.meta.url).pathname;

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
}

describe("the losscape binary", () => {
  it("prints the package version with --version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = run(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("teaches with --help and exits 0", () => {
    const r = run(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/convex/);
    expect(r.stdout).toMatch(/Usage: losscape/);
  });

  it("exits 2 without a stack trace on an unknown option", () => {
    const r = run(["--no-such-option"]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("positional arguments that start with a dash", () => {
  const program = new Command("losscape");
  program.command("curvature").argument("<expr>").option("--domain <a,b>").option("--json");
  const argv = (...a: string[]) => ["node", "losscape", ...a];

  it("reach the command (with a leading space) instead of being read as options", () => {
    expect(protectNegativeOperands(program, argv("curvature", "-x^2", "--json"))).toEqual(argv("curvature", " -x^2", "--json"));
    expect(protectNegativeOperands(program, argv("curvature", "-x"))).toEqual(argv("curvature", " -x"));
  });

  it("leave option values and known options alone", () => {
    expect(protectNegativeOperands(program, argv("curvature", "x^2", "--domain", "-5,5"))).toEqual(argv("curvature", "x^2", "--domain", "-5,5"));
    expect(protectNegativeOperands(program, argv("curvature", "x", "--domain=-5,5", "--json"))).toEqual(argv("curvature", "x", "--domain=-5,5", "--json"));
    expect(protectNegativeOperands(program, argv("curvature", "--bogus"))).toEqual(argv("curvature", "--bogus"));
  });
});
