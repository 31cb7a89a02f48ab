/** `losscape train SPEC --out DIR`: mini-batch SGD/Adam on a spec (MLP or ONNX model); writes θ, trajectory and manifest. */
import { Option, type Command } from "commander";
import type { InitScheme } from "../model/train/init.js";
import { OPTIMIZERS, type OptimizerName } from "../model/train/optimizers.js";
import type { SplitMethod } from "../model/train/split-data.js";
import type { Progress } from "../util/progress.js";
import type { RegisterCommand } from "./commands.js";
import { parseInteger, parseNumber } from "./options.js";

/**
 * init.ts's INIT_SCHEMES, restated because init.ts loads the model spec schemas (zod), which every
 * run would then pay for; startup.test.ts checks the two lists are the same.
 */
export const INIT_CHOICES: readonly InitScheme[] = ["auto", "he", "xavier"];

interface TrainCliOptions {
  out: string;
  optimizer: OptimizerName;
  lr?: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  seed: number;
  init: InitScheme;
  initParams?: string;
  checkpointEvery: number;
  testFraction: number;
  splitBy: SplitMethod;
  splitSeed: number;
  dtype: "float32" | "float64";
  threads?: number;
  progress: boolean;
}

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("train")
    .description("Train a model (an MLP spec or an ONNX model's spec) with mini-batch SGD (momentum, weight decay) or Adam.")
    .addHelpText(
      "after",
      `
Output in --out: theta.npy and theta.json (the final θ, the JSON with its
layout), theta-init.npy, trajectory.npy (θ at step 0, every --checkpoint-every
steps and at the end: [checkpoints, P], for PCA landscape directions) and
manifest.json (options, per-epoch train/test loss and accuracy, versions).
An ONNX model starts from its own weights (unless --init he|xavier or
--init-params) and the trained model is also written as model.onnx, which
onnxruntime and PyTorch's ONNX tools load. The same seed gives the same
bytes (the manifest differs only in its timing).

Examples:
  losscape train moons-mlp --optimizer adam --lr 0.01 --epochs 30 --test-fraction 0.2 --out run
  losscape landscape moons-mlp --params run/theta.npy --trajectory run/trajectory.npy --test-fraction 0.2 --out run/pca
`
    )
    .argument("<spec>", "model spec JSON file, or a built-in example name (e.g. seed-relu, moons-mlp, mnist-mlp)")
    .requiredOption("--out <dir>", "output folder")
    .addOption(new Option("--optimizer <name>", "optimizer").choices([...OPTIMIZERS]).default("sgd"))
    .option("--lr <rate>", "learning rate (default 0.1 for sgd, 0.001 for adam)", parseNumber("--lr"))
    .option("--momentum <m>", "SGD momentum (heavy ball)", parseNumber("--momentum"), 0.9)
    .option("--weight-decay <l>", "L2 weight decay added to the gradient (λθ)", parseNumber("--weight-decay"), 0)
    .option("--batch-size <n>", "samples per step; 0 = full batch", parseInteger("--batch-size", 0), 64)
    .option("--epochs <n>", "passes over the training set", parseInteger("--epochs", 1), 10)
    .option("--seed <n>", "seed of the initialisation and the per-epoch shuffles", parseInteger("--seed", 0), 0)
    .addOption(new Option("--init <scheme>", "weight init: auto (He for ReLU-like, Xavier otherwise), he, xavier").choices([...INIT_CHOICES]).default("auto"))
    .option("--init-params <file>", "start from these parameters (.npy, .json or an .onnx model of the same architecture)")
    .option("--checkpoint-every <steps>", "save θ into the trajectory every this many steps; 0 = once per epoch", parseInteger("--checkpoint-every", 0), 0)
    .option("--test-fraction <f>", "hold out this fraction of the data as a test set (0 = none)", parseNumber("--test-fraction"), 0)
    .addOption(new Option("--split-by <method>", "test set: random (seeded) or index (the last samples)").choices(["random", "index"]).default("random"))
    .option("--split-seed <n>", "seed of the random train/test split", parseInteger("--split-seed", 0), 0)
    .addOption(new Option("--dtype <type>", "float type of the gradient computation").choices(["float64", "float32"]).default("float64"))
    .option("--threads <n>", "ONNX Runtime intra-op threads (default: all cores)", parseInteger("--threads", 1))
    .option("--no-progress", "no progress output")
    .action(async (specArg: string, o: TrainCliOptions) => {
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [{ loadProblem }, { loadProblemParams }, { createOnnxExecutor }, { runTraining }, { createProgress }] = await Promise.all([
        import("./problem-input.js"), import("../model/problem/resolve.js"), import("../exec/onnx/executor.js"),
        import("../model/train/run-training.js"), import("../util/progress.js")
      ]);
      const { problem } = loadProblem(specArg);
      const initialTheta = o.initParams ? { values: loadProblemParams(o.initParams, problem.layout, "--init-params"), source: o.initParams } : undefined;
      const ex = createOnnxExecutor(o.threads ? { threads: o.threads } : {});
      let progress: Progress | null = null;
      try {
        const summary = await runTraining(
          {
            problem,
            split: { testFraction: o.testFraction, method: o.splitBy, seed: o.splitSeed },
            train: {
              optimizer: {
                name: o.optimizer, lr: o.lr ?? (o.optimizer === "adam" ? 0.001 : 0.1), momentum: o.optimizer === "sgd" ? o.momentum : 0,
                weightDecay: o.weightDecay, beta1: 0.9, beta2: 0.999, eps: 1e-8
              },
              batchSize: o.batchSize, epochs: o.epochs, seed: o.seed, init: o.init, checkpointEvery: o.checkpointEvery, dtype: o.dtype
            },
            ...(initialTheta ? { initialTheta } : {}),
            outDir: o.out
          },
          ex,
          (s) => {
            if (!o.progress) return;
            progress ??= createProgress({ total: s.totalSteps, label: "train", unit: "steps", stream: process.stderr });
            // the step's own minibatch, named so it is not read as the loss on all the data (printed at the end)
            const on = o.batchSize === 0 ? "full-batch" : "batch";
            const fields: Record<string, string> = { epoch: String(s.epoch), [`${on} loss`]: s.batchLoss.toPrecision(4) };
            if (s.batchAccuracy !== undefined) fields[`${on} acc`] = s.batchAccuracy.toFixed(3);
            progress.update(s.step, fields);
            if (s.step === s.totalSteps) progress.finish(fields);
          }
        );
        const f = summary.final;
        const parts = [`train loss (all ${summary.trainSamples} samples) ${f.trainLoss.toPrecision(6)}`];
        if (f.trainAccuracy !== undefined) parts.push(`train accuracy ${f.trainAccuracy.toFixed(4)}`);
        if (f.testLoss !== undefined) parts.push(`test loss (all ${summary.testSamples} held-out samples) ${f.testLoss.toPrecision(6)}`);
        if (f.testAccuracy !== undefined) parts.push(`test accuracy ${f.testAccuracy.toFixed(4)}`);
        process.stdout.write(
          `trained ${summary.parameters} parameters for ${summary.totalSteps} steps on ${summary.trainSamples} samples` +
            `${summary.testSamples ? ` (${summary.testSamples} held out)` : ""} in ${summary.seconds.toFixed(1)} s\n` +
            `${parts.join(", ")}\n` +
            `wrote ${summary.files.join(", ")} (${summary.checkpoints} checkpoints) to ${summary.outDir}\n`
        );
        setExitCode(0);
      } finally {
        await ex.dispose();
      }
    });
};
