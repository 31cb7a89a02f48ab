/** `losscape demo`: a self-contained HTML report that walks through the seed question with real results. */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { RegisterCommand } from "./commands.js";

export const register: RegisterCommand = (program: Command) => {
  program
    .command("demo")
    .summary("write a self-contained HTML report that walks through the seed question")
    .description(
      "Write an HTML report (inline SVG, no network requests) on the seed question: sigmoid's f'' with its sign proven, ReLU convex, " +
        "a convex-of-convex composition that is not convex, a ReLU combination with two minima, the answer's certificate checked " +
        "exactly, and the landscape and Hessian spectrum of a small trained ReLU network."
    )
    .option("--out <dir>", "folder to write index.html into", "losscape-demo")
    .action(async (o: { out: string }) => {
      const [{ writeDemoReport }, { clockProgress }] = await Promise.all([import("../plot/report/demo-report.js"), import("./clock-progress.js")]);
      const bar = clockProgress("demo", 0);
      const { path, report } = await writeDemoReport(resolve(o.out.trim())).finally(() => bar.finish());
      process.stdout.write(`demo report written to ${path} (${report.seconds.toFixed(1)} s)\n`);
    });
};
