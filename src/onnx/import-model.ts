/**
 * ONNX model file -> an importable network: its data input and output, its initializers with a role
 * each (trainable parameter, fixed buffer, or constant), and `build`, which instantiates the network into
 * any GraphBuilder once the data input's shape is known. The caller (the loss-problem layer) decides what
 * θ is; the importer only says which initializers can be part of it.
 *
 * Every problem with the file is a UserError naming the file and the node, input or field at fault.
 */
import { dirname } from "node:path";
import type { GraphBuilder, Value } from "../ir/builder.js";
import { isFloat, type DType } from "../ir/dtype.js";
import { fmtShape } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import {
  TensorDataType,
  decodeModel,
  type GraphProtoLike,
  type ModelProtoLike,
  type ValueInfoProtoLike
} from "../exec/onnx/onnx-proto.js";
import { readFileBytes } from "../io/read-file.js";
import { UserError } from "../util/errors.js";
import { decodeAttribute, type OnnxAttr } from "./attributes.js";
import { decodeTensor, onnxTypeName, tensorSource, type TensorSource } from "./initializers.js";
import {
  allowsExtraOutputs,
  asValue,
  importNode,
  isStaticUse,
  isSupportedOp,
  nodeLabel,
  supportedOpTypes,
  toFloatType,
  type NodeContext,
  type ParsedNode,
  type Slot
} from "./node-import.js";

export type InitializerRole = "param" | "buffer" | "constant";

export interface ImportedInitializer {
  name: string;
  /** As stored in the file (int32 is reported as int64, the type it imports as). */
  dtype: DType;
  shape: number[];
  /** The values as float64, converted exactly (int64 beyond 2^53 clamped, see clampInt64). */
  data: Float64Array;
  role: InitializerRole;
}

export interface ImportedModel {
  /** For messages. */
  path: string;
  opsetVersion: number;
  producer: string;
  inputName: string;
  /** e.g. ["N", 1, 28, 28]; a symbolic dimension (only dim 0 may be one) is its name, "?" when unnamed. */
  inputShape: (number | string)[];
  outputName: string;
  outputShape: (number | string)[];
  /** In file order (graph.initializer order). */
  initializers: ImportedInitializer[];
  /** Distinct ONNX op types of the graph's nodes, sorted. */
  opTypes: string[];
  /**
   * Instantiate the network into `g`: `x` is the data input [n, ...] (float32 or float64; the whole
   * network computes in x's float type); `tensors` maps every param and buffer initializer name to a value
   * of that type and the initializer's shape; constants are baked in. Shape computations are folded now
   * that x's shape is static. Returns the single output value.
   */
  build(g: GraphBuilder, x: Value, tensors: ReadonlyMap<string, Value>): Value;
  /** As `build`, and every intermediate value by its ONNX name (constants folded at build time included). */
  buildValues(g: GraphBuilder, x: Value, tensors: ReadonlyMap<string, Value>): { output: Value; values: ReadonlyMap<string, Value>; constants: ReadonlyMap<string, Tensor> };
  /** The nodes the output depends on, in graph order, as parsed (for analyses that trace the graph). */
  nodes: readonly ParsedNode[];
  /**
   * Present when the network splits after its first op and that op is linear in the parameters it reads:
   * the only node that reads the data input's values (Shape/Size of it only read its shape) is a Conv,
   * Gemm or MatMul taking the data as its first input, and all its other inputs are param initializers.
   * Then the network is buildRest(buildFirst(x)), and buildFirst is linear in those params jointly (a
   * bias included: conv(x, W, b) is linear in the pair (W, b)), which lets a surface precompute it.
   */
  firstLinear?: FirstLinearSplit;
}

export interface FirstLinearSplit {
  /** The node's name (its first output's name when unnamed), for messages and manifests. */
  node: string;
  opType: "Conv" | "Gemm" | "MatMul";
  /** The param initializers the node reads, in input order (weight, then bias). */
  params: string[];
  /** The first op's output for data x; `tensors` as for build (only `params` are read). */
  buildFirst(g: GraphBuilder, x: Value, tensors: ReadonlyMap<string, Value>): Value;
  /**
   * The network from the first op's output `z` on. `xShape` is the data's shape (shape chains on the data
   * input are folded from it; its values are never read); `tensors` as for build.
   */
  buildRest(g: GraphBuilder, z: Value, xShape: readonly number[], tensors: ReadonlyMap<string, Value>): Value;
}

export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

