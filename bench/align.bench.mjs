// Alignment benchmark (issue 15): seconds of activation and weight matching, with the float64 function
// check included, on the MNIST MLP 784-128-10 (ReLU, BENCH_SAMPLES samples) between two seeded
// initialisations, one of them a known shuffle of the other (recovered exactly or not: reported), and
// between two independent ones (distance before and after). Runs against dist/ (npm run build).
import { loadDataset } from "../dist/model/datasets/registry.js";
import { mlpProblem } from "../dist/model/problem/from-mlp.js";
import { initParams } from "../dist/model/train/init.js";
import { parseModelSpec } from "../dist/model/spec.js";
import { alignParams, symmetryOf } from "../dist/symmetry/align.js";
import { applyPermutations } from "../dist/symmetry/permute.js";
import { createRng } from "../dist/util/random.js";

const samples = Number(process.env.BENCH_SAMPLES ?? 2000);
const spec = parseModelSpec({ model: { type: "mlp", layers: [784, 128, 10], activation: "relu" }, loss: "cross_entropy", data: "mnist" });
const problem = mlpProblem(spec, loadDataset("mnist", { n: samples }), "bench");
const a = initParams(problem, 1);
const rng = createRng(5);
const perm = Array.from({ length: 128 }, (_, i) => i);
for (let k = 127; k > 0; k--) {
  const j = rng.int(k + 1);
  [perm[k], perm[j]] = [perm[j], perm[k]];
}
const s = symmetryOf(problem);
const shuffled = applyPermutations(s, problem.layout, a, {}, new Map([["layer1", perm]])).theta;
const other = initParams(problem, 2);

const results = [];
for (const method of ["activation", "weight"]) {
  for (const [pair, b] of [["shuffled copy", shuffled], ["independent init", other]]) {
    const t0 = performance.now();
    const r = await alignParams(problem, a, b, { method, seed: 0 });
    results.push({
      method, pair, seconds: (performance.now() - t0) / 1000,
      recoveredExactly: pair === "shuffled copy" ? r.theta.every((v, i) => v === a[i]) : undefined,
      distanceBefore: r.distanceBefore, distanceAfter: r.distanceAfter, maxOutputDiff: r.maxOutputDiff, iterations: r.iterations
    });
  }
}
console.log(JSON.stringify({ model: "mnist-mlp 784-128-10", samples, parameters: problem.layout.size, results }, null, 2));
