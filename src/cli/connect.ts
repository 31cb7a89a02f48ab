/** `losscape connect SPEC B --params A --out DIR`: train a low-loss curve (Bezier or polychain) from A to B; resumable. */
import { join } from "node:path";
import { Option, type Command } from "commander";
import { OPTIMIZERS, type OptimizerName } from "../model/train/optimizers.js";
import type { Progress } from "../util/progress.js";
import type { RegisterCommand } from "./commands.js";
import { parseInteger, parseNumber, parseScale, plotFormats } from "./options.js";

interface ConnectCliOptions {
  params?: string;
  out: string;
  bends: number;
  polychain?: boolean;
  epochs: number;
  seed: number;
  optimizer: OptimizerName;
  lr?: number;
  momentum: number;
  batchSize: number;
  points: number;
  dtype: "float32" | "float64";
  resume?: boolean;
  threads?: number;
  scale: number;
  format: string;
  plots: boolean;
  progress: boolean;
}

const CONNECT_HELP = `
Mode connectivity (Garipov et al. 2018): the straight line between two trained
networks usually climbs (a barrier), yet a curved path between them often stays
low. This trains such a path φ(t), t from 0 (A) to 1 (B), through --bends
control points, minimising the mean of L(φ(t)) over t uniform in [0, 1]: one
seeded t per step, the gradient w_i(t)·∇L(φ(t)) for bend i. The bends start on
the straight line (one bend: the midpoint (A + B)/2).

  Bezier (default)  φ(t) = Σ Bernstein weights; one bend: (1−t)²A + 2t(1−t)C + t²B
  --polychain       straight segments A → C1 → … → Ck → B, equal lengths in t

Then the curve and the straight line are evaluated at --points t values
from 0 to 1 and each barrier is reported: max over t of
L(φ(t)) − ((1−t)·L(A) + t·L(B)), with the t where it is.

A is SPEC's θ (--params, or an ONNX model's own weights); B is a θ file (.npy,
.json) or an .onnx model of the same architecture.

Output in --out: bend-1.npy / bend-1.json (… per bend; θ files that --params
reads; bend-1.onnx too for an ONNX model, in the file's float type),
profiles.json and profiles.csv (t,
the line's and the curve's loss, both barriers), profiles.svg (and .png with
--format), checkpoint.json and manifest.json.

Resumable: a checkpoint is written after the first and the last epoch, and
at most every 2 s between them. --resume continues a run in --out (e.g. with
more --epochs); the result equals an uninterrupted run. A folder holding a run
of other inputs (A, B, spec, curve, optimizer, seed) is refused.

Examples (in this order: the first ones write the θ files the others read):
  losscape example seed-relu --params theta1 > t1.json
  losscape example seed-relu --params theta2 > t2.json
  losscape connect seed-relu t2.json --params t1.json --epochs 2000 --lr 0.05 --batch-size 0 --out curve
  losscape train moons-mlp --epochs 20 --seed 1 --out a
  losscape train moons-mlp --epochs 20 --seed 2 --out b
  losscape connect moons-mlp b/theta.npy --params a/theta.npy --epochs 4 --out ab
  losscape connect moons-mlp b/theta.npy --params a/theta.npy --epochs 8 --resume --out ab
  losscape connect moons-mlp b/theta.npy --params a/theta.npy --polychain --bends 2 --epochs 4 --out ab-poly
`;

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("connect")
    .description("Train a low-loss curve (quadratic Bezier or polychain) between two models and compare its loss profile with the straight line's.")
    .addHelpText("after", CONNECT_HELP)
    .argument("<spec>", "model spec JSON file, or a built-in example name (model A and its data)")
    .argument("<b>", "model B: θ file (.npy, .json) or an .onnx model of the same architecture")
    .option("--params <file>", "model A's θ (.npy, .json or .onnx; default: an ONNX model's own weights)")
    .requiredOption("--out <dir>", "output folder")
    .option("--bends <k>", "control points between A and B", parseInteger("--bends", 1), 1)
    .option("--polychain", "straight segments through the bends instead of a Bezier curve")
    .option("--epochs <n>", "passes over the data (steps per epoch: samples / --batch-size)", parseInteger("--epochs", 1), 20)
    .option("--seed <n>", "seed of the t samples and the per-epoch shuffles", parseInteger("--seed", 0), 0)
    .addOption(new Option("--optimizer <name>", "optimizer").choices([...OPTIMIZERS]).default("adam"))
    .option("--lr <rate>", "learning rate (default 0.01 for adam, 0.05 for sgd)", parseNumber("--lr"))
    .option("--momentum <m>", "SGD momentum", parseNumber("--momentum"), 0.9)
    .option("--batch-size <n>", "samples per step; 0 = the whole data set", parseInteger("--batch-size", 0), 64)
    .option("--points <n>", "t values from 0 to 1 where the curve and the line are evaluated", parseInteger("--points", 2), 61)
    .addOption(new Option("--dtype <type>", "float type of the training gradients (the profiles are float64)").choices(["float64", "float32"]).default("float64"))
    .option("--resume", "continue the run in --out from its last checkpoint")
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)", parseInteger("--threads", 1))
    .option("--scale <factor>", "PNG pixels per SVG unit", parseScale, 2)
    .option("--format <list>", "plot formats: svg, png or svg,png", "svg")
    .option("--no-plots", "write no plot")
    .option("--no-progress", "no progress output")
    .action(async (specArg: string, bArg: string, o: ConnectCliOptions) => {
      const formats = plotFormats(o.format);
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [{ loadProblem, paramsFor }, { loadProblemParams }, { createOnnxExecutor }, { runConnect, CONNECT_PLOT }, { createProgress }, { pathProfilesPlot, formatBarrier }, { writePlot }] =
        await Promise.all([
          import("./problem-input.js"), import("../model/problem/resolve.js"), import("../exec/onnx/executor.js"), import("../symmetry/run-connect.js"),
          import("../util/progress.js"), import("../plot/path-profiles-plot.js"), import("../plot/write-plot.js")
        ]);
      const input = loadProblem(specArg);
      const a = { values: paramsFor(input, o.params), source: o.params ?? "the model's own weights" };
      const b = { values: loadProblemParams(bArg, input.problem.layout, "B"), source: bArg };
      const ex = createOnnxExecutor(o.threads ? { threads: o.threads } : {});
      let progress: Progress | null = null;
      try {
        const r = await runConnect(
          {
            problem: input.problem, a, b, points: o.points, outDir: o.out, resume: o.resume ?? false,
            train: {
              shape: { kind: o.polychain ? "polychain" : "bezier", bends: o.bends },
              optimizer: {
                name: o.optimizer, lr: o.lr ?? (o.optimizer === "adam" ? 0.01 : 0.05), momentum: o.optimizer === "sgd" ? o.momentum : 0,
                weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8
              },
              batchSize: o.batchSize, epochs: o.epochs, seed: o.seed, dtype: o.dtype
            }
          },
          ex,
          {
            onStep: (s) => {
              if (!o.progress) return;
              progress ??= createProgress({ total: s.totalSteps, label: "connect", unit: "steps", stream: process.stderr, alreadyDone: s.step - 1 });
              const fields = { epoch: String(s.epoch), "loss at sampled t": s.loss.toPrecision(4) };
              if (s.step === s.totalSteps) progress.finish(fields);
              else progress.update(s.step, fields);
            },
            onEvaluate: () => {
              if (o.progress) process.stderr.write(`connect: evaluating the curve and the straight line at ${o.points} t values\n`);
            }
          }
        );
        const written = r.files.slice();
        if (o.plots) {
          const svg = pathProfilesPlot({
            title: `Loss from A to B: straight line and trained ${o.polychain ? "polychain" : "Bezier curve"}`,
            yLabel: input.problem.head.loss,
            profiles: [
              { label: "straight line", t: r.line.t, loss: r.line.loss, barrier: r.line.barrier },
              { label: `${o.polychain ? "polychain" : "Bezier curve"} (${o.bends} bend${o.bends > 1 ? "s" : ""})`, t: r.curve.t, loss: r.curve.loss, barrier: r.curve.barrier }
            ]
          });
          for (const f of formats) {
            await writePlot(join(r.outDir, `${CONNECT_PLOT}.${f}`), svg, { scale: o.scale });
            written.push(`${CONNECT_PLOT}.${f}`);
          }
        }
        const max = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, x), -Infinity);
        const trained = r.epochsThisRun > 0 ? `trained ${r.epochsThisRun} epoch(s)${r.resumedFrom !== null ? ` after the checkpoint's ${r.resumedFrom}` : ""}` : `the checkpoint already has all ${r.history.length} epochs`;
        process.stdout.write(
          `${trained}; last epoch's mean loss at its sampled t (${r.stepsPerEpoch} step${r.stepsPerEpoch > 1 ? "s" : ""}) ${r.history[r.history.length - 1]!.toPrecision(5)}\n` +
            `L(A) ${r.line.barrier.lossA.toPrecision(5)}, L(B) ${r.line.barrier.lossB.toPrecision(5)}\n` +
            `straight line: max loss ${max(r.line.loss).toPrecision(5)}, ${formatBarrier(r.line.barrier)}\n` +
            `curve:         max loss ${max(r.curve.loss).toPrecision(5)}, ${formatBarrier(r.curve.barrier)}\n` +
            `wrote ${written.join(", ")} to ${r.outDir}\n`
        );
        setExitCode(0);
      } finally {
        await ex.dispose();
      }
    });
};
