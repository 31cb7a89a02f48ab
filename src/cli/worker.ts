/** `losscape worker --queue redis://host:port`: compute landscape chunks and Hessian probes for a pool until stopped. */
import type { Command } from "commander";
import type { RegisterCommand } from "./commands.js";
import { parseInteger } from "./options.js";

interface WorkerCliOptions {
  queue: string;
  concurrency: number;
  threads?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxPayloadMb?: number;
}

const HELP = `
A worker takes jobs from the queue that \`losscape landscape ... --queue URL\` and
\`losscape hessian ... --trace/--density --queue URL\` fill: landscape chunks, Hutchinson
probes, SLQ runs. It needs no shared files: the problem (spec or ONNX model, data),
θ and directions come from Redis, fetched once per run and checked against their
hashes. Results are the numbers a local run computes.

Start Redis on one machine (Debian: apt-get install redis-server; let it listen on
the network and set a password: requirepass in redis.conf), then on every machine:
  losscape worker --queue redis://:PASSWORD@HOST:6379
rediss:// connects with TLS. The password is never printed.

Ctrl-C (SIGINT) or SIGTERM: finish the current job, then stop; a second signal stops
at once and the job is handed back (another worker takes it when its lock expires,
--lock-duration). A worker of another losscape version leaves jobs for workers of
the submitter's version and says so.`;

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("worker")
    .description("Compute landscape chunks and Hessian probes for a Redis-backed worker pool, until stopped.")
    .addHelpText("after", HELP)
    .requiredOption("--queue <url>", "Redis URL: redis://[:password@]host:port[/db], rediss:// for TLS")
    .option("--concurrency <k>", "jobs at once in this process (onnxruntime already uses every core for one)", parseInteger("--concurrency", 1), 1)
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)", parseInteger("--threads", 1))
    .option("--lock-duration <ms>", "how long a job's lock lasts without renewal before the job counts as stalled and is retried elsewhere", parseInteger("--lock-duration", 100))
    .option("--stalled-interval <ms>", "how often this worker checks for stalled jobs", parseInteger("--stalled-interval", 100))
    .option("--max-payload-mb <n>", "largest problem, θ or direction this worker fetches (MiB, default 256)", parseInteger("--max-payload-mb", 1))
    .action(async (o: WorkerCliOptions) => {
      const [{ parseQueueUrl }, { startWorker }] = await Promise.all([import("../distributed/connection.js"), import("../distributed/worker.js")]);
      const q = parseQueueUrl(o.queue);
      const log = (line: string): void => void process.stderr.write(`losscape worker: ${line}\n`);
      // Handlers first: a signal that comes while the worker starts still stops it cleanly.
      let signals = 0;
      let onSignal: (force: boolean) => void = () => {};
      const stop = (sig: NodeJS.Signals): void => {
        signals++;
        log(signals === 1 ? `${sig}: finishing the current job, then stopping (${sig} again to hand it back now)` : `${sig}: stopping now; the running job goes back to the queue`);
        onSignal(signals > 1);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      const w = await startWorker({
        queue: q, concurrency: o.concurrency, log,
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.lockDuration ? { lockDurationMs: o.lockDuration } : {}),
        ...(o.stalledInterval ? { stalledIntervalMs: o.stalledInterval } : {}),
        ...(o.maxPayloadMb ? { maxPayloadBytes: o.maxPayloadMb * 2 ** 20 } : {})
      });
      await new Promise<void>((resolve) => {
        onSignal = (force) => void w.close(force).then(resolve);
        if (signals > 0) onSignal(signals > 1);
      });
      log(`stopped after ${w.completed} job(s)`);
      setExitCode(0);
    });
};
