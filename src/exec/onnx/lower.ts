import type { Graph, Node } from "../../ir/graph.js";
import type { OnnxAttrKind } from "../../ir/op.js";
import { getOp } from "../../ir/registry.js";
import { rewriteGraph } from "../../ir/rewrite.js";
import type { Tensor } from "../../ir/tensor.js";
import {
  attr,
  dtypeToTensorDataType,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  type ExplicitAttr,
  type ModelProtoLike,
  type NodeProtoLike,
  type TensorProtoLike
} from "./onnx-proto.js";

/**
 * Replace ops onnxruntime cannot run for their dtype by the IR the op record prescribes
 * (repeated until stable, since a rewrite may itself use an op with a decomposition).
 */
export function decomposeForOnnx(graph: Graph): Graph {
  let cur = graph;
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    cur = rewriteGraph(cur, (g, n, ins) => {
      if (n.op === "Input" || n.op === "Constant") return undefined;
      const d = getOp(n.op).onnx?.decompose;
      if (!d || !d.dtypes.includes(n.dtype) || (d.when && !d.when(n.attrs, n.dtype))) return undefined;
      changed = true;
      return d.rewrite(g, ins, n.attrs);
    });
    if (!changed) return cur;
  }
  return cur;
}

function attrValue(kind: OnnxAttrKind, v: unknown, where: string): ExplicitAttr {
  switch (kind) {
    case "int":
      if (typeof v === "string") return attr.int(dtypeToTensorDataType(v as Node["dtype"]));
      return attr.int(v as number);
    case "float": return attr.float(v as number);
    case "ints": return attr.ints(v as number[]);
    case "floats": return attr.floats(v as number[]);
    case "string": return attr.string(v as string);
    case "tensor": throw new Error(`${where}: tensor attributes are emitted as initializers`);
  }
}

/**
 * Serialise an IR graph as an ONNX opset-17 model. Graph inputs stay inputs (parameters are fed per
 * run, so new θ needs no new session); constants become initializers, so a data set is copied into
 * the session once instead of on every run.
 */
export function graphToOnnx(graph: Graph, opts: { name?: string } = {}): ModelProtoLike {
  const g = decomposeForOnnx(graph);
  const nodes: NodeProtoLike[] = [];
  const initializers: TensorProtoLike[] = [];
  const nameOf = (id: number): string => {
    const n = g.nodes[id]!;
    return n.op === "Input" ? `in:${n.attrs["name"] as string}` : `v${id}`;
  };
  for (const n of g.nodes) {
    if (n.op === "Input") continue;
    if (n.op === "Constant") {
      const t = n.attrs["value"] as Tensor;
      initializers.push(makeTensor(nameOf(n.id), t.dtype, t.shape, t.data));
      continue;
    }
    const lowering = getOp(n.op).onnx;
    const inputs = n.inputs.map(nameOf);
    // Attributes that opset 17 wants as inputs become small initializers, int64 vectors or scalars of the
    // node's dtype (optional ones may be skipped with "").
    const extra = lowering?.attrInputs ?? [];
    const extraNames: string[] = [];
    for (const a of extra) {
      const v = n.attrs[a];
      if (v === undefined) {
        extraNames.push("");
        continue;
      }
      const name = `v${n.id}:${a}`;
      if (lowering?.scalarAttrInputs?.includes(a)) {
        initializers.push(makeTensor(name, n.dtype, [], [v as number]));
        extraNames.push(name);
        continue;
      }
      const arr = v as readonly number[];
      initializers.push(makeTensor(name, "int64", [arr.length], arr));
      extraNames.push(name);
    }
    while (extraNames.length && extraNames[extraNames.length - 1] === "") extraNames.pop();
    const attrs: Record<string, ExplicitAttr> = {};
    for (const [k, kind] of Object.entries(lowering?.attrs ?? {})) {
      const v = n.attrs[k];
      if (v !== undefined) attrs[k] = attrValue(kind, v, `${n.op} node v${n.id}`);
    }
    const slot = lowering?.outputIndex ?? 0;
    const outNames = Array.from({ length: slot + 1 }, (_, k) => (k === slot ? nameOf(n.id) : `v${n.id}:out${k}`));
    nodes.push(makeNode(lowering?.opType ?? n.op, [...inputs, ...extraNames], outNames, attrs, `n${n.id}`));
  }
  // Outputs get their own names through Identity, so two outputs may share a value or be a graph input.
  const outputs = g.outputs.map((o) => {
    nodes.push(makeNode("Identity", [nameOf(o.id)], [`out:${o.name}`], {}, `out${o.name}`));
    const n = g.nodes[o.id]!;
    return makeValueInfo(`out:${o.name}`, n.dtype, n.shape);
  });
  const inputs = g.inputs.map((i) => {
    const n = g.nodes[i.id]!;
    return makeValueInfo(nameOf(i.id), n.dtype, n.shape);
  });
  return makeModel(makeGraph({ name: opts.name ?? "losscape", nodes, inputs, outputs, initializers }), { opset: 17 });
}
