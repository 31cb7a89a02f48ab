import type { Command } from "commander";
import { UserError } from "../util/errors.js";

const HELP = `
Proves where g(x) >= 0 and where g(x) <= 0 on an interval, and isolates its zeros, with
outward-rounded interval arithmetic (the proofs behind "losscape curvature"). Use it on a
second derivative you computed yourself: where it is >= 0 the function is convex.

Examples:
  $ losscape sign "(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))" --domain=-100,100
        sigmoid'' as written in R: >= 0 on [-100, 0], <= 0 on [0, 100], zero at 0 exactly
  $ losscape sign "x^3 - x" --domain=-2,2          zeros at -1, 0 and 1
  $ losscape sign "sin(x)" --domain 0,7 --plot sin.svg

Exit codes: 0 analysed, 2 bad expression or options, 1 internal error.
`;

export function register(program: Command): void {
  program
    .command("sign")
    .summary("prove where g(x) >= 0 and <= 0 on an interval, and find its zeros")
    .description("Prove the sign of a scalar function g(x) on an interval and isolate its zeros.")
    .argument("<expression>", 'function of x, e.g. "x^3 - x" (quote it)')
    .option("--domain <a,b>", "interval to analyse; negative ends: --domain=-5,5", "-10,10")
    .option("--json", "print the result as JSON instead of text")
    .option("--plot <file>", "write g with its proven signs shaded to FILE.svg or FILE.png")
    .option("--scale <k>", "PNG only: render at k times the SVG size (e.g. 3 for print)", "2")
    .addHelpText("after", HELP)
    .action(async (expression: string, opts: { domain: string; json?: boolean; plot?: string; scale: string }) => {
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [{ parseDomain }, { analyzeSign }, { renderSignText, signJson }] = await Promise.all([
        import("../convexity/curvature/analyze-curvature.js"),
        import("../convexity/curvature/analyze-sign.js"),
        import("../convexity/curvature/render-sign.js")
      ]);
      const domain = parseDomain(opts.domain);
      const scale = parseScale(opts.scale);
      if (opts.plot) (await import("../plot/write-plot.js")).plotFormatFor(opts.plot);
      const result = analyzeSign(expression.trim(), { domain, samples: opts.plot ? 801 : 0 });
      if (opts.plot) {
        const [{ writePlot }, { signPlot }] = await Promise.all([import("../plot/write-plot.js"), import("../plot/curvature-plot.js")]);
        await writePlot(opts.plot, signPlot(result), { scale });
      }
      process.stdout.write(opts.json ? `${JSON.stringify(signJson(result), null, 2)}\n` : renderSignText(result));
      if (opts.plot && !opts.json) process.stdout.write(`plot written to ${opts.plot}\n`);
    });
}

/** --scale for PNG plots: a number from 0.25 to 10. */
export function parseScale(text: string): number {
  const k = Number(text);
  if (!Number.isFinite(k) || k < 0.25 || k > 10) throw new UserError(`bad --scale "${text}": give a number from 0.25 to 10, e.g. --scale 3`);
  return k;
}
