import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { evaluate } from "../../exec/reference.js";
import { UserError } from "../../util/errors.js";
import { CONSTANTS, VARIABLE, isConstantExpr, type Expr } from "./ast.js";
import { checkConstants, FUNCTIONS } from "./functions.js";
import { parseExpression } from "./parse-expression.js";
import { printExpression } from "./print-expression.js";

/** Name of the graph's output. */
export const OUTPUT = "f";

export interface ExpressionGraph {
  /** The text as the user wrote it (trimmed). */
  readonly source: string;
  /** Canonical text (explicit operators, canonical names); parses back to the same tree. */
  readonly canonical: string;
  readonly expr: Expr;
  /** Scalar input "x" of shape [], output "f". */
  readonly graph: Graph;
}

/** Parse and lower in one step: the entry point for everything that takes a user's expression. */
export function expressionGraph(source: string): ExpressionGraph {
  const expr = parseExpression(source);
  return { source: source.trim(), canonical: printExpression(expr), expr, graph: exprToGraph(expr, source.trim()) };
}

/** Lower an expression tree into the IR. Constant subexpressions are folded to one constant each. */
export function exprToGraph(expr: Expr, source = printExpression(expr)): Graph {
  const g = new GraphBuilder("float64");
  const x = g.input(VARIABLE, []);
  return g.build({ [OUTPUT]: lower(g, x, expr, source) });
}

/** The value of an expression without x (evaluated by the reference interpreter, like the graph). */
export function constantValue(expr: Expr, source: string): number {
  if (expr.kind === "num") return expr.value;
  if (expr.kind === "const") return CONSTANTS[expr.name];
  const g = new GraphBuilder("float64");
  const graph = g.build({ c: lower(g, undefined, expr, source) });
  return evaluate(graph, {})["c"]!.data[0]!;
}

function lower(g: GraphBuilder, x: Value | undefined, e: Expr, source: string): Value {
  if (e.kind !== "num" && x !== undefined && isConstantExpr(e)) return g.constant(constantValue(e, source));
  switch (e.kind) {
    case "num":
      return g.constant(e.value);
    case "const":
      return g.constant(CONSTANTS[e.name]);
    case "var":
      if (!x) throw new Error("x inside a constant subexpression");
      return x;
    case "neg":
      return g.neg(lower(g, x, e.arg, source));
    case "bin": {
      const a = lower(g, x, e.left, source);
      const b = lower(g, x, e.right, source);
      switch (e.op) {
        case "+": return g.add(a, b);
        case "-": return g.sub(a, b);
        case "*": return g.mul(a, b);
        case "/": return g.div(a, b);
        case "^": return g.pow(a, b);
      }
    }
    // falls through (every operator returns)
    case "call": {
      const def = FUNCTIONS[e.name];
      if (!def) throw new Error(`no lowering for function ${e.name}`);
      const constants = e.args.map((a, i) => {
        if (!def.constantArgs?.includes(i)) return undefined;
        if (!isConstantExpr(a)) throw new UserError(`bad expression "${source}": argument ${i + 1} of ${e.name} must be a constant (not depend on x)`);
        return constantValue(a, source);
      });
      const problem = checkConstants(e.name, constants);
      if (problem) throw new UserError(`bad expression "${source}": ${problem}`);
      const args = e.args.map((a, i) => (def.constantArgs?.includes(i) ? g.constant(constants[i]!) : lower(g, x, a, source)));
      return def.lower(g, args, constants);
    }
  }
}
