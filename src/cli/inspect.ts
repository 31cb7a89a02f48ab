/** `losscape inspect SPEC`: the layout of θ, the buffers, ops, input/output shapes and data of a model. */
import type { Command } from "commander";
import type { RegisterCommand } from "./commands.js";

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("inspect")
    .summary("show a model's parameter layout, buffers, ops and shapes")
    .description("Show what a model is made of: θ's layout (name, shape, offset, count), the buffers held fixed, the ops, the input and output shapes and the data.")
    .argument("<spec>", "model spec JSON file (an MLP or {\"model\": {\"type\": \"onnx\", \"path\": ...}}), or a built-in example name")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      `
θ is one flat vector: the tensors below in this order, each flattened row-major
(for an ONNX model: its trainable float initializers in file order). Buffers
(BatchNormalization's running mean and variance) are held fixed.

Examples:
  $ losscape inspect seed-relu
  $ losscape example mnist-lenet --out lenet && losscape inspect lenet/mnist-lenet.json
  $ losscape inspect lenet/mnist-lenet.json --json
`
    )
    .action(async (specArg: string, o: { json?: boolean }) => {
      const { loadProblem } = await import("./problem-input.js");
      const { inspectProblem, renderInspectText } = await import("../model/problem/inspect.js");
      const report = inspectProblem(loadProblem(specArg).problem);
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : renderInspectText(report));
      setExitCode(0);
    });
};