function decodeOrExplain(bytes: Uint8Array, path: string): ModelProtoLike {
  let model: ModelProtoLike;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const why = e.message.replace(/^not a valid ONNX model: /, "");
    const truncated = /index out of range|premature|unexpected end/i.test(why);
    throw new UserError(`${path} is not an ONNX model (${truncated ? `the file ends early, truncated? protobuf: ${why}` : `protobuf: ${why}`})`);
  }
  if (!model.graph) throw new UserError(`${path} is not an ONNX model (it has no graph)`);
  return model;
}

function opsetOf(model: ModelProtoLike, path: string): number {
  const entry = (model.opsetImport ?? []).find((o) => (o.domain ?? "") === "" || o.domain === "ai.onnx");
  if (!entry || entry.version === undefined) throw new UserError(`${path}: the model imports no ai.onnx operator set (opset_import is empty)`);
  const v = Number(entry.version);
  if (!(v >= MIN_OPSET && v <= MAX_OPSET)) {
    throw new UserError(`${path}: ONNX opset ${v} is not supported (supported: ${MIN_OPSET}–${MAX_OPSET}); export the model again with opset_version=17`);
  }
  return v;
}

function tensorInfo(vi: ValueInfoProtoLike, what: string, path: string): { elemType: number; dims: (number | string)[] | undefined } {
  const tt = vi.type?.tensorType;
  if (!tt) throw new UserError(`${path}: ${what} '${vi.name ?? ""}' is not a tensor (sequences and maps are not supported)`);
  const dims = tt.shape?.dim?.map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : d.dimParam !== undefined && d.dimParam !== "" ? d.dimParam : "?"));
  return { elemType: tt.elemType ?? 0, dims };
}

function parseNodes(graph: GraphProtoLike, src: TensorSource): ParsedNode[] {
  return (graph.node ?? []).map((n, index) => {
    const base: ParsedNode = {
      index,
      name: n.name ?? "",
      opType: n.opType ?? "",
      domain: n.domain ?? "",
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attrs: new Map()
    };
    const label = nodeLabel(src.path, base);
    const attrs = new Map<string, OnnxAttr>();
    for (const a of n.attribute ?? []) {
      if (!a.name) throw new UserError(`${label}: has an attribute without a name`);
      if (a.refAttrName) throw new UserError(`${label}: attribute '${a.name}' refers to a function attribute, which is not supported`);
      attrs.set(a.name, decodeAttribute(a, label, src));
    }
    return { ...base, attrs };
  });
}

/** Nodes the output depends on, in file order (ONNX requires topological order). */
function liveNodes(nodes: readonly ParsedNode[], output: string): ParsedNode[] {
  const producer = new Map<string, ParsedNode>();
  for (const n of nodes) for (const o of n.outputs) if (o !== "") producer.set(o, n);
  const live = new Set<number>();
  const stack = [output];
  while (stack.length) {
    const p = producer.get(stack.pop()!);
    if (!p || live.has(p.index)) continue;
    live.add(p.index);
    for (const i of p.inputs) if (i !== "") stack.push(i);
  }
  return nodes.filter((n) => live.has(n.index));
}

function checkNodes(nodes: readonly ParsedNode[], output: string, path: string): void {
  const used = new Set<string>([output]);
  for (const n of nodes) for (const i of n.inputs) used.add(i);
  for (const n of nodes) {
    const domainOk = n.domain === "" || n.domain === "ai.onnx";
    if (!domainOk || !isSupportedOp(n.opType)) {
      const name = n.name !== "" ? n.name : `(unnamed, output "${n.outputs[0] ?? ""}")`;
      const op = domainOk ? n.opType : `${n.domain}.${n.opType}`;
      throw new UserError(`${path}: unsupported ONNX op "${op}" at node "${name}" (#${n.index}); supported: ${supportedOpTypes().join(", ")}`);
    }
    if (allowsExtraOutputs(n.opType)) continue;
    n.outputs.forEach((o, k) => {
      if (k > 0 && o !== "" && used.has(o)) {
        throw new UserError(`${nodeLabel(path, n)}: its output ${k} ('${o}') is used, but losscape imports only the first output of ${n.opType}`);
      }
    });
  }
}

function roleOf(t: Tensor, use: { dynamic: number; buffer: boolean } | undefined): InitializerRole {
  if (!isFloat(t.dtype)) return "constant";
  if (use?.buffer) return "buffer";
  // A scalar is a fixed hyper-constant (a GELU divisor, an epsilon) in every exporter's output, not a weight.
  if (t.shape.length === 0) return "constant";
  // Unused, or read only for its values as shapes, axes, bounds or exponents.
  if (!use || use.dynamic === 0) return "constant";
  return "param";
}

