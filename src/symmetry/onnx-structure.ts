/**
 * The permutation symmetries of an imported ONNX graph, found by tracing it. Each Conv, Gemm or MatMul
 * whose weight is a trained parameter starts a group of units (its output channels); the group is
 * followed through ops that act on every channel alike (elementwise activations, scalar arithmetic,
 * BatchNormalization with its scale, shift and running statistics, LayerNormalization with its scale and
 * shift, pooling, Pad, Dropout, Identity, reductions, Flatten/Reshape into a dense layer) to the weights
 * that read it, whose incoming axis it then permutes. Two groups that meet in one elementwise op (a
 * residual Add) must share one permutation and are merged. A group that reaches an op the tracer does
 * not follow (Concat, Transpose, …), a constant weight, or the network's output stays unpermuted.
 */
import type { GraphBuilder, Value } from "../ir/builder.js";
import { GraphBuilder as Builder } from "../ir/builder.js";
import type { Tensor } from "../ir/tensor.js";
import { tensor } from "../ir/tensor.js";
import type { LossProblem, OnnxStructure } from "../model/problem/loss-problem.js";
import type { ParsedNode } from "../onnx/node-import.js";
import type { AxisMember, GroupTap, SymmetryStructure, UnitGroup } from "./structure.js";

type Label = { kind: "free" } | { kind: "track"; group: number; axis: number; stride: number };
const FREE: Label = { kind: "free" };

