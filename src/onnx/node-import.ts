/**
 * One ONNX node -> IR. Nodes map to the IR op of the same name (`g.op(name, inputs, attrs)`), with the
 * ONNX inputs that the IR keeps as static attributes (Reshape shape, Slice starts/ends/axes/steps,
 * Clip bounds, Pad pads, reduction axes, …; see each record's `onnx.attrInputs`) read from constants.
 * A node whose inputs are all constants is evaluated right away, by the record's own kernel through the
 * reference interpreter or, for the int64 shape arithmetic the IR does not have, by shape-folding.ts;
 * so shape chains vanish and only the network remains.
 */
import { GraphBuilder, type Value } from "../ir/builder.js";
import { isFloat, type DType } from "../ir/dtype.js";
import type { AttrValue, Attrs } from "../ir/graph.js";
import type { OpDef } from "../ir/op.js";
import { allOps, getOp, hasOp } from "../ir/registry.js";
import { ShapeError, fmtShape, normAxis } from "../ir/shape.js";
import { roundF32, type Tensor } from "../ir/tensor.js";
import { resolveReshape } from "../ir/ops/reshape.js";
import { evaluate } from "../exec/reference.js";
import { TensorDataType } from "../exec/onnx/onnx-proto.js";
import { UserError } from "../util/errors.js";
import { describeAttr, type OnnxAttr } from "./attributes.js";
import { onnxTypeName } from "./initializers.js";
import {
  FoldError,
  foldConstantOfShape,
  foldGather,
  foldIntElementwise,
  foldRange,
  foldShape,
  foldSize,
  gatherPlan,
  intsOf,
  squeezeShape,
  unsqueezeShape,
  withShape
} from "./shape-folding.js";

/** A value during import: either part of the network, or a constant known at build time. */
export type Slot = { readonly kind: "value"; readonly value: Value } | { readonly kind: "const"; readonly tensor: Tensor };

export interface ParsedNode {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** "" marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
}

export interface NodeContext {
  readonly g: GraphBuilder;
  /** The network's float type: every float tensor of the model is computed in it. */
  readonly floatType: "float32" | "float64";
  readonly opset: number;
  readonly path: string;
}

export function nodeLabel(path: string, node: ParsedNode): string {
  const name = node.name !== "" ? node.name : `(unnamed, output "${node.outputs[0] ?? ""}")`;
  return `${path}: node "${name}" (#${node.index}, ${node.opType})`;
}

/** Ops the importer itself understands, beyond the IR's op records. */
const IMPORTER_OPS = ["Constant", "ConstantOfShape", "Dropout", "Gather", "Identity", "Range", "Shape", "Size", "Split", "Squeeze", "Unsqueeze"];

/** IR records that are not ONNX node types of their own. */
const NOT_IMPORTABLE = new Set(["Input", "MaxPoolIndices", "IndexSelect"]);

export function supportedOpTypes(): string[] {
  const names = new Set<string>(IMPORTER_OPS);
  for (const op of allOps()) if (!NOT_IMPORTABLE.has(op.name)) names.add(op.name);
  return [...names].sort();
}

export function isSupportedOp(opType: string): boolean {
  return IMPORTER_OPS.includes(opType) || (hasOp(opType) && !NOT_IMPORTABLE.has(opType));
}

/** Outputs after the first that ONNX defines but the IR (single-output ops) cannot give. */
export function allowsExtraOutputs(opType: string): boolean {
  return opType === "Split";
}

const REDUCE_AXES_FROM_18 = /^Reduce(?!Sum$)/;

/** ONNX input index -> IR attribute name, for the inputs the IR keeps static. */
export function attrInputPositions(opType: string, opset: number): Map<number, string> {
  const m = new Map<number, string>();
  if (!hasOp(opType)) return m;
  const def = getOp(opType);
  const ai = def.onnx?.attrInputs ?? [];
  if (Number.isFinite(def.maxInputs)) ai.forEach((name, k) => m.set(def.maxInputs + k, name));
  // Reductions other than ReduceSum took axes as an attribute until opset 18 (ReduceSum since 13).
  if (REDUCE_AXES_FROM_18.test(opType) && !ai.includes("axes") && opset >= 18) m.set(1, "axes");
  // Pad's optional `axes` input (opset 18) is folded into the full pads list.
  if (opType === "Pad" && opset >= 18) m.set(3, "axes");
  return m;
}