function initializerRoles(nodes: readonly ParsedNode[], names: ReadonlySet<string>, opset: number): Map<string, { dynamic: number; buffer: boolean }> {
  const uses = new Map<string, { dynamic: number; buffer: boolean }>();
  for (const n of nodes) {
    n.inputs.forEach((name, i) => {
      if (!names.has(name)) return;
      const u = uses.get(name) ?? { dynamic: 0, buffer: false };
      // BatchNormalization's running mean and variance: state, not trained by gradient.
      if (n.opType === "BatchNormalization" && (i === 3 || i === 4)) u.buffer = true;
      else if (!isStaticUse(n.opType, opset, i)) u.dynamic++;
      uses.set(name, u);
    });
  }
  return uses;
}

export function importOnnxModel(bytes: Uint8Array, opts: { path: string; dir: string }): ImportedModel {
  const { path } = opts;
  const model = decodeOrExplain(bytes, path);
  const graph = model.graph!;
  const opsetVersion = opsetOf(model, path);
  const src = tensorSource(path, opts.dir);

  const initTensors = new Map<string, Tensor>();
  const initOrder: string[] = [];
  for (const t of graph.initializer ?? []) {
    const name = t.name ?? "";
    if (name === "") throw new UserError(`${path}: an initializer has no name`);
    if (initTensors.has(name)) throw new UserError(`${path}: initializer '${name}' is defined twice`);
    initTensors.set(name, decodeTensor(t, `initializer '${name}'`, src).tensor);
    initOrder.push(name);
  }

  // Older exporters (IR version < 4) list every initializer among graph.input as well.
  const dataInputs = (graph.input ?? []).filter((i) => !initTensors.has(i.name ?? ""));
  if (dataInputs.length === 0) throw new UserError(`${path}: the model has no data input (every graph input is an initializer)`);
  if (dataInputs.length > 1) {
    throw new UserError(`${path}: the model has ${dataInputs.length} data inputs (${dataInputs.map((i) => `'${i.name}'`).join(", ")}); losscape imports models with exactly one`);
  }
  const input = dataInputs[0]!;
  const inputName = input.name ?? "";
  const inInfo = tensorInfo(input, "input", path);
  if (inInfo.elemType !== TensorDataType.FLOAT && inInfo.elemType !== TensorDataType.DOUBLE) {
    throw new UserError(`${path}: input '${inputName}' has element type ${onnxTypeName(inInfo.elemType)}; losscape imports models whose data input is FLOAT or DOUBLE`);
  }
  if (!inInfo.dims) throw new UserError(`${path}: input '${inputName}' has no shape in the model file`);
  const inputShape = inInfo.dims;
  inputShape.forEach((d, i) => {
    if (i > 0 && typeof d === "string") {
      throw new UserError(
        `${path}: input '${inputName}' dim ${i} is symbolic (${d === "?" ? "no size given" : `"${d}"`}); only dim 0 (the batch) may be symbolic`
      );
    }
  });

  const outputs = graph.output ?? [];
  if (outputs.length !== 1) {
    throw new UserError(`${path}: the model has ${outputs.length} outputs${outputs.length ? ` (${outputs.map((o) => `'${o.name}'`).join(", ")})` : ""}; losscape imports models with exactly one`);
  }
  const outputName = outputs[0]!.name ?? "";
  const outputShape = tensorInfo(outputs[0]!, "output", path).dims ?? [];

  const allNodes = parseNodes(graph, src);
  const nodes = liveNodes(allNodes, outputName);
  const produced = new Set<string>([inputName, ...initTensors.keys()]);
  for (const n of allNodes) for (const o of n.outputs) produced.add(o);
  if (!produced.has(outputName)) throw new UserError(`${path}: output '${outputName}' is produced by no node`);
  checkNodes(nodes, outputName, path);

  const uses = initializerRoles(nodes, new Set(initTensors.keys()), opsetVersion);
  const initializers: ImportedInitializer[] = initOrder.map((name) => {
    const t = initTensors.get(name)!;
    return { name, dtype: t.dtype, shape: [...t.shape], data: t.data, role: roleOf(t, uses.get(name)) };
  });
  const opTypes = [...new Set(allNodes.map((n) => n.opType))].sort();

  const initialSlots = (floatType: "float32" | "float64", tensors: ReadonlyMap<string, Value>, only?: readonly string[]): Map<string, Slot> => {
    const slots = new Map<string, Slot>();
    for (const init of initializers) {
      if (init.role === "constant") {
        slots.set(init.name, { kind: "const", tensor: toFloatType(initTensors.get(init.name)!, floatType) });
        continue;
      }
      if (only && !only.includes(init.name)) continue;
      const v = tensors.get(init.name);
      if (!v) throw new Error(`build: no value given for ${init.role} '${init.name}' of ${path}`);
      if (v.dtype !== floatType || v.shape.length !== init.shape.length || v.shape.some((d, i) => d !== init.shape[i])) {
        throw new Error(`build: '${init.name}' must be ${floatType} ${fmtShape(init.shape)}, got ${v.dtype} ${fmtShape(v.shape)}`);
      }
      slots.set(init.name, { kind: "value", value: v });
    }
    return slots;
  };
  const runNodes = (ctx: NodeContext, slots: Map<string, Slot>, which: readonly ParsedNode[]): void => {
    for (const node of which) {
      const ins = node.inputs.map((name) => {
        if (name === "") return undefined;
        const s = slots.get(name);
        if (!s) throw new UserError(`${nodeLabel(path, node)}: input '${name}' is not produced by any earlier node, initializer or graph input`);
        return s;
      });
      const outs = importNode(ctx, node, ins);
      node.outputs.forEach((o, k) => {
        const s = outs[k];
        if (o !== "" && s) slots.set(o, s);
      });
    }
  };
  const floatTypeOf = (v: Value, what: string): "float32" | "float64" => {
    if (v.dtype !== "float32" && v.dtype !== "float64") throw new Error(`${what} must be float32 or float64, got ${v.dtype}`);
    return v.dtype;
  };
  const outputOf = (g: GraphBuilder, slots: ReadonlyMap<string, Slot>): Value => {
    const y = slots.get(outputName);
    if (!y) throw new UserError(`${path}: output '${outputName}' is produced by no node`);
    const out = asValue(g, y);
    checkOutputShape(out.shape, outputShape, inputShape, outputName, path);
    return out;
  };

  const buildSlots = (g: GraphBuilder, x: Value, tensors: ReadonlyMap<string, Value>): Map<string, Slot> => {
    const floatType = floatTypeOf(x, "build: the data input");
    checkDataShape(x.shape, inputShape, inputName, path);
    const slots = initialSlots(floatType, tensors);
    slots.set(inputName, { kind: "value", value: x });
    runNodes({ g, floatType, opset: opsetVersion, path }, slots, nodes);
    return slots;
  };
  const build = (g: GraphBuilder, x: Value, tensors: ReadonlyMap<string, Value>): Value => outputOf(g, buildSlots(g, x, tensors));
  const buildValues: ImportedModel["buildValues"] = (g, x, tensors) => {
    const slots = buildSlots(g, x, tensors);
    const values = new Map<string, Value>();
    const constants = new Map<string, Tensor>();
    for (const [name, s] of slots) {
      values.set(name, asValue(g, s));
      if (s.kind === "const") constants.set(name, s.tensor);
    }
    return { output: outputOf(g, slots), values, constants };
  };

  const split = firstLinearNode(nodes, inputName, outputName, initializers, opsetVersion);
  let firstLinear: FirstLinearSplit | undefined;
  if (split) {
    const rest = nodes.filter((n) => n !== split.node);
    firstLinear = {
      node: split.node.name !== "" ? split.node.name : split.node.outputs[0]!,
      opType: split.opType,
      params: split.params,
      buildFirst(g, x, tensors) {
        const floatType = floatTypeOf(x, "buildFirst: the data input");
        checkDataShape(x.shape, inputShape, inputName, path);
        const slots = initialSlots(floatType, tensors, split.params);
        slots.set(inputName, { kind: "value", value: x });
        runNodes({ g, floatType, opset: opsetVersion, path }, slots, [split.node]);
        return asValue(g, slots.get(split.node.outputs[0]!)!);
      },
      buildRest(g, z, xShape, tensors) {
        const floatType = floatTypeOf(z, "buildRest: the first op's output");
        checkDataShape(xShape, inputShape, inputName, path);
        const slots = initialSlots(floatType, tensors);
        // Only Shape/Size nodes still read the data input (firstLinearNode checked it), and they read its
        // shape alone: a shape-only stand-in keeps the data out of this graph.
        slots.set(inputName, { kind: "const", tensor: { dtype: floatType, shape: [...xShape], data: new Float64Array(0) } });
        slots.set(split.node.outputs[0]!, { kind: "value", value: z });
        runNodes({ g, floatType, opset: opsetVersion, path }, slots, rest);
        return outputOf(g, slots);
      }
    };
  }

  return {
    path,
    opsetVersion,
    producer: [model.producerName, model.producerVersion].filter((s) => s).join(" "),
    inputName,
    inputShape,
    outputName,
    outputShape,
    initializers,
    opTypes,
    build,
    buildValues,
    nodes,
    ...(firstLinear ? { firstLinear } : {})
  };
}

