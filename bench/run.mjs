// Runs every bench/*.bench.mjs (or those named on the command line) against the built dist/ and prints
// one JSON document. Benchmarks measure; they never assert.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith(".bench.mjs")).filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)));
const out = {};
for (const f of files) {
  process.stderr.write(`bench: ${f} ...\n`);
  const r = spawnSync(process.execPath, [join(here, f)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: process.env });
  if (r.status !== 0) {
    out[f] = { error: `exited with ${r.status}` };
    continue;
  }
  try {
    out[f] = JSON.parse(r.stdout);
  } catch {
    out[f] = { error: "did not print JSON", stdout: r.stdout.slice(0, 2000) };
  }
}
console.log(JSON.stringify(out, null, 2));
