import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPS } from "./api-schemas.js";
import { startExplorerServer, type RunningServer } from "./server.js";
import { resolveStaticPath } from "./static-files.js";

const SEED_SPEC = {
  model: { type: "mlp", layers: [1, 2, 1], activation: "relu", outputActivation: "linear", bias: true },
  loss: "sse_half",
  data: { x: [[1], [-1]], y: [[1], [-1]] }
};

let root: string;
let outside: string;
let srv: RunningServer;

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), "losscape-server-"));
  root = join(base, "dist");
  outside = join(base, "secret.txt");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><title>x</title>");
  writeFileSync(join(root, "assets", "app.js"), "console.log(1)");
  writeFileSync(join(root, "notes.unknownext"), "x");
  writeFileSync(outside, "top secret");
  symlinkSync(outside, join(root, "escape.txt"));
  srv = await startExplorerServer({ staticDir: root, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference" });
});

afterAll(async () => {
  await srv.close();
  rmSync(join(root, ".."), { recursive: true, force: true });
});

/** A raw request, so the path reaches the server exactly as written (fetch would normalise ".."). */
function raw(path: string, method = "GET", body?: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: srv.port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body: text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const post = (path: string, body: unknown): ReturnType<typeof raw> => raw(path, "POST", JSON.stringify(body), { "content-type": "application/json" });

describe("static files", () => {
  it("resolveStaticPath refuses every way out of the root", () => {
    for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/a\\..\\b", "/x%00.js", "/./index.html", "/%E0%A4%A"]) {
      expect(resolveStaticPath(root, p).kind, p).toBe("refused");
    }
    expect(resolveStaticPath(root, "/escape.txt").kind).toBe("refused");
    expect(resolveStaticPath(root, "/missing.js").kind).toBe("missing");
    expect(resolveStaticPath(root, "/notes.unknownext").kind).toBe("missing");
    expect(resolveStaticPath(root, "/")).toMatchObject({ kind: "file", type: "text/html; charset=utf-8" });
  });

  it("serves the app with MIME types, 404s what is not there, and never a file outside the root", async () => {
    expect(await raw("/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(await raw("/assets/app.js")).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8", body: "console.log(1)" });
    expect((await raw("/nope.css")).status).toBe(404);
    for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/escape.txt"]) {
      const r = await raw(p);
      expect([403, 404], p).toContain(r.status);
      expect(r.body).not.toContain("top secret");
    }
    expect((await raw("/", "DELETE")).status).toBe(405);
  });
});

describe("API validation and caps", () => {
  it("bad JSON, a wrong content type and unknown routes get a clear message", async () => {
    const bad = await raw("/api/curvature", "POST", "{not json", { "content-type": "application/json" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/not valid JSON/);
    expect((await raw("/api/curvature", "POST", "x", { "content-type": "text/plain" })).status).toBe(415);
    expect((await raw("/api/nothing")).status).toBe(404);
    expect((await raw("/api/curvature")).status).toBe(405);
    const missing = await post("/api/curvature", { domain: [0, 1] });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error).toMatch(/^invalid curvature request: expression/);
    const extra = await post("/api/curvature", { expression: "x", domain: [0, 1], code: "process.exit()" });
    expect(JSON.parse(extra.body).error).toMatch(/code/);
  });

  it("an expression is parsed, never evaluated as code; its errors are 400s naming the column", async () => {
    const r = await post("/api/curvature", { expression: "x + constructor.constructor('return process')()", domain: [-1, 1] });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toMatch(/column/);
    const ok = await post("/api/curvature", { expression: "relu(x)", domain: [-1, 1] });
    expect(ok.status).toBe(200);
    const reply = JSON.parse(ok.body);
    expect(reply.result.verdict).toBe("convex");
    expect(reply.svg).toMatch(/^<svg/);
  });

  it("caps are enforced with 400s that name the limit", async () => {
    const cases: [string, unknown, RegExp][] = [
      ["/api/curvature", { expression: "x+".repeat(300) + "x", domain: [0, 1] }, /longer than 400/],
      ["/api/curvature", { expression: "x", domain: [0, 1e9] }, /within ±/],
      ["/api/landscape", { spec: SEED_SPEC, gridSide: CAPS.gridSide + 1 }, /gridSide: at most 61/],
      ["/api/landscape", { spec: { ...SEED_SPEC, data: { name: "moons", n: 1000 } , model: { ...SEED_SPEC.model, layers: [2, 4, 2] }, loss: "cross_entropy" }, train: { epochs: 2000, batchSize: 1 } }, /optimiser steps; at most 20000/],
      ["/api/segment", { spec: { ...SEED_SPEC, model: { ...SEED_SPEC.model, layers: [1, 100, 100, 1] } }, thetaA: [0], thetaB: [0] }, /10401 parameters; the explorer allows at most 5000/],
      ["/api/segment", { spec: { ...SEED_SPEC, data: { x: "/etc/passwd", y: "/etc/passwd" } }, thetaA: [0], thetaB: [0] }, /data files are not read/],
      ["/api/segment", { spec: { ...SEED_SPEC, data: { name: "moons", n: 5000 }, model: { ...SEED_SPEC.model, layers: [2, 2, 1] } }, thetaA: [0], thetaB: [0] }, /at most 2000 samples/],
      ["/api/segment", { spec: SEED_SPEC, thetaA: [1, 2], thetaB: [1, 2] }, /θa \(thetaA\) has 2 values; the network has 7/],
      ["/api/convexity", { spec: SEED_SPEC, budgetSeconds: 600 }, /budgetSeconds: at most 30/],
      ["/api/hessian", { spec: SEED_SPEC, k: 50 }, /k: at most 10/]
    ];
    for (const [path, body, message] of cases) {
      const r = await post(path, body);
      expect(r.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(JSON.parse(r.body).error).toMatch(message);
    }
    const huge = await raw("/api/curvature", "POST", "x".repeat(CAPS.bodyBytes + 10), { "content-type": "application/json" });
    expect(huge.status).toBe(413);
  });

  it("the seed segment has losses 0, 1, 0 at s = 0, 1/2, 1", async () => {
    const r = await post("/api/segment", { spec: SEED_SPEC, thetaA: [1, -1, 0, 0, 1, -1, 0], thetaB: [-1, 1, 0, 0, -1, 1, 0], samples: 3 });
    expect(JSON.parse(r.body)).toMatchObject({ s: [0, 0.5, 1], loss: [0, 1, 0], parameters: 7 });
  });

  it("a landscape job streams NDJSON events in order and ends with done", async () => {
    const r = await post("/api/landscape", { spec: SEED_SPEC, train: { epochs: 20, lr: 0.05 }, gridSide: 5, linePoints: 5 });
    expect(r.type).toMatch(/application\/x-ndjson/);
    const events = r.body.trim().split("\n").map((l) => JSON.parse(l) as { type: string; run?: string });
    const kinds = events.map((e) => e.type).filter((t) => t !== "progress" && t !== "train-step");
    expect(kinds).toEqual(["trained", "trained", "surface", "interpolation", "theta", "done"]);
    const surface = events.find((e) => e.type === "surface") as unknown as { loss: number[]; x: number[] };
    expect(surface.loss).toHaveLength(25);
    expect(surface.x).toHaveLength(5);
  });
});
