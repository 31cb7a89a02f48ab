/** Calls to the explorer's JSON API: plain requests, and NDJSON streams for long jobs. Both take an AbortSignal. */

export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

async function failure(res: Response): Promise<ApiFailure> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === "string") message = body.error;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiFailure(message, res.status);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal: signal ?? null });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: signal ?? null });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export interface StreamEvent {
  type: string;
  [key: string]: unknown;
}

/** POST, then call onEvent for each NDJSON line as it arrives; resolves when the stream ends. */
export async function postStream(path: string, body: unknown, onEvent: (e: StreamEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  if (!res.ok) throw await failure(res);
  if (!res.body) throw new ApiFailure("the server sent no stream", 500);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onEvent(JSON.parse(line) as StreamEvent);
    }
  }
  if (buffer.trim()) onEvent(JSON.parse(buffer) as StreamEvent);
}

export const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === "AbortError";

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface Meta {
  version: string;
  curvaturePresets: { name: string; expression: string; note: string }[];
  examples: { name: string; description: string; spec: Record<string, unknown>; params: Record<string, number[]> | null }[];
  datasets: { name: string; description: string; task: "regression" | "classification" }[];
  activations: string[];
  losses: string[];
  caps: Record<string, number>;
  features: Record<string, boolean>;
}
