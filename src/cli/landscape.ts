/**
 * `losscape landscape SPEC --params θ --out DIR`: loss (and accuracy, and the Hessian's |λmin/λmax|)
 * on a line or plane through θ, resumable.
 */
import { join, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { createEigRatioEvaluator, EigRatioEvaluator } from "../hessian/eig-ratio.js";
import { NORMALIZATIONS, type Normalization } from "../landscape/directions/normalize.js";
import { METRICS, type Metric, type MetricPlugin } from "../landscape/evaluate/problem.js";
import { parseRange, type AxisRange } from "../landscape/range.js";
import type { DirectionChoice, LandscapeResult, NamedVector } from "../landscape/run-landscape.js";
import type { SplitMethod, SplitName } from "../model/train/split-data.js";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import type { RegisterCommand } from "./commands.js";
import { parseInteger, parseNumber, parseScale, plotFormats } from "./options.js";

interface LandscapeCliOptions {
  params?: string;
  out: string;
  to?: string;
  trajectory?: string;
  dir1?: string;
  dir2?: string;
  norm: Normalization;
  ignoreBias?: boolean;
  includeBias?: boolean;
  orthogonal?: boolean;
  seed: number;
  x?: AxisRange;
  y?: AxisRange;
  metrics?: Metric[];
  split: SplitName;
  testFraction: number;
  splitBy: SplitMethod;
  splitSeed: number;
  dtype: "float32" | "float64";
  batchPoints?: number;
  chunkSize?: number;
  threads?: number;
  plain?: boolean;
  logLevels?: boolean;
  linearLevels?: boolean;
  scale: number;
  format: string;
  plots: boolean;
  vtp: boolean;
  force?: boolean;
  progress: boolean;
  queue?: string;
  align?: boolean;
  alignMethod: "activation" | "weight";
}

function rangeOption(name: string): (v: string) => AxisRange {
  return (v) => {
    try {
      return parseRange(v, name);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
  };
}

function parseMetrics(v: string): Metric[] {
  const names = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of names) {
    if (!(METRICS as readonly string[]).includes(n)) throw new InvalidArgumentError(`unknown metric "${n}" (valid: ${METRICS.join(", ")})`);
  }
  return names as Metric[];
}

const VTP_FILE = "surface.vtp";
const EIG_RATIO_PLOT = "eig-ratio";
const BARRIERS_PLOT = "barriers";
/** Lanczos settings of the eig-ratio map: a colour map needs no more than six digits. */
const EIG_RATIO_TOL = 1e-6;
const EIG_RATIO_MAX_ITER = 100;

/** The Hessian's |λmin/λmax| as a landscape plug-in; `track` receives the evaluator for the summary line. */
function eigRatioPlugin(seed: number, track: (e: EigRatioEvaluator) => void, createEvaluator: typeof createEigRatioEvaluator): MetricPlugin {
  const options = { seed, tol: EIG_RATIO_TOL, maxIter: EIG_RATIO_MAX_ITER };
  return {
    settings: { method: "Lanczos with full reorthogonalization, both ends of the spectrum, one run per point", ...options, precision: "float64" },
    create(problem, ex) {
      const e = createEvaluator(problem, ex, options);
      track(e);
      return {
        batch: e.batch,
        evaluate: (coords, count) => e.evaluate(coords, count),
        summary: () => ({ hvps: e.hvps, unconvergedPoints: e.unconverged })
      };
    }
  };
}

function finiteRange(a: Float64Array): { lo: number; hi: number; nonFinite: number } {
  let lo = Infinity, hi = -Infinity, nonFinite = 0;
  for (const v of a) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi, nonFinite };
}

function eigRatioLine(r: LandscapeResult, e: EigRatioEvaluator | null): string {
  const ratio = r.values["eig-ratio"];
  if (!ratio) return "";
  const { lo, hi, nonFinite } = finiteRange(ratio);
  const range = lo <= hi ? `from ${lo.toPrecision(4)} to ${hi.toPrecision(4)}` : "undefined everywhere";
  const undef = nonFinite > 0 ? `, undefined (λmax = 0) at ${nonFinite} point(s)` : "";
  let cost = "";
  if (e && r.pointsComputed > 0) {
    cost = `; ${e.hvps} HVPs (${(e.hvps / r.pointsComputed).toFixed(1)} per point)`;
    if (e.unconverged > 0) cost += `, ${e.unconverged} point(s) stopped at ${EIG_RATIO_MAX_ITER} Lanczos steps before the tolerance ${EIG_RATIO_TOL}`;
  }
  return `|λmin/λmax| ${range}${undef}${cost}\n`;
}

