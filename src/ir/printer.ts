import type { AttrValue, Graph, Node } from "./graph.js";
import type { Tensor } from "./tensor.js";

const MAX_INLINE = 6;

function fmtNum(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
}

function fmtTensor(t: Tensor): string {
  if (t.data.length <= MAX_INLINE) {
    const vals = Array.from(t.data, fmtNum);
    return t.shape.length === 0 ? vals[0]! : `[${vals.join(", ")}]`;
  }
  return `<${t.data.length} values>`;
}

function fmtAttr(v: AttrValue): string {
  if (typeof v === "number") return fmtNum(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${(v as number[]).join(",")}]`;
  return fmtTensor(v as Tensor);
}

function typeOf(n: Node): string {
  return `${n.dtype}[${n.shape.join(",")}]`;
}

/** A readable listing of a graph, one node per line, SSA style. */
export function printGraph(graph: Graph, opts: { name?: string } = {}): string {
  const lines: string[] = [];
  const params = graph.inputs.map((i) => `${i.name}: ${typeOf(graph.nodes[i.id]!)}`).join(", ");
  lines.push(`${opts.name ?? "graph"}(${params}) {`);
  const ref = (id: number): string => {
    const n = graph.nodes[id]!;
    return n.op === "Input" ? String(n.attrs["name"]) : `%${id}`;
  };
  for (const n of graph.nodes) {
    if (n.op === "Input") continue;
    if (n.op === "Constant") {
      lines.push(`  %${n.id} = Constant ${fmtTensor(n.attrs["value"] as Tensor)} : ${typeOf(n)}`);
      continue;
    }
    const attrs = Object.entries(n.attrs);
    const attrStr = attrs.length ? ` {${attrs.map(([k, v]) => `${k}=${fmtAttr(v)}`).join(", ")}}` : "";
    lines.push(`  %${n.id} = ${n.op}(${n.inputs.map(ref).join(", ")})${attrStr} : ${typeOf(n)}`);
  }
  lines.push(`  return ${graph.outputs.map((o) => `${o.name} = ${ref(o.id)}`).join(", ")}`);
  lines.push("}");
  return lines.join("\n");
}
