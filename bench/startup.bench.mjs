// Startup benchmark (issue 13): end-to-end wall time of the CLI as a user runs it, Node's own startup included,
// for the cheapest command (--version) and a small real one (a curvature verdict for x^2). Prints JSON.
// The bare `node -e 0` time is reported too: it is the floor no change to losscape can go below.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "losscape.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);

function once(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
  return ms;
}

function measure(args) {
  // The first runs fill the OS file cache; timing them would measure the disk, not the startup path.
  for (let i = 0; i < WARMUP; i++) once(args);
  const runs = Array.from({ length: RUNS }, () => once(args));
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: +median.toFixed(1), runs: runs.map((t) => +t.toFixed(1)) };
}

console.log(
  JSON.stringify(
    {
      versionMs: measure([BIN, "--version"]),
      curvatureX2Ms: measure([BIN, "curvature", "x^2"]),
      nodeBaselineMs: measure(["-e", "0"]),
      what: `end-to-end wall time of \`node bin/losscape.js ...\` incl. Node startup, median of ${RUNS} runs (after ${WARMUP} warm-up runs); nodeBaselineMs is \`node -e 0\``
    },
    null,
    2
  )
);
