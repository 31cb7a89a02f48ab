/**
 * POST /api/hessian (NDJSON stream): the Hessian of the current model's loss at θ (given, or trained
 * here first): the exact spectrum for small networks, Lanczos extremes and the SLQ density for larger
 * ones, and the loss along the extreme eigenvectors used as directions.
 */
import type { Executor } from "../../exec/executor.js";
import { analyzeHessian } from "../../hessian/analyze.js";
import { zeroTolerance } from "../../hessian/report.js";
import { hessianPlots } from "../../plot/hessian-plots.js";
import { lineProfile } from "../../landscape/pipeline.js";
import { CAPS, type HessianRequest } from "../api-schemas.js";
import { finiteArray } from "../http-util.js";
import { checkTheta } from "../model-input.js";
import type { ModelInput } from "../model-input.js";
import { throwIfAborted, type EventStream } from "../ndjson-stream.js";
import { prepareModelJob, trainWithEvents } from "./landscape.js";

export function prepareHessian(req: HessianRequest): ModelInput {
  const p = prepareModelJob(req.spec, req.train, req.theta ? 0 : 1);
  checkTheta(req.theta, p.layout, "theta");
  return p;
}

/** Every executor run goes through `onRun` first: the job's progress counter and its cancellation point. */
function instrumented(ex: Executor, onRun: () => void): Executor {
  return { name: ex.name, run: (g, f, o) => (onRun(), ex.run(g, f, o)), dispose: () => ex.dispose() };
}

export async function hessianJob(req: HessianRequest, p: ModelInput, ex: Executor, stream: EventStream): Promise<void> {
  const theta = req.theta ? Float64Array.from(req.theta) : (await trainWithEvents(p, req.train, "A", ex, stream)).theta;
  const n = p.layout.size;
  const exact = n <= CAPS.exactHessianParameters;
  const k = Math.min(req.k, n);
  let runs = 0;
  let last = 0;
  const counted = instrumented(ex, () => {
    throwIfAborted(stream.signal);
    runs++;
    const now = performance.now();
    if (now - last > 100) {
      last = now;
      stream.send({ type: "progress", phase: "Hessian-vector products", done: runs, total: runs });
    }
  });
  const report = await analyzeHessian({
    problem: p.problem, theta, executor: counted, exact, top: k, bottom: k, seed: req.train.seed,
    density: { runs: 4, steps: Math.min(60, n) }
  });
  const plots = Object.fromEntries(hessianPlots(report, req.plotWidth).map((pl) => [pl.name, pl.svg]));
  // One threshold for "negative" everywhere (summary, legend, verdict): the spectrum plot's.
  const known = report.eigenvalues ?? Float64Array.from([...(report.top ?? []), ...(report.bottom ?? [])].map((r) => r.value));
  const tol = zeroTolerance(known);
  const counts = report.eigenvalues
    ? { negative: report.eigenvalues.filter((v) => v < -tol).length, zero: report.eigenvalues.filter((v) => Math.abs(v) <= tol).length }
    : null;
  const lambdaMin = report.eigenvalues ? report.eigenvalues[0] : report.bottom?.[0]?.value;
  stream.send({
    type: "spectrum", zeroTolerance: tol, counts, negativeCurvature: lambdaMin !== undefined && lambdaMin < -tol, n, exact, loss: report.loss, gradientNorm: report.gradientNorm, hvps: report.totalHvps, seconds: report.seconds,
    eigenvalues: report.eigenvalues ? finiteArray(report.eigenvalues) : null,
    top: (report.top ?? []).map((r) => ({ value: r.value, residual: r.residual })),
    bottom: (report.bottom ?? []).map((r) => ({ value: r.value, residual: r.residual })),
    svgSpectrum: plots["spectrum"] ?? null, svgDensity: plots["density"] ?? null
  });
  // The extreme eigenvectors as landscape directions: L(θ + α v) around θ.
  const ends = [
    { label: "largest eigenvalue", pair: report.top?.[0] },
    { label: "smallest eigenvalue", pair: report.bottom?.[0] }
  ];
  // A range where a quadratic with this curvature changes the loss by about max(L, 0.1); a flat
  // direction gets at most 4× the steep one's range, so higher-order terms do not take over the picture.
  const rangeFor = (lambda: number): number => Math.min(10, Math.max(0.05, Math.sqrt((2 * Math.max(report.loss, 0.1)) / Math.max(Math.abs(lambda), 1e-6))));
  const steep = report.top?.[0] ? rangeFor(report.top[0].value) : 10;
  for (const e of ends) {
    if (!e.pair) continue;
    const lambda = e.pair.value;
    const vector = e.pair.vector;
    const b = theta.map((v, i) => v + vector[i]!);
    const hooks = { check: () => throwIfAborted(stream.signal) };
    let r = Math.min(rangeFor(lambda), 4 * steep);
    // Far out, higher-order terms can bend a negative-curvature direction back up into a bowl that
    // contradicts the eigenvalue: shrink the range until the ends' mean lies below the centre.
    let three = await lineProfile(p.problem, theta, b, 3, ex, hooks, [-r, r]);
    let zoomed = 0;
    const bends = (l: Float64Array): number => (l[0]! + l[2]! - 2 * l[1]!) / (r * r);
    while (lambda < -tol && !(bends(three.values.loss!) < 0) && zoomed < 8) {
      r /= 4;
      zoomed++;
      three = await lineProfile(p.problem, theta, b, 3, ex, hooks, [-r, r]);
    }
    const h = r * 1e-3;
    const near = (await lineProfile(p.problem, theta, b, 3, ex, hooks, [-h, h])).values.loss!;
    const line = await lineProfile(p.problem, theta, b, req.linePoints, ex, hooks, [-r, r]);
    stream.send({
      type: "direction", label: e.label, eigenvalue: lambda, alpha: finiteArray(line.t), loss: finiteArray(line.values.loss!),
      // The second-order Taylor model L(θ) + α·g·v + ½λα² for the page to overlay (g·v by a central difference).
      taylor: { loss: near[1]!, slope: (near[2]! - near[0]!) / (2 * h), eigenvalue: lambda }, zoomed, negativeCurvature: lambda < -tol
    });
  }
}