/** Inputs whose values are read at build time (shapes, axes, bounds), for initializer roles. */
export function isStaticUse(opType: string, opset: number, index: number): boolean {
  if (attrInputPositions(opType, opset).has(index)) return true;
  switch (opType) {
    case "Shape":
    case "Size":
    case "ConstantOfShape":
    case "Range":
      return true;
    case "Reshape":
    case "Expand":
    case "Squeeze":
    case "Unsqueeze":
    case "Split":
    case "Gather":
    case "Pow":
    case "Tile":
      return index === 1;
    case "Clip":
    case "Dropout":
      return index === 1 || index === 2;
    case "Pad":
    case "Slice":
      return index >= 1;
    default:
      return REDUCE_AXES_FROM_18.test(opType) || opType === "ReduceSum" ? index === 1 : false;
  }
}

// ---------------------------------------------------------------------------------------------
// Attributes

/** ONNX defaults of attributes some IR records do not declare; a node may state them explicitly. */
const ONNX_DEFAULT_VALUES: Readonly<Record<string, number | string | "ones" | "zeros">> = {
  auto_pad: "NOTSET",
  dilations: "ones",
  strides: "ones",
  pads: "zeros",
  group: 1,
  ceil_mode: 0,
  count_include_pad: 0,
  storage_order: 0,
  training_mode: 0,
  spatial: 1
};

/** Attributes with no effect on an inference forward pass (training-time or output-only settings). */
const INFERENCE_IRRELEVANT: Readonly<Record<string, readonly string[]>> = {
  BatchNormalization: ["momentum"],
  // kernel_shape restates the weight's spatial shape.
  Conv: ["kernel_shape"],
  ConvTranspose: ["kernel_shape"],
  // stash_type is the precision of the mean/variance; losscape computes them in the network's float type.
  LayerNormalization: ["stash_type"],
  // saturate matters only for float8 targets.
  Cast: ["saturate"]
};

function isOnnxDefault(name: string, a: OnnxAttr): boolean {
  const d = ONNX_DEFAULT_VALUES[name];
  if (d === undefined) return false;
  if (d === "ones") return a.kind === "ints" && a.value.every((v) => v === 1);
  if (d === "zeros") return a.kind === "ints" && a.value.every((v) => v === 0);
  return (a.kind === "int" || a.kind === "string") && a.value === d;
}

function irAttrValue(a: OnnxAttr): AttrValue | undefined {
  switch (a.kind) {
    case "int":
    case "float":
    case "string":
    case "ints":
    case "floats":
      return a.value;
    default:
      return undefined;
  }
}

/** The node's attributes as IR attributes of `def`; an attribute the record does not know is an error unless harmless. */
function irAttrs(def: OpDef, node: ParsedNode, label: string, handled: ReadonlySet<string> = new Set()): Record<string, AttrValue> {
  const known = new Set([...Object.keys(def.onnx?.attrs ?? {}), ...Object.keys(def.defaults ?? {})]);
  const out: Record<string, AttrValue> = {};
  for (const [k, a] of node.attrs) {
    if (handled.has(k)) continue;
    if (!known.has(k)) {
      if (isOnnxDefault(k, a) || INFERENCE_IRRELEVANT[node.opType]?.includes(k)) continue;
      throw new UserError(`${label}: attribute '${k}' = ${describeAttr(a)} is not supported by losscape's ${def.name}`);
    }
    const v = irAttrValue(a);
    if (v === undefined) throw new UserError(`${label}: attribute '${k}' is ${describeAttr(a)}, which losscape's ${def.name} cannot take`);
    out[k] = v;
  }
  return out;
}

