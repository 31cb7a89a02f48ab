/** `losscape example [NAME]`: list the built-in examples, or print one's spec (usable as a SPEC file). */
import type { Command } from "commander";
import type { Example } from "../model/examples.js";
import type { FileExample } from "../model/file-examples.js";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";

export function exampleListing(examples: readonly (Example | FileExample)[]): string {
  const w = Math.max(...examples.map((e) => e.name.length));
  const extra = (e: Example | FileExample): string =>
    "write" in e ? " (files: needs --out DIR)" : e.params ? ` (parameters: ${Object.keys(e.params).join(", ")})` : "";
  return examples.map((e) => `  ${e.name.padEnd(w)}  ${e.description}${extra(e)}`).join("\n") + "\n";
}

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("example")
    .summary("list built-in example models, or print one's spec JSON")
    .description(
      "List the built-in examples, or print NAME's model spec as JSON (redirect it to a file to use it as SPEC); " +
        "examples made of files (an ONNX model and its data) are written into --out DIR."
    )
    .argument("[name]", "example name")
    .option("--params <name>", "print the named parameter vector of the example instead (a JSON array, usable with --params)")
    .option("--out <dir>", "folder to write a file example into (the ONNX model, its data and its spec)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ losscape example\n  $ losscape example seed-relu > seed.json\n  $ losscape example seed-relu --params theta1 > theta1.json\n" +
        "  $ losscape example mnist-lenet --out lenet     # lenet/mnist-lenet.json, lenet.onnx, x.npy, y.npy\n"
    )
    .action(async (nameArg: string | undefined, o: { params?: string; out?: string }) => {
      const { EXAMPLES, findExample } = await import("../model/examples.js");
      const name = nameArg?.trim();
      if (!name) {
        const { FILE_EXAMPLES } = await import("../model/file-examples.js");
        process.stdout.write(`built-in examples (losscape example NAME prints the spec):\n${exampleListing([...EXAMPLES, ...FILE_EXAMPLES])}`);
        setExitCode(0);
        return;
      }
      const ex = findExample(name);
      if (!ex) {
        const { FILE_EXAMPLES, findFileExample } = await import("../model/file-examples.js");
        const fe = findFileExample(name);
        const all = [...EXAMPLES, ...FILE_EXAMPLES].map((e) => e.name).join(", ");
        if (!fe) throw new UserError(`unknown example "${name}"; the examples are: ${all}`);
        if (o.out === undefined || o.out.trim() === "") throw new UserError(`example ${name} is a model file with its data: give a folder to write it into, e.g. --out ${name}`);
        const files = fe.write(o.out.trim());
        process.stdout.write(`wrote ${files.join(", ")}\ntry: losscape inspect ${files[0]}\n`);
        setExitCode(0);
        return;
      }
      if (o.out !== undefined) throw new UserError(`example ${name} is a spec, printed to standard output; --out is for file examples (${"mnist-lenet"})`);
      if (o.params !== undefined) {
        const p = ex.params?.[o.params.trim()];
        if (!p) {
          const have = ex.params ? Object.keys(ex.params).join(", ") : "none";
          throw new UserError(`example ${ex.name} has no parameter vector "${o.params.trim()}" (it has: ${have})`);
        }
        process.stdout.write(`${JSON.stringify(p)}\n`);
      } else process.stdout.write(`${JSON.stringify(ex.spec, null, 2)}\n`);
      setExitCode(0);
    });
};