const LINEAR_FIRST_OPS = ["Conv", "Gemm", "MatMul"] as const;
const SHAPE_ONLY_OPS = new Set(["Shape", "Size"]);

/**
 * The node a surface may precompute, if the network has one (see ImportedModel.firstLinear): the data
 * input's one value consumer, linear in its param inputs jointly, with the data as its first input (so
 * row i of its output is sample i's, and the batch of the rest is the data's).
 */
function firstLinearNode(
  nodes: readonly ParsedNode[],
  inputName: string,
  outputName: string,
  initializers: readonly ImportedInitializer[],
  opset: number
): { node: ParsedNode; opType: FirstLinearSplit["opType"]; params: string[] } | null {
  if (outputName === inputName) return null;
  const readers = nodes.filter((n) => n.inputs.includes(inputName));
  const valueReaders = readers.filter((n) => !(SHAPE_ONLY_OPS.has(n.opType) && n.inputs.indexOf(inputName) === 0 && n.inputs.lastIndexOf(inputName) === 0));
  if (valueReaders.length !== 1) return null;
  const node = valueReaders[0]!;
  const opType = LINEAR_FIRST_OPS.find((o) => o === node.opType);
  if (!opType || node.inputs[0] !== inputName || node.inputs.lastIndexOf(inputName) !== 0) return null;
  if (opType === "Gemm") {
    const transA = node.attrs.get("transA");
    if (transA !== undefined && !(transA.kind === "int" && transA.value === 0)) return null;
  }
  const role = new Map(initializers.map((i) => [i.name, i.role]));
  const params: string[] = [];
  for (let i = 1; i < node.inputs.length; i++) {
    const name = node.inputs[i]!;
    if (name === "") continue;
    // A constant or buffer operand (a fixed bias) would make the op affine, not linear, in θ; a static
    // attribute input is not an operand at all and cannot occur on these ops.
    if (role.get(name) !== "param" || isStaticUse(opType, opset, i)) return null;
    params.push(name);
  }
  if (params.length === 0) return null;
  return { node, opType, params };
}

