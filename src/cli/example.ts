/** `losscape example [NAME]`: list the built-in examples, or print one's spec (usable as a SPEC file). */
import type { Command } from "commander";
import type { Example } from "../model/examples.js";
import { UserError } from "../util/errors.js";
import type { RegisterCommand } from "./commands.js";

export function exampleListing(examples: readonly Example[]): string {
  const w = Math.max(...examples.map((e) => e.name.length));
  return examples.map((e) => `  ${e.name.padEnd(w)}  ${e.description}${e.params ? ` (parameters: ${Object.keys(e.params).join(", ")})` : ""}`).join("\n") + "\n";
}

export const register: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command("example")
    .summary("list built-in example models, or print one's spec JSON")
    .description("List the built-in examples, or print NAME's model spec as JSON (redirect it to a file to use it as SPEC).")
    .argument("[name]", "example name")
    .option("--params <name>", "print the named parameter vector of the example instead (a JSON array, usable with --params)")
    .addHelpText("after", "\nExamples:\n  $ losscape example\n  $ losscape example seed-relu > seed.json\n  $ losscape example seed-relu --params theta1 > theta1.json\n")
    .action(async (nameArg: string | undefined, o: { params?: string }) => {
      const { EXAMPLES, findExample } = await import("../model/examples.js");
      const name = nameArg?.trim();
      if (!name) {
        process.stdout.write(`built-in examples (losscape example NAME prints the spec):\n${exampleListing(EXAMPLES)}`);
        setExitCode(0);
        return;
      }
      const ex = findExample(name);
      if (!ex) throw new UserError(`unknown example "${name}"; the examples are: ${EXAMPLES.map((e) => e.name).join(", ")}`);
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
