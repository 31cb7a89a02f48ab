// Landscape benchmark (issue 5): MNIST MLP 784-128-10 over 10,000 digits, a 51×51 filter-normalized
// random plane. Measures the first-layer shortcut with G points per ONNX Runtime run against the plain
// one-network-per-point evaluation; prints JSON. Env: BENCH_GRID (points per side, default 51),
// BENCH_PLAIN_POINTS (plain points timed, default 12), BENCH_THREADS, BENCH_DTYPES (default float64,float32).
import os from "node:os";
import { createOnnxExecutor } from "../dist/exec/onnx/executor.js";
import { createPlaneEvaluator, createPlainEvaluator, defaultPlaneBatch, gaussianDirections, normalizeDirection, rangeValues } from "../dist/landscape/index.js";
import { loadDataset } from "../dist/model/datasets/index.js";
import { mlpLayout } from "../dist/model/layout.js";
import { mlpProblem } from "../dist/model/problem/from-mlp.js";
import { parseModelSpec } from "../dist/model/spec.js";
import { initParams } from "../dist/model/train/init.js";

const side = Number(process.env.BENCH_GRID ?? 51);
const plainPoints = Number(process.env.BENCH_PLAIN_POINTS ?? 12);
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;
const dtypes = (process.env.BENCH_DTYPES ?? "float64,float32").split(",");
const spec = parseModelSpec({ model: { type: "mlp", layers: [784, 128, 10], activation: "relu" }, loss: "cross_entropy", data: "mnist" });
const layout = mlpLayout(spec);
const data = loadDataset("mnist");
const lossProblem = mlpProblem(spec, data, "bench");
const theta = initParams(lossProblem, 0);
const dirs = gaussianDirections(layout.size, 2, 1).map((d) => normalizeDirection(d, theta, layout, { normalization: "filter", ignoreBias: true }));
const axis = rangeValues({ min: -1, max: 1, num: side });
const total = side * side;
const coords = new Float64Array(total * 2);
for (let p = 0; p < total; p++) {
  coords[2 * p] = axis[p % side];
  coords[2 * p + 1] = axis[Math.floor(p / side)];
}
// The work of the plain evaluation of one point: 2 flops per multiply-add of both layers' matmuls
// over all samples; elementwise ops not counted. "Effective" rates divide this by the time a method
// took, whatever work the method really did: the shortcut does far less (the first layer's product
// is reused across points), so its effective rate can exceed the machine's peak.
const plainFlopsPerPoint = 2 * data.n * (784 * 128 + 128 * 10);
const ex = createOnnxExecutor(threads ? { threads } : {});
const now = () => performance.now();
const results = [];
for (const dtype of dtypes) {
  const problem = { problem: lossProblem, theta, dirs, metrics: ["loss", "accuracy"], dtype };
  // plain: one full network per point (θ(α,β) fed each run; data baked in as initializers)
  const plain = createPlainEvaluator(problem, ex);
  await plain.evaluate(coords.subarray(0, 2), 1); // session creation
  let t = now();
  await plain.evaluate(coords.subarray(0, 2 * plainPoints), plainPoints);
  const plainMs = (now() - t) / plainPoints;
  const G0 = defaultPlaneBatch(problem);
  const configs = [...new Set([G0, 1, 8])];
  for (const G of configs) {
    const points = G === G0 ? total : Math.min(total, 256);
    t = now();
    const ev = await createPlaneEvaluator(problem, ex, G);
    await ev.evaluate(coords.subarray(0, 2), 1); // session creation + first run
    const setupS = (now() - t) / 1000;
    t = now();
    await ev.evaluate(coords, points);
    const s = (now() - t) / 1000;
    const msPerPoint = (1000 * s) / points;
    results.push({
      dtype, method: "first-layer shortcut", pointsPerRun: G, points, setupSeconds: +setupS.toFixed(3),
      msPerPoint: +msPerPoint.toFixed(3), pointsPerSecond: +(points / s).toFixed(1),
      effectiveGflopsOfPlainWork: +((plainFlopsPerPoint * points) / s / 1e9).toFixed(1),
      speedupOverPlain: +(plainMs / msPerPoint).toFixed(2),
      fullGridSeconds: +((total * msPerPoint) / 1000 + setupS).toFixed(2)
    });
  }
  results.push({
    dtype, method: "plain, one point per run", points: plainPoints, msPerPoint: +plainMs.toFixed(3),
    pointsPerSecond: +(1000 / plainMs).toFixed(1), effectiveGflopsOfPlainWork: +(plainFlopsPerPoint / plainMs / 1e6).toFixed(1)
  });
}
await ex.dispose();
console.log(JSON.stringify({
  benchmark: "landscape-mnist-784-128-10", samples: data.n, params: layout.size, grid: `${side}x${side}`,
  directions: "random, filter-normalized, biases ignored", cores: os.availableParallelism(), threads: threads ?? "all",
  loadAverage: os.loadavg().map((v) => +v.toFixed(2)), referenceNumpyMsPerPoint: 14,
  figures: {
    setupSeconds: "building the evaluator and its ONNX Runtime session, plus the first point",
    msPerPoint: "wall time per grid point (loss and accuracy on all samples), after setup",
    pointsPerSecond: "grid points per second of wall time, after setup",
    effectiveGflopsOfPlainWork: `the plain method's flops per point (2 × multiply-adds of both matmuls over ${data.n} samples, ${(plainFlopsPerPoint / 1e9).toFixed(2)} GFLOP) × points / seconds: the rate the plain method would need to match; not the flops actually done`,
    speedupOverPlain: "plain ms per point / this method's ms per point",
    fullGridSeconds: `setup + the ${side}×${side} grid at this method's ms per point`,
    referenceNumpyMsPerPoint: "ms per point of a NumPy float64 one-network-per-point loop, measured once elsewhere (not on this machine)",
    loadAverage: "1, 5 and 15 minute load averages during the run: other work on the machine slows every figure"
  },
  results
}, null, 2));
