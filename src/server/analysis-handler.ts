/**
 * One HTTP handler for every analysis route: validate the body here, run the work in the worker
 * pool under the route's time cap, and answer — one JSON reply, or an NDJSON stream whose events
 * the worker sends as they happen. A limit that was hit is said in words the page can show as is:
 * "curvature stopped at its 10 s time cap: …" (a 503 before a stream starts, an error event after).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnalysisPool } from "./analysis-pool.js";
import { LimitHit, TaskCancelled, TaskFailed } from "./analysis-pool.js";
import type { AnalysisLimits, AnyAnalysis } from "./analysis-routes.js";
import { ApiError, errorStatus, readRequest, securityHeaders, sendJsonText } from "./http-util.js";

export interface AnalysisContext {
  pool: AnalysisPool;
  limits: AnalysisLimits;
  bodyBytes: number;
  log(msg: string): void;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What the client is told when a task did not finish; internal failures keep their stack for the log. */
export function describeFailure(name: string, sooner: string, e: unknown): Error {
  if (e instanceof LimitHit) {
    switch (e.limit) {
      case "time":
        return new ApiError(503, `${name} stopped at its ${e.value} s time cap: ${sooner}`);
      case "memory":
        return new ApiError(503, `${name} stopped at its ${e.value} MB memory cap: ${sooner}`);
      case "queue":
        return new ApiError(503, `the server is busy: ${e.value} analyses are already waiting for a free worker; try again in a moment`);
      case "closing":
        return new ApiError(503, "the server is shutting down");
    }
  }
  if (e instanceof TaskFailed) {
    if (!e.internal) return new ApiError(e.status, e.message);
    const internal = new Error(e.message);
    internal.stack = e.detail ?? e.message;
    return internal;
  }
  return e instanceof Error ? e : new Error(String(e));
}

export function analysisHandler(name: string, def: AnyAnalysis, ctx: AnalysisContext): Handler {
  return async (req, res) => {
    const request = await readRequest(req, def.schema, name, ctx.bodyBytes);
    const capSeconds = def.capSeconds(request as never, ctx.limits);
    const gone = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) gone.abort();
    };
    res.on("close", onClose);
    try {
      if (def.kind === "json") await answerJson(name, def.sooner, request, capSeconds, gone.signal, res, ctx);
      else await answerStream(name, def.sooner, request, capSeconds, gone.signal, res, ctx);
    } finally {
      res.off("close", onClose);
    }
  };
}

async function answerJson(name: string, sooner: string, request: unknown, capSeconds: number, signal: AbortSignal, res: ServerResponse, ctx: AnalysisContext): Promise<void> {
  let text: string | undefined;
  try {
    text = await ctx.pool.run({ name, request, capSeconds, signal });
  } catch (e) {
    if (e instanceof TaskCancelled) return;
    throw describeFailure(name, sooner, e);
  }
  sendJsonText(res, 200, text ?? "null");
}

async function answerStream(name: string, sooner: string, request: unknown, capSeconds: number, signal: AbortSignal, res: ServerResponse, ctx: AnalysisContext): Promise<void> {
  let started = false;
  const t0 = performance.now();
  const write = (line: string): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${line}\n`);
  };
  const onStart = (): void => {
    started = true;
    res.writeHead(200, { ...securityHeaders(), "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
  };
  try {
    await ctx.pool.run({ name, request, capSeconds, signal, onStart, onEvent: write });
    write(JSON.stringify({ type: "done", seconds: +((performance.now() - t0) / 1000).toFixed(3) }));
  } catch (e) {
    if (e instanceof TaskCancelled) return;
    const failure = describeFailure(name, sooner, e);
    // Before the stream started, the failure is the reply's status (a 400 for a request that is too big).
    if (!started) throw failure;
    const { message, internal } = errorStatus(failure);
    if (internal) ctx.log(`internal error in a job: ${failure.stack ?? failure.message}`);
    write(JSON.stringify({ type: "error", message }));
  } finally {
    if (started) res.end();
  }
}
