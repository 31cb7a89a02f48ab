/** `losscape hessian SPEC --params θ`: eigenvalues, trace and spectral density of the loss Hessian at θ. */
import { extname } from "node:path";
import { Option, type Command } from "commander";
import type { Executor } from "../exec/executor.js";
import type { Progress } from "../util/progress.js";
import type { TraceMethod } from "../hessian/index.js";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";
import { cliFlag } from "./field-flags.js";
import { parseInteger, parseNumber, parseScale } from "./options.js";
import type { ProblemInput } from "./problem-input.js";

interface HessianCliOptions {
  params?: string;
  exact?: boolean;
  maxExact: number;
  top?: number;
  bottom?: number;
  tol?: number;
  maxIter?: number;
  trace?: boolean;
  traceMethod: TraceMethod;
  probes: number;
  density?: boolean;
  runs: number;
  steps: number;
  sigma?: number;
  blocks?: boolean;
  json?: boolean;
  seed: number;
  dtype: "float64" | "float32";
  executor: "onnx" | "reference";
  threads?: number;
  plot?: string;
  saveVectors?: string;
  queue?: string;
  progress: boolean;
  scale: number;
}

/**
 * HVPs the request can take at most (Lanczos may stop early), for the progress bar: per analysed
 * operator (the whole Hessian, and each block with --blocks) n for --exact, the Lanczos step limit,
 * the probes and runs × steps; plus the loss and gradient.
 */
function hvpBudget(o: HessianCliOptions, sizes: readonly number[]): number {
  let total = 1;
  for (const n of sizes) {
    if (o.exact) total += n;
    if (o.top !== undefined || o.bottom !== undefined) total += Math.min(n, o.maxIter ?? Math.max(2 * Math.max(o.top ?? 0, o.bottom ?? 0) + 20, 100));
    if (o.trace) total += o.probes;
    if (o.density) total += o.runs * Math.min(n, o.steps);
  }
  return total;
}

/** The executor, with every run (one HVP, or the loss and gradient) reported to `onRun`. */
function counted(ex: Executor, onRun: () => void): Executor {
  return { name: ex.name, run: (g, f, opts) => (onRun(), ex.run(g, f, opts)), dispose: () => ex.dispose() };
}

/** The float32 HVP carries ~1e-7 relative noise, so a 1e-8 Lanczos tolerance could never be met. */
const FLOAT32_LANCZOS_TOL = 1e-5;

/**
 * src/hessian's defaults (DEFAULT_MAX_EXACT, DEFAULT_LANCZOS_TOL, ...), restated because the help text
 * needs them when the command is registered, and importing src/hessian there would load the IR and
 * the executors on every run; startup.test.ts checks they are the library's.
 */
export const HESSIAN_DEFAULTS = { maxExact: 3000, lanczosTol: 1e-8, probes: 100, slqRuns: 5, slqSteps: 80 } as const;

async function loadTheta(input: ProblemInput, params: string | undefined): Promise<Float64Array> {
  const { paramsFor } = await import("./problem-input.js");
  const src = input.source;
  const size = input.problem.layout.size;
  const name = params?.trim();
  if (name === undefined) return paramsFor(input, undefined);
  if (name.startsWith("example:")) {
    const key = name.slice("example:".length);
    const known = src.exampleParams ?? {};
    const v = known[key];
    if (!v) {
      const have = Object.keys(known);
      throw new UserError(
        `--params ${name}: ${src.source} has ${have.length ? `the parameter sets ${have.map((k) => `example:${k}`).join(", ")}` : "no built-in parameter sets"}`
      );
    }
    if (v.length !== size) throw new UserError(`--params ${name} has ${v.length} values, but the model has ${size} parameters`);
    return Float64Array.from(v);
  }
  return paramsFor(input, name);
}

async function makeExecutor(o: HessianCliOptions): Promise<Executor> {
  if (o.executor === "reference") {
    if (o.dtype === "float32") throw new UserError("--executor reference computes in float64 only; use --executor onnx for --dtype float32");
    return (await import("../exec/reference.js")).createReferenceExecutor();
  }
  return (await import("../exec/onnx/executor.js")).createOnnxExecutor({ dtype: o.dtype, ...(o.threads ? { threads: o.threads } : {}) });
}

