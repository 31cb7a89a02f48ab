/**
 * mathjs's expression parser alone, without the rest of mathjs.
 *
 * `import { parse } from "mathjs"` evaluates every mathjs function (about a second of CLI startup),
 * and mathjs's number-only entry still half a second, although parsing needs only the parser, the
 * node classes and `numeric`. So this builds a mathjs instance with `create` from exactly the
 * factories in mathjs's own `parseDependencies` (its number build), loaded file by file from the
 * package's CommonJS tree, which takes tens of milliseconds. `matrix` and `subset` are the number
 * build's own placeholders: the parser never calls them, only evaluating an index or accessor would.
 *
 * The files are required by absolute path because the package's `exports` map offers only whole
 * entries; should a future mathjs move them, the full entry is used instead (slow, same trees).
 * mathjs-parser.test.ts checks that this parser and mathjs's full one agree.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { MathNode } from "mathjs";

export type ParseFn = (expression: string) => MathNode;

type Factory = ((scope: Record<string, unknown>) => unknown) & { dependencies?: string[] };
interface MathjsCore {
  create(factories: Record<string, Factory>, config: Record<string, unknown>): { parse: ParseFn };
}
interface MathjsFactoryUtil {
  factory(name: string, dependencies: string[], create: () => unknown): Factory;
}

/** `parseDependencies`, flattened: the factory names and the files (under lib/cjs) that define them. */
const FACTORY_FILES: Readonly<Record<string, string>> = {
  createTyped: "core/function/typed.js",
  createResultSet: "type/resultset/ResultSet.js",
  createNumber: "type/number.js",
  createNumeric: "function/utils/numeric.js",
  createIsBounded: "function/utils/isBounded.js",
  createSize: "function/matrix/size.js",
  createParse: "expression/parse.js",
  ...Object.fromEntries(
    [
      "Node", "AccessorNode", "ArrayNode", "AssignmentNode", "BlockNode", "ConditionalNode", "ConstantNode",
      "FunctionAssignmentNode", "FunctionNode", "IndexNode", "ObjectNode", "OperatorNode", "ParenthesisNode",
      "RangeNode", "RelationalNode", "SymbolNode"
    ].map((n) => [`create${n}`, `expression/node/${n}.js`])
  )
};

let cached: ParseFn | undefined;

/** Builds the parse-only instance from mathjs's files; throws when the package layout is not the expected one. */
export function loadMinimalParser(): ParseFn {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve("mathjs/package.json")), "lib", "cjs");
  const load = <T>(file: string): T => require(join(root, file)) as T;
  const { create } = load<MathjsCore>("core/create.js");
  const { factory } = load<MathjsFactoryUtil>("utils/factory.js");
  const { noMatrix, noSubset } = load<{ noMatrix: () => never; noSubset: () => never }>("utils/noop.js");
  const factories: Record<string, Factory> = {
    createMatrix: factory("matrix", [], () => noMatrix),
    createSubset: factory("subset", [], () => noSubset)
  };
  for (const [name, file] of Object.entries(FACTORY_FILES)) {
    const f = load<Record<string, Factory | undefined>>(file)[name];
    if (typeof f !== "function") throw new Error(`mathjs/lib/cjs/${file} does not export ${name}`);
    factories[name] = f;
  }
  const parse = create(factories, {}).parse;
  if (typeof parse !== "function") throw new Error("the minimal mathjs instance has no parse");
  return parse;
}

function loadFullParser(): ParseFn {
  const require = createRequire(import.meta.url);
  return (require("mathjs") as { parse: ParseFn }).parse;
}

/** mathjs's `parse`, built on first use. */
export function mathjsParse(expression: string): MathNode {
  if (!cached) {
    try {
      cached = loadMinimalParser();
    } catch {
      cached = loadFullParser();
    }
  }
  return cached(expression);
}
