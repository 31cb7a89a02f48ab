import type { DType } from "./dtype.js";
import { isFloat } from "./dtype.js";
import type { Attrs, Graph, Node, ValueType } from "./graph.js";
import { liveNodes } from "./graph.js";
import { getOp } from "./registry.js";
import { ShapeError, fmtShape, sameShape, sizeOf, type Shape } from "./shape.js";
import { scalar, type Tensor } from "./tensor.js";

/** A handle to a value under construction. */
export class Value implements ValueType {
  constructor(
    readonly builder: GraphBuilder,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: readonly number[]
  ) {}

  get rank(): number {
    return this.shape.length;
  }
}

export type Operand = Value | number;

/** A node rewrite for GraphBuilder.fromGraph: the node's replacement, or undefined to copy it. */
export type NodeRule = (g: GraphBuilder, node: Node, inputs: Value[]) => Value | undefined;

interface MutableNode extends ValueType {
  id: number;
  op: string;
  inputs: number[];
  attrs: Attrs;
}

/** Small constants are interned by value; big ones (data sets) only by identity. */
const INTERN_CONSTANT_MAX = 16;

/**
 * Builds graphs by tracing ordinary TypeScript: `const e = g.sub(g.matmul(X, w), y); g.reduceSum(g.mul(e, e))`.
 * Identical nodes are shared (hash-consing), which keeps derivative graphs small.
 */
export class GraphBuilder {
  private readonly nodes: MutableNode[] = [];
  private readonly inputNames = new Map<string, number>();
  private readonly interned = new Map<string, number>();
  private readonly tensorIds = new WeakMap<Tensor, number>();

  /** Default float dtype for constants created from JS numbers with no other operand to copy. */
  constructor(readonly floatType: "float32" | "float64" = "float64") {}

  // ---- leaves -------------------------------------------------------------------------------