const LANDSCAPE_HELP = `
Directions (default: random, the paper's method):
  random        seeded Gaussian; --norm filter (default: each output unit's
                weight row scaled to the norm of the same row of θ, Li et al.
                2018) | layer | none; biases ignored (zeroed, Li et al.'s
                "biasbn") unless --include-bias (then a unit's bias joins its
                row). 1-D without --y, 2-D with it. --orthogonal makes d2 ⟂ d1:
                Gram-Schmidt after normalisation, then d2 is rescaled by one
                scalar to its previous length (per-row norms then only
                approximately match θ's).
  --to θ2       the line d = θ2 - θ (1-D; x from 0 to 1 by default)
  --align       with --to: also the line to θ2 with its hidden units permuted
                to match θ's (the same function as θ2; Git Re-Basin,
                Ainsworth et al. 2023), --align-method activation (default:
                correlate unit activations on the data) | weight. Both lines
                in barriers.svg; each barrier, max over t in [0, 1] of
                L((1−t)θ + tθ2) − ((1−t)L(θ) + tL(θ2)), and its t printed and
                written to barriers.json and the manifest; θ2 aligned in
                theta-aligned.npy, its line's loss in aligned-loss.npy. Models
                with buffers (BatchNorm statistics, held fixed along a line)
                are refused
  --trajectory  PCA of a training trajectory [K, P] (rows θ_i - θ, centred):
                top-2 directions, explained variance in the manifest, the
                trajectory drawn on the plane (trajectory.svg)
  --dir1/--dir2 directions from .npy files, used as given

Metrics (--metrics, comma list):
  loss, accuracy  from the first-layer shortcut, many points per ONNX call
  eig-ratio       |λmin/λmax| of the loss Hessian at every grid point (Li et
                  al. 2018's map of non-convexity: near 0 where the loss is
                  locally convex, large where negative curvature dominates).
                  Costly: one Lanczos run per point (full reorthogonalization,
                  tolerance ${EIG_RATIO_TOL}, at most ${EIG_RATIO_MAX_ITER} steps), about 20-100
                  Hessian-vector products of the whole data set each, so keep
                  grids small (e.g. 11×11). Always float64, whatever --dtype;
                  the Lanczos start vector is seeded by --seed. Written as
                  eig-ratio.npy and eig-ratio.svg (heatmap; a curve for 1-D);
                  undefined points (λmax = 0) are NaN/Infinity.

Output in --out: loss.npy / accuracy.npy of shape [ny, nx] (loss[j][i] is at
(x[i], y[j]); shape [nx] for 1-D), x.npy, y.npy, dir1.npy, dir2.npy,
manifest.json, plots (curve | contour, contour-filled, heatmap, surface,
trajectory) and surface.vtp for ParaView.

Worker pool (--queue redis://host:port): the chunks are computed by \`losscape worker\`
processes on any machines that reach that Redis; this command publishes the
problem, enqueues the chunks, writes each as it arrives and then the same files
as a local run (loss.npy byte for byte). Killed, it resumes when rerun.

Resumable: points are computed in chunks written atomically to --out/chunks/;
rerun the same command after an interruption to continue where it stopped.
A rerun with different inputs into the same folder is refused unless --force.

Examples (in this order: the first ones write the θ files the others read):
  losscape example seed-relu --params theta1 > t1.json
  losscape example seed-relu --params theta2 > t2.json
  losscape landscape seed-relu --params t1.json --to t2.json --x -0.5:1.5:81 --out line
  losscape landscape seed-relu --params t1.json --to t2.json --align --out aligned
  losscape train moons-mlp --epochs 5 --out run
  losscape landscape moons-mlp --params run/theta.npy --x -1:1:51 --y -1:1:51 --out plane
  losscape landscape moons-mlp --params run/theta.npy --trajectory run/trajectory.npy --out pca
  losscape landscape moons-mlp --params run/theta.npy --x -1:1:11 --y -1:1:11 --metrics loss,eig-ratio --out curvature
`;

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("landscape")
    .description("Loss (and accuracy, Hessian |λmin/λmax|) on a 1-D line or 2-D plane through θ: θ + x·d1 (+ y·d2).")
    .addHelpText("after", LANDSCAPE_HELP)
    .argument("<spec>", "model spec JSON file, or a built-in example name")
    .option("--params <file>", "θ: .npy (shape [P]), .json (e.g. theta.npy from losscape train) or an .onnx model of the same architecture (default: an ONNX model's own weights)")
    .requiredOption("--out <dir>", "output folder")
    .option("--to <file>", "second model θ2 (.npy, .json or .onnx): plot the line from θ to θ2")
    .option("--trajectory <file>", "training trajectory .npy [K, P]: PCA directions")
    .option("--dir1 <file>", "first direction .npy [P], used as given")
    .option("--dir2 <file>", "second direction .npy [P], used as given")
    .addOption(new Option("--norm <kind>", "normalization of random directions").choices([...NORMALIZATIONS]).default("filter"))
    .option("--ignore-bias", "zero the bias entries of random directions (the default)")
    .option("--include-bias", "let random directions move biases too")
    .option("--orthogonal", "make the second random direction orthogonal to the first")
    .option("--seed <n>", "seed of the random directions (and of the eig-ratio Lanczos start vector)", parseInteger("--seed", 0), 0)
    .option("--x <min:max:num>", "x range (default -1:1:51; 0:1:51 with --to; around the trajectory for PCA)", rangeOption("--x"))
    .option("--y <min:max:num>", "y range: makes the surface 2-D", rangeOption("--y"))
    .option("--metrics <list>", "comma list of loss, accuracy, eig-ratio (default: loss, plus accuracy for classification; eig-ratio is costly, see below)", parseMetrics)
    .addOption(new Option("--split <part>", "which data: train or test part").choices(["train", "test"]).default("train"))
    .option("--test-fraction <f>", "held-out fraction, as in losscape train (0 = all data is train)", parseNumber("--test-fraction"), 0)
    .addOption(new Option("--split-by <method>", "random (seeded) or index (the last samples are test)").choices(["random", "index"]).default("random"))
    .option("--split-seed <n>", "seed of the random split", parseInteger("--split-seed", 0), 0)
    .addOption(new Option("--dtype <type>", "float type of the evaluation").choices(["float64", "float32"]).default("float64"))
    .option("--batch-points <n>", "grid points per ONNX Runtime call (default from a memory budget)", parseInteger("--batch-points", 1))
    .option("--chunk-size <n>", "grid points per chunk file (default about 256)", parseInteger("--chunk-size", 1))
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)", parseInteger("--threads", 1))
    .option("--plain", "evaluate one full network per point (no first-layer shortcut; slow, for checking)")
    .option("--log-levels", "log-spaced contour levels and log colour scales (the default when the loss spans more than a decade)")
    .option("--linear-levels", "linear contour levels and colour scales, whatever the loss's range")
    .option("--scale <factor>", "PNG pixels per SVG unit (default 2: about 1400 px wide, for print)", parseScale, 2)
    .option("--format <list>", "plot formats: svg, png or svg,png", "svg")
    .option("--no-plots", "write no plots")
    .option("--no-vtp", "write no surface.vtp")
    .option("--force", "overwrite a landscape computed from different inputs in --out")
    .option("--no-progress", "no progress output")
    .option("--queue <url>", "compute the chunks on a worker pool: redis://[:password@]host:port (rediss:// for TLS); see losscape worker")
    .option("--align", "with --to: also the line to θ2 aligned to θ (hidden units permuted), both barriers reported")
    .addOption(new Option("--align-method <method>", "how --align matches units: activation or weight").choices(["activation", "weight"]).default("activation"))
    .action(async (specArg: string, o: LandscapeCliOptions) => {
      if (o.ignoreBias && o.includeBias) throw new UserError("--ignore-bias and --include-bias contradict each other");
      if (o.logLevels && o.linearLevels) throw new UserError("--log-levels and --linear-levels contradict each other");
      const formats = plotFormats(o.format);
      const chosen = [o.to ? "--to" : null, o.trajectory ? "--trajectory" : null, o.dir1 || o.dir2 ? "--dir1/--dir2" : null].filter((s) => s !== null);
      if (chosen.length > 1) throw new UserError(`choose one kind of direction, not ${chosen.join(" and ")}`);
      if (o.dir2 && !o.dir1) throw new UserError("--dir2 needs --dir1");
      if (o.align && !o.to) throw new UserError("--align needs --to θ2: it aligns θ2 to θ");
      if (o.align && o.y) throw new UserError("--align draws lines: drop --y");
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [
        { loadProblem, paramsFor }, { loadProblemParams }, { loadParamMatrix }, { runLandscape }, { createOnnxExecutor },
        { createEigRatioEvaluator }, { createProgress }, { LANDSCAPE_PLOT_NAMES, landscapePlots }, { eigRatioCurve, eigRatioHeatmap },
        { writePlot }, { surfaceToVtp }, { writeFileAtomic }
      ] = await Promise.all([
        import("./problem-input.js"), import("../model/problem/resolve.js"), import("../model/train/params-file.js"),
        import("../landscape/run-landscape.js"), import("../exec/onnx/executor.js"), import("../hessian/eig-ratio.js"),
        import("../util/progress.js"), import("../plot/landscape-plots.js"), import("../plot/hessian-plots.js"),
        import("../plot/write-plot.js"), import("../plot/vtp.js"), import("../io/atomic-write.js")
      ]);
      const input = loadProblem(specArg);
      const layout = input.problem.layout;
      const alignedLine = o.align ? await import("../symmetry/aligned-line.js") : null;
      alignedLine?.checkAlignable(input.problem);
      const theta = { values: paramsFor(input, o.params), source: o.params ?? "the model's own weights" };
      const vector = (path: string, option: string): NamedVector => ({ values: loadProblemParams(path, layout, option), source: path });
      let directions: DirectionChoice;
      if (o.to) directions = { kind: "line", to: vector(o.to, "--to") };
      else if (o.trajectory) directions = { kind: "pca", trajectory: { ...loadParamMatrix(resolve(o.trajectory), layout.size, "--trajectory"), source: o.trajectory } };
      else if (o.dir1) directions = { kind: "files", dir1: vector(o.dir1, "--dir1"), ...(o.dir2 ? { dir2: vector(o.dir2, "--dir2") } : {}) };
      else directions = { kind: "random", seed: o.seed, normalization: o.norm, ignoreBias: !o.includeBias, orthogonal: o.orthogonal ?? false };

      const ex = createOnnxExecutor(o.threads ? { threads: o.threads } : {});
      let progress: Progress | null = null;
      let eig: EigRatioEvaluator | null = null;
      let pool: import("../distributed/pool.js").Pool | null = null;
      try {
        let remote: import("../landscape/remote-surface.js").ChunkEvaluator | undefined;
        if (o.queue !== undefined) {
          const [{ parseQueueUrl }, { openPool }, { queueChunkEvaluator }] = await Promise.all([
            import("../distributed/connection.js"), import("../distributed/pool.js"), import("../distributed/remote-landscape.js")
          ]);
          const q = parseQueueUrl(o.queue);
          pool = await openPool(q);
          remote = queueChunkEvaluator(pool, (line) => void process.stderr.write(`losscape: ${line}\n`));
          if (o.progress) process.stderr.write(`landscape: chunks go to the worker pool at ${q.masked}\n`);
        }
        const r = await runLandscape(
          {
            problem: input.problem, theta, directions,
            ...(o.x ? { x: o.x } : {}), ...(o.y ? { y: o.y } : {}), ...(o.metrics ? { metrics: o.metrics } : {}),
            metricPlugins: { "eig-ratio": eigRatioPlugin(o.seed, (e) => (eig = e), createEigRatioEvaluator) },
            split: o.split, splitOptions: { testFraction: o.testFraction, method: o.splitBy, seed: o.splitSeed },
            dtype: o.dtype,
            ...(o.batchPoints ? { batchPoints: o.batchPoints } : {}), ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}),
            plain: o.plain ?? false, force: o.force ?? false, outDir: resolve(o.out.trim()),
            extraOutputs: [
              ...[...LANDSCAPE_PLOT_NAMES, EIG_RATIO_PLOT, BARRIERS_PLOT].flatMap((n) => [`${n}.svg`, `${n}.png`]), VTP_FILE,
              "theta-aligned.npy", "theta-aligned.json", "aligned-loss.npy", "barriers.json"
            ],
            ...(remote ? { remote } : {})
          },
          ex,
          (p) => {
            if (!o.progress) return;
            progress ??= createProgress({ total: p.total, label: "landscape", unit: "points", stream: process.stderr, alreadyDone: p.reused });
            const fields = p.workers !== undefined ? { workers: String(p.workers) } : undefined;
            if (p.done === p.total) progress.finish(fields);
            else progress.update(p.done, fields);
          }
        );
        const written: string[] = Object.values(r.manifest["files"] as Record<string, string>);
        written.push("manifest.json");
        let barrierLines = "";
        if (alignedLine && directions.kind === "line") {
          const { formatBarrier, pathProfilesPlot } = await import("../plot/path-profiles-plot.js");
          const al = await alignedLine.runAlignedLine({
            problem: input.problem, split: o.split, splitOptions: { testFraction: o.testFraction, method: o.splitBy, seed: o.splitSeed },
            a: theta.values, b: directions.to.values, xs: r.x, method: o.alignMethod, seed: o.seed, outDir: r.outDir
          }, ex);
          written.push(...al.files);
          const moved = [
            ...al.alignment.permutations.map((p) => `${p.group}: ${p.moved} of ${p.size} units moved`),
            ...al.alignment.unpermuted.map((u) => `${u.group} left unpermuted: ${u.reason}`)
          ].join(", ");
          barrierLines =
            `aligned θ2 to θ by ${o.alignMethod} matching (${moved || "no units to permute"}); ‖θ − θ2‖ ${al.alignment.distanceBefore.toPrecision(5)} → ${al.alignment.distanceAfter.toPrecision(5)}, ` +
            `same function as θ2 (max output difference ${al.alignment.maxOutputDiff.toExponential(2)})\n` +
            `straight line θ → θ2:         ${formatBarrier(al.straight.barrier)}\n` +
            `line θ → θ2 aligned (${o.alignMethod}): ${formatBarrier(al.aligned.barrier)}\n`;
          if (o.plots) {
            const svg = pathProfilesPlot({
              title: `Loss from θ to θ2, before and after aligning θ2's units (${o.alignMethod} matching)`,
              yLabel: input.problem.head.loss,
              xLabel: "t  ((1 − t)·θ + t·θ2)",
              profiles: [
                { label: "θ → θ2", t: al.straight.t, loss: al.straight.loss, barrier: al.straight.barrier },
                { label: "θ → θ2 aligned", t: al.aligned.t, loss: al.aligned.loss, barrier: al.aligned.barrier }
              ]
            });
            for (const f of formats) {
              await writePlot(join(r.outDir, `${BARRIERS_PLOT}.${f}`), svg, { scale: o.scale });
              written.push(`${BARRIERS_PLOT}.${f}`);
            }
          }
        }
        if (o.plots) {
          const plots = r.values.loss || r.values.accuracy ? landscapePlots(r, o.logLevels ? { logLevels: true } : o.linearLevels ? { logLevels: false } : {}) : [];
          const ratio = r.values["eig-ratio"];
          if (ratio) {
            const svg = r.y
              ? eigRatioHeatmap({ x: r.x, y: r.y, ratio })
              : eigRatioCurve({ x: r.x, ratio }, undefined, r.directionInfo["kind"] === "line" ? "t  (θ + t·(θ2 − θ))" : undefined);
            plots.push({ name: EIG_RATIO_PLOT, svg });
          }
          for (const plot of plots) {
            for (const f of formats) {
              await writePlot(join(r.outDir, `${plot.name}.${f}`), plot.svg, { scale: o.scale });
              written.push(`${plot.name}.${f}`);
            }
          }
        }
        if (o.vtp && r.dims === 2 && r.y) {
          const fields: Record<string, Float64Array> = {};
          for (const m of r.metrics) fields[m] = r.values[m]!;
          writeFileAtomic(join(r.outDir, VTP_FILE), surfaceToVtp({ x: r.x, y: r.y, fields, heightField: r.values.loss ? "loss" : r.metrics[0]! }));
          written.push(VTP_FILE);
        }
        const grid = r.y ? `${r.x.length}×${r.y.length}` : `${r.x.length}`;
        const rate = r.pointsComputed > 0 ? `, ${(r.pointsComputed / r.computeSeconds).toFixed(1)} points/s` : "";
        const loss = r.values.loss;
        let lossLine = "";
        if (loss) {
          let lo = Infinity, hi = -Infinity;
          for (const v of loss) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
          lossLine = `loss from ${lo.toPrecision(5)} to ${hi.toPrecision(5)}\n`;
        }
        const pca = r.pca ? `PCA explained variance: ${r.pca.explainedVarianceRatio.map((v) => v.toFixed(4)).join(", ")}\n` : "";
        process.stdout.write(
          `${r.dims}-D landscape, grid ${grid}: computed ${r.pointsComputed} points in ${r.chunksComputed} chunk(s)` +
            `${r.chunksReused ? `, reused ${r.chunksReused} chunk(s)` : ""} (${r.computeSeconds.toFixed(2)} s${rate})\n` +
            lossLine + eigRatioLine(r, eig) + pca + barrierLines + `wrote ${written.join(", ")} to ${r.outDir}\n`
        );
        setExitCode(0);
      } finally {
        await pool?.close();
        await ex.dispose();
      }
    });
};