/** Ops that act on each element alone (their other inputs, if any, must be scalars or per-channel tensors). */
const ELEMENTWISE = new Set([
  "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Abs", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Gelu", "HardSigmoid",
  "HardSwish", "Mish", "Exp", "Log", "Neg", "Sqrt", "Reciprocal", "Sin", "Cos", "Sign", "Floor", "Ceil", "Round", "Identity",
  "Cast", "Clip", "Dropout", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "ThresholdedRelu"
]);
const POOLS = new Set(["MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "GlobalLpPool"]);
const REDUCES = new Set(["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL2", "ReduceL1", "ReduceProd", "ReduceSumSquare", "ReduceLogSumExp"]);
const SHAPE_ONLY = new Set(["Shape", "Size"]);

interface GroupState {
  parent: number;
  size: number;
  blocks: number;
  members: (AxisMember & { rowBlocks?: number })[];
  layers: string[];
  reasons: string[];
  reachesOutput: boolean;
  /** Stride-1 values of the group, in graph order (the last is where activations are read). */
  values: { name: string; axis: number }[];
}

function layerKey(name: string): string {
  const i = name.lastIndexOf(".");
  return i > 0 ? name.slice(0, i) : name;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function intsAttr(n: ParsedNode, name: string): number[] | undefined {
  const a = n.attrs.get(name);
  if (!a) return undefined;
  if (a.kind === "ints") return a.value;
  if (a.kind === "int") return [a.value];
  return undefined;
}

function intAttr(n: ParsedNode, name: string, dflt: number): number {
  const a = n.attrs.get(name);
  return a && a.kind === "int" ? a.value : dflt;
}

function nodeName(n: ParsedNode): string {
  return n.name !== "" ? n.name : n.outputs[0] ?? `#${n.index}`;
}

export function onnxSymmetry(problem: LossProblem, onnx: OnnxStructure): SymmetryStructure {
  const model = onnx.model;
  const layout = problem.layout;
  const role = new Map(model.initializers.map((i) => [i.name, i.role]));
  const shapes = new Map<string, readonly number[]>();
  for (const b of layout.blocks) shapes.set(b.name, b.shape);
  for (const b of layout.buffers ?? []) shapes.set(b.name, b.shape);

  const tensorsFor = (g: GraphBuilder, theta: Value, buffers: ReadonlyMap<string, Value>): Map<string, Value> => {
    const t = new Map<string, Value>();
    for (const b of layout.blocks) t.set(b.name, g.reshape(g.slice(theta, [b.offset], [b.offset + b.size], [0]), b.shape));
    for (const [name, v] of buffers) t.set(name, v);
    return t;
  };
  // Shapes of every intermediate value and the constants the graph folds, from one build on a small batch.
  const probe = new Builder("float64");
  const batch = typeof model.inputShape[0] === "number" ? model.inputShape[0] : Math.min(2, problem.data.n);
  const probeBuffers = new Map<string, Value>();
  for (const [name, data] of Object.entries(onnx.buffers)) probeBuffers.set(name, probe.constant(tensor(shapes.get(name)!, data)));
  const probed = model.buildValues(probe, probe.input("x", [batch, ...problem.sampleShape]), tensorsFor(probe, probe.input("theta", [layout.size]), probeBuffers));
  const shapeOf = (name: string): readonly number[] => {
    const v = probed.values.get(name);
    if (!v) throw new Error(`no value ${name} in ${model.path}`);
    return v.shape;
  };
  const constant = (name: string): Tensor | undefined => probed.constants.get(name);

  const groups: GroupState[] = [];
  const find = (g: number): number => {
    while (groups[g]!.parent !== g) g = groups[g]!.parent = groups[groups[g]!.parent]!.parent;
    return g;
  };
  const poison = (g: number, reason: string): void => {
    const s = groups[find(g)]!;
    if (!s.reasons.includes(reason)) s.reasons.push(reason);
  };
  const setBlocks = (g: number, blocks: number, why: string): void => {
    const s = groups[find(g)]!;
    const l = (s.blocks * blocks) / gcd(s.blocks, blocks);
    if (s.size % l !== 0) poison(g, why);
    else s.blocks = l;
  };
  const merge = (a: number, b: number, why: string): number => {
    const ra = find(a), rb = find(b);
    if (ra === rb) return ra;
    const sa = groups[ra]!, sb = groups[rb]!;
    if (sa.size !== sb.size) {
      poison(ra, why);
      poison(rb, why);
      return ra;
    }
    sb.parent = ra;
    sa.members.push(...sb.members);
    sa.layers.push(...sb.layers);
    for (const r of sb.reasons) if (!sa.reasons.includes(r)) sa.reasons.push(r);
    sa.reachesOutput ||= sb.reachesOutput;
    sa.values.push(...sb.values);
    const blocks = sb.blocks;
    setBlocks(ra, blocks, why);
    return ra;
  };
  const newGroup = (size: number, layer: string): number => {
    groups.push({ parent: groups.length, size, blocks: 1, members: [], layers: [layer], reasons: [], reachesOutput: false, values: [] });
    return groups.length - 1;
  };
  const memberUses = new Map<string, number>();
  const addMember = (g: number, tensorName: string, axis: number, stride: number, rowBlocks?: number, reads = false): boolean => {
    const r = role.get(tensorName);
    if (r !== "param" && r !== "buffer") return false;
    groups[find(g)]!.members.push({ tensor: tensorName, kind: r, axis, stride, ...(rowBlocks && rowBlocks > 1 ? { rowBlocks } : {}), ...(reads ? { reads } : {}) });
    memberUses.set(tensorName, (memberUses.get(tensorName) ?? 0) + 1);
    return true;
  };
  const sizeOfGroup = (g: number): number => groups[find(g)]!.size;

  const labels = new Map<string, Label>();
  const labelOf = (name: string): Label => (name === "" ? FREE : labels.get(name) ?? FREE);
  const setTracked = (name: string, group: number, axis: number, stride: number): void => {
    labels.set(name, { kind: "track", group, axis, stride });
    if (stride === 1) groups[find(group)]!.values.push({ name, axis });
  };
  const tracked = (l: Label): l is Extract<Label, { kind: "track" }> => l.kind === "track";

  /** A free operand of an elementwise op with tracked value l (axis at the output's rank): fine if constant along the channel axis. */
  const freeOperandOk = (node: ParsedNode, l: Extract<Label, { kind: "track" }>, outAxis: number, outRank: number, operand: string): boolean => {
    const fs = shapeOf(operand);
    const k = outAxis - (outRank - fs.length);
    const dim = k >= 0 ? fs[k]! : 1;
    if (dim === 1) return true;
    if (l.stride === 1 && dim === sizeOfGroup(l.group) && fs.every((d, i) => i === k || d === 1) && addMember(l.group, operand, k, 1)) return true;
    poison(l.group, `${node.opType} node "${nodeName(node)}" combines it with ${operand}, which varies along the channels and is not a parameter`);
    return false;
  };

  for (const node of model.nodes) {
    const ins = node.inputs.map(labelOf);
    const out0 = node.outputs[0] ?? "";
    const anyTracked = ins.some(tracked);
    const op = node.opType;
    const where = `${op} node "${nodeName(node)}"`;

    if (op === "Conv" || op === "Gemm" || op === "MatMul") {
      const x = ins[0]!, w = node.inputs[1] ?? "", bias = node.inputs[2] ?? "";
      const wIsParam = role.get(w) === "param" && !tracked(ins[1]!);
      for (let k = 1; k < ins.length; k++) {
        const l = ins[k]!;
        if (tracked(l)) poison(l.group, `${where} uses it as a weight or bias`);
      }
      const wShape = w !== "" ? shapeOf(w) : [];
      let outSize = 0, outAxis = 1, wOutAxis = 0, wInAxis = 1, blocks = 1;
      let ok = wIsParam;
      if (op === "Conv") {
        blocks = intAttr(node, "group", 1);
        outSize = wShape[0] ?? 0;
      } else if (op === "Gemm") {
        const transB = intAttr(node, "transB", 0) !== 0;
        if (intAttr(node, "transA", 0) !== 0) ok = false;
        [wOutAxis, wInAxis] = transB ? [0, 1] : [1, 0];
        outSize = wShape[wOutAxis] ?? 0;
      } else {
        if (wShape.length !== 2) ok = false;
        [wOutAxis, wInAxis] = [1, 0];
        outSize = wShape[1] ?? 0;
        outAxis = shapeOf(out0).length - 1;
      }
      if (tracked(x)) {
        const xRank = shapeOf(node.inputs[0]!).length;
        const wantAxis = op === "MatMul" ? xRank - 1 : 1;
        if (!ok) poison(x.group, `${where} reads it with a weight that is not a trained parameter (or a layout the tracer does not follow)`);
        else if (x.axis !== wantAxis) poison(x.group, `${where} reads it along another axis`);
        else if (op === "Conv" && x.stride !== 1) poison(x.group, `${where} reads it after a reshape`);
        else {
          if (blocks > 1) setBlocks(x.group, blocks, `${where} is a grouped convolution whose groups do not fit`);
          addMember(x.group, w, wInAxis, x.stride, op === "Conv" ? blocks : undefined, true);
        }
      }
      if (!ok || out0 === "") continue;
      const g = newGroup(outSize, layerKey(w));
      addMember(g, w, wOutAxis, 1);
      if (blocks > 1) setBlocks(g, blocks, `${where} is a grouped convolution`);
      if (bias !== "") {
        const bs = shapeOf(bias);
        const bAxis = bs.length === 1 ? 0 : bs.length === 2 && bs[0] === 1 ? 1 : -1;
        if (bAxis < 0 || bs[bAxis] !== outSize || !addMember(g, bias, bAxis, 1)) poison(g, `${where} adds a bias ${bias} that is not a per-unit parameter`);
      }
      setTracked(out0, g, outAxis, 1);
      continue;
    }

    if (!anyTracked) continue; // everything free in, free out
    const t = ins.find(tracked)!;

    if (SHAPE_ONLY.has(op)) continue;
    if (op === "BatchNormalization") {
      if (ins.slice(1).some(tracked) || t !== ins[0] || t.axis !== 1 || t.stride !== 1) {
        poison(t.group, `${where} normalises it along another axis`);
        continue;
      }
      let ok = true;
      for (const p of node.inputs.slice(1, 5)) if (!addMember(t.group, p, 0, 1)) ok = false;
      if (!ok) poison(t.group, `${where} has a scale, shift or statistic that is not a parameter or buffer`);
      setTracked(out0, t.group, 1, 1);
      continue;
    }
    if (op === "LayerNormalization") {
      const rank = shapeOf(node.inputs[0]!).length;
      let a = intAttr(node, "axis", -1);
      if (a < 0) a += rank;
      if (t !== ins[0] || ins.slice(1).some(tracked)) {
        poison(t.group, `${where} uses it as a scale or shift`);
        continue;
      }
      if (t.axis >= a) {
        if (t.stride !== 1) {
          poison(t.group, `${where} normalises over a reshaped channel axis`);
          continue;
        }
        let ok = true;
        for (const p of node.inputs.slice(1, 3)) if (p !== "" && !addMember(t.group, p, t.axis - a, 1)) ok = false;
        if (!ok) poison(t.group, `${where} has a scale or shift that is not a parameter`);
      }
      setTracked(out0, t.group, t.axis, t.stride);
      continue;
    }
    if (POOLS.has(op)) {
      if (t.axis !== 1 || t.stride !== 1) poison(t.group, `${where} pools it along another axis`);
      else setTracked(out0, t.group, 1, 1);
      continue;
    }
    if (op === "Pad") {
      const inS = shapeOf(node.inputs[0]!), outS = shapeOf(out0);
      if (t !== ins[0] || ins.slice(1).some(tracked) || inS[t.axis] !== outS[t.axis] || t.stride !== 1) poison(t.group, `${where} pads it along the channels`);
      else setTracked(out0, t.group, t.axis, 1);
      continue;
    }
    if (op === "Flatten" || op === "Reshape") {
      const inS = shapeOf(node.inputs[0]!), outS = shapeOf(out0);
      let k = intAttr(node, "axis", 1);
      if (k < 0) k += inS.length;
      const same = inS.length === outS.length && inS.every((d, i) => d === outS[i]);
      // The channel axis and everything after it become one axis: channel c owns a contiguous run.
      const flattensFromChannel =
        (op === "Reshape" || k === t.axis) && outS.length === t.axis + 1 && inS.slice(0, t.axis).every((d, i) => d === outS[i]);
      if (t !== ins[0] || ins.slice(1).some(tracked)) poison(t.group, `${where} uses it as a shape`);
      else if (same) setTracked(out0, t.group, t.axis, t.stride);
      else if (flattensFromChannel) {
        let inner = 1;
        for (let i = t.axis + 1; i < inS.length; i++) inner *= inS[i]!;
        setTracked(out0, t.group, t.axis, t.stride * inner);
      } else poison(t.group, `${where} reshapes it so that a channel's entries are not contiguous`);
      continue;
    }
    if (op === "Softmax" || op === "LogSoftmax") {
      // Along any axis, the channel axis included, softmax(P·z) = P·softmax(z).
      if (t !== ins[0]) poison(t.group, `${where} reads it in an unexpected place`);
      else setTracked(out0, t.group, t.axis, t.stride);
      continue;
    }
    if (REDUCES.has(op)) {
      const rank = shapeOf(node.inputs[0]!).length;
      const c = node.inputs[1] ? constant(node.inputs[1]) : undefined;
      let axes = intsAttr(node, "axes") ?? (c ? Array.from(c.data) : undefined);
      if (t !== ins[0] || ins.slice(1).some(tracked)) {
        poison(t.group, `${where} uses it as axes`);
        continue;
      }
      if (!axes || axes.length === 0) {
        if (intAttr(node, "noop_with_empty_axes", 0) !== 0) setTracked(out0, t.group, t.axis, t.stride);
        continue; // all axes reduced: invariant
      }
      axes = axes.map((a) => (a < 0 ? a + rank : a));
      if (axes.includes(t.axis)) continue; // a sum or mean over the channels does not see their order
      if (t.stride !== 1) {
        poison(t.group, `${where} reduces a reshaped channel axis`);
        continue;
      }
      const keep = intAttr(node, "keepdims", 1) !== 0;
      setTracked(out0, t.group, keep ? t.axis : t.axis - axes.filter((a) => a < t.axis).length, 1);
      continue;
    }
    if (ELEMENTWISE.has(op)) {
      const outS = shapeOf(out0);
      const outRank = outS.length;
      let group = -1, axis = -1, stride = 0, ok = true;
      node.inputs.forEach((name, k) => {
        const l = ins[k]!;
        if (!tracked(l) || name === "") return;
        const a = l.axis + (outRank - shapeOf(name).length);
        if (group < 0) [group, axis, stride] = [l.group, a, l.stride];
        else if (a !== axis || l.stride !== stride) {
          poison(group, `${where} combines it with other units along a different axis`);
          poison(l.group, `${where} combines it with other units along a different axis`);
          ok = false;
        } else group = merge(group, l.group, `${where} adds units of different layers that do not match in number`);
      });
      if (!ok) continue;
      const lt: Extract<Label, { kind: "track" }> = { kind: "track", group, axis, stride };
      node.inputs.forEach((name, k) => {
        if (name === "" || tracked(ins[k]!)) return;
        // Dropout's ratio and Clip's bounds are scalars; a broadcast operand must not vary along the channels.
        if (!freeOperandOk(node, lt, axis, outRank, name)) ok = false;
      });
      if (ok) setTracked(out0, group, axis, stride);
      continue;
    }
    for (const l of ins) if (tracked(l)) poison(l.group, `${where} (${op}) reads it, and the tracer does not follow ${op}`);
  }
  const outLabel = labelOf(model.outputName);
  if (tracked(outLabel)) groups[find(outLabel.group)]!.reachesOutput = true;

  // A member tensor read anywhere else (a tied weight) would see only part of the permutation.
  const uses = new Map<string, number>();
  for (const n of model.nodes) for (const i of n.inputs) if (role.has(i)) uses.set(i, (uses.get(i) ?? 0) + 1);

  const result: UnitGroup[] = [];
  const unpermuted: { group: string; reason: string }[] = [];
  const taps = new Map<string, { value: string; axis: number }>();
  const owner = new Map<string, number>();
  const roots = [...new Set(groups.map((_, i) => find(i)))];
  for (const r of roots) {
    const s = groups[r]!;
    for (const m of s.members) {
      const key = `${m.tensor}|${m.axis}`;
      const o = owner.get(key);
      if (o !== undefined && o !== r) {
        poison(r, `${m.tensor} axis ${m.axis} is shared with another group`);
        poison(o, `${m.tensor} axis ${m.axis} is shared with another group`);
      }
      owner.set(key, r);
    }
  }
  for (const [tname, count] of memberUses) {
    const used = uses.get(tname) ?? 0;
    if (count < used) for (const r of roots) if (groups[r]!.members.some((m) => m.tensor === tname)) poison(r, `${tname} is also read where the tracer cannot permute it`);
  }
  for (const r of roots) {
    const s = groups[r]!;
    const name = [...new Set(s.layers)].join("+");
    if (s.reachesOutput) continue; // the network's output units are never permuted
    if (s.reasons.length) {
      unpermuted.push({ group: name, reason: s.reasons.join("; ") });
      continue;
    }
    const seen = new Set<string>();
    const members = s.members.filter((m) => {
      const k = `${m.tensor}|${m.axis}|${m.stride}|${m.rowBlocks ?? 1}|${m.reads ? 1 : 0}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const tap = s.values[s.values.length - 1];
    if (!tap) {
      unpermuted.push({ group: name, reason: "its activations are never materialised one channel per entry" });
      continue;
    }
    result.push({ name, size: s.size, members, ...(s.blocks > 1 ? { blocks: s.blocks } : {}) });
    taps.set(name, { value: tap.name, axis: tap.axis });
  }

  return {
    groups: result,
    unpermuted,
    shapes,
    buffers: onnx.buffers,
    build(g, theta, x, buffers) {
      const built = model.buildValues(g, x, tensorsFor(g, theta, buffers));
      const out = new Map<string, GroupTap>();
      for (const [name, t] of taps) out.set(name, { value: built.values.get(t.value)!, axis: t.axis });
      return { out: built.output, taps: out };
    }
  };
}