  input(name: string, shape: Shape, dtype: DType = this.floatType): Value {
    if (this.inputNames.has(name)) throw new Error(`duplicate graph input "${name}"`);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new ShapeError(`input "${name}" has invalid shape ${fmtShape(shape)}`);
    }
    const id = this.push({ op: "Input", inputs: [], attrs: { name }, dtype, shape: [...shape] });
    this.inputNames.set(name, id);
    return this.wrap(id);
  }

  constant(value: Tensor | number, dtype: DType = this.floatType): Value {
    const t = typeof value === "number" ? scalar(value, dtype) : value;
    const known = this.tensorIds.get(t);
    if (known !== undefined) return this.wrap(known);
    let key: string | undefined;
    if (t.data.length <= INTERN_CONSTANT_MAX) {
      key = `C|${t.dtype}|${t.shape.join(",")}|${Array.from(t.data, (x) => (Object.is(x, -0) ? "-0" : String(x))).join(",")}`;
      const hit = this.interned.get(key);
      if (hit !== undefined) return this.wrap(hit);
    }
    const id = this.push({ op: "Constant", inputs: [], attrs: { value: t }, dtype: t.dtype, shape: [...t.shape] });
    if (key) this.interned.set(key, id);
    this.tensorIds.set(t, id);
    return this.wrap(id);
  }

  /** Emit any registered op; shape/dtype inference runs here so errors surface at build time. */
  op(name: string, inputs: readonly Value[], attrs: Attrs = {}): Value {
    const def = getOp(name);
    if (inputs.length < def.minInputs || inputs.length > def.maxInputs) {
      throw new ShapeError(`${name} takes ${def.minInputs === def.maxInputs ? def.minInputs : `${def.minInputs}..${def.maxInputs}`} inputs, got ${inputs.length}`);
    }
    for (const v of inputs) {
      if (v.builder !== this) throw new Error(`${name}: operand belongs to another graph builder`);
    }
    const full: Attrs = def.defaults ? { ...def.defaults, ...attrs } : attrs;
    let type: ValueType;
    try {
      type = def.infer(inputs, full);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`${name}: ${e.message}`);
      throw e;
    }
    const key = `${name}|${inputs.map((v) => v.id).join(",")}|${attrKey(full)}`;
    const hit = this.interned.get(key);
    if (hit !== undefined) return this.wrap(hit);
    const id = this.push({ op: name, inputs: inputs.map((v) => v.id), attrs: full, dtype: type.dtype, shape: [...type.shape] });
    this.interned.set(key, id);
    return this.wrap(id);
  }

  /** Finish: keep what the outputs need (plus every declared input), renumber, freeze. */
  build(outputs: Readonly<Record<string, Value>>): Graph {
    const outs = Object.entries(outputs);
    if (outs.length === 0) throw new Error("a graph needs at least one output");
    const live = liveNodes({ nodes: this.nodes, inputs: [], outputs: [] }, outs.map(([, v]) => v.id));
    for (const id of this.inputNames.values()) live[id] = 1;
    const remap = new Int32Array(this.nodes.length).fill(-1);
    const nodes: Node[] = [];
    for (const n of this.nodes) {
      if (!live[n.id]) continue;
      remap[n.id] = nodes.length;
      nodes.push({ id: nodes.length, op: n.op, inputs: n.inputs.map((i) => remap[i]!), attrs: n.attrs, dtype: n.dtype, shape: n.shape });
    }
    return {
      nodes,
      inputs: [...this.inputNames.entries()].map(([name, id]) => ({ name, id: remap[id]! })),
      outputs: outs.map(([name, v]) => ({ name, id: remap[v.id]! }))
    };
  }

  /**
   * Copy a graph into a fresh builder; returns the builder and one Value per node of the graph.
   * `rule` may replace any node by other IR (returning undefined copies the node unchanged).
   */
  static fromGraph(graph: Graph, floatType?: "float32" | "float64", rule?: NodeRule): { g: GraphBuilder; values: Value[] } {
    const ft = floatType ?? (graph.nodes.find((n) => isFloat(n.dtype))?.dtype as "float32" | "float64" | undefined) ?? "float64";
    const g = new GraphBuilder(ft);
    const values: Value[] = [];
    for (const n of graph.nodes) {
      const ins = n.inputs.map((i) => values[i]!);
      const replaced = rule?.(g, n, ins);
      if (replaced) values.push(replaced);
      else if (n.op === "Input") values.push(g.input(n.attrs["name"] as string, n.shape, n.dtype));
      else if (n.op === "Constant") values.push(g.constant(n.attrs["value"] as Tensor));
      else values.push(g.op(n.op, ins, n.attrs));
    }
    return { g, values };
  }

  getInput(name: string): Value {
    const id = this.inputNames.get(name);
    if (id === undefined) throw new Error(`no input named "${name}"`);
    return this.wrap(id);
  }

  /** The constant tensor behind a value, if it is a Constant node. */
  constantValue(v: Value): Tensor | undefined {
    const n = this.nodes[v.id]!;
    return n.op === "Constant" ? (n.attrs["value"] as Tensor) : undefined;
  }

  // ---- operand helpers ----------------------------------------------------------------------

  /** Turn JS numbers into scalar constants of the other operand's dtype. */
  lift(a: Operand, like?: Operand): Value {
    if (typeof a !== "number") return a;
    const dtype = typeof like === "number" || like === undefined ? this.floatType : like.dtype;
    return this.constant(a, dtype);
  }

  private binary(op: string, a: Operand, b: Operand): Value {
    return this.op(op, [this.lift(a, b), this.lift(b, a)]);
  }

  // ---- elementwise arithmetic ---------------------------------------------------------------

  add(a: Operand, b: Operand): Value { return this.binary("Add", a, b); }
  sub(a: Operand, b: Operand): Value { return this.binary("Sub", a, b); }
  mul(a: Operand, b: Operand): Value { return this.binary("Mul", a, b); }
  div(a: Operand, b: Operand): Value { return this.binary("Div", a, b); }
  pow(a: Operand, b: Operand): Value { return this.binary("Pow", a, b); }
  max(a: Operand, b: Operand): Value { return this.binary("Max", a, b); }
  min(a: Operand, b: Operand): Value { return this.binary("Min", a, b); }
  greater(a: Operand, b: Operand): Value { return this.binary("Greater", a, b); }
  less(a: Operand, b: Operand): Value { return this.binary("Less", a, b); }
  equal(a: Operand, b: Operand): Value { return this.binary("Equal", a, b); }
  where(cond: Value, a: Operand, b: Operand): Value {
    return this.op("Where", [cond, this.lift(a, b), this.lift(b, a)]);
  }

  neg(x: Value): Value { return this.op("Neg", [x]); }
  abs(x: Value): Value { return this.op("Abs", [x]); }
  sign(x: Value): Value { return this.op("Sign", [x]); }
  exp(x: Value): Value { return this.op("Exp", [x]); }
  log(x: Value): Value { return this.op("Log", [x]); }
  sqrt(x: Value): Value { return this.op("Sqrt", [x]); }
  sin(x: Value): Value { return this.op("Sin", [x]); }
  cos(x: Value): Value { return this.op("Cos", [x]); }
  relu(x: Value): Value { return this.op("Relu", [x]); }
  leakyRelu(x: Value, alpha = 0.01): Value { return this.op("LeakyRelu", [x], { alpha }); }
  sigmoid(x: Value): Value { return this.op("Sigmoid", [x]); }
  tanh(x: Value): Value { return this.op("Tanh", [x]); }
  softplus(x: Value): Value { return this.op("Softplus", [x]); }
  elu(x: Value, alpha = 1): Value { return this.op("Elu", [x], { alpha }); }
  erf(x: Value): Value { return this.op("Erf", [x]); }
  identity(x: Value): Value { return this.op("Identity", [x]); }
  cast(x: Value, to: DType): Value { return x.dtype === to ? x : this.op("Cast", [x], { to }); }
  square(x: Value): Value { return this.mul(x, x); }

  // ---- linear algebra and shapes ------------------------------------------------------------

  matmul(a: Value, b: Value): Value { return this.op("MatMul", [a, b]); }
  gemm(a: Value, b: Value, c?: Value, opts: { alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {}): Value {
    return this.op("Gemm", c ? [a, b, c] : [a, b], {
      alpha: opts.alpha ?? 1,
      beta: opts.beta ?? 1,
      transA: opts.transA ? 1 : 0,
      transB: opts.transB ? 1 : 0
    });
  }
  transpose(x: Value, perm?: readonly number[]): Value {
    return this.op("Transpose", [x], { perm: perm ?? x.shape.map((_, i) => x.rank - 1 - i) });
  }
  reshape(x: Value, shape: readonly number[]): Value {
    return sameShape(x.shape, shape) ? x : this.op("Reshape", [x], { shape: [...shape] });
  }
  flatten(x: Value, axis = 1): Value { return this.op("Flatten", [x], { axis }); }
  concat(xs: readonly Value[], axis: number): Value {
    return xs.length === 1 ? xs[0]! : this.op("Concat", xs, { axis });
  }
  slice(x: Value, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): Value {
    const attrs: Record<string, readonly number[]> = { starts: [...starts], ends: [...ends] };
    if (axes) attrs["axes"] = [...axes];
    if (steps) attrs["steps"] = [...steps];
    return this.op("Slice", [x], attrs);
  }
  expand(x: Value, shape: readonly number[]): Value { return this.op("Expand", [x], { shape: [...shape] }); }
  /** ONNX Conv over [N, C, spatial...]; attribute names as in ONNX (`pads` = [begins..., ends...]). */
  conv(x: Value, w: Value, b?: Value, attrs: ConvAttrs = {}): Value {
    return this.op("Conv", b ? [x, w, b] : [x, w], convAttrs(attrs));
  }
  /** ONNX ConvTranspose; W is [C, M/group, kernel...]. */
  convTranspose(x: Value, w: Value, b?: Value, attrs: ConvAttrs & { output_padding?: readonly number[]; output_shape?: readonly number[] } = {}): Value {
    return this.op("ConvTranspose", b ? [x, w, b] : [x, w], convAttrs(attrs));
  }
  squeeze(x: Value, axes?: readonly number[]): Value { return this.op("Squeeze", [x], axes ? { axes: [...axes] } : {}); }
  unsqueeze(x: Value, axes: readonly number[]): Value { return this.op("Unsqueeze", [x], { axes: [...axes] }); }
  /** Clip to [min, max]; an omitted bound does not clip. */
  clip(x: Value, min?: number, max?: number): Value {
    return this.op("Clip", [x], { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) });
  }
  /** Inference-mode Dropout: the identity. */
  dropout(x: Value, ratio = 0.5): Value { return this.op("Dropout", [x], { ratio }); }

  // ---- normalization ------------------------------------------------------------------------

  /** Inference-mode BatchNormalization over channel axis 1 (epsilon defaults to ONNX's float32 1e-5). */
  batchNormalization(x: Value, scale: Value, bias: Value, mean: Value, variance: Value, epsilon?: number): Value {
    return this.op("BatchNormalization", [x, scale, bias, mean, variance], epsilon === undefined ? {} : { epsilon });
  }
  /** LayerNormalization over the axes from `axis` to the last (epsilon defaults to ONNX's float32 1e-5). */
  layerNormalization(x: Value, scale: Value, bias?: Value, opts: { axis?: number; epsilon?: number } = {}): Value {
    return this.op("LayerNormalization", bias ? [x, scale, bias] : [x, scale], {
      ...(opts.axis === undefined ? {} : { axis: opts.axis }),
      ...(opts.epsilon === undefined ? {} : { epsilon: opts.epsilon })
    });
  }

  /** ONNX Pad: `pads` = [begins..., ends...] per axis, negative values crop. */
  pad(x: Value, pads: readonly number[], opts: { value?: number; mode?: "constant" | "reflect" | "edge" } = {}): Value {
    return this.op("Pad", [x], { pads: [...pads], value: opts.value ?? 0, mode: opts.mode ?? "constant" });
  }

  // ---- pooling over NCHW (any number of spatial axes) ---------------------------------------------

  maxPool(x: Value, opts: PoolOptions & { dilations?: readonly number[] }): Value {
    return this.op("MaxPool", [x], { ...poolAttrs(opts), ...(opts.dilations ? { dilations: [...opts.dilations] } : {}) });
  }
  averagePool(x: Value, opts: PoolOptions & { countIncludePad?: boolean }): Value {
    return this.op("AveragePool", [x], { ...poolAttrs(opts), count_include_pad: opts.countIncludePad ? 1 : 0 });
  }
  globalAveragePool(x: Value): Value { return this.op("GlobalAveragePool", [x]); }

  // ---- reductions ---------------------------------------------------------------------------

  reduceSum(x: Value, axes?: readonly number[], keepdims = false): Value {
    return this.op("ReduceSum", [x], reduceAttrs(axes, keepdims));
  }
  reduceMean(x: Value, axes?: readonly number[], keepdims = false): Value {
    return this.op("ReduceMean", [x], reduceAttrs(axes, keepdims));
  }
  reduceMax(x: Value, axes?: readonly number[], keepdims = false): Value {
    return this.op("ReduceMax", [x], reduceAttrs(axes, keepdims));
  }
  softmax(x: Value, axis = -1): Value { return this.op("Softmax", [x], { axis }); }
  logSoftmax(x: Value, axis = -1): Value { return this.op("LogSoftmax", [x], { axis }); }

  // ---- helpers used by autodiff rules ----------------------------------------------------------

  zerosLike(x: ValueType): Value {
    return this.expand(this.constant(0, x.dtype), x.shape);
  }

  /** Broadcast to `shape` (no-op when it already has it). */
  broadcastTo(x: Value, shape: readonly number[]): Value {
    return sameShape(x.shape, shape) ? x : this.expand(x, shape);
  }

  /** Adjoint of broadcasting: sum `x` down to `shape` (numpy rules). */
  unbroadcast(x: Value, shape: readonly number[]): Value {
    if (sameShape(x.shape, shape)) return x;
    const lead = x.rank - shape.length;
    const axes: number[] = [];
    for (let i = 0; i < x.rank; i++) {
      if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
    }
    const summed = axes.length ? this.reduceSum(x, axes, true) : x;
    return this.reshape(summed, shape);
  }

  /** Sum of the elements of `x` as a scalar. */
  sum(x: Value): Value { return this.reduceSum(x); }

  numel(x: ValueType): number { return sizeOf(x.shape); }

  // ---- internals ----------------------------------------------------------------------------

  private push(n: Omit<MutableNode, "id">): number {
    const id = this.nodes.length;
    this.nodes.push({ id, ...n });
    return id;
  }

  private wrap(id: number): Value {
    const n = this.nodes[id]!;
    return new Value(this, id, n.dtype, n.shape);
  }
}

