// Curvature benchmark (issue 11): wall time per verdict of `analyzeCurvature` over the classic
// functions of the coverage list, against the built dist/. Each function is analysed once to warm
// up (JIT, lazy module state), then RUNS times; the median is reported. Prints JSON; never asserts.
import { analyzeCurvature } from "../dist/convexity/curvature/analyze-curvature.js";
import { CLASSIC_FUNCTIONS } from "../dist/convexity/curvature/classic-functions.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const perFunction = [];
for (const [expr, expected, domain] of CLASSIC_FUNCTIONS) {
  const opts = domain ? { domain } : {};
  const first = analyzeCurvature(expr, opts);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    analyzeCurvature(expr, opts);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  perFunction.push({ expr, domain: domain ?? [-10, 10], verdict: first.verdict, expected, ms: +times[times.length >> 1].toFixed(1) });
}
const ms = perFunction.map((p) => p.ms).sort((a, b) => a - b);
const q = (p) => ms[Math.min(ms.length - 1, Math.round(p * (ms.length - 1)))];
console.log(JSON.stringify({
  functions: perFunction.length,
  medianMs: q(0.5),
  p90Ms: q(0.9),
  maxMs: ms[ms.length - 1],
  over200ms: perFunction.filter((p) => p.ms > 200).map((p) => `${p.expr} on [${p.domain}]: ${p.ms} ms`),
  wrongVerdicts: perFunction.filter((p) => p.verdict !== p.expected).map((p) => p.expr),
  perFunction
}, null, 2));
