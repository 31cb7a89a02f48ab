/**
 * A pool of analysis worker threads with a queue, so no request's work ever runs on the thread that
 * answers the others. Each task runs under a time cap; a task past its cap, or whose client went
 * away, has its worker terminated (which frees the CPU even inside a synchronous loop) and a fresh
 * worker takes its place when the next task needs one. A worker's heap is capped too, so a request
 * that allocates without bound ends its own worker, not the server.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { UserError } from "../util/errors.js";

export type ExecutorChoice = "onnx" | "reference";

/** Server -> worker: run one analysis. */
export interface TaskMessage {
  id: number;
  name: string;
  request: unknown;
  executor: ExecutorChoice;
}

/** Worker -> server. Results and events arrive as JSON text, so the server only writes them. */
export type WorkerMessage =
  | { id: number; type: "start" }
  | { id: number; type: "event"; line: string }
  | { id: number; type: "result"; text: string }
  | { id: number; type: "end" }
  | { id: number; type: "error"; status: number; message: string; internal: boolean; detail?: string };

/** A limit the pool enforced: the task's time cap, the worker's memory cap, the queue's length, or shutdown. */
export class LimitHit extends Error {
  constructor(
    readonly limit: "time" | "memory" | "queue" | "closing",
    readonly value: number
  ) {
    super(`${limit} limit (${value}) reached`);
    this.name = "LimitHit";
  }
}

/** The client went away before the answer; nobody is left to tell. */
export class TaskCancelled extends Error {
  constructor() {
    super("the client went away");
    this.name = "TaskCancelled";
  }
}

/** The analysis itself failed in its worker: a user error with its status, or an internal one with its stack. */
export class TaskFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly internal: boolean,
    readonly detail?: string
  ) {
    super(message);
    this.name = "TaskFailed";
  }
}

export interface AnalysisTask {
  name: string;
  request: unknown;
  capSeconds: number;
  /** Fires when the client goes away: the task leaves the queue, or its worker is terminated. */
  signal: AbortSignal;
  /** A stream's preparation succeeded: its events follow. */
  onStart?(): void;
  onEvent?(line: string): void;
}

export interface AnalysisPoolOptions {
  size: number;
  memoryMb: number;
  maxQueue: number;
  executor: ExecutorChoice;
  script?: URL;
}

export interface PoolLoad {
  running: number;
  queued: number;
  workers: number;
  terminated: number;
}

interface Pending extends AnalysisTask {
  id: number;
  settled: boolean;
  slot: Slot | null;
  timer: NodeJS.Timeout | null;
  resolve(text: string | undefined): void;
  reject(e: Error): void;
  onAbort(): void;
}

interface Slot {
  worker: Worker;
  current: Pending | null;
}

/**
 * The worker's compiled entry point. Under the test runner this module is TypeScript in src/ and
 * Node cannot start a worker on it, so the worker runs the build in dist/ (`npm test` builds first).
 */
export function analysisWorkerScript(): URL {
  const fromSources = import.meta.url.endsWith(".ts");
  const url = new URL(fromSources ? "../../dist/server/analysis-thread.js" : "./analysis-thread.js", import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new UserError(`the explorer's analysis worker ${fileURLToPath(url)} is missing: run "npm run build"`);
  }
  return url;
}

export class AnalysisPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private readonly script: URL;
  private nextId = 1;
  private closed = false;
  private terminated = 0;

  constructor(private readonly o: AnalysisPoolOptions) {
    this.script = o.script ?? analysisWorkerScript();
  }

  /** Tasks running and waiting, live workers, and workers stopped so far (their threads have ended). */
  get load(): PoolLoad {
    let running = 0;
    for (const s of this.slots) if (s.current) running++;
    return { running, queued: this.queue.length, workers: this.slots.size, terminated: this.terminated };
  }

  /** Resolves with a JSON reply's text, or undefined once a stream has sent its last event. */
  run(task: AnalysisTask): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const p: Pending = { ...task, id: this.nextId++, settled: false, slot: null, timer: null, resolve, reject, onAbort: () => this.abort(p) };
      if (this.closed) return this.settle(p, new LimitHit("closing", 0));
      if (task.signal.aborted) return this.settle(p, new TaskCancelled());
      task.signal.addEventListener("abort", p.onAbort, { once: true });
      const slot = this.freeSlot();
      if (slot) this.start(slot, p);
      else if (this.queue.length >= this.o.maxQueue) this.settle(p, new LimitHit("queue", this.o.maxQueue));
      else this.queue.push(p);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new LimitHit("closing", 0));
    const workers = [...this.slots].map((s) => s.worker);
    for (const s of this.slots) if (s.current) this.settle(s.current, new LimitHit("closing", 0));
    this.slots.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private freeSlot(): Slot | undefined {
    for (const s of this.slots) if (!s.current) return s;
    return this.slots.size < this.o.size ? this.spawn() : undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, {
      resourceLimits: { maxOldGenerationSizeMb: this.o.memoryMb },
      // The parent's flags may be a test runner's loader hooks, meaningless for the compiled worker.
      execArgv: []
    });
    // Idle workers must not keep a finished process (a test, a CLI run) alive.
    worker.unref();
    const slot: Slot = { worker, current: null };
    worker.on("message", (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on("error", (e: Error & { code?: string }) => this.onCrash(slot, e));
    worker.on("exit", (code) => this.onCrash(slot, new Error(`the analysis worker exited with code ${code}`)));
    this.slots.add(slot);
    return slot;
  }

  private start(slot: Slot, p: Pending): void {
    slot.current = p;
    p.slot = slot;
    p.timer = setTimeout(() => this.kill(slot, new LimitHit("time", p.capSeconds)), p.capSeconds * 1000);
    const msg: TaskMessage = { id: p.id, name: p.name, request: p.request, executor: this.o.executor };
    slot.worker.postMessage(msg);
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    const p = slot.current;
    if (!p || m.id !== p.id) return;
    switch (m.type) {
      case "start":
        p.onStart?.();
        break;
      case "event":
        p.onEvent?.(m.line);
        break;
      case "result":
        this.finish(slot, p, m.text);
        break;
      case "end":
        this.finish(slot, p, undefined);
        break;
      case "error":
        this.finish(slot, p, new TaskFailed(m.status, m.message, m.internal, m.detail));
        break;
    }
  }

  private finish(slot: Slot, p: Pending, outcome: string | undefined | Error): void {
    slot.current = null;
    this.settle(p, outcome);
    this.next();
  }

  /** Terminate a worker (time cap, client gone): its task ends with `why`, the slot is not reused. */
  private kill(slot: Slot, why: Error): void {
    if (!this.slots.delete(slot)) return;
    const p = slot.current;
    slot.current = null;
    void slot.worker.terminate().then(() => this.terminated++);
    if (p) this.settle(p, why);
    this.next();
  }

  private onCrash(slot: Slot, e: Error & { code?: string }): void {
    if (!this.slots.has(slot)) return;
    const why = e.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? new LimitHit("memory", this.o.memoryMb)
      : new TaskFailed(500, "the analysis worker stopped unexpectedly", true, e.stack ?? e.message);
    this.kill(slot, why);
  }

  private next(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.freeSlot();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private abort(p: Pending): void {
    if (p.settled) return;
    if (p.slot) {
      this.kill(p.slot, new TaskCancelled());
      return;
    }
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    this.settle(p, new TaskCancelled());
  }

  private settle(p: Pending, outcome: string | undefined | Error): void {
    if (p.settled) return;
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    p.signal.removeEventListener("abort", p.onAbort);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}
