import { Command, CommanderError } from "commander";
import { describeUserError, isUserError } from "../util/errors.js";
import { cliFlag } from "./field-flags.js";
import { VERSION } from "../version.js";
import { COMMANDS } from "./commands.js";
import { protectNegativeOperands } from "./argv.js";

/** Exit codes: 0 success, 1 internal error (a bug) or a failed verification, 2 user error. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("losscape")
    .description(
      "Is a function or a network's loss convex? losscape decides it, proves the answer with a " +
        "certificate anyone can re-check, and draws the landscape."
    )
    // After the command list, where commander does not re-wrap text: one command per line.
    .addHelpText(
      "after",
      "\nExamples:\n" +
        '  $ losscape curvature "sigmoid(x)"\n' +
        "  $ losscape example seed-relu > seed.json\n" +
        "  $ losscape convexity seed.json\n" +
        "  $ losscape serve                       the browser explorer\n"
    )
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  for (const register of COMMANDS) {
    register(program, (code) => {
      exitCode = code;
    });
  }
  try {
    await program.parseAsync(protectNegativeOperands(program, argv), { from: "node" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0; parse errors are the user's.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(e)) {
      process.stderr.write(`losscape: error: ${describeUserError(e, cliFlag)}\n`);
      return 2;
    }
    process.stderr.write(`losscape: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
