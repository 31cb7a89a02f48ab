/**
 * One long server job per page: starts an NDJSON stream, cancels the previous one and the running one
 * when the page goes away, and keeps the progress and error events that every job sends. The page
 * handles its own result events.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { isAbort, messageOf, postStream, type StreamEvent } from "./api.js";
import type { Progress } from "./components/progress-bar.js";

export interface StreamJob {
  running: boolean;
  progress: Progress | null;
  error: string | null;
  start(path: string, body: unknown, onEvent: (e: StreamEvent) => void): void;
  cancel(): void;
}

export function useStreamJob(): StreamJob {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const job = useRef<AbortController | null>(null);

  useEffect(() => () => job.current?.abort(), []);

  const start = (path: string, body: unknown, onEvent: (e: StreamEvent) => void): void => {
    job.current?.abort();
    const ctl = new AbortController();
    job.current = ctl;
    setError(null);
    setProgress(null);
    setRunning(true);
    const route = (e: StreamEvent): void => {
      if (e.type === "progress") setProgress({ phase: String(e["phase"]), done: Number(e["done"]), total: Number(e["total"]) });
      else if (e.type === "error") setError(String(e["message"]));
      else onEvent(e);
    };
    postStream(path, body, route, ctl.signal)
      .catch((e: unknown) => setError(isAbort(e) ? "cancelled" : messageOf(e)))
      .finally(() => {
        if (job.current === ctl) setRunning(false);
      });
  };
  return { running, progress, error, start, cancel: () => job.current?.abort() };
}
