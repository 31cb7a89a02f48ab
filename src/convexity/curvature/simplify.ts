/**
 * Exact algebraic simplification of scalar expression graphs, applied before and after each
 * reverse-mode derivative. The interval proofs evaluate f'' node by node, and the plain interval
 * extension loses everything to the dependency problem when one value appears twice: x·(1/x)
 * on (0, h] is [0, ∞]·… instead of 1, 1 − σ(x) for large x is [0, ε] instead of σ(−x). Every rule
 * is an identity of real functions wherever the original is defined, so a proof about the
 * simplified graph is a proof about the original; constants are folded only when the float result
 * is exact.
 */
import { grad } from "../../autodiff/grad.js";
import { renameOutputs } from "../../autodiff/hvp.js";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Attrs, Graph } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";
import { productError } from "../../num/interval/directed.js";

interface Info {
  readonly op: string;
  readonly ins: readonly Value[];
  readonly attrs: Attrs;
}

/** Exact a+b, a*b, a/b of doubles, or undefined when rounding would change the value. */
function exactSum(a: number, b: number): number | undefined {
  const s = a + b;
  if (!Number.isFinite(s)) return undefined;
  // Knuth's two-sum: the rounding error of a + b, exactly.
  const bb = s - a;
  const err = (a - (s - bb)) + (b - bb);
  return err === 0 ? s : undefined;
}

function exactProduct(a: number, b: number): number | undefined {
  const p = a * b;
  if (!Number.isFinite(p)) return undefined;
  if (p === 0) return a === 0 || b === 0 ? 0 : undefined;
  return productError(a, b, p) === 0 ? p : undefined;
}

function exactQuotient(a: number, b: number): number | undefined {
  if (b === 0) return undefined;
  const q = a / b;
  if (!Number.isFinite(q)) return undefined;
  if (q === 0) return a === 0 ? 0 : undefined;
  return exactProduct(q, b) === a ? q : undefined;
}

const same = (u: Value, v: Value): boolean => u.id === v.id;

const PASS_THROUGH = new Set(["Identity", "Expand", "Reshape", "Flatten", "ReduceSum", "ReduceMean", "ReduceMax", "Squeeze", "Unsqueeze"]);

class Simplifier {
  readonly g = new GraphBuilder("float64");
  private readonly info = new Map<number, Info>();

  num(v: Value): number | undefined {
    const t = this.g.constantValue(v);
    return t && t.data.length === 1 && t.dtype === "float64" ? t.data[0]! : undefined;
  }

  is(v: Value, op: string): Info | undefined {
    const i = this.info.get(v.id);
    return i && i.op === op ? i : undefined;
  }

  c(v: number): Value {
    return this.g.constant(v);
  }

  /** Emit op(ins) after trying the rewrite rules (rules emit their replacements through here too). */
  emit(op: string, ins: readonly Value[], attrs: Attrs = {}): Value {
    const r = this.rule(op, ins);
    if (r) return r;
    const v = this.g.op(op, ins, attrs);
    if (!this.info.has(v.id)) this.info.set(v.id, { op, ins, attrs });
    return v;
  }

