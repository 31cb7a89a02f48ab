/**
 * The explorer's analysis worker (a worker thread of the server, started by analysis-pool.ts): runs
 * one analysis route at a time and posts back its JSON reply, or its stream's events, as JSON text.
 * The server terminates this thread when the task passes its time cap or its client goes away, so
 * nothing here needs to watch the clock.
 */
import { parentPort } from "node:worker_threads";
import type { Executor } from "../exec/executor.js";
import { createOnnxExecutor } from "../exec/onnx/executor.js";
import { createReferenceExecutor } from "../exec/reference.js";
import type { ExecutorChoice, TaskMessage, WorkerMessage } from "./analysis-pool.js";
import { ANALYSES, preloadAnalyses } from "./analysis-routes.js";
import { errorStatus } from "./http-util.js";
import type { EventStream } from "./ndjson-stream.js";

const port = parentPort;
if (!port) throw new Error("analysis-thread runs as a worker thread of the explorer server (analysis-pool.ts starts it)");

const makeExecutor = (choice: ExecutorChoice): Executor => (choice === "reference" ? createReferenceExecutor() : createOnnxExecutor());
// Stopping is the server's job (it terminates the thread), so a job's own cancellation checks never fire here.
const neverAborted = new AbortController().signal;

async function runTask(m: TaskMessage): Promise<void> {
  const post = (msg: WorkerMessage): void => port!.postMessage(msg);
  try {
    const def = ANALYSES[m.name];
    if (!def) throw new Error(`no analysis route named "${m.name}"`);
    if (def.kind === "json") {
      const value = await def.run(m.request as never);
      post({ id: m.id, type: "result", text: JSON.stringify(value) });
      return;
    }
    const prepared = await def.prepare(m.request as never);
    post({ id: m.id, type: "start" });
    const stream: EventStream = { signal: neverAborted, send: (event) => post({ id: m.id, type: "event", line: JSON.stringify(event) }) };
    const ex = makeExecutor(m.executor);
    try {
      await def.run(m.request as never, prepared as never, ex, stream);
    } finally {
      await ex.dispose();
    }
    post({ id: m.id, type: "end" });
  } catch (e) {
    const { status, message, internal } = errorStatus(e);
    post({ id: m.id, type: "error", status, message, internal, ...(internal ? { detail: e instanceof Error ? (e.stack ?? e.message) : String(e) } : {}) });
  }
}

port.on("message", (m: TaskMessage) => void runTask(m));
// A task that arrives meanwhile awaits the same imports; a failure to load shows in that task.
preloadAnalyses().catch(() => {});
