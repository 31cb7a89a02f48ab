/**
 * Where a model comes from on the command line: a JSON spec file, or the name of a built-in example
 * (e.g. "seed-relu", "mnist-mlp"). Relative data paths in a spec file are resolved against its folder.
 */
import { dirname, resolve } from "node:path";
import { readFileBytes } from "../../io/read-file.js";
import { UserError } from "../../util/errors.js";
import { findExample, EXAMPLES } from "../examples.js";
import { parseProblemSpec, type ProblemSpec } from "../spec.js";

export interface ModelSource {
  spec: ProblemSpec;
  /** Folder that relative data paths are resolved against. */
  specDir: string;
  /** What the user named: a path or "example:<name>". */
  source: string;
  /** Parameter vectors that ship with a built-in example. */
  exampleParams?: Readonly<Record<string, readonly number[]>>;
}

export function loadModelSource(arg: string, cwd: string = process.cwd()): ModelSource {
  const name = arg.trim();
  if (name === "") throw new UserError("no model spec given (a JSON file or a built-in example name)");
  const example = findExample(name.replace(/^example:/, ""));
  if (example && !name.endsWith(".json")) {
    const src: ModelSource = { spec: parseProblemSpec(example.spec, `example ${example.name}`), specDir: cwd, source: `example:${example.name}` };
    if (example.params) src.exampleParams = example.params;
    return src;
  }
  const path = resolve(cwd, name);
  let raw: unknown;
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes(path);
  } catch (e) {
    if (e instanceof UserError) {
      throw new UserError(`${e.message}\n  (a model spec is a JSON file or one of the examples: ${EXAMPLES.map((x) => x.name).join(", ")})`);
    }
    throw e;
  }
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new UserError(`model spec ${name} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { spec: parseProblemSpec(raw, `spec ${name}`), specDir: dirname(path), source: name };
}