  private rule(op: string, ins: readonly Value[]): Value | undefined {
    const [a, b] = ins as [Value, Value];
    const scalarOut = ins.every((v) => v.shape.length === 0);
    if (!scalarOut || ins.some((v) => v.dtype !== "float64" && op !== "Where")) return undefined;
    const na = a ? this.num(a) : undefined;
    const nb = b ? this.num(b) : undefined;
    switch (op) {
      case "Add": {
        if (na !== undefined && nb !== undefined) {
          const s = exactSum(na, nb);
          if (s !== undefined) return this.c(s);
        }
        if (na === 0) return b;
        if (nb === 0) return a;
        const nB = this.is(b, "Neg");
        if (nB) return this.emit("Sub", [a, nB.ins[0]!]);
        const nA = this.is(a, "Neg");
        if (nA) return this.emit("Sub", [b, nA.ins[0]!]);
        // (u − v) + v = u
        const sA = this.is(a, "Sub");
        if (sA && same(sA.ins[1]!, b)) return sA.ins[0];
        const sB = this.is(b, "Sub");
        if (sB && same(sB.ins[1]!, a)) return sB.ins[0];
        if (same(a, b)) return this.emit("Mul", [this.c(2), a]);
        // c·u + c·v = c·(u + v)
        const mA = this.is(a, "Mul"), mB = this.is(b, "Mul");
        if (mA && mB && same(mA.ins[0]!, mB.ins[0]!) && this.num(mA.ins[0]!) !== undefined) return this.emit("Mul", [mA.ins[0]!, this.emit("Add", [mA.ins[1]!, mB.ins[1]!])]);
        return undefined;
      }
      case "Sub": {
        if (same(a, b)) return this.c(0);
        if (na !== undefined && nb !== undefined) {
          const s = exactSum(na, -nb);
          if (s !== undefined) return this.c(s);
        }
        if (nb === 0) return a;
        if (na === 0) return this.emit("Neg", [b]);
        const nB = this.is(b, "Neg");
        if (nB) return this.emit("Add", [a, nB.ins[0]!]);
        // (u + v) − v = u, (u + v) − u = v, u − (u − v) = v
        const aA = this.is(a, "Add");
        if (aA && same(aA.ins[1]!, b)) return aA.ins[0];
        if (aA && same(aA.ins[0]!, b)) return aA.ins[1];
        const sB = this.is(b, "Sub");
        if (sB && same(sB.ins[0]!, a)) return sB.ins[1];
        // 1 − σ(u) = σ(−u): exact, and keeps the small tail accurate.
        const sig = this.is(b, "Sigmoid");
        if (na === 1 && sig) return this.emit("Sigmoid", [this.emit("Neg", [sig.ins[0]!])]);
        return undefined;
      }
      case "Neg": {
        if (na !== undefined) return this.c(-na);
        const nA = this.is(a, "Neg");
        if (nA) return nA.ins[0];
        const sA = this.is(a, "Sub");
        if (sA) return this.emit("Sub", [sA.ins[1]!, sA.ins[0]!]);
        return undefined;
      }
      case "Mul": {
        if (na !== undefined && nb !== undefined) {
          const p = exactProduct(na, nb);
          if (p !== undefined) return this.c(p);
        }
        if (na === 1) return b;
        if (nb === 1) return a;
        if (na === 0 || nb === 0) return this.c(0);
        if (na === -1) return this.emit("Neg", [b]);
        if (nb === -1) return this.emit("Neg", [a]);
        // Constants to the left, negations outward: both expose cancellations to the rules above.
        if (nb !== undefined && na === undefined) return this.emit("Mul", [b, a]);
        const nA = this.is(a, "Neg"), nB = this.is(b, "Neg");
        if (nA && nB) return this.emit("Mul", [nA.ins[0]!, nB.ins[0]!]);
        if (nA) return this.emit("Neg", [this.emit("Mul", [nA.ins[0]!, b])]);
        if (nB) return this.emit("Neg", [this.emit("Mul", [a, nB.ins[0]!])]);
        if (na !== undefined) {
          // c·(d·u) = (c·d)·u when c·d is exact.
          const mB = this.is(b, "Mul");
          const inner = mB ? this.num(mB.ins[0]!) : undefined;
          if (mB && inner !== undefined) {
            const p = exactProduct(na, inner);
            if (p !== undefined) return this.emit("Mul", [this.c(p), mB.ins[1]!]);
          }
        }
        // u · (v / u) = v, (v / u) · u = v
        const dB = this.is(b, "Div");
        if (dB && same(dB.ins[1]!, a)) return dB.ins[0];
        const dA = this.is(a, "Div");
        if (dA && same(dA.ins[1]!, b)) return dA.ins[0];
        // u · (1 / w) = u / w
        if (dB && this.num(dB.ins[0]!) === 1) return this.emit("Div", [a, dB.ins[1]!]);
        if (dA && this.num(dA.ins[0]!) === 1) return this.emit("Div", [b, dA.ins[1]!]);
        return undefined;
      }
      case "Div": {
        if (nb === 1) return a;
        if (na === 0) return this.c(0);
        if (same(a, b)) return this.c(1);
        // u / c = (1/c)·u when 1/c is exact (c a power of two).
        if (nb !== undefined && na === undefined) {
          const r = exactQuotient(1, nb);
          if (r !== undefined) return this.emit("Mul", [this.c(r), a]);
        }
        if (na !== undefined && nb !== undefined) {
          const q = exactQuotient(na, nb);
          if (q !== undefined) return this.c(q);
        }
        const nA = this.is(a, "Neg");
        if (nA) return this.emit("Neg", [this.emit("Div", [nA.ins[0]!, b])]);
        const nB = this.is(b, "Neg");
        if (nB) return this.emit("Neg", [this.emit("Div", [a, nB.ins[0]!])]);
        // (u·v)/u = v, (v·u)/u = v, u/(u·v) = 1/v, (u/v)/u = 1/v
        const mA = this.is(a, "Mul");
        if (mA && same(mA.ins[0]!, b)) return mA.ins[1];
        if (mA && same(mA.ins[1]!, b)) return mA.ins[0];
        const mB = this.is(b, "Mul");
        if (mB && same(mB.ins[0]!, a)) return this.emit("Div", [this.c(1), mB.ins[1]!]);
        if (mB && same(mB.ins[1]!, a)) return this.emit("Div", [this.c(1), mB.ins[0]!]);
        // u / (v / w) = u·w / v
        const dB = this.is(b, "Div");
        if (dB) return this.emit("Div", [this.emit("Mul", [a, dB.ins[1]!]), dB.ins[0]!]);
        // c / (1 + e^−u) = c·σ(u), e^u / (1 + e^u) = σ(u)
        const s = this.sigmoidOfReciprocal(b);
        if (s) return this.emit("Mul", [a, s]);
        const aB = this.is(b, "Add");
        const eA = this.is(a, "Exp");
        if (aB && eA && this.num(aB.ins[0]!) === 1 && same(aB.ins[1]!, a)) return this.emit("Sigmoid", [eA.ins[0]!]);
        return undefined;
      }
      case "Pow": {
        if (nb === 1) return a;
        if (nb === 0) return this.c(1);
        if (nb === 2) return this.emit("Mul", [a, a]);
        if (nb === -1) return this.emit("Div", [this.c(1), a]);
        if (nb !== undefined && Number.isInteger(nb)) {
          // (1 + e^−u)^−n = σ(u)^n
          const s = this.sigmoidOfReciprocal(a);
          if (s) return this.emit("Pow", [s, this.c(-nb)]);
        }
        // e^u, written with the constant e, is exp(u): the user's e is the real e, not its double.
        if (na === Math.E) return this.emit("Exp", [b]);
        return undefined;
      }
      case "Log": {
        // log(e^u + e^v) = u + softplus(v − u): no overflow, and no cancellation in its f''.
        const sum = this.is(a, "Add");
        const e1 = sum && this.is(sum.ins[0]!, "Exp"), e2 = sum && this.is(sum.ins[1]!, "Exp");
        if (e1 && e2) return this.emit("Add", [e1.ins[0]!, this.emit("Softplus", [this.emit("Sub", [e2.ins[0]!, e1.ins[0]!])])]);
        // log(c·w) = log(c) + log(w) for a constant c > 0 (log(c) stays a node: it is not a double).
        const prod = this.is(a, "Mul");
        const c = prod ? this.num(prod.ins[0]!) : undefined;
        if (prod && c !== undefined && c > 0 && c !== 1) return this.emit("Add", [this.g.op("Log", [prod.ins[0]!]), this.emit("Log", [prod.ins[1]!])]);
        const sA = this.is(a, "Sigmoid");
        if (sA) return this.emit("Neg", [this.emit("Softplus", [this.emit("Neg", [sA.ins[0]!])])]);
        const eA = this.is(a, "Exp");
        if (eA) return eA.ins[0];
        const aA = this.is(a, "Add");
        if (aA && this.num(aA.ins[0]!) === 1 && this.is(aA.ins[1]!, "Exp")) return this.emit("Softplus", [this.is(aA.ins[1]!, "Exp")!.ins[0]!]);
        if (aA && this.num(aA.ins[1]!) === 1 && this.is(aA.ins[0]!, "Exp")) return this.emit("Softplus", [this.is(aA.ins[0]!, "Exp")!.ins[0]!]);
        return undefined;
      }
      case "Exp": {
        const lA = this.is(a, "Log");
        if (lA) return lA.ins[0];
        return undefined;
      }
      case "Max":
      case "Min":
        return same(a, b) ? a : undefined;
      case "Abs": {
        const nA = this.is(a, "Neg");
        if (nA) return this.emit("Abs", [nA.ins[0]!]);
        return undefined;
      }
      case "Where": {
        const cond = this.g.constantValue(a);
        if (cond && cond.data.length === 1) return cond.data[0] ? b : ins[2];
        if (same(b, ins[2]!)) return b;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** σ(u) when v is 1 + e^−u (so 1/v = σ(u)). */
  private sigmoidOfReciprocal(v: Value): Value | undefined {
    const add = this.is(v, "Add");
    if (!add) return undefined;
    const [p, q] = add.ins as [Value, Value];
    const e = this.num(p) === 1 ? this.is(q, "Exp") : this.num(q) === 1 ? this.is(p, "Exp") : undefined;
    if (!e) return undefined;
    return this.emit("Sigmoid", [this.emit("Neg", [e.ins[0]!])]);
  }
}

/** The graph rebuilt with the exact rewrite rules applied bottom-up (outputs keep their names). */
export function simplifyGraph(graph: Graph): Graph {
  const s = new Simplifier();
  const values: Value[] = [];
  for (const n of graph.nodes) {
    if (n.op === "Input") values.push(s.g.input(n.attrs["name"] as string, n.shape, n.dtype));
    else if (n.op === "Constant") values.push(s.g.constant(n.attrs["value"] as Tensor));
    else {
      const ins = n.inputs.map((i) => values[i]!);
      // Shape plumbing around a scalar is the scalar itself.
      if (PASS_THROUGH.has(n.op) && n.shape.length === 0 && ins[0]!.shape.length === 0) values.push(ins[0]!);
      else values.push(s.emit(n.op, ins, n.attrs));
    }
  }
  return s.g.build(Object.fromEntries(graph.outputs.map((o) => [o.name, values[o.id]!])));
}

/**
 * Outputs f, df, ... up to the order-th derivative of a scalar graph in x: reverse mode applied
 * repeatedly, each derivative graph simplified before it is differentiated again.
 */
export function derivativeGraph(graph: Graph, order: 1 | 2 | 3 | 4 = 3): Graph {
  let g = simplifyGraph(graph);
  const names = ["f", "df", "d2f", "d3f", "d4f"];
  for (let k = 1; k <= order; k++) {
    g = simplifyGraph(renameOutputs(grad(g, { of: names[k - 1]!, wrt: ["x"] }), { "grad:x": names[k]! }));
  }
  return g;
}
