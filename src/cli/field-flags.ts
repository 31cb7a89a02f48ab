/**
 * The library names the options it was given by their fields (`optimizer.weightDecay`,
 * `trace.probes`, `outDir`); the CLI shows them as the flags a user types. Most flags are the last
 * segment of the field in kebab case; the rest are listed.
 */
import type { FieldNamer } from "../util/errors.js";

const FLAGS: Readonly<Record<string, string>> = {
  outDir: "--out",
  out: "--out",
  theta: "--params",
  params: "--params",
  // connect's second model is a positional argument
  b: "B",
  initialTheta: "--init-params",
  budgetSeconds: "--budget",
  "trace.method": "--trace-method",
  "directions.to": "--to",
  "directions.orthogonal": "--orthogonal",
  "split.method": "--split-by",
  "split.seed": "--split-seed",
  "split.testFraction": "--test-fraction"
};

export const cliFlag: FieldNamer = (field) => {
  const listed = FLAGS[field];
  if (listed) return listed;
  const last = field.slice(field.lastIndexOf(".") + 1);
  return `--${last.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
};
