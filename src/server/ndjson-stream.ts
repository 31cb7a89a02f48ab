/**
 * Long jobs answer with chunked NDJSON: one JSON event per line, flushed as it happens, so the browser
 * can draw progress while the server works (analysis-handler.ts writes the lines the job's worker
 * sends). A job's signal lets it stop at a safe point; the server also stops it outright by ending
 * its worker at the time cap or when the client goes away.
 */
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
