import type { Graph, Node } from "../../ir/graph.js";
import type { Tensor } from "../../ir/tensor.js";

const INFIX: Readonly<Record<string, [string, number]>> = { Add: [" + ", 1], Sub: [" - ", 1], Mul: [" * ", 2], Div: [" / ", 2], Pow: ["^", 4] };
const FN: Readonly<Record<string, string>> = {
  Relu: "relu", Abs: "abs", Exp: "exp", Log: "log", Sqrt: "sqrt", Sin: "sin", Cos: "cos", Tanh: "tanh", Sigmoid: "sigmoid",
  Softplus: "softplus", Erf: "erf", Max: "max", Min: "min", LeakyRelu: "leaky_relu", Elu: "elu", Sign: "sign", Greater: "greater",
  Less: "less", Equal: "equal", Where: "where", ReduceSum: "sum", ReduceMean: "mean", ReduceMax: "max_over", MatMul: "matmul",
  Gemm: "gemm", LogSoftmax: "log_softmax", Softmax: "softmax"
};
const TRANSPARENT = new Set(["Identity", "Expand", "Reshape", "Flatten", "Cast"]);

function constText(t: Tensor): string {
  if (t.data.length === 1) {
    const v = t.data[0]!;
    if (v === Math.PI) return "pi";
    if (v === Math.E) return "e";
    return String(Number(v.toPrecision(12)));
  }
  return `const[${t.shape.join("×")}]`;
}

/**
 * A readable infix text for every node ("relu(x + 1)"), shortened with "…" beyond maxLength so
 * that shared subgraphs of big graphs cannot blow the text up.
 */
export function nodeLabels(graph: Graph, maxLength = 60): string[] {
  const text: string[] = [];
  const prec: number[] = [];
  const cut = (s: string): string => (s.length > maxLength ? `${s.slice(0, maxLength - 1)}…` : s);
  const wrap = (id: number, min: number): string => (prec[id]! < min ? `(${text[id]})` : text[id]!);
  for (const n of graph.nodes) {
    let s: string;
    let p = 5;
    if (n.op === "Input") s = String(n.attrs["name"]);
    else if (n.op === "Constant") {
      s = constText(n.attrs["value"] as Tensor);
      if (s.startsWith("-")) p = 3;
    } else if (TRANSPARENT.has(n.op)) {
      s = text[n.inputs[0]!]!;
      p = prec[n.inputs[0]!]!;
    } else if (n.op === "Neg") {
      s = `-${wrap(n.inputs[0]!, 4)}`;
      p = 3;
    } else if (INFIX[n.op] && n.inputs.length === 2) {
      const [sym, q] = INFIX[n.op]!;
      const [a, b] = n.inputs as [number, number];
      s = q === 4 ? `${wrap(a, 5)}${sym}${wrap(b, 5)}` : `${wrap(a, q)}${sym}${wrap(b, q + 1)}`;
      p = q;
    } else {
      const name = FN[n.op] ?? n.op;
      const extra = attrText(n);
      s = `${name}(${[...n.inputs.map((i) => text[i]!), ...extra].join(", ")})`;
    }
    text.push(cut(s));
    prec.push(p);
  }
  return text;
}

function attrText(n: Node): string[] {
  if (n.op === "LeakyRelu" || n.op === "Elu") return typeof n.attrs["alpha"] === "number" ? [String(n.attrs["alpha"])] : [];
  return [];
}
