/**
 * Long jobs answer with chunked NDJSON: one JSON event per line, flushed as it happens, so the browser
 * can draw progress while the server works. The job gets an AbortSignal that fires when the client
 * goes away (the browser's AbortController closes the connection) or when the time cap runs out.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorStatus, securityHeaders } from "./http-util.js";

export interface EventStream {
  readonly signal: AbortSignal;
  send(event: { type: string } & Record<string, unknown>): void;
}

/** Thrown by jobs that stop because their signal fired. */
export class JobAborted extends Error {
  constructor(readonly why: "cancelled" | "timeout") {
    super(why === "timeout" ? "the job ran past its time cap" : "the job was cancelled");
    this.name = "JobAborted";
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new JobAborted(signal.reason === "timeout" ? "timeout" : "cancelled");
}

/** Let the event loop breathe so cancellation and other requests get through between heavy steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runStream(
  req: IncomingMessage,
  res: ServerResponse,
  maxSeconds: number,
  log: (msg: string) => void,
  job: (stream: EventStream) => Promise<void>
): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort("timeout"), maxSeconds * 1000);
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort("cancelled");
  };
  res.on("close", onClose);
  res.writeHead(200, { ...securityHeaders(), "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
  const send = (event: { type: string } & Record<string, unknown>): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(event)}\n`);
  };
  const started = performance.now();
  try {
    await job({ signal: controller.signal, send });
    send({ type: "done", seconds: +((performance.now() - started) / 1000).toFixed(3) });
  } catch (e) {
    if (e instanceof JobAborted) {
      send({ type: "error", message: e.why === "timeout" ? `stopped after the time cap of ${maxSeconds} s; ask for less work (fewer epochs, a smaller grid)` : "cancelled", cancelled: e.why === "cancelled" });
    } else {
      const { message, internal } = errorStatus(e);
      if (internal) log(`internal error in a job: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      send({ type: "error", message });
    }
  } finally {
    clearTimeout(timer);
    res.off("close", onClose);
    req.resume();
    res.end();
  }
}