function intAttr(node: ParsedNode, name: string, def: number, label: string): number {
  const a = node.attrs.get(name);
  if (a === undefined) return def;
  if (a.kind !== "int") throw new UserError(`${label}: attribute '${name}' must be an int, got ${describeAttr(a)}`);
  return a.value;
}

// ---------------------------------------------------------------------------------------------
// Slots

export function toFloatType(t: Tensor, floatType: "float32" | "float64"): Tensor {
  if (!isFloat(t.dtype) || t.dtype === floatType) return t;
  return { dtype: floatType, shape: t.shape, data: floatType === "float32" ? roundF32(t.data) : t.data };
}

export function slotShape(s: Slot): readonly number[] {
  return s.kind === "value" ? s.value.shape : s.tensor.shape;
}

function slotDType(s: Slot): DType {
  return s.kind === "value" ? s.value.dtype : s.tensor.dtype;
}

export function asValue(g: GraphBuilder, s: Slot): Value {
  return s.kind === "value" ? s.value : g.constant(s.tensor);
}

const cst = (tensor: Tensor): Slot => ({ kind: "const", tensor });

/** A static input: a constant at build time, or an error naming what it depends on. */
function constInput(node: ParsedNode, ins: readonly (Slot | undefined)[], i: number, what: string, label: string): Tensor | undefined {
  const s = ins[i];
  if (s === undefined) return undefined;
  if (s.kind !== "const") {
    throw new UserError(
      `${label}: input ${i} ('${node.inputs[i]}', the ${what}) must be a constant known when the network is built ` +
        `(an initializer, a Constant node or a shape computation), but it depends on the data or the parameters`
    );
  }
  return s.tensor;
}

function requiredInput(node: ParsedNode, ins: readonly (Slot | undefined)[], i: number, label: string): Slot {
  const s = ins[i];
  if (s === undefined) throw new UserError(`${label}: input ${i} is required but missing`);
  return s;
}

function fold<T>(label: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FoldError || e instanceof ShapeError) throw new UserError(`${label}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Emission

/** Apply an IR op to slots: evaluated now when every input is constant, else added to the network. */
function applyOp(ctx: NodeContext, label: string, op: string, ins: readonly Slot[], attrs: Attrs): Slot {
  return fold(label, () => {
    if (ins.every((s) => s.kind === "const")) {
      const consts = ins.map((s) => (s as { tensor: Tensor }).tensor);
      const direct = foldIntElementwise(op, consts);
      if (direct) return cst(direct);
      const sg = new GraphBuilder(ctx.floatType);
      const y = sg.op(op, consts.map((t) => sg.constant(t)), attrs);
      return cst(evaluate(sg.build({ y }), {})["y"]!);
    }
    return { kind: "value", value: ctx.g.op(op, ins.map((s) => asValue(ctx.g, s)), attrs) };
  });
}

function castTarget(to: number, floatType: "float32" | "float64", label: string): DType {
  switch (to) {
    case TensorDataType.FLOAT:
    case TensorDataType.DOUBLE:
    case TensorDataType.FLOAT16:
    case TensorDataType.BFLOAT16:
      // One float type per network: a cast between float widths keeps the network's own.
      return floatType;
    case TensorDataType.INT64:
    case TensorDataType.INT32:
    case TensorDataType.INT16:
    case TensorDataType.INT8:
    case TensorDataType.UINT8:
    case TensorDataType.UINT16:
    case TensorDataType.UINT32:
      return "int64";
    case TensorDataType.BOOL:
      return "bool";
    default:
      throw new UserError(`${label}: Cast to ONNX data type ${onnxTypeName(to)} is not supported`);
  }
}

function staticAttr(def: OpDef, name: string, t: Tensor, label: string): AttrValue {
  if (def.onnx?.scalarAttrInputs?.includes(name)) {
    if (t.data.length !== 1) throw new UserError(`${label}: the ${name} input must hold one value, got shape ${fmtShape(t.shape)}`);
    return t.data[0]!;
  }
  return fold(label, () => intsOf(t, name));
}

/** The generic path: ONNX inputs split into tensor inputs and static attributes of the IR op. */
function emitIrOp(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string, handled: ReadonlySet<string> = new Set()): { attrs: Record<string, AttrValue>; tensors: Slot[]; def: OpDef } {
  const def = getOp(node.opType);
  const positions = attrInputPositions(node.opType, ctx.opset);
  const attrs = irAttrs(def, node, label, handled);
  const tensors: Slot[] = [];
  let gap = -1;
  for (let i = 0; i < ins.length; i++) {
    const name = positions.get(i);
    if (name !== undefined) {
      const t = constInput(node, ins, i, name, label);
      if (t !== undefined) attrs[name] = staticAttr(def, name, t, label);
      continue;
    }
    if (i >= def.maxInputs) throw new UserError(`${label}: has ${ins.length} inputs; losscape's ${def.name} takes at most ${def.maxInputs}`);
    const s = ins[i];
    if (s === undefined) {
      if (gap < 0) gap = i;
      continue;
    }
    if (gap >= 0) throw new UserError(`${label}: optional input ${gap} is omitted but input ${i} is given, which losscape's ${def.name} cannot express`);
    tensors.push(s);
  }
  if (tensors.length < def.minInputs) throw new UserError(`${label}: needs at least ${def.minInputs} inputs, got ${tensors.length}`);
  return { attrs, tensors, def };
}

