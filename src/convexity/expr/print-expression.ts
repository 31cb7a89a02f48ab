import type { Expr } from "./ast.js";

/** Binding strength, loosest first; mathjs's unary minus binds tighter than * but looser than ^. */
function precedence(e: Expr): number {
  if (e.kind === "bin") return e.op === "+" || e.op === "-" ? 1 : e.op === "^" ? 4 : 2;
  if (e.kind === "neg") return 3;
  return 5;
}

function formatNumber(v: number): string {
  return String(v);
}

/**
 * The canonical text of an expression: explicit operators, minimal parentheses, canonical function
 * names. Parsing it gives back the same tree.
 */
export function printExpression(e: Expr): string {
  return print(e, 0, false);
}

function print(e: Expr, minPrec: number, rightOperand: boolean): string {
  const s = raw(e);
  // A negation as a right operand ("x * -y", "x - -y") is legal for mathjs but easy to misread.
  const paren = precedence(e) < minPrec || (rightOperand && e.kind === "neg");
  return paren ? `(${s})` : s;
}

function raw(e: Expr): string {
  switch (e.kind) {
    case "num":
      return formatNumber(e.value);
    case "var":
      return "x";
    case "const":
      return e.name;
    case "neg":
      return `-${print(e.arg, 4, false)}`;
    case "call":
      return `${e.name}(${e.args.map((a) => print(a, 0, false)).join(", ")})`;
    case "bin":
      if (e.op === "^") return `${print(e.left, 5, false)}^${print(e.right, 4, true)}`;
      if (e.op === "+" || e.op === "-") return `${print(e.left, 1, false)} ${e.op} ${print(e.right, 2, true)}`;
      return `${print(e.left, 2, false)} ${e.op} ${print(e.right, 3, true)}`;
  }
}
