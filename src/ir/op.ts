import type { DType } from "./dtype.js";
import type { Attrs, AttrValue, ValueType } from "./graph.js";
import type { Tensor } from "./tensor.js";
import type { GraphBuilder, Value } from "./builder.js";
import type { CurvatureFacts } from "./curvature-facts.js";
import type { ExactTensor } from "./exact-tensor.js";
import type { IntervalTensor } from "./interval-tensor.js";

/** How an attribute is written to ONNX (ONNX distinguishes INT from FLOAT attributes strictly). */
export type OnnxAttrKind = "int" | "float" | "ints" | "floats" | "string" | "tensor";

export interface OnnxLowering {
  /** Attributes emitted as ONNX attributes, with their ONNX kinds. Absent attrs are not emitted. */
  readonly attrs?: Readonly<Record<string, OnnxAttrKind>>;
  /**
   * Attributes that opset 17 takes as extra int64 tensor inputs (ReduceSum axes, Reshape shape, Slice
   * starts/ends/axes/steps, Expand shape), in input order. The IR keeps them static so shapes are static.
   */
  readonly attrInputs?: readonly string[];
  /**
   * Those of `attrInputs` that ONNX takes as a scalar tensor of the node's own dtype (Clip's min and
   * max) rather than as an int64 vector.
   */
  readonly scalarAttrInputs?: readonly string[];
  /**
   * The ONNX node type when it differs from the IR op's name, and which of its outputs the IR value is
   * (the others get names of their own that nothing reads): MaxPoolIndices is MaxPool's second output.
   */
  readonly opType?: string;
  readonly outputIndex?: number;
  /**
   * Rewrite into other IR ops for dtypes where onnxruntime's CPU provider has no kernel
   * (measured: Softplus and Elu lack float64 kernels).
   */
  readonly decompose?: {
    readonly dtypes: readonly DType[];
    /** Extra condition on the attributes and the node's dtype (default: always, for the listed dtypes). */
    when?(attrs: Attrs, dtype: DType): boolean;
    rewrite(g: GraphBuilder, inputs: readonly Value[], attrs: Attrs): Value;
  };
}

export interface RuleContext {
  readonly inputs: readonly Value[];
  readonly output: Value;
  readonly attrs: Attrs;
}

export interface VjpContext extends RuleContext {
  /** Which inputs need an adjoint; rules may return null for the others (and for non-differentiable inputs). */
  readonly needs: readonly boolean[];
}

/**
 * Everything true about one op. Interpreters, autodiff, ONNX export and the convexity analysis all
 * read it from here; adding an op means writing one of these plus its tests.
 * Interval kernels, exact kernels and curvature facts are attached by the analyses that use them
 * (see `interval`, `exact`, `curvature`), keyed by the same op name.
 */
export interface OpDef {
  /** ONNX op type (opset 17); the export uses it unchanged unless `onnx.opType` says otherwise. */
  readonly name: string;
  readonly minInputs: number;
  readonly maxInputs: number;
  readonly defaults?: Readonly<Record<string, AttrValue>>;
  /** Shape/dtype inference; throws ShapeError with a readable message. */
  infer(inputs: readonly ValueType[], attrs: Attrs): ValueType;
  /** float64 reference kernel. */
  eval(inputs: readonly Tensor[], attrs: Attrs, out: ValueType): Tensor;
  /** Reverse-mode rule written in IR ops (so derivative graphs differentiate again). */
  vjp?(g: GraphBuilder, ctx: VjpContext, gy: Value): (Value | null)[];
  /** Forward-mode rule in IR ops; null tangents are symbolic zeros. Returns null for a zero tangent. */
  jvp?(g: GraphBuilder, ctx: RuleContext, tangents: readonly (Value | null)[]): Value | null;
  /** Convention used at points where the op is not differentiable, stated for users. */
  readonly nonSmooth?: string;
  readonly onnx?: OnnxLowering;
  /** DCP facts: curvature, sign and monotonicity of the op as an atom (see curvature-facts.ts). */
  readonly curvature?: CurvatureFacts;
  /**
   * Exact kernel over rationals, present only where the op is a rational function of its inputs
   * (piecewise-linear or polynomial ops, comparisons, data movement). Throws NotExactError when a
   * particular input has no rational result (a non-integer exponent).
   */
  exact?(inputs: readonly ExactTensor[], attrs: Attrs, out: ValueType): ExactTensor;
  /** Interval kernel: an outward-rounded enclosure of the op over boxes of inputs (every op has one). */
  interval?(inputs: readonly IntervalTensor[], attrs: Attrs, out: ValueType): IntervalTensor;
}

export function defineOp(def: OpDef): OpDef {
  return def;
}

export function attrNum(attrs: Attrs, name: string, def?: number): number {
  const v = attrs[name];
  if (v === undefined) {
    if (def === undefined) throw new Error(`missing attribute ${name}`);
    return def;
  }
  if (typeof v !== "number") throw new Error(`attribute ${name} must be a number`);
  return v;
}

export function attrInts(attrs: Attrs, name: string): readonly number[] | undefined {
  const v = attrs[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new Error(`attribute ${name} must be a list of integers`);
  return v as readonly number[];
}