function constantNode(ctx: NodeContext, node: ParsedNode, label: string): Slot {
  if (node.attrs.size !== 1) throw new UserError(`${label}: a Constant node needs exactly one value attribute, got ${[...node.attrs.keys()].join(", ") || "none"}`);
  const [[k, a]] = [...node.attrs] as [[string, OnnxAttr]];
  const f = ctx.floatType;
  if (k === "value" && a.kind === "tensor") return cst(toFloatType(a.value, f));
  if (k === "value_float" && a.kind === "float") return cst({ dtype: f, shape: [], data: Float64Array.of(a.value) });
  if (k === "value_floats" && a.kind === "floats") return cst({ dtype: f, shape: [a.value.length], data: Float64Array.from(a.value) });
  if (k === "value_int" && a.kind === "int") return cst({ dtype: "int64", shape: [], data: Float64Array.of(a.value) });
  if (k === "value_ints" && a.kind === "ints") return cst({ dtype: "int64", shape: [a.value.length], data: Float64Array.from(a.value) });
  throw new UserError(`${label}: Constant attribute '${k}' (${describeAttr(a)}) is not supported`);
}

function splitNode(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string): Slot[] {
  const x = requiredInput(node, ins, 0, label);
  const shape = slotShape(x);
  const axis = fold(label, () => normAxis(intAttr(node, "axis", 0, label), shape.length, "Split axis"));
  const dim = shape[axis]!;
  const k = node.outputs.length;
  const splitT = constInput(node, ins, 1, "split sizes", label);
  const splitA = node.attrs.get("split");
  let sizes: number[];
  if (splitT) sizes = fold(label, () => intsOf(splitT, "split"));
  else if (splitA?.kind === "ints") sizes = splitA.value;
  else {
    // Equal parts; since opset 18 the last may be smaller (ceil), before that they must divide evenly.
    const part = Math.ceil(dim / k);
    sizes = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(part, dim - i * part)));
    if (ctx.opset < 18 && dim % k !== 0) throw new UserError(`${label}: axis ${axis} of size ${dim} does not split into ${k} equal parts`);
  }
  if (sizes.length !== k || sizes.reduce((a, b) => a + b, 0) !== dim || sizes.some((s) => s < 0)) {
    throw new UserError(`${label}: split sizes [${sizes.join(",")}] do not cover axis ${axis} of size ${dim} in ${k} outputs`);
  }
  const out: Slot[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(applyOp(ctx, label, "Slice", [x], { starts: [start], ends: [start + s], axes: [axis] }));
    start += s;
  }
  return out;
}

