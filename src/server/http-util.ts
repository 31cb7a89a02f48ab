/**
 * Small HTTP helpers on node:http: reading a capped JSON body, JSON replies, and errors that carry a
 * status and a message the browser shows as is. Internal errors never leak a stack to the client.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { describeUserError, isUserError, type FieldNamer } from "../util/errors.js";
import { describeZodError } from "./api-schemas.js";

/** An error with an HTTP status; its message is meant for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > maxBytes) throw new ApiError(413, `request body is ${declared} bytes; at most ${maxBytes} are accepted`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(413, `request body exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parse the body as JSON and validate it with the route's schema; any failure is a 400 that says why. */
export async function readRequest<S extends z.ZodType>(req: IncomingMessage, schema: S, where: string, maxBytes: number): Promise<z.output<S>> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/json")) throw new ApiError(415, `send the ${where} request as application/json (got "${type || "no content type"}")`);
  const text = await readBody(req, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new ApiError(400, describeZodError(r.error, where));
  return r.data;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
} as const;

export function securityHeaders(): Record<string, string> {
  return { ...SECURITY_HEADERS };
}

/** JSON has no NaN or ±Infinity (JSON.stringify would write null silently): say so explicitly. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function finiteArray(a: ArrayLike<number>): (number | null)[] {
  return Array.from(a, finiteOrNull);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** A reply already serialised (an analysis worker's result). */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...securityHeaders(), "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The library's option fields as the page labels them, with the request field the page sends
 * (api-schemas.ts) in brackets for scripts; fields the requests share with the library
 * (budgetSeconds, params, spec.*) keep their names.
 */
const REQUEST_FIELDS: Readonly<Record<string, string>> = {
  "optimizer.lr": "lr (train.lr)",
  "optimizer.momentum": "momentum (train.momentum)",
  epochs: "epochs (train.epochs)",
  batchSize: "batch (train.batchSize)",
  seed: "random start (train.seed)",
  top: "eigenpairs at each end (k)",
  bottom: "eigenpairs at each end (k)",
  theta: "theta"
};
export const requestField: FieldNamer = (field) => REQUEST_FIELDS[field];

/** Status and message for a thrown value: user errors are 400s, everything else a 500 without details. */
export function errorStatus(e: unknown): { status: number; message: string; internal: boolean } {
  if (e instanceof ApiError) return { status: e.status, message: e.message, internal: false };
  if (isUserError(e)) return { status: 400, message: describeUserError(e, requestField), internal: false };
  return { status: 500, message: "internal error in the server (it is logged there); please report it", internal: true };
}

export function sendError(res: ServerResponse, e: unknown, log: (msg: string) => void): void {
  const { status, message, internal } = errorStatus(e);
  if (internal) log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status, { error: message });
}
