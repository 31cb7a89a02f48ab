/**
 * `losscape inspect`: what a loss problem is made of — θ's layout (name, shape, offset, count), the
 * buffers held fixed, the ops, the input and output shapes and the data — as JSON and as text. The
 * text is rendered from the JSON document, so the two never disagree.
 */
import type { Graph } from "../../ir/graph.js";
import { lossGraph } from "./loss-graph.js";
import type { LossProblem } from "./loss-problem.js";

export interface InspectReport {
  source: string;
  kind: "mlp" | "onnx";
  file: { path: string; format: string; opsetVersion: number; producer: string } | null;
  input: { name: string; shape: (number | string)[]; perSample: number[] };
  output: { name: string; shape: (number | string)[]; width: number };
  loss: string;
  l2: number;
  data: { name: string; samples: number };
  parameterCount: number;
  parameters: { name: string; shape: number[]; offset: number; count: number; kind: "weight" | "bias" }[];
  buffers: { name: string; shape: number[]; count: number }[];
  /** Op types of the model file (ONNX), or of the network as built (MLP). */
  ops: string[];
  /** Op types of the loss graph losscape evaluates (network, loss and penalty, after import). */
  lossGraphOps: string[];
}

function opsOf(graph: Graph): string[] {
  return [...new Set(graph.nodes.map((n) => n.op).filter((op) => op !== "Input" && op !== "Constant"))].sort();
}

export function inspectProblem(p: LossProblem): InspectReport {
  const graphOps = opsOf(lossGraph(p, { withAccuracy: false }).graph);
  const f = p.description.file;
  return {
    source: p.source,
    kind: p.description.kind,
    file: f ? { path: f.path, format: f.format, opsetVersion: f.opsetVersion, producer: f.producer } : null,
    input: { name: f?.input.name ?? "x", shape: f?.input.shape ?? ["N", ...p.sampleShape], perSample: [...p.sampleShape] },
    output: { name: f?.output.name ?? "output", shape: f?.output.shape ?? ["N", p.head.outputs], width: p.head.outputs },
    loss: p.head.loss,
    l2: p.head.l2,
    data: { name: p.data.name, samples: p.data.n },
    parameterCount: p.layout.size,
    parameters: p.layout.blocks.map((b) => ({ name: b.name, shape: [...b.shape], offset: b.offset, count: b.size, kind: b.kind })),
    buffers: (p.layout.buffers ?? []).map((b) => ({ name: b.name, shape: [...b.shape], count: b.size })),
    ops: f ? [...f.opTypes] : graphOps,
    lossGraphOps: graphOps
  };
}

const shapeText = (s: readonly (number | string)[]): string => `[${s.join(", ")}]`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((v, c) => (c >= 2 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join("  ").trimEnd());
}

export function renderInspectText(r: InspectReport): string {
  const lines: string[] = [];
  const from = r.file ? `${r.file.format.toUpperCase()} model ${r.file.path} (opset ${r.file.opsetVersion}${r.file.producer ? `, from ${r.file.producer}` : ""})` : "MLP spec";
  lines.push(`${r.source}: ${from}`);
  lines.push(`input   ${r.input.name} ${shapeText(r.input.shape)}  (one sample: ${shapeText(r.input.perSample)})`);
  lines.push(`output  ${r.output.name} ${shapeText(r.output.shape)}  (${r.output.width} per sample)`);
  lines.push(`loss    ${r.loss}${r.l2 > 0 ? ` + (${r.l2}/2)‖θ‖²` : ""} on ${r.data.name} (${r.data.samples} samples)`);
  lines.push(`ops     ${r.ops.join(", ")}`);
  lines.push("");
  lines.push(`parameters θ: ${r.parameterCount} in ${r.parameters.length} tensors (flat θ in this order, each row-major)`);
  lines.push(...table([["name", "shape", "offset", "count"], ...r.parameters.map((b) => [b.name, shapeText(b.shape), String(b.offset), String(b.count)])]).map((l) => `  ${l}`));
  if (r.buffers.length > 0) {
    lines.push("");
    lines.push(`buffers (held fixed, not in θ): ${r.buffers.reduce((s, b) => s + b.count, 0)} values in ${r.buffers.length} tensors`);
    lines.push(...table([["name", "shape", "", "count"], ...r.buffers.map((b) => [b.name, shapeText(b.shape), "", String(b.count)])]).map((l) => `  ${l}`));
  }
  return `${lines.join("\n")}\n`;
}
