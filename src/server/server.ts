/**
 * The explorer's HTTP server (node:http, no framework): the built browser app from one folder, and a
 * JSON API whose routes each validate their body with a zod schema (api-schemas.ts) and bound their
 * work with caps. Heavy work runs here, in Node, on ONNX Runtime; long jobs stream NDJSON progress
 * and stop when the browser cancels. Binds to loopback unless told otherwise.
 */
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import { field, UserError } from "../util/errors.js";
import { analysisHandler } from "./analysis-handler.js";
import { AnalysisPool, type ExecutorChoice, type PoolLoad } from "./analysis-pool.js";
import { ANALYSES, DEFAULT_LIMITS, type AnalysisLimits } from "./analysis-routes.js";
import { CAPS } from "./api-schemas.js";
import { ApiError, sendError, sendJson } from "./http-util.js";
import { metaRoute } from "./routes/meta.js";
import { serveStatic } from "./static-files.js";

export interface ExplorerServerOptions {
  /** Folder of the built browser app (web/dist). */
  staticDir: string;
  /** Where internal errors are logged (default stderr). */
  log?: (msg: string) => void;
  /** Executor of the analysis workers' heavy work (default: ONNX Runtime, float64). */
  executor?: ExecutorChoice;
  /** Analysis worker processes (default: one per core, at least 2, so one slow request never holds the others). */
  workers?: number;
  /** Time, memory and queue limits of the analyses (default: DEFAULT_LIMITS, from CAPS). */
  limits?: Partial<AnalysisLimits>;
}

/** Worker processes for `workers` (or one per core: at least 2, at most 8). */
export function workerCount(workers?: number): number {
  return Math.max(1, Math.floor(workers ?? Math.min(8, Math.max(2, availableParallelism()))));
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const POOLS = new WeakMap<Server, AnalysisPool>();

export function createExplorerServer(opts: ExplorerServerOptions): Server {
  const log = opts.log ?? ((m: string) => process.stderr.write(`losscape serve: ${m}\n`));
  const limits: AnalysisLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const pool = new AnalysisPool({ size: workerCount(opts.workers), memoryMb: limits.workerMemoryMb, maxQueue: limits.queuedAnalyses, executor: opts.executor ?? "onnx" });
  const analysis = { pool, limits, log, bodyBytes: CAPS.bodyBytes };

  const routes: Record<string, Handler> = {
    "GET /api/meta": async (_req, res) => sendJson(res, 200, metaRoute({ curvature: true, convexity: true, landscape: true, hessian: true, symmetry: true })),
    // Every analysis (analysis-routes.ts) runs in the worker pool under its time cap.
    ...Object.fromEntries(Object.entries(ANALYSES).map(([name, def]): [string, Handler] => [`POST /api/${name}`, analysisHandler(name, def, analysis)])),
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith("/api/")) {
      const handler = routes[`${req.method} ${path}`];
      const run = handler ?? (async () => {
        const known = Object.keys(routes).some((k) => k.endsWith(` ${path}`));
        throw new ApiError(known ? 405 : 404, known ? `${req.method} is not allowed on ${path}` : `no API route ${path}`);
      });
      run(req, res).catch((e: unknown) => {
        req.resume();
        sendError(res, e, log);
      });
      return;
    }
    serveStatic(opts.staticDir, req, res);
  });
  server.on("close", () => void pool.close());
  POOLS.set(server, pool);
  return server;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /** The analysis workers' state: tasks running and queued, workers live and stopped. */
  load(): PoolLoad;
  close(): Promise<void>;
}

/** Start listening; a port in use or a host that cannot be bound is a UserError that says so. */
export async function startExplorerServer(o: ExplorerServerOptions & { port: number; host: string }): Promise<RunningServer> {
  if (!existsSync(join(o.staticDir, "index.html"))) {
    throw new UserError(`the browser app is not built (${join(o.staticDir, "index.html")} is missing): run "npm run build:web" (or "npm start")`);
  }
  const server = createExplorerServer(o);
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      if (e.code === "EADDRINUSE") reject(new UserError(`port ${o.port} on ${o.host} is already in use: stop the other server or pick another one (${field("port")})`));
      else if (e.code === "EACCES") reject(new UserError(`not allowed to listen on ${o.host}:${o.port}: pick a port above 1023 (${field("port")})`));
      else if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND") reject(new UserError(`cannot listen on host ${o.host}: no such local address`));
      else reject(e);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(o.port, o.host);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    server,
    load: () => POOLS.get(server)!.load,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
