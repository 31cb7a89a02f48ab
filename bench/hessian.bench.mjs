// Hessian benchmark (issue 6): cost in HVPs and seconds of top-5 Lanczos, a Hutchinson trace
// (50 probes) and an SLQ density for the MNIST MLP 784-128-10 (ReLU, softmax cross-entropy, 10,000
// samples, 101,770 parameters) at a seeded He-initialised θ, on ONNX Runtime in float64 and float32.
// Runs against dist/ (npm run build). Environment: BENCH_SAMPLES, BENCH_PROBES, BENCH_SLQ_RUNS,
// BENCH_SLQ_STEPS, BENCH_TOP, BENCH_DTYPES (comma list), BENCH_THREADS.
import { createOnnxExecutor } from "../dist/exec/onnx/executor.js";
import { analyzeHessian } from "../dist/hessian/analyze.js";
import { createHvpGraph, hessianOperator } from "../dist/hessian/hvp-operator.js";
import { loadDataset } from "../dist/model/datasets/registry.js";
import { mlpLayout } from "../dist/model/layout.js";
import { mlpProblem } from "../dist/model/problem/from-mlp.js";
import { initParams } from "../dist/model/train/init.js";
import { parseModelSpec } from "../dist/model/spec.js";

const samples = Number(process.env.BENCH_SAMPLES ?? 10000);
const probes = Number(process.env.BENCH_PROBES ?? 50);
const slqRuns = Number(process.env.BENCH_SLQ_RUNS ?? 2);
const slqSteps = Number(process.env.BENCH_SLQ_STEPS ?? 40);
const topK = Number(process.env.BENCH_TOP ?? 5);
const dtypes = (process.env.BENCH_DTYPES ?? "float64,float32").split(",");
const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;

const spec = parseModelSpec({ model: { type: "mlp", layers: [784, 128, 10], activation: "relu" }, loss: "cross_entropy", data: "mnist" });
const dataset = loadDataset("mnist", { n: samples });
const layout = mlpLayout(spec);
const problem = mlpProblem(spec, dataset, "bench");
const theta = initParams(problem, 1);

const results = [];
for (const dtype of dtypes) {
  const executor = createOnnxExecutor({ dtype, ...(threads ? { threads } : {}) });
  const hvpGraph = createHvpGraph(problem);
  // Session creation and one warm-up HVP, timed apart from the analyses.
  const t0 = performance.now();
  const op = hessianOperator(problem, theta, { executor, hvpGraph });
  const v = new Float64Array(layout.size).fill(1 / Math.sqrt(layout.size));
  await op.matvec(v);
  const setupSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await op.matvec(v);
  const hvpSeconds = (performance.now() - t1) / 1000;

  const tol = dtype === "float32" ? 1e-5 : 1e-8;
  const base = { problem, theta, executor, hvpGraph, seed: 0 };
  const top = await analyzeHessian({ ...base, top: topK, tol });
  const trace = await analyzeHessian({ ...base, trace: { method: "hutchinson", probes } });
  const density = await analyzeHessian({ ...base, density: { runs: slqRuns, steps: slqSteps } });
  results.push({
    executor: "onnxruntime",
    dtype,
    setupSeconds: +setupSeconds.toFixed(3),
    oneHvpSeconds: +hvpSeconds.toFixed(4),
    lanczosTop: {
      k: topK, tol, hvps: top.totalHvps, iterations: top.lanczos.iterations, converged: top.lanczos.converged,
      seconds: +top.seconds.toFixed(2), secondsPerHvp: +(top.seconds / top.totalHvps).toFixed(3), values: top.top.map((p) => +p.value.toPrecision(8)), residuals: top.top.map((p) => +p.residual.toExponential(2))
    },
    hutchinson: {
      probes, hvps: trace.totalHvps, seconds: +trace.seconds.toFixed(2), secondsPerHvp: +(trace.seconds / trace.totalHvps).toFixed(3),
      trace: +trace.trace.trace.toPrecision(8), standardError: +trace.trace.standardError.toPrecision(4)
    },
    slq: {
      runs: slqRuns, steps: slqSteps, hvps: density.totalHvps, seconds: +density.seconds.toFixed(2), secondsPerHvp: +(density.seconds / density.totalHvps).toFixed(3),
      lambdaMin: +density.density.lambdaMin.toPrecision(6), lambdaMax: +density.density.lambdaMax.toPrecision(6)
    }
  });
  await executor.dispose();
}
console.log(JSON.stringify({
  benchmark: "hessian-mnist-mlp-784-128-10", samples, params: layout.size, theta: "He init, seed 1",
  figures: {
    setupSeconds: "building the HVP graph's ONNX Runtime session plus one warm-up HVP",
    oneHvpSeconds: `one Hessian-vector product of the loss over all ${samples} samples, after warm-up`,
    hvps: "Hessian-vector products the analysis used (the loss/gradient evaluation not counted)",
    seconds: "wall time of the analysis, sessions already built",
    secondsPerHvp: "seconds / hvps: the analysis's own overhead (orthogonalisation, quadrature) included",
    values: "the top-k eigenvalues found; residuals: ‖Hv − λv‖ of each",
    trace: "Hutchinson estimate of tr H with its standard error",
    lambdaMin: "ends of the spectrum as SLQ sees it (lambdaMax)"
  },
  results
}, null, 2));