/** Pooling attributes in ONNX's terms; `pads` is [begins..., ends...] over the spatial axes. */
export interface PoolOptions {
  kernelShape: readonly number[];
  strides?: readonly number[];
  pads?: readonly number[];
  autoPad?: "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";
  ceilMode?: boolean;
}

function poolAttrs(o: PoolOptions): Attrs {
  const a: Record<string, Attrs[string]> = { kernel_shape: [...o.kernelShape], auto_pad: o.autoPad ?? "NOTSET", ceil_mode: o.ceilMode ? 1 : 0 };
  if (o.strides) a["strides"] = [...o.strides];
  if (o.pads) a["pads"] = [...o.pads];
  return a;
}

/** Conv / ConvTranspose attributes under their ONNX names; absent ones take ONNX's defaults. */
export interface ConvAttrs {
  kernel_shape?: readonly number[];
  strides?: readonly number[];
  pads?: readonly number[];
  dilations?: readonly number[];
  group?: number;
  auto_pad?: "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";
}

function convAttrs(o: ConvAttrs & { output_padding?: readonly number[]; output_shape?: readonly number[] }): Attrs {
  const a: Record<string, Attrs[string]> = {};
  for (const [k, v] of Object.entries(o) as [string, readonly number[] | number | string | undefined][]) {
    if (v !== undefined) a[k] = typeof v === "object" ? [...v] : v;
  }
  return a;
}

