/** `losscape convexity SPEC`: is the network's loss convex in its weights? Proof, certificate, or unknown. */
import { Option, type Command } from "commander";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";
import { parseInteger, parseNumber, parseScale } from "./options.js";

const HELP = `
Decides whether the loss of the network in SPEC is convex in its weights θ, and proves the answer:
  - convex: a DCP proof on the loss graph (e.g. linear or logistic regression: no hidden layer);
  - nonconvex: a certificate θa, θb, t with L(t·θa + (1−t)·θb) > t·L(θa) + (1−t)·L(θb), found by
    symmetry pairs (swapped hidden units, sign flips, rescaled units), random pairs, gradient ascent
    on the gap and negative Hessian curvature, then re-checked exactly in rational arithmetic
    (ReLU-type networks with polynomial losses) or with interval arithmetic (sigmoid, tanh, ...);
  - unknown: what was tried within the budget.
Each parameter block (every weight and bias, every layer, the output layer) is analysed too, with
the other parameters fixed. θ is flat: layer by layer, weight (out×in, row-major) then bias.

Examples:
  $ losscape example seed-relu > seed.json
  $ losscape convexity seed.json                       nonconvex: losses exactly 0, 0 and 1
  $ losscape convexity seed.json --certificate c.json  then: losscape verify c.json
  $ losscape convexity seed-relu --plot jensen.svg     loss along θa -> θb above the chord
  $ losscape convexity linear-regression --json        convex, with the DCP proof tree

Exit codes: 0 analysed (whatever the verdict), 2 bad spec or options (the message names the field), 1 internal error.
`;

interface ConvexityCliOptions {
  json?: boolean;
  seed: number;
  budget: number;
  certificate?: string;
  plot?: string;
  params?: string;
  blocks: boolean;
  executor: "auto" | "onnx" | "reference";
  progress: boolean;
  scale: number;
}

/**
 * Measured on mnist-mlp: the search stops up to ~0.3 s after its deadline (the evaluation in flight
 * finishes), and releasing ONNX Runtime and printing take another ~0.15 s.
 */
const EXIT_MARGIN_MS = 500;

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("convexity")
    .summary("is a network's loss convex in its weights? a DCP proof or a checkable certificate")
    .description("Decide whether a network's loss is convex in its weights, with a proof or a re-checkable certificate.")
    .argument("<spec>", "model spec JSON file, or a built-in example name (losscape example lists them)")
    .option("--json", "print the result as JSON")
    .option("--seed <n>", "seed of every random choice", parseInteger("--seed", 0), 0)
    .option("--budget <seconds>", "wall-clock budget of the whole command, loading and rigorous checks included", parseNumber("--budget"), 20)
    .option("--certificate <file>", "write the certificate (JSON) here when the loss is not convex")
    .option("--plot <file>", "plot the loss along θa -> θb against the chord (.svg or .png)")
    .option("--params <file>", "a parameter vector (JSON array or .npy) used as a reference point")
    .option("--no-blocks", "skip the per-block analysis")
    .addOption(
      new Option("--executor <name>", "where the search evaluates the loss (auto: ONNX Runtime for large problems)")
        .choices(["auto", "onnx", "reference"])
        .default("auto")
    )
    .option("--no-progress", "no progress bar (there is none with --json either)")
    .option("--scale <factor>", "PNG pixels per SVG unit (default 2: about 1400 px wide, for print)", parseScale, 2)
    .addHelpText("after", HELP)
    .action(async (specArg: string, o: ConvexityCliOptions) => {
      // The budget is the whole command's: loading the data and the rigorous checks count too.
      // Counted from the process's start (Node's own startup and imports included), less a margin for
      // releasing ONNX Runtime and writing the output after the search stops.
      const deadline = performance.timeOrigin + o.budget * 1000 - EXIT_MARGIN_MS;
      if (!(o.budget > 0)) throw new UserError(`--budget must be a positive number of seconds, got ${o.budget}`);
      if (o.plot) (await import("../plot/write-plot.js")).plotFormatFor(o.plot);
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [{ loadProblem }, { loadProblemParams }, { analyzeNetworkConvexity, searchExecutor }, { convexityJson, portableSpec, renderConvexityText }, { clockProgress }] =
        await Promise.all([
          import("./problem-input.js"), import("../model/problem/resolve.js"), import("../model/network-convexity.js"),
          import("../model/network-convexity-report.js"), import("./clock-progress.js")
        ]);
      const bar = o.progress && !o.json ? clockProgress("convexity", o.budget) : null;
      const { source: src, problem } = loadProblem(specArg);
      const params = o.params ? loadProblemParams(o.params, problem.layout, "--params") : undefined;
      const executor = searchExecutor(o.executor, problem.data.n, problem.layout.size);
      const r = await analyzeNetworkConvexity(problem, {
        seed: o.seed, budgetSeconds: o.budget, deadline, specInput: portableSpec(src.spec, src.specDir), blocks: o.blocks, executor,
        ...(params ? { params } : {}), ...(o.plot ? { profileSamples: 201 } : {})
      }).finally(() => {
        bar?.finish();
        return executor.dispose();
      });
      process.stdout.write(o.json ? `${JSON.stringify(convexityJson(r), null, 2)}\n` : renderConvexityText(r, src.source));
      if (o.certificate) {
        if (r.certificate) (await import("../io/atomic-write.js")).writeFileAtomic(o.certificate, `${JSON.stringify(r.certificate, null, 2)}\n`);
        else process.stderr.write(`losscape: no certificate written to ${o.certificate}: the verdict is ${r.verdict}\n`);
      }
      if (o.plot) {
        if (r.certificate && r.profile) {
          const [{ writePlot }, { jensenPlot }] = await Promise.all([import("../plot/write-plot.js"), import("../plot/jensen-plot.js")]);
          await writePlot(o.plot, jensenPlot(r.profile, r.certificate), { scale: o.scale });
        }
        else process.stderr.write(`losscape: no plot written to ${o.plot}: there is no certificate (verdict ${r.verdict})\n`);
      }
      setExitCode(0);
    });
};

