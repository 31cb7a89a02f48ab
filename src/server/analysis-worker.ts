/**
 * The explorer's analysis worker: a child process of the server (started by analysis-pool.ts) that
 * runs one analysis route at a time and sends back its JSON reply, or its stream's events, as JSON
 * text. The server kills this process when the task passes its time cap or its client goes away, so
 * nothing here watches the clock. A process rather than a worker thread, because ending a thread
 * while ONNX Runtime computes in it aborts the whole server (onnxruntime-node throws from its
 * teardown), and a killed process takes nothing else with it.
 */
import type { Executor } from "../exec/executor.js";
import { createOnnxExecutor } from "../exec/onnx/executor.js";
import { createReferenceExecutor } from "../exec/reference.js";
import type { ExecutorChoice, TaskMessage, WorkerMessage } from "./analysis-pool.js";
import { ANALYSES, preloadAnalyses } from "./analysis-routes.js";
import { errorStatus } from "./http-util.js";
import type { EventStream } from "./ndjson-stream.js";

if (!process.send) throw new Error("analysis-worker runs as a child process of the explorer server (analysis-pool.ts starts it)");
const post = (msg: WorkerMessage): void => {
  process.send!(msg);
};

const makeExecutor = (choice: ExecutorChoice): Executor => (choice === "reference" ? createReferenceExecutor() : createOnnxExecutor());
// Stopping is the server's job (it kills the process), so a job's own cancellation checks never fire here.
const neverAborted = new AbortController().signal;

async function runTask(m: TaskMessage): Promise<void> {
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

// The server starts a task's time cap once this worker says it is ready, so loading the code is not
// charged to a request; a task that arrives before waits for that message to go out first (a failure
// to load shows in the task itself, when it imports its route).
const ready = preloadAnalyses()
  .catch(() => {})
  .then(() => post({ id: 0, type: "ready" }));
process.on("message", (m: TaskMessage) => void ready.then(() => runTask(m)));
// The server went away (or closed the pool): nothing is left to answer.
process.on("disconnect", () => process.exit(0));
