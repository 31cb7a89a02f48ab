/**
 * Serves the built browser app from one folder and nothing else. A request path is decoded once,
 * resolved against the root and refused unless the result stays inside it (no "..", no encoded
 * slashes, no NUL bytes, no symlinks that lead out).
 */
import { createReadStream, realpathSync, statSync, type Stats } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { securityHeaders } from "./http-util.js";

export const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

export type StaticLookup = { kind: "file"; path: string; size: number; type: string } | { kind: "refused" } | { kind: "missing" };

/** Where a URL path points inside root, or why it may not be served. Pure apart from the file system lookup. */
export function resolveStaticPath(root: string, urlPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return { kind: "refused" };
  }
  if (decoded.includes("\0") || decoded.includes("\\") || !decoded.startsWith("/")) return { kind: "refused" };
  if (decoded.split("/").some((part) => part === ".." || part === ".")) return { kind: "refused" };
  const rootAbs = resolve(root);
  const rel = decoded === "/" ? "index.html" : decoded.slice(1);
  const target = resolve(rootAbs, rel);
  if (target !== rootAbs && !target.startsWith(rootAbs + sep)) return { kind: "refused" };
  let real: string, realRoot: string, st: Stats;
  try {
    realRoot = realpathSync(rootAbs);
    real = realpathSync(target);
    st = statSync(real);
  } catch {
    return { kind: "missing" };
  }
  if (!real.startsWith(realRoot + sep)) return { kind: "refused" };
  if (!st.isFile()) return { kind: "missing" };
  const type = MIME_TYPES[extname(real).toLowerCase()];
  if (!type) return { kind: "missing" };
  return { kind: "file", path: real, size: st.size, type };
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { ...securityHeaders(), allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("method not allowed\n");
    return;
  }
  const found = resolveStaticPath(root, req.url ?? "/");
  if (found.kind !== "file") {
    const status = found.kind === "refused" ? 403 : 404;
    res.writeHead(status, { ...securityHeaders(), "content-type": "text/plain; charset=utf-8" });
    res.end(status === 403 ? "forbidden\n" : "not found\n");
    return;
  }
  const immutable = found.path.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...securityHeaders(),
    "content-type": found.type,
    "content-length": found.size,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ...(found.type.startsWith("text/html")
      ? { "content-security-policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" }
      : {}),
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  // A file removed or unreadable after the lookup must not crash the server: drop the connection.
  createReadStream(found.path)
    .on("error", () => res.destroy())
    .pipe(res);
}
