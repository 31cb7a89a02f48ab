/**
 * The expression language of `losscape curvature`, as a small tree independent of mathjs: the
 * canonical printer and the IR lowering both read it, so "parse → print → parse" is checkable.
 */
export type BinaryOp = "+" | "-" | "*" | "/" | "^";

export type Expr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "var" }
  | { readonly kind: "const"; readonly name: "pi" | "e" }
  | { readonly kind: "neg"; readonly arg: Expr }
  | { readonly kind: "bin"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[] };

export const VARIABLE = "x";

export const CONSTANTS: Readonly<Record<"pi" | "e", number>> = { pi: Math.PI, e: Math.E };

/** True when the expression does not mention x. */
export function isConstantExpr(e: Expr): boolean {
  switch (e.kind) {
    case "num":
    case "const":
      return true;
    case "var":
      return false;
    case "neg":
      return isConstantExpr(e.arg);
    case "bin":
      return isConstantExpr(e.left) && isConstantExpr(e.right);
    case "call":
      return e.args.every(isConstantExpr);
  }
}
