import type { Command } from "commander";
import { FUNCTIONS } from "../convexity/expr/functions.js";
import { parseScale } from "./sign.js";

const HELP = `
Decides whether f(x) is convex, concave, affine or neither on an interval, and proves it:
  - DCP (disciplined convex programming): CVXPY-style rules, shown as a tree with the rule used
    at every node, or the clause that broke;
  - interval proof: f'' >= 0 (or <= 0) proven on every smooth piece with outward-rounded
    interval arithmetic, and the jump of f' at every kink of relu/abs/max/min signed
    (a negative jump is a concave kink, which plots of f'' miss: f'' of a relu sum is 0);
  - certificates: x1 < x2 and t with f(t*x1 + (1-t)*x2) above (or below) the chord, checked in
    exact rationals for piecewise-polynomial expressions, otherwise with intervals.
It also reports convex and concave intervals, inflection points, kinks, and local minima/maxima.

Expressions (in x; mathjs syntax, 2x means 2*x):
  + - * / ^ (x^2, x^0.5, x^-1), parentheses, constants pi and e, and
  ${Object.keys(FUNCTIONS).sort().join(", ")}, swish (= silu)

Examples:
  $ losscape curvature "sigmoid(x)"                      neither; convex on [-10,0], concave on [0,10]
  $ losscape curvature "relu(x+1) - 2*relu(x) + relu(x-1)"   kinks +1, -2, +1: not convex
  $ losscape curvature "abs(abs(x)-1)"                    convex of convex, yet two minima
  $ losscape curvature "-x^2"                             a leading minus needs no escaping
  $ losscape curvature "sqrt(1+x^2)" --domain=-5,5       convex by interval proof (DCP: unknown)
  $ losscape curvature "log(x)" --domain 0,4              the end where f is undefined is open
  $ losscape curvature "sigmoid(x)" --plot sigmoid.png    f, f', f'' stacked, regions shaded
  $ losscape curvature "relu(x) - relu(-x)" --json        machine-readable result
  $ losscape sign "x^3 - x" --domain=-2,2                 where g >= 0, g <= 0, and its zeros

Whatever is not proven is printed as "undecided on [a, b]" (JSON: "undecided"), never as
"nowhere"; inflections and extrema are printed with their proven enclosures.

Exit codes: 0 analysed, 2 bad expression or options (the message names the column), 1 internal error.
`;

export function register(program: Command): void {
  program
    .command("curvature")
    .summary("decide and prove the curvature of a function of x, and plot f, f', f''")
    .description("Decide, prove and picture the curvature of a scalar function f(x) on an interval.")
    .argument("<expression>", 'function of x, e.g. "sigmoid(x)" or "relu(x+1) - 2*relu(x) + relu(x-1)" (quote it)')
    .option("--domain <a,b>", "interval to analyse; negative ends: --domain=-5,5", "-10,10")
    .option("--json", "print the result as JSON instead of text")
    .option("--plot <file>", "write f, f' and f'' stacked to FILE.svg or FILE.png")
    .option("--scale <k>", "PNG only: render at k times the SVG size (e.g. 3 for print)", "2")
    .addHelpText("after", HELP)
    .action(async (expression: string, opts: { domain: string; json?: boolean; plot?: string; scale: string }) => {
      // Loaded here, not at the top: every command is registered on every run, even `--version`.
      const [{ analyzeCurvature, parseDomain }, { curvatureJson, renderCurvatureText }] = await Promise.all([
        import("../convexity/curvature/analyze-curvature.js"),
        import("../convexity/curvature/render-curvature.js")
      ]);
      const domain = parseDomain(opts.domain);
      const scale = parseScale(opts.scale);
      if (opts.plot) (await import("../plot/write-plot.js")).plotFormatFor(opts.plot);
      const result = analyzeCurvature(expression.trim(), { domain, samples: opts.plot ? 801 : 0 });
      if (opts.plot) {
        const [{ writePlot }, { curvaturePlot }] = await Promise.all([import("../plot/write-plot.js"), import("../plot/curvature-plot.js")]);
        await writePlot(opts.plot, curvaturePlot(result), { scale });
      }
      process.stdout.write(opts.json ? `${JSON.stringify(curvatureJson(result), null, 2)}\n` : renderCurvatureText(result));
      if (opts.plot && !opts.json) process.stdout.write(`plot written to ${opts.plot}\n`);
    });
}