function gatherNode(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string): Slot {
  const data = requiredInput(node, ins, 0, label);
  const indices = constInput(node, ins, 1, "indices", label);
  if (!indices) throw new UserError(`${label}: input 1 (indices) is required but missing`);
  const axis = intAttr(node, "axis", 0, label);
  if (data.kind === "const") return cst(fold(label, () => foldGather(data.tensor, indices, axis)));
  if (hasOp("Gather")) return { kind: "value", value: fold(label, () => ctx.g.op("Gather", [data.value, ctx.g.constant(indices)], { axis })) };
  // Constant indices into a network value (x[:, 0]) are slices along the axis, concatenated and reshaped.
  const plan = fold(label, () => gatherPlan(data.value.shape, indices, axis));
  const g = ctx.g;
  const pieces = plan.idx.map((i) => g.slice(data.value, [i], [i + 1], [plan.axis]));
  if (pieces.length === 0) throw new UserError(`${label}: Gather with no indices is not supported`);
  return { kind: "value", value: fold(label, () => g.reshape(g.concat(pieces, plan.axis), plan.shape)) };
}

function reshapeNode(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string): Slot {
  const x = requiredInput(node, ins, 0, label);
  const target = constInput(node, ins, 1, "target shape", label);
  if (!target) throw new UserError(`${label}: input 1 (shape) is required but missing`);
  const dims = fold(label, () => intsOf(target, "shape"));
  const allowzero = intAttr(node, "allowzero", 0, label) !== 0;
  if (allowzero && dims.includes(0)) throw new UserError(`${label}: allowzero=1 with a 0 in the target shape [${dims.join(",")}] is not supported`);
  for (const k of node.attrs.keys()) if (k !== "allowzero") throw new UserError(`${label}: attribute '${k}' is not supported`);
  const shape = fold(label, () => resolveReshape(slotShape(x), dims));
  if (x.kind === "const") return cst(withShape(x.tensor, shape));
  return { kind: "value", value: fold(label, () => ctx.g.reshape(x.value, shape)) };
}

function squeezeLike(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string): Slot {
  const x = requiredInput(node, ins, 0, label);
  const axesT = constInput(node, ins, 1, "axes", label);
  const axes = axesT ? fold(label, () => intsOf(axesT, "axes")) : undefined;
  const unsq = node.opType === "Unsqueeze";
  if (unsq && axes === undefined) throw new UserError(`${label}: input 1 (axes) is required but missing`);
  const shape = fold(label, () => (unsq ? unsqueezeShape(slotShape(x), axes!) : squeezeShape(slotShape(x), axes)));
  if (x.kind === "const") return cst(withShape(x.tensor, shape));
  if (hasOp(node.opType)) {
    const { attrs, tensors } = emitIrOp(ctx, node, ins, label);
    return applyOp(ctx, label, node.opType, tensors, attrs);
  }
  return { kind: "value", value: fold(label, () => ctx.g.reshape(x.value, shape)) };
}

function reduceNode(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string): Slot {
  const { attrs, tensors } = emitIrOp(ctx, node, ins, label, new Set(["noop_with_empty_axes"]));
  const axes = attrs["axes"] as readonly number[] | undefined;
  if (axes === undefined || axes.length === 0) {
    delete attrs["axes"];
    if (intAttr(node, "noop_with_empty_axes", 0, label) !== 0) return tensors[0]!;
  }
  return applyOp(ctx, label, node.opType, tensors, attrs);
}

function padNode(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[], label: string): Slot {
  const { attrs, tensors } = emitIrOp(ctx, node, ins, label);
  const axes = attrs["axes"] as readonly number[] | undefined;
  if (axes !== undefined) {
    delete attrs["axes"];
    const rank = slotShape(tensors[0]!).length;
    const given = (attrs["pads"] as readonly number[] | undefined) ?? [];
    if (given.length !== 2 * axes.length) throw new UserError(`${label}: pads [${given.join(",")}] do not match axes [${axes.join(",")}]`);
    const full = new Array<number>(2 * rank).fill(0);
    axes.forEach((a, k) => {
      const ax = fold(label, () => normAxis(a, rank, "Pad axis"));
      full[ax] = given[k]!;
      full[rank + ax] = given[axes.length + k]!;
    });
    attrs["pads"] = full;
  }
  return applyOp(ctx, label, node.opType, tensors, attrs);
}

