import type { MathNode } from "mathjs";
import { UserError } from "../../util/errors.js";
import { CONSTANTS, VARIABLE, type BinaryOp, type Expr } from "./ast.js";
import { ALIASES, FUNCTIONS } from "./functions.js";
import { mathjsParse } from "./mathjs-parser.js";

const BINARY: Readonly<Record<string, BinaryOp>> = { add: "+", subtract: "-", multiply: "*", divide: "/", pow: "^" };

/** The 1-based column of the first use of `name` (as a call when `call`), for error messages. */
function columnOf(source: string, name: string, call: boolean): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(?<![A-Za-z0-9_.])${escaped}(?![A-Za-z0-9_])${call ? "\\s*\\(" : "(?!\\s*\\()"}`);
  const m = re.exec(source);
  return m ? m.index + 1 : undefined;
}

function fail(source: string, message: string, column: number | undefined): never {
  const where = column === undefined ? "" : ` at column ${column}`;
  const caret = column === undefined ? "" : `\n  ${source}\n  ${" ".repeat(column - 1)}^`;
  throw new UserError(`bad expression "${source}"${where}: ${message}${caret}`);
}

/**
 * Parse an expression in x with mathjs's parser (never its evaluator) into the expression tree.
 * Syntax errors, unknown names, other variables and unsupported constructs are UserErrors that
 * name the column.
 */
export function parseExpression(source: string): Expr {
  const text = source.trim();
  if (text === "") throw new UserError("empty expression: write a function of x, e.g. \"sigmoid(x)\"");
  let node: MathNode;
  try {
    node = mathjsParse(text);
  } catch (e) {
    // Only mathjs's own syntax errors are the user's; anything else (a missing module) is ours.
    if (!(e instanceof SyntaxError) && typeof (e as { char?: unknown }).char !== "number") throw e;
    const msg = e instanceof Error ? e.message : String(e);
    const ch = (e as { char?: unknown }).char;
    const column = typeof ch === "number" ? Math.min(ch, text.length + 1) : undefined;
    fail(text, `syntax error: ${msg.replace(/\s*\(char \d+\)\s*$/, "")}`, column);
  }
  return convert(node, text);
}

function convert(node: MathNode, src: string): Expr {
  switch (node.type) {
    case "ParenthesisNode":
      return convert((node as unknown as { content: MathNode }).content, src);
    case "ConstantNode": {
      const v = (node as unknown as { value: unknown }).value;
      if (typeof v !== "number") fail(src, `only numbers are allowed as constants, got ${JSON.stringify(v)}`, undefined);
      if (!Number.isFinite(v)) fail(src, `the number ${node.toString()} is too large`, undefined);
      return { kind: "num", value: v };
    }
    case "SymbolNode": {
      const name = (node as unknown as { name: string }).name;
      if (name === VARIABLE) return { kind: "var" };
      if (name === "pi" || name === "e") return { kind: "const", name };
      if (name in CONSTANTS) return { kind: "const", name: name as "pi" | "e" };
      const col = columnOf(src, name, false);
      if (FUNCTIONS[name] || ALIASES[name]) fail(src, `${name} is a function: write ${name}(...)`, col);
      fail(src, `unknown name "${name}": the only variable is x, and the constants are pi and e`, col);
    }
    // falls through (fail never returns)
    case "OperatorNode": {
      const op = node as unknown as { fn: string; op: string; args: MathNode[] };
      if (op.fn === "unaryMinus") return { kind: "neg", arg: convert(op.args[0]!, src) };
      if (op.fn === "unaryPlus") return convert(op.args[0]!, src);
      const bin = BINARY[op.fn];
      if (bin && op.args.length === 2) return { kind: "bin", op: bin, left: convert(op.args[0]!, src), right: convert(op.args[1]!, src) };
      const col = src.indexOf(op.op);
      fail(src, `operator "${op.op}" is not supported (use + - * / ^)`, col >= 0 ? col + 1 : undefined);
    }
    // falls through
    case "FunctionNode": {
      const fn = node as unknown as { fn: MathNode; args: MathNode[] };
      if (fn.fn.type !== "SymbolNode") fail(src, `cannot call ${fn.fn.toString()}`, undefined);
      const written = (fn.fn as unknown as { name: string }).name;
      const name = ALIASES[written] ?? written;
      const def = FUNCTIONS[name];
      const col = columnOf(src, written, true);
      if (!def) {
        if (written === VARIABLE) fail(src, `x is not a function: write x*(...) for a product`, col);
        fail(src, `unknown function "${written}" (known: ${Object.keys(FUNCTIONS).concat(Object.keys(ALIASES)).sort().join(", ")})`, col);
      }
      const n = fn.args.length;
      if (n < def.minArgs || n > def.maxArgs) {
        const want = def.minArgs === def.maxArgs ? `${def.minArgs}` : def.maxArgs === Infinity ? `at least ${def.minArgs}` : `${def.minArgs} or ${def.maxArgs}`;
        fail(src, `${written} takes ${want} argument${want === "1" ? "" : "s"}, got ${n}`, col);
      }
      return { kind: "call", name, args: fn.args.map((a) => convert(a, src)) };
    }
    default:
      fail(src, `${describeNode(node)} is not supported in an expression of x`, undefined);
  }
}

function describeNode(node: MathNode): string {
  const names: Record<string, string> = {
    ArrayNode: "a matrix or vector",
    AssignmentNode: "an assignment",
    FunctionAssignmentNode: "a function definition",
    ConditionalNode: "a conditional (?:)",
    AccessorNode: "property access",
    IndexNode: "indexing",
    ObjectNode: "an object",
    RangeNode: "a range",
    RelationalNode: "a comparison",
    BlockNode: "several statements"
  };
  return names[node.type] ?? node.type;
}
