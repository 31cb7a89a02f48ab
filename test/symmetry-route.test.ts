/**
 * POST /api/symmetry without a browser: bad requests and requests over the caps are a plain 400 before
 * any work, and a small job streams the three paths in order, each ending at the two trained models
 * (its L(A), L(B) are the runs' own final losses) with the barrier recomputed from its profile.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPS } from "../src/server/api-schemas.js";
import { startExplorerServer, type RunningServer } from "../src/server/server.js";
import { barrierOf } from "../src/symmetry/barrier.js";

const spec = { model: { type: "mlp", layers: [2, 6, 2], activation: "relu", outputActivation: "linear", bias: true }, loss: "cross_entropy", data: { name: "moons", n: 80, noise: 0.1 } };
let dir: string;
let srv: RunningServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "losscape-symmetry-route-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
  srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {} });
});
afterAll(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown): Promise<Response> =>
  fetch(new URL("/api/symmetry", srv.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("POST /api/symmetry", () => {
  it.each([
    ["an unknown alignment method", { spec, alignMethod: "nearest" }, /alignMethod/],
    ["too many bends", { spec, curve: { bends: 9 } }, /curve\.bends: at most 4 bends/],
    ["an unknown field", { spec, colour: "red" }, /colour|unrecognized/i],
    ["more optimiser steps than the cap", { spec, train: { epochs: CAPS.epochs, batchSize: 1 } }, new RegExp(`at most ${CAPS.trainSteps}`)],
    ["a curve over the step cap", { spec, train: { epochs: 50, batchSize: 0 }, curve: { epochs: CAPS.epochs, batchSize: 1 } }, new RegExp(`the two runs and the curve would take 160100 optimiser steps; at most ${CAPS.trainSteps}`)]
  ])("%s is a 400 naming the problem", async (_name, body, message) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(message);
  });

  it("streams the straight line, the aligned line and the curve, each from L(A) to L(B) of the two trained runs", async () => {
    const r = await post({ spec, train: { epochs: 60, batchSize: 0, seed: 1 }, seedB: 2, curve: { epochs: 5, batchSize: 0 }, linePoints: 21 });
    expect(r.status).toBe(200);
    const events = (await r.text()).split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    const final = Object.fromEntries(events.filter((e) => e["type"] === "trained").map((e) => [e["run"], e["finalLoss"] as number]));
    const paths = events.filter((e) => e["type"] === "path") as unknown as { path: string; t: number[]; loss: number[]; barrier: { height: number; t: number; lossA: number; lossB: number } }[];
    expect(paths.map((p) => p.path)).toEqual(["straight", "aligned", "curve"]);
    expect(events[events.length - 1]!["type"]).toBe("done");
    for (const p of paths) {
      expect(p.t).toHaveLength(21);
      expect(p.barrier.lossA).toBeCloseTo(final["A"]!, 9);
      // aligned B computes B's function, so every path ends at L(B)
      expect(p.barrier.lossB).toBeCloseTo(final["B"]!, 9);
      const again = barrierOf(p.t, p.loss, p.barrier.lossA, p.barrier.lossB);
      expect(p.barrier.height).toBe(again.height);
      expect(p.barrier.t).toBe(again.t);
    }
  }, 60_000);
});
