/** `losscape align SPEC_A B --out FILE`: permute B's hidden units and channels to match A's; same function as B. */
import { Option, type Command } from "commander";
import type { RegisterCommand } from "./commands.js";
import { parseInteger } from "./options.js";

interface AlignCliOptions {
  out: string;
  method: "activation" | "weight";
  seed: number;
  params?: string;
  json?: boolean;
}

const HELP = `
Hidden units (and conv channels) can be reordered without changing what a network computes, so
two trained networks are best compared after one is permuted to match the other (Git Re-Basin,
Ainsworth et al. 2023). align finds, for each group of units, the permutation of B's units that
matches A's, applies it to every tensor the group touches (incoming rows, outgoing columns,
biases, BatchNormalization scale, shift and running statistics, LayerNorm scale and shift), and
checks that the result computes B's outputs on the data to 1e-12 (float64); otherwise nothing is
written. Units joined by a residual Add share one permutation; units the tracer cannot follow
(Concat, Transpose, ...) are left in place and listed with the reason. The network's input and
output are never permuted.

  --method activation   correlate each group's unit activations on the data of SPEC_A (its
                        first 1000 samples), then a linear assignment (Hungarian) per group
                        (default); units the data cannot tell apart go by their weights
  --method weight       maximise the sum over layers of <W_A, P W_B P'ᵀ>, one group at a time in
                        a seeded random order, until no group changes (--seed)

A is SPEC_A's model with θ from --params (an MLP spec needs one; an ONNX model brings its own).
B is a .npy or .json parameter vector, or an .onnx model of the same architecture; --out is
written in B's format (.onnx gives .onnx, with its buffers permuted too).

Output: per group its size and how many units moved, ‖A − B‖ and ‖A − P(B)‖, the largest output
difference; --json prints the same as { method, groups: [{ group, size, perm, moved, blocks }],
unpermuted: [{ group, reason }], distanceBefore, distanceAfter, maxOutputDiff, iterations? }.

Examples:
  $ losscape example seed-relu --params theta2 > theta2.json
  $ losscape align seed-relu theta2.json --out theta2-aligned.json
  $ losscape train moons-mlp --epochs 3 --seed 1 --out a
  $ losscape train moons-mlp --epochs 3 --seed 2 --out b
  $ losscape align moons-mlp b/theta.npy --params a/theta.npy --out b-aligned.npy --method weight --json`;

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("align")
    .summary("permute a network's units to match another's (same function)")
    .description("Permute B's hidden units and channels to match network A's, keeping B's function exactly, and write the result in B's format.")
    .argument("<spec_a>", "spec of model A and its data (an MLP or an ONNX model), or a built-in example name")
    .argument("<b>", "network B: a .npy/.json parameter vector or an .onnx model of the same architecture")
    .requiredOption("--out <file>", "where to write the aligned B (same format as B)")
    .addOption(new Option("--method <method>", "how each group's permutation is chosen").choices(["activation", "weight"]).default("activation"))
    .option("--seed <n>", "seed of weight matching's group order", parseInteger("--seed", 0), 0)
    .option("--params <file>", "θ of A (.npy, .json or .onnx); default: the model's own weights, or the example's first")
    .option("--json", "print the report as JSON")
    .addHelpText("after", HELP)
    .action(async (specArg: string, b: string, o: AlignCliOptions) => {
      const { loadProblem, paramsFor } = await import("./problem-input.js");
      const { alignFiles, renderAlignText } = await import("../symmetry/align-files.js");
      const input = loadProblem(specArg);
      const report = await alignFiles(input.problem, paramsFor(input, o.params), { b, out: o.out, method: o.method, seed: o.seed });
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : renderAlignText(report));
      setExitCode(0);
    });
};
