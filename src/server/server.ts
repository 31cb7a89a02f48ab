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
import { createOnnxExecutor } from "../exec/onnx/executor.js";
import type { Executor } from "../exec/executor.js";
import { field, UserError } from "../util/errors.js";
import { CAPS, convexityRequest, curvatureRequest, hessianRequest, landscapeRequest, segmentRequest } from "./api-schemas.js";
import { ApiError, readRequest, sendError, sendJson } from "./http-util.js";
import { runStream } from "./ndjson-stream.js";
import { curvatureRoute } from "./routes/curvature.js";
import { hessianJob, prepareHessian } from "./routes/hessian.js";
import { landscapeJob, prepareModelJob } from "./routes/landscape.js";
import { metaRoute } from "./routes/meta.js";
import { convexityRoute, segmentRoute } from "./routes/network.js";
import { serveStatic } from "./static-files.js";

export interface ExplorerServerOptions {
  /** Folder of the built browser app (web/dist). */
  staticDir: string;
  /** Where internal errors are logged (default stderr). */
  log?: (msg: string) => void;
  /** Executor for one request's heavy work (default: ONNX Runtime, float64). Disposed after the request. */
  executor?: () => Executor;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createExplorerServer(opts: ExplorerServerOptions): Server {
  const log = opts.log ?? ((m: string) => process.stderr.write(`losscape serve: ${m}\n`));
  const makeExecutor = opts.executor ?? (() => createOnnxExecutor());
  const body = CAPS.bodyBytes;
  const withExecutor = async <T>(f: (ex: Executor) => Promise<T>): Promise<T> => {
    const ex = makeExecutor();
    try {
      return await f(ex);
    } finally {
      await ex.dispose();
    }
  };

  const routes: Record<string, Handler> = {
    "GET /api/meta": async (_req, res) => sendJson(res, 200, metaRoute({ curvature: true, convexity: true, landscape: true, hessian: true })),
    "POST /api/curvature": async (req, res) => sendJson(res, 200, curvatureRoute(await readRequest(req, curvatureRequest, "curvature", body))),
    "POST /api/segment": async (req, res) => sendJson(res, 200, await segmentRoute(await readRequest(req, segmentRequest, "segment", body))),
    "POST /api/convexity": async (req, res) => sendJson(res, 200, await convexityRoute(await readRequest(req, convexityRequest, "convexity", body))),
    "POST /api/landscape": async (req, res) => {
      const r = await readRequest(req, landscapeRequest, "landscape", body);
      const p = prepareModelJob(r.spec, r.train, 2);
      await runStream(req, res, r.maxSeconds, log, (stream) => withExecutor((ex) => landscapeJob(r, p, ex, stream)));
    },
    "POST /api/hessian": async (req, res) => {
      const r = await readRequest(req, hessianRequest, "hessian", body);
      const p = prepareHessian(r);
      await runStream(req, res, r.maxSeconds, log, (stream) => withExecutor((ex) => hessianJob(r, p, ex, stream)));
    },
  };

  return createServer((req, res) => {
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
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
