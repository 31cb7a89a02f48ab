/**
 * The server cannot be stalled: analyses run in worker processes under time caps, so a request that
 * would run for seconds is cut at its cap with a message naming the limit, while a second request
 * answers in the meantime; a client that goes away has its worker stopped. Orders of completion and
 * the pool's own counters are the oracles, never wall-clock thresholds.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExplorerServer, type RunningServer } from "./server.js";

/** The stalling request: a product of 39 sines on ±1e6 takes the curvature analysis ~10 s. */
const STALL = { expression: Array.from({ length: 39 }, () => "sin(x)").join("*"), domain: [-1e6, 1e6] };
const SEED_SPEC = {
  model: { type: "mlp", layers: [1, 2, 1], activation: "relu", outputActivation: "linear", bias: true },
  loss: "sse_half",
  data: { x: [[1], [-1]], y: [[1], [-1]] }
};
const SEGMENT = { spec: SEED_SPEC, thetaA: [1, -1, 0, 0, 1, -1, 0], thetaB: [-1, 1, 0, 0, -1, 1, 0], samples: 3 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "losscape-limits-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Reply {
  status: number;
  body: string;
}

/** POST JSON; `abort` destroys the request as a browser's AbortController would. */
function post(srv: RunningServer, path: string, body: unknown): { reply: Promise<Reply>; abort(): void } {
  const text = JSON.stringify(body);
  const req = request({ host: "127.0.0.1", port: srv.port, path, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) } });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on("response", (res) => {
      let t = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (t += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: t }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
  req.end(text);
  return { reply, abort: () => req.destroy() };
}

describe("analyses run off the request loop, under caps", () => {
  it("a segment asked while a stalling curvature runs answers while it is still running", async () => {
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 2, limits: { curvatureSeconds: 600 } });
    try {
      const finished: string[] = [];
      const stall = post(srv, "/api/curvature", STALL);
      stall.reply.then(() => finished.push("stall"), () => {});
      await expect.poll(() => srv.load().running, { timeout: 10_000 }).toBe(1);
      const q = await post(srv, "/api/segment", SEGMENT).reply;
      // The oracle is the pool's state when the answer came: the curvature was still being computed.
      expect(srv.load().running).toBe(1);
      expect(finished).toEqual([]);
      expect(q.status).toBe(200);
      expect(JSON.parse(q.body)).toMatchObject({ s: [0, 0.5, 1], loss: [0, 1, 0] });
      stall.abort();
    } finally {
      await srv.close();
    }
  });

  it("a stalling curvature is cut at its time cap with a 503 that names the cap, and its worker is stopped", async () => {
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 1, limits: { curvatureSeconds: 1 } });
    try {
      const s = await post(srv, "/api/curvature", STALL).reply;
      expect(s.status).toBe(503);
      expect(JSON.parse(s.body).error).toBe("curvature stopped at its 1 s time cap: a simpler f(x) or a narrower range (from, to) finishes sooner");
      await expect.poll(() => srv.load().terminated, { timeout: 10_000 }).toBe(1);
      expect(srv.load()).toMatchObject({ running: 0, workers: 0 });
    } finally {
      await srv.close();
    }
  });

  it("a client that goes away has its worker stopped, and the only worker is free for the next request", async () => {
    // One worker and a cap far beyond the stall: only stopping the worker can free it.
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 1, limits: { curvatureSeconds: 600 } });
    try {
      const stall = post(srv, "/api/curvature", STALL);
      stall.reply.catch(() => {});
      await expect.poll(() => srv.load().running, { timeout: 10_000 }).toBe(1);
      stall.abort();
      await expect.poll(() => srv.load().terminated, { timeout: 10_000 }).toBe(1);
      expect(srv.load()).toMatchObject({ running: 0, queued: 0, workers: 0 });
      const next = await post(srv, "/api/curvature", { expression: "x^2", domain: [-1, 1] }).reply;
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body).result.verdict).toBe("convex");
    } finally {
      await srv.close();
    }
  });

  it("a request waiting for the busy worker leaves the queue when its client goes away", async () => {
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 1, limits: { curvatureSeconds: 600, queuedAnalyses: 1 } });
    try {
      const stall = post(srv, "/api/curvature", STALL);
      stall.reply.catch(() => {});
      await expect.poll(() => srv.load().running, { timeout: 10_000 }).toBe(1);
      const waiting = post(srv, "/api/segment", SEGMENT);
      waiting.reply.catch(() => {});
      await expect.poll(() => srv.load().queued, { timeout: 10_000 }).toBe(1);
      // The queue holds one: a third request is told the server is busy.
      const busy = await post(srv, "/api/segment", SEGMENT).reply;
      expect(busy.status).toBe(503);
      expect(JSON.parse(busy.body).error).toMatch(/^the server is busy: 1 analyses are already waiting/);
      waiting.abort();
      await expect.poll(() => srv.load().queued, { timeout: 10_000 }).toBe(0);
      expect(srv.load().running).toBe(1);
      stall.abort();
      await expect.poll(() => srv.load().terminated, { timeout: 10_000 }).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("a stream past its cap ends with an error event naming the cap, after the events it had sent", async () => {
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 1 });
    try {
      const spec = { model: { type: "mlp", layers: [2, 16, 16, 2], activation: "tanh", outputActivation: "linear", bias: true }, loss: "cross_entropy", data: { name: "moons", n: 1000 } };
      // A warm worker, so the cap falls inside the training, after the stream has started.
      expect((await post(srv, "/api/segment", SEGMENT).reply).status).toBe(200);
      const r = await post(srv, "/api/landscape", { spec, train: { epochs: 2000 }, maxSeconds: 2 }).reply;
      expect(r.status).toBe(200);
      const events = r.body.trim().split("\n").map((l) => JSON.parse(l) as { type: string; message?: string });
      const last = events[events.length - 1]!;
      expect(last).toEqual({ type: "error", message: "landscape stopped at its 2 s time cap: fewer epochs, a larger batch or a smaller grid side finish sooner" });
      expect(events.some((e) => e.type === "done")).toBe(false);
      expect(events.filter((e) => e.type === "train-step").length).toBeGreaterThan(0);
      await expect.poll(() => srv.load().terminated, { timeout: 10_000 }).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it("a landscape on ONNX Runtime whose client goes away mid-training stops, and the server lives on", async () => {
    // Ending a worker thread inside an ONNX Runtime call aborts the whole process; a worker process does not.
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "onnx", workers: 1 });
    try {
      const spec = { model: { type: "mlp", layers: [2, 16, 16, 2], activation: "tanh", outputActivation: "linear", bias: true }, loss: "cross_entropy", data: { name: "moons", n: 1000 } };
      const text = JSON.stringify({ spec, train: { epochs: 2000 } });
      const events = await new Promise<number>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: srv.port, path: "/api/landscape", method: "POST", headers: { "content-type": "application/json" } });
        req.on("response", (res) => {
          let lines = 0;
          res.on("data", (c: Buffer) => {
            lines += c.toString().split("\n").length - 1;
            if (lines >= 10) {
              req.destroy();
              resolve(lines);
            }
          });
        });
        req.on("error", () => {});
        req.on("close", () => reject(new Error("the stream ended before 10 events")));
        req.end(text);
      });
      expect(events).toBeGreaterThanOrEqual(10);
      await expect.poll(() => srv.load().terminated, { timeout: 10_000 }).toBe(1);
      const next = await post(srv, "/api/segment", SEGMENT).reply;
      expect(next.status).toBe(200);
    } finally {
      await srv.close();
    }
  });

  it("a worker past its heap cap is stopped and the request says which cap", async () => {
    // 4 MB cannot even hold the analysis code (it needs about 10), so the worker dies at its heap limit.
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 1, limits: { workerMemoryMb: 4 } });
    try {
      const r = await post(srv, "/api/curvature", { expression: "x^2", domain: [-1, 1] }).reply;
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body).error).toBe("curvature stopped at its 4 MB memory cap: a simpler f(x) or a narrower range (from, to) finishes sooner");
      expect(srv.load()).toMatchObject({ running: 0, workers: 0 });
    } finally {
      await srv.close();
    }
  });

  it("a user error in the worker keeps its status and message", async () => {
    const srv = await startExplorerServer({ staticDir: dir, port: 0, host: "127.0.0.1", log: () => {}, executor: "reference", workers: 1 });
    try {
      const r = await post(srv, "/api/curvature", { expression: "x + foo(x)", domain: [-1, 1] }).reply;
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error).toMatch(/foo/);
    } finally {
      await srv.close();
    }
  });
});