function reduceAttrs(axes: readonly number[] | undefined, keepdims: boolean): Attrs {
  return axes === undefined ? { keepdims: keepdims ? 1 : 0 } : { axes: [...axes], keepdims: keepdims ? 1 : 0 };
}

function attrKey(attrs: Attrs): string {
  const keys = Object.keys(attrs).sort();
  return keys
    .map((k) => {
      const v = attrs[k]!;
      if (typeof v === "object" && !Array.isArray(v)) throw new Error(`tensor attribute ${k} is only allowed on Constant`);
      // JSON writes ±Infinity and NaN all as null, which would merge Pad(value=-inf) with Pad(value=inf)
      return `${k}=${JSON.stringify(v, (_key, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x))}`;
    })
    .join(";");
}

/** Trace a TypeScript function into a graph: inputs are declared up front, outputs named by the returned record. */
export function trace(
  inputs: Readonly<Record<string, { shape: Shape; dtype?: DType }>>,
  fn: (g: GraphBuilder, x: Record<string, Value>) => Record<string, Value>,
  floatType: "float32" | "float64" = "float64"
): Graph {
  const g = new GraphBuilder(floatType);
  const vals: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(inputs)) vals[name] = g.input(name, spec.shape, spec.dtype);
  return g.build(fn(g, vals));
}
