// Core benchmark (issue: core IR): a 784-128-10 ReLU MLP with softmax cross-entropy over 10,000 synthetic
// samples. Times loss, gradient and Hessian-vector product per executor and dtype; prints JSON.
import { GraphBuilder } from "../dist/ir/builder.js";
import { tensor } from "../dist/ir/tensor.js";
import { grad } from "../dist/autodiff/grad.js";
import { hvp, } from "../dist/autodiff/hvp.js";
import { tangentName } from "../dist/autodiff/jvp.js";
import { createReferenceExecutor } from "../dist/exec/reference.js";
import { createOnnxExecutor } from "../dist/exec/onnx/executor.js";
import { createRng } from "../dist/util/random.js";

const N = Number(process.env.BENCH_SAMPLES ?? 10000), D = 784, H = 128, C = 10;
const P = H * D + H + C * H + C;
const rng = createRng(1);
const X = tensor([N, D], Float64Array.from({ length: N * D }, () => rng.next()));
const labels = Array.from({ length: N }, (_, i) => i % C);
const Y = tensor([N, C], Float64Array.from({ length: N * C }, (_, k) => (labels[Math.floor(k / C)] === k % C ? 1 : 0)));

function lossGraph() {
  const g = new GraphBuilder();
  const theta = g.input("theta", [P]);
  const w1 = g.reshape(g.slice(theta, [0], [H * D], [0]), [H, D]);
  const b1 = g.slice(theta, [H * D], [H * D + H], [0]);
  const w2 = g.reshape(g.slice(theta, [H * D + H], [H * D + H + C * H], [0]), [C, H]);
  const b2 = g.slice(theta, [H * D + H + C * H], [P], [0]);
  const h = g.relu(g.gemm(g.constant(X), w1, b1, { transB: true }));
  const z = g.gemm(h, w2, b2, { transB: true });
  return g.build({ loss: g.neg(g.reduceMean(g.reduceSum(g.mul(g.constant(Y), g.logSoftmax(z, 1)), [1]))) });
}

const theta = tensor([P], Float64Array.from({ length: P }, () => 0.05 * rng.normal()));
const v = tensor([P], Float64Array.from({ length: P }, () => rng.normal()));
const L = lossGraph();
const G = grad(L, { wrt: ["theta"] });
const HV = hvp(L, { wrt: ["theta"] });

async function time(ex, graph, feeds, reps) {
  await ex.run(graph, feeds); // warm-up: session creation, caches
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await ex.run(graph, feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { medianMs: +times[Math.floor(times.length / 2)].toFixed(3), minMs: +times[0].toFixed(3), reps };
}

const results = [];
const configs = [
  { name: "onnxruntime", dtype: "float32", make: () => createOnnxExecutor({ dtype: "float32" }), reps: 20 },
  { name: "onnxruntime", dtype: "float64", make: () => createOnnxExecutor({ dtype: "float64" }), reps: 20 },
  { name: "reference", dtype: "float64", make: () => createReferenceExecutor(), reps: 1 }
];
for (const c of configs) {
  if (c.name === "reference" && process.env.BENCH_SKIP_REFERENCE) continue;
  const ex = c.make();
  const loss = await time(ex, L, { theta }, c.reps);
  const gradient = await time(ex, G, { theta }, c.reps);
  const hvpT = await time(ex, HV, { theta, [tangentName("theta")]: v }, c.reps);
  results.push({
    executor: c.name, dtype: c.dtype, loss, gradient, hvp: hvpT,
    gradOverLoss: +(gradient.medianMs / loss.medianMs).toFixed(2),
    hvpOverLoss: +(hvpT.medianMs / loss.medianMs).toFixed(2)
  });
  await ex.dispose();
}
console.log(JSON.stringify({
  benchmark: "core-mlp-784-128-10", samples: N, params: P,
  figures: {
    "loss / gradient / hvp": `wall time of one executor run over all ${N} samples (median and min of reps, after a warm-up run that creates the session)`,
    gradOverLoss: "median gradient time / median loss time (theory: about 2-3)",
    hvpOverLoss: "median Hessian-vector product time / median loss time (forward-over-reverse: a dense layer in the middle of a network costs 9× its forward multiply-adds, the first layer 4×)"
  },
  results
}, null, 2));