function checkDataShape(shape: readonly number[], declared: readonly (number | string)[], name: string, path: string): void {
  if (shape.length !== declared.length) {
    throw new UserError(`${path}: input '${name}' has shape [${declared.join(",")}], so the data must have rank ${declared.length}; got ${fmtShape(shape)}`);
  }
  declared.forEach((d, i) => {
    if (typeof d !== "number" || d === shape[i]) return;
    if (i === 0) {
      throw new UserError(
        `${path}: input '${name}' has a fixed batch size of ${d} (shape [${declared.join(",")}]), but the data has ${shape[0]} samples; ` +
          `export the model with a symbolic batch dimension, e.g. torch.onnx.export(..., dynamic_axes={"${name}": {0: "N"}})`
      );
    }
    throw new UserError(`${path}: input '${name}' has shape [${declared.join(",")}], but the data has shape ${fmtShape(shape)} (dim ${i} differs)`);
  });
}

function checkOutputShape(shape: readonly number[], declared: readonly (number | string)[], inputShape: readonly (number | string)[], name: string, path: string): void {
  if (declared.length === 0) return;
  const bad =
    shape.length !== declared.length ||
    declared.some((d, i) => typeof d === "number" && d !== shape[i] && (i > 0 || typeof inputShape[0] === "number"));
  if (bad) throw new UserError(`${path}: output '${name}' is declared with shape [${declared.join(",")}], but the graph computes ${fmtShape(shape)}`);
}

/** Read and import a model file; external data is looked up beside it. */
export function loadOnnxModel(path: string): ImportedModel {
  return importOnnxModel(readFileBytes(path), { path, dir: dirname(path) });
}
