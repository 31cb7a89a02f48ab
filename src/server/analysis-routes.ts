/**
 * The explorer's analysis routes, each in one record: its request schema (checked on the request
 * loop, so a bad request is a plain 400 at once), its time cap, what to try when the cap is hit, and
 * the work itself — which runs in an analysis worker process (analysis-worker.ts), never on the loop
 * that answers the other requests. The work is imported lazily, so the server process never
 * loads the analysis code.
 *
 * Adding an analysis route is one record here; server.ts serves every record at POST /api/<name>.
 */
import type { z } from "zod";
import type { Executor } from "../exec/executor.js";
import {
  CAPS, convexityRequest, curvatureRequest, hessianRequest, landscapeRequest, segmentRequest, symmetryRequest,
  type ConvexityRequest, type LandscapeRequest, type HessianRequest, type SymmetryRequest
} from "./api-schemas.js";
import type { EventStream } from "./ndjson-stream.js";

/** The limits the server puts on each analysis (defaults in CAPS; tests shorten them). */
export interface AnalysisLimits {
  curvatureSeconds: number;
  segmentSeconds: number;
  /** Added to a convexity request's own search budget: the re-check and the picture after the search. */
  convexityCheckSeconds: number;
  /** V8 heap of one analysis worker, in MB. */
  workerMemoryMb: number;
  /** Requests that may wait for a free worker before the server answers "busy". */
  queuedAnalyses: number;
}

export const DEFAULT_LIMITS: AnalysisLimits = {
  curvatureSeconds: CAPS.curvatureSeconds,
  segmentSeconds: CAPS.segmentSeconds,
  convexityCheckSeconds: CAPS.convexityCheckSeconds,
  workerMemoryMb: CAPS.workerMemoryMb,
  queuedAnalyses: CAPS.queuedAnalyses
};

interface RouteCommon<R> {
  schema: z.ZodType<R>;
  /** Seconds this request may run in its worker. */
  capSeconds(request: R, limits: AnalysisLimits): number;
  /** Appended to the time-cap message: what makes the same question finish sooner, in the page's words. */
  sooner: string;
}

/** A request answered with one JSON reply. */
export interface JsonAnalysis<R> extends RouteCommon<R> {
  kind: "json";
  run(request: R): Promise<unknown>;
}

/**
 * A long job answered with NDJSON events. `prepare` runs first, so a request that is too big is a
 * plain 400 before the stream (and its 200) starts; `run` then sends its events.
 */
export interface StreamAnalysis<R, P = unknown> extends RouteCommon<R> {
  kind: "stream";
  prepare(request: R): Promise<P>;
  run(request: R, prepared: P, executor: Executor, stream: EventStream): Promise<void>;
}

// The table holds routes of different request types; each record is checked against its own
// schema's type where it is written (json/stream below), and only the worker, which received the
// request from that same schema, calls it.
export type AnyAnalysis = JsonAnalysis<never> | StreamAnalysis<never, never>;

const json = <R>(a: Omit<JsonAnalysis<R>, "kind">): AnyAnalysis => ({ kind: "json", ...a }) as unknown as AnyAnalysis;
const stream = <R, P>(a: Omit<StreamAnalysis<R, P>, "kind">): AnyAnalysis => ({ kind: "stream", ...a }) as unknown as AnyAnalysis;

export const ANALYSES: Readonly<Record<string, AnyAnalysis>> = {
  curvature: json({
    schema: curvatureRequest,
    capSeconds: (_r, l) => l.curvatureSeconds,
    sooner: "a simpler f(x) or a narrower range (from, to) finishes sooner",
    run: async (r) => (await import("./routes/curvature.js")).curvatureRoute(r)
  }),
  segment: json({
    schema: segmentRequest,
    capSeconds: (_r, l) => l.segmentSeconds,
    sooner: "fewer samples or a smaller network finish sooner",
    run: async (r) => (await import("./routes/network.js")).segmentRoute(r)
  }),
  convexity: json({
    schema: convexityRequest,
    capSeconds: (r: ConvexityRequest, l) => r.budgetSeconds + l.convexityCheckSeconds,
    sooner: "a smaller network or less data finish sooner",
    run: async (r) => (await import("./routes/network.js")).convexityRoute(r)
  }),
  landscape: stream({
    schema: landscapeRequest,
    capSeconds: (r: LandscapeRequest) => r.maxSeconds,
    sooner: "fewer epochs, a larger batch or a smaller grid side finish sooner",
    prepare: async (r) => (await import("./routes/landscape.js")).prepareModelJob(r.spec, r.train, 2),
    run: async (r, p, ex, s) => (await import("./routes/landscape.js")).landscapeJob(r, p, ex, s)
  }),
  hessian: stream({
    schema: hessianRequest,
    capSeconds: (r: HessianRequest) => r.maxSeconds,
    sooner: "fewer epochs or a smaller network finish sooner",
    prepare: async (r) => (await import("./routes/hessian.js")).prepareHessian(r),
    run: async (r, p, ex, s) => (await import("./routes/hessian.js")).hessianJob(r, p, ex, s)
  }),
  symmetry: stream({
    schema: symmetryRequest,
    capSeconds: (r: SymmetryRequest) => r.maxSeconds,
    sooner: "fewer epochs, a larger batch or fewer curve epochs finish sooner",
    prepare: async (r) => (await import("./routes/symmetry.js")).prepareSymmetry(r),
    run: async (r, p, ex, s) => (await import("./routes/symmetry.js")).symmetryJob(r, p, ex, s)
  })
};

/** Load every route's code, so a fresh worker answers its first request without the import time. */
export async function preloadAnalyses(): Promise<void> {
  await Promise.all([import("./routes/curvature.js"), import("./routes/network.js"), import("./routes/landscape.js"), import("./routes/hessian.js"), import("./routes/symmetry.js")]);
}
