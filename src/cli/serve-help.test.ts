/**
 * `losscape serve --help` states the server's limits; serve.ts writes them out (importing the
 * server's CAPS would load the server on every CLI start), so this test holds them to CAPS.
 */
import { describe, expect, it } from "vitest";
import { CAPS } from "../server/api-schemas.js";
import { runCli } from "./run-cli.testkit.js";

describe("losscape serve --help", () => {
  it("teaches the port, the host, the workers and every cap, with the numbers the server enforces", async () => {
    const { code, out } = await runCli(["serve", "--help"]);
    expect(code).toBe(0);
    const help = out.replace(/\s+/g, " ");
    for (const flag of ["--port <n>", "--host <address>", "--workers <n>"]) expect(help).toContain(flag);
    expect(help).toContain(`curvature ${CAPS.curvatureSeconds} s`);
    expect(help).toContain(`segment ${CAPS.segmentSeconds} s`);
    expect(help).toContain(`convexity its search budget (at most ${CAPS.convexitySeconds} s) + ${CAPS.convexityCheckSeconds} s`);
    expect(help).toContain(`landscape, Hessian and symmetry ${CAPS.seconds} s`);
    expect(help).toContain(`${CAPS.workerMemoryMb} MB of heap per analysis worker`);
    expect(help).toContain(`${CAPS.queuedAnalyses} requests wait`);
  });

  it("a bad --workers exits 2 naming the flag and the range", async () => {
    const r = await runCli(["serve", "--workers", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--workers must be an integer from 1 to 64");
  });
});