/**
 * The IR values of one node's outputs (only the first, except for Split). `ins` holds the node's inputs
 * by position, undefined where omitted.
 */
export function importNode(ctx: NodeContext, node: ParsedNode, ins: readonly (Slot | undefined)[]): Slot[] {
  const label = nodeLabel(ctx.path, node);
  switch (node.opType) {
    case "Constant":
      return [constantNode(ctx, node, label)];
    case "Identity":
      return [requiredInput(node, ins, 0, label)];
    case "Dropout": {
      // Inference: the identity. A constant true training_mode would make it random.
      const mode = constInput(node, ins, 2, "training_mode", label);
      if (mode && mode.data[0] !== 0) throw new UserError(`${label}: Dropout runs in training mode (training_mode = true); export the model in eval mode`);
      return [requiredInput(node, ins, 0, label)];
    }
    case "Shape": {
      const x = requiredInput(node, ins, 0, label);
      const start = node.attrs.has("start") ? intAttr(node, "start", 0, label) : undefined;
      const end = node.attrs.has("end") ? intAttr(node, "end", 0, label) : undefined;
      return [cst(foldShape(slotShape(x), start, end))];
    }
    case "Size":
      return [cst(foldSize(slotShape(requiredInput(node, ins, 0, label))))];
    case "ConstantOfShape": {
      const shape = constInput(node, ins, 0, "shape", label);
      if (!shape) throw new UserError(`${label}: input 0 (shape) is required but missing`);
      const v = node.attrs.get("value");
      if (v !== undefined && (v.kind !== "tensor" || v.value.data.length !== 1)) throw new UserError(`${label}: attribute 'value' must be a one-element tensor`);
      const value = v?.kind === "tensor" ? toFloatType(v.value, ctx.floatType) : undefined;
      return [cst(fold(label, () => foldConstantOfShape(shape, value, ctx.floatType)))];
    }
    case "Range": {
      const [s, l, d] = [0, 1, 2].map((i) => constInput(node, ins, i, ["start", "limit", "delta"][i]!, label));
      if (!s || !l || !d) throw new UserError(`${label}: Range needs start, limit and delta`);
      return [cst(fold(label, () => foldRange(s, l, d)))];
    }
    case "Gather":
      return [gatherNode(ctx, node, ins, label)];
    case "Split":
      return splitNode(ctx, node, ins, label);
    case "Reshape":
      return [reshapeNode(ctx, node, ins, label)];
    case "Squeeze":
    case "Unsqueeze":
      return [squeezeLike(ctx, node, ins, label)];
    case "Cast": {
      const x = requiredInput(node, ins, 0, label);
      const { tensors } = emitIrOp(ctx, node, ins, label, new Set(["to", "saturate"]));
      const toAttr = node.attrs.get("to");
      if (toAttr?.kind !== "int") throw new UserError(`${label}: attribute 'to' is missing or not an int`);
      const to = castTarget(toAttr.value, ctx.floatType, label);
      if (slotDType(x) === to) return [x];
      return [applyOp(ctx, label, "Cast", tensors, { to })];
    }
    case "Pad":
      return [padNode(ctx, node, ins, label)];
    case "Pow": {
      // ONNX lets the exponent have its own type (x ** 2 with an int64 2); the IR's Pow wants one float type.
      const e = ins[1];
      const exp = e?.kind === "const" && !isFloat(e.tensor.dtype) ? cst({ ...e.tensor, dtype: ctx.floatType }) : e;
      const { attrs, tensors } = emitIrOp(ctx, node, [ins[0], exp], label);
      return [applyOp(ctx, label, "Pow", tensors, attrs)];
    }
    default: {
      if (/^Reduce/.test(node.opType)) return [reduceNode(ctx, node, ins, label)];
      const { attrs, tensors } = emitIrOp(ctx, node, ins, label);
      return [applyOp(ctx, label, node.opType, tensors, attrs)];
    }
  }
}
