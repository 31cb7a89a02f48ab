/**
 * A pool of analysis worker processes with a queue, so no request's work ever runs on the thread that
 * answers the others. Each task runs under a time cap; a task past its cap, or whose client went
 * away, has its worker killed (which frees the CPU even inside a synchronous loop or a native ONNX
 * Runtime call) and a fresh worker takes its place when the next task needs one. A worker's heap is
 * capped too, so a request that allocates without bound ends its own worker, not the server.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
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
  | { id: 0; type: "ready" }
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
  /** Fires when the client goes away: the task leaves the queue, or its worker is killed. */
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
  child: ChildProcess;
  current: Pending | null;
  /** The end of the worker's stderr, to tell a heap-limit death from other crashes. */
  stderrTail: string;
  /** The worker has loaded the analysis code: a task's time cap runs from then, not from the process's start. */
  ready: boolean;
}

/** How long a fresh worker may take to load the analysis code before its first task's cap starts anyway. */
const STARTUP_SECONDS = 30;

// Workers must not outlive the server, even when it exits without closing its pools.
const LIVE = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of LIVE) c.kill("SIGKILL");
});

/**
 * The worker's compiled entry point. Under the test runner this module is TypeScript in src/ and
 * Node cannot start a process on it, so the worker runs the build in dist/ (`npm test` builds first).
 */
export function analysisWorkerScript(): URL {
  const fromSources = import.meta.url.endsWith(".ts");
  const url = new URL(fromSources ? "../../dist/server/analysis-worker.js" : "./analysis-worker.js", import.meta.url);
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

  /** Tasks running and waiting, live workers, and workers stopped so far (their processes have ended). */
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
    const slots = [...this.slots];
    for (const s of slots) if (s.current) this.settle(s.current, new LimitHit("closing", 0));
    this.slots.clear();
    await Promise.all(slots.map((s) => this.stop(s)));
  }

  private freeSlot(): Slot | undefined {
    for (const s of this.slots) if (!s.current) return s;
    return this.slots.size < this.o.size ? this.spawn() : undefined;
  }

  private spawn(): Slot {
    const child = fork(fileURLToPath(this.script), [], {
      // Not the parent's flags: they may be a test runner's loader hooks, meaningless for the compiled worker.
      execArgv: [`--max-old-space-size=${this.o.memoryMb}`],
      stdio: ["ignore", "inherit", "pipe", "ipc"]
    });
    LIVE.add(child);
    const slot: Slot = { child, current: null, stderrTail: "", ready: false };
    child.stderr!.on("data", (c: Buffer) => {
      process.stderr.write(c);
      slot.stderrTail = (slot.stderrTail + c.toString()).slice(-4000);
    });
    // Idle workers must not keep a finished process (a test, a CLI run) alive.
    child.unref();
    child.channel?.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    child.on("message", (m: WorkerMessage) => this.onMessage(slot, m));
    child.on("error", (e: Error) => this.onCrash(slot, e));
    child.on("exit", (code, signal) => {
      LIVE.delete(child);
      this.onCrash(slot, new Error(`the analysis worker exited with ${signal ?? `code ${code}`}`));
    });
    this.slots.add(slot);
    return slot;
  }

  /** Kill a worker's process; resolves once it has ended. */
  private stop(slot: Slot): Promise<void> {
    const c = slot.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once("exit", () => {
        this.terminated++;
        resolve();
      });
      c.kill("SIGKILL");
    });
  }

  private start(slot: Slot, p: Pending): void {
    slot.current = p;
    p.slot = slot;
    this.startClock(slot, p, slot.ready ? 0 : STARTUP_SECONDS);
    const msg: TaskMessage = { id: p.id, name: p.name, request: p.request, executor: this.o.executor };
    try {
      slot.child.send(msg);
    } catch (e) {
      // The process died between two tasks; its exit event may not have arrived yet.
      this.onCrash(slot, e instanceof Error ? e : new Error(String(e)));
    }
  }

  private startClock(slot: Slot, p: Pending, graceSeconds: number): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => this.kill(slot, new LimitHit("time", p.capSeconds)), (p.capSeconds + graceSeconds) * 1000);
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === "ready") {
      slot.ready = true;
      if (slot.current) this.startClock(slot, slot.current, 0);
      return;
    }
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

  /** Kill a worker (time cap, client gone): its task ends with `why`, the slot is not reused. */
  private kill(slot: Slot, why: Error): void {
    if (!this.slots.delete(slot)) return;
    const p = slot.current;
    slot.current = null;
    void this.stop(slot);
    if (p) this.settle(p, why);
    this.next();
  }

  private onCrash(slot: Slot, e: Error): void {
    if (!this.slots.has(slot)) return;
    // V8 says so on stderr before it aborts the process at the heap limit.
    const why = /heap limit|heap out of memory/i.test(slot.stderrTail)
      ? new LimitHit("memory", this.o.memoryMb)
      : new TaskFailed(500, "the analysis worker stopped unexpectedly", true, `${e.message}\n${slot.stderrTail}`);
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