function densityPlotPath(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-density${ext}`;
}

const DESCRIPTION =
  "Eigenvalues, trace and spectral density of the loss Hessian at θ, from Hessian-vector products.";

const HELP = `
Curvature comes from Hessian-vector products (HVPs, forward over reverse mode; one HVP costs
about as much as 2-4 gradient evaluations). n = number of parameters.

Modes (combine freely; each is also run per block with --blocks):
  --exact         dense Hessian, one HVP per column (n HVPs), then a full symmetric
                  eigendecomposition (O(n³): ~6 s at n = 1000, ~3 min at n = 3000). Every
                  eigenvalue and eigenvector. Refused above --max-exact (default ${HESSIAN_DEFAULTS.maxExact}).
  --top K         Lanczos with full reorthogonalisation: the K largest eigenvalues, with
  --bottom K      eigenvectors and true residuals ‖Hv − λv‖. Typically 20-100 HVPs for well-separated
                  extremes (--top and --bottom share one run); stops when the relative residual
                  estimate is below --tol (default ${HESSIAN_DEFAULTS.lanczosTol}, 1e-5 with --dtype float32) or after
                  --max-iter HVPs (default max(2K+20, 100)). Use it for large n, and for the most
                  negative eigenvalue, which power iteration does not give.
  --trace         Hutchinson estimate of tr H with a standard error: --probes HVPs (default ${HESSIAN_DEFAULTS.probes});
                  the error falls as 1/√probes. --trace-method hutch++ spends the same budget on a
                  low-rank sketch plus Hutchinson on the rest: far smaller error when a few eigenvalues
                  dominate, as in network Hessians.
  --density       spectral density by stochastic Lanczos quadrature: --runs × --steps HVPs (default
                  ${HESSIAN_DEFAULTS.slqRuns} × ${HESSIAN_DEFAULTS.slqSteps}), Gaussian-smoothed (--sigma, default 1% of the spectrum's width),
                  plotted on a log axis. Shows the bulk and the outliers; more steps resolve the edges.

A negative eigenvalue (exact, or a negative Lanczos value) shows the loss is not convex around θ.
Every random choice (start vectors, probes) comes from --seed: same seed, same numbers.

Output: a text summary, or --json { n, eigenvalues?, top?, bottom?, trace?, density?, hvps, seconds,
loss, gradientNorm, blocks?, ... } with eigenvalues ascending and top/bottom as [{value, residual}].
--plot FILE.svg|.png: the spectrum (--exact) or the density (--density; FILE-density.svg when both).
--save-vectors DIR: top1.npy, bottom1.npy, ... (length-P float64 vectors, blocks zero-padded) and
manifest.json; use them as landscape directions: losscape landscape SPEC --params θ --dir1 DIR/top1.npy

Examples:
  losscape hessian deep-linear --params example:zeros --exact
  losscape hessian seed-relu --params example:theta1 --exact --plot spectrum.svg
  losscape train moons-mlp --epochs 5 --out run
  losscape hessian moons-mlp --params run/theta.npy --top 5 --bottom 1 --trace --dtype float32`;

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("hessian")
    .description(DESCRIPTION)
    .addHelpText("after", HELP)
    .argument("<spec>", "model spec JSON file, or a built-in example name")
    .option("--params <file>", "θ: .npy (shape [P]), .json array or an .onnx model of the same architecture; example:<name> for an example's built-in θ (default: an ONNX model's own weights)")
    .option("--exact", "dense Hessian and all eigenvalues/eigenvectors (n HVPs + O(n³))")
    .option("--max-exact <n>", "largest n for --exact", parseInteger("--max-exact", 1), HESSIAN_DEFAULTS.maxExact)
    .option("--top <K>", "the K largest eigenvalues by Lanczos", parseInteger("--top", 1))
    .option("--bottom <K>", "the K smallest (most negative) eigenvalues by Lanczos", parseInteger("--bottom", 1))
    .option("--tol <t>", "Lanczos relative residual tolerance", parseNumber("--tol"))
    .option("--max-iter <m>", "Lanczos step limit (HVPs)", parseInteger("--max-iter", 1))
    .option("--trace", "stochastic trace estimate with standard error")
    .addOption(new Option("--trace-method <method>", "trace estimator").choices(["hutchinson", "hutch++"]).default("hutchinson"))
    .option("--probes <n>", "HVPs for the trace estimate", parseInteger("--probes", 1), HESSIAN_DEFAULTS.probes)
    .option("--density", "spectral density by stochastic Lanczos quadrature")
    .option("--runs <n>", "SLQ runs (random start vectors)", parseInteger("--runs", 1), HESSIAN_DEFAULTS.slqRuns)
    .option("--steps <n>", "Lanczos steps per SLQ run", parseInteger("--steps", 1), HESSIAN_DEFAULTS.slqSteps)
    .option("--sigma <s>", "Gaussian smoothing width of the density", parseNumber("--sigma"))
    .option("--blocks", "also analyse each layer's weight and bias as its own sub-Hessian")
    .option("--json", "print JSON instead of text")
    .option("--seed <n>", "seed of every random choice", parseInteger("--seed", 0), 0)
    .addOption(new Option("--dtype <type>", "float type of the HVPs").choices(["float64", "float32"]).default("float64"))
    .addOption(new Option("--executor <name>", "onnx (fast) or reference (pure TypeScript, float64)").choices(["onnx", "reference"]).default("onnx"))
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)", parseInteger("--threads", 1))
    .option("--plot <file>", "write the spectrum / density plot (.svg or .png)")
    .option("--save-vectors <dir>", "write eigenvectors as .npy (landscape directions) and manifest.json")
    .option("--no-progress", "no progress bar (there is none with --json either)")
    .option("--scale <factor>", "PNG pixels per SVG unit (default 2: about 1400 px wide, for print)", parseScale, 2)
    .option("--queue <url>", "spread --trace probes and --density runs over a worker pool (redis://[:password@]host:port; see losscape worker); same seed, same numbers")
    .action(async (specArg: string, o: HessianCliOptions) => {
      if (o.queue !== undefined && !o.trace && !o.density) throw new UserError("--queue spreads --trace probes and --density runs over a worker pool: add --trace or --density");
      if (o.queue !== undefined && o.trace && o.traceMethod === "hutch++") {
        throw new UserError("--queue spreads Hutchinson probes; Hutch++'s sketch is one sequential chain: use --trace-method hutchinson, or drop --queue");
      }
      if (o.plot !== undefined) {
        (await import("../plot/write-plot.js")).plotFormatFor(o.plot);
        if (!o.exact && !o.density) throw new UserError("--plot draws the exact spectrum or the density: add --exact or --density");
      }
      if (o.saveVectors !== undefined && !o.exact && o.top === undefined && o.bottom === undefined) {
        throw new UserError("--save-vectors needs eigenvectors: add --top K, --bottom K or --exact");
      }
      if (o.sigma !== undefined && !(o.sigma > 0)) throw new UserError(`--sigma must be positive, got ${o.sigma}`);
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [{ loadProblem }, { analyzeHessian, hessianReportJson, hessianReportText, saveHessianVectors }] = await Promise.all([
        import("./problem-input.js"),
        import("../hessian/index.js")
      ]);
      const input = loadProblem(specArg);
      const theta = await loadTheta(input, o.params);
      const inner = await makeExecutor(o);
      // Each executor run is one HVP (or the loss and gradient); remote probes are not counted here.
      let progress: Progress | null = null;
      let runs = 0;
      const total = hvpBudget(o, [input.problem.layout.size, ...(o.blocks ? input.problem.layout.blocks.map((b) => b.size) : [])]);
      const { createProgress } = o.progress && !o.json ? await import("../util/progress.js") : { createProgress: null };
      const executor = counted(inner, () => {
        runs++;
        if (!createProgress) return;
        progress ??= createProgress({ total, label: "hessian", unit: "HVPs", stream: process.stderr });
        progress.update(Math.min(runs, total));
      });
      let pool: import("../distributed/pool.js").Pool | null = null;
      try {
        let remote: import("../hessian/analyze.js").RemoteProbes | undefined;
        if (o.queue !== undefined) {
          const [{ parseQueueUrl }, { openPool }, { queueRemoteProbes }] = await Promise.all([
            import("../distributed/connection.js"), import("../distributed/pool.js"), import("../distributed/remote-hessian.js")
          ]);
          pool = await openPool(parseQueueUrl(o.queue));
          remote = queueRemoteProbes(pool, {
            problem: input.problem, theta, dtype: o.dtype, executor: o.executor,
            log: (line) => void process.stderr.write(`losscape: ${line}\n`)
          });
        }
        const report = await analyzeHessian({
          problem: input.problem,
          theta,
          executor,
          exact: o.exact ?? false,
          maxExact: o.maxExact,
          ...(o.top !== undefined ? { top: o.top } : {}),
          ...(o.bottom !== undefined ? { bottom: o.bottom } : {}),
          tol: o.tol ?? (o.dtype === "float32" ? FLOAT32_LANCZOS_TOL : HESSIAN_DEFAULTS.lanczosTol),
          ...(o.maxIter !== undefined ? { maxIter: o.maxIter } : {}),
          ...(o.trace ? { trace: { method: o.traceMethod, probes: o.probes } } : {}),
          ...(o.density ? { density: { runs: o.runs, steps: o.steps, ...(o.sigma !== undefined ? { sigma: o.sigma } : {}) } } : {}),
          blocks: o.blocks ?? false,
          seed: o.seed,
          ...(remote ? { remote } : {})
        });
        (progress as Progress | null)?.finish();
        const written: string[] = [];
        if (o.plot !== undefined) {
          const [{ hessianPlots }, { writePlot }] = await Promise.all([import("../plot/hessian-plots.js"), import("../plot/write-plot.js")]);
          const plots = hessianPlots(report);
          for (const p of plots) {
            const path = p.name === "density" && plots.length > 1 ? densityPlotPath(o.plot) : o.plot;
            await writePlot(path, p.svg, { scale: o.scale });
            written.push(path);
          }
        }
        if (o.saveVectors !== undefined) {
          const saved = saveHessianVectors(report, o.saveVectors, theta.length);
          written.push(`${saved.files.length} files in ${saved.dir}`);
        }
        if (o.json) {
          process.stdout.write(`${JSON.stringify(hessianReportJson(report), null, 2)}\n`);
        } else {
          process.stdout.write(hessianReportText(report, cliFlag) + (written.length ? `wrote ${written.join(", ")}\n` : ""));
        }
        setExitCode(0);
      } finally {
        await pool?.close();
        await executor.dispose();
      }
    });
};
