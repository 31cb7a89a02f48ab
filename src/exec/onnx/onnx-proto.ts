/**
 * ONNX ModelProto serialization: the subset of onnx.proto that losscape writes and reads, defined
 * here as a protobufjs JSON descriptor, plus small builders for tensors, value infos, nodes, graphs
 * and models.
 *
 * Field numbers and enum values follow onnx/onnx.proto (proto2 syntax). Messages and fields we never
 * write (sparse tensors, training info, sequence/map types, quantization annotations) are left out;
 * protobufjs skips unknown fields when decoding, so models that carry them still decode, minus those
 * parts.
 *
 * int64 fields accept `number | bigint` when encoding. Decoding yields a `number` when the value is
 * a safe integer and a `bigint` otherwise, so shapes and attribute ints stay plain numbers while
 * values such as INT64_MAX (used by Slice) survive exactly.
 */
import protobuf from "protobufjs";
import type { DType } from "../../ir/dtype.js";
import { UserError } from "../../util/errors.js";

export type Int64 = number | bigint;

/** TensorProto.DataType. Values 17.. (8-bit and 4-bit floats/ints) exist in newer onnx.proto but are unused here. */
export enum TensorDataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
}

/** AttributeProto.AttributeType. */
export enum AttributeType {
  UNDEFINED = 0,
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  GRAPH = 5,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
  TENSORS = 9,
  GRAPHS = 10,
  SPARSE_TENSOR = 11,
  SPARSE_TENSORS = 12,
}

export interface OperatorSetIdProtoLike {
  domain?: string;
  version?: Int64;
}

export interface StringStringEntryProtoLike {
  key?: string;
  value?: string;
}

export interface TensorProtoLike {
  dims?: Int64[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: Int64[];
  name?: string;
  docString?: string;
  rawData?: Uint8Array;
  doubleData?: number[];
  uint64Data?: Int64[];
  /** Where the values live when dataLocation is EXTERNAL: keys "location", "offset", "length", "checksum". */
  externalData?: StringStringEntryProtoLike[];
  dataLocation?: DataLocation;
}

/** TensorProto.DataLocation. */
export enum DataLocation {
  DEFAULT = 0,
  EXTERNAL = 1,
}

export interface TensorShapeDimensionLike {
  /** At most one of dimValue / dimParam; neither means an unknown dimension. */
  dimValue?: Int64;
  dimParam?: string;
  denotation?: string;
}

export interface TensorShapeProtoLike {
  dim?: TensorShapeDimensionLike[];
}

export interface TypeProtoTensorLike {
  elemType?: number;
  /** Absent means unknown rank. */
  shape?: TensorShapeProtoLike;
}

export interface TypeProtoLike {
  tensorType?: TypeProtoTensorLike;
  denotation?: string;
}

export interface ValueInfoProtoLike {
  name?: string;
  type?: TypeProtoLike;
  docString?: string;
}

export interface AttributeProtoLike {
  name?: string;
  refAttrName?: string;
  docString?: string;
  type?: AttributeType;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProtoLike;
  g?: GraphProtoLike;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: TensorProtoLike[];
  graphs?: GraphProtoLike[];
}

export interface NodeProtoLike {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: AttributeProtoLike[];
  docString?: string;
}

export interface GraphProtoLike {
  node?: NodeProtoLike[];
  name?: string;
  initializer?: TensorProtoLike[];
  docString?: string;
  input?: ValueInfoProtoLike[];
  output?: ValueInfoProtoLike[];
  valueInfo?: ValueInfoProtoLike[];
}

export interface ModelProtoLike {
  irVersion?: Int64;
  opsetImport?: OperatorSetIdProtoLike[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64;
  docString?: string;
  graph?: GraphProtoLike;
  metadataProps?: StringStringEntryProtoLike[];
}

// ---------------------------------------------------------------------------------------------
// Schema

type FieldRule = "repeated" | undefined;
interface FieldJson {
  type: string;
  id: number;
  rule?: "repeated";
  options?: { packed: boolean };
}

/**
 * protobufjs treats JSON descriptors as proto3 unless told otherwise; onnx.proto is proto2, where
 * repeated scalars are unpacked unless marked `[packed = true]`. Readers accept both encodings, but
 * writing what the real schema says keeps our bytes identical in form to onnx's own serializer.
 */
function field(type: string, id: number, rule?: FieldRule, packed?: boolean): FieldJson {
  const f: FieldJson = { type, id };
  if (rule === "repeated") {
    f.rule = "repeated";
    if (packed !== undefined) f.options = { packed };
  }
  return f;
}

const R = "repeated" as const;

const ONNX_SCHEMA: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          edition: "proto2",
          fields: {
            name: field("string", 1),
            refAttrName: field("string", 21),
            docString: field("string", 13),
            type: field("AttributeType", 20),
            f: field("float", 2),
            i: field("int64", 3),
            s: field("bytes", 4),
            t: field("TensorProto", 5),
            g: field("GraphProto", 6),
            floats: field("float", 7, R, false),
            ints: field("int64", 8, R, false),
            strings: field("bytes", 9, R),
            tensors: field("TensorProto", 10, R),
            graphs: field("GraphProto", 11, R),
          },
          nested: {
            AttributeType: {
              edition: "proto2",
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                SPARSE_TENSOR: 11,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
                SPARSE_TENSORS: 12,
              },
            },
          },
        },
        ValueInfoProto: {
          edition: "proto2",
          fields: {
            name: field("string", 1),
            type: field("TypeProto", 2),
            docString: field("string", 3),
          },
        },
        NodeProto: {
          edition: "proto2",
          fields: {
            input: field("string", 1, R),
            output: field("string", 2, R),
            name: field("string", 3),
            opType: field("string", 4),
            domain: field("string", 7),
            attribute: field("AttributeProto", 5, R),
            docString: field("string", 6),
          },
        },
        ModelProto: {
          edition: "proto2",
          fields: {
            irVersion: field("int64", 1),
            opsetImport: field("OperatorSetIdProto", 8, R),
            producerName: field("string", 2),
            producerVersion: field("string", 3),
            domain: field("string", 4),
            modelVersion: field("int64", 5),
            docString: field("string", 6),
            graph: field("GraphProto", 7),
            metadataProps: field("StringStringEntryProto", 14, R),
          },
        },
        StringStringEntryProto: {
          edition: "proto2",
          fields: {
            key: field("string", 1),
            value: field("string", 2),
          },
        },
        GraphProto: {
          edition: "proto2",
          fields: {
            node: field("NodeProto", 1, R),
            name: field("string", 2),
            initializer: field("TensorProto", 5, R),
            docString: field("string", 10),
            input: field("ValueInfoProto", 11, R),
            output: field("ValueInfoProto", 12, R),
            valueInfo: field("ValueInfoProto", 13, R),
          },
        },
        TensorProto: {
          edition: "proto2",
          fields: {
            dims: field("int64", 1, R, false),
            dataType: field("int32", 2),
            floatData: field("float", 4, R, true),
            int32Data: field("int32", 5, R, true),
            stringData: field("bytes", 6, R),
            int64Data: field("int64", 7, R, true),
            name: field("string", 8),
            docString: field("string", 12),
            rawData: field("bytes", 9),
            doubleData: field("double", 10, R, true),
            uint64Data: field("uint64", 11, R, true),
            externalData: field("StringStringEntryProto", 13, R),
            // An enum in onnx.proto; int32 has the same varint wire form and keeps unknown values readable.
            dataLocation: field("int32", 14),
          },
        },
        TensorShapeProto: {
          edition: "proto2",
          fields: {
            dim: field("Dimension", 1, R),
          },
          nested: {
            Dimension: {
              edition: "proto2",
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: field("int64", 1),
                dimParam: field("string", 2),
                denotation: field("string", 3),
              },
            },
          },
        },
        TypeProto: {
          edition: "proto2",
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: {
            tensorType: field("Tensor", 1),
            denotation: field("string", 6),
          },
          nested: {
            Tensor: {
              edition: "proto2",
              fields: {
                elemType: field("int32", 1),
                shape: field("TensorShapeProto", 2),
              },
            },
          },
        },
        OperatorSetIdProto: {
          edition: "proto2",
          fields: {
            domain: field("string", 1),
            version: field("int64", 2),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const ModelProtoType = root.lookupType("onnx.ModelProto");

/** The resolved protobufjs schema, for callers that need another message type (e.g. a bare TensorProto). */
export const onnxSchema: protobuf.Root = root;

// ---------------------------------------------------------------------------------------------
// Encode / decode

function isBytes(v: unknown): v is ArrayBufferView {
  return ArrayBuffer.isView(v);
}

/**
 * protobufjs writes 64-bit integers from numbers, strings or Long objects; a bigint would be read as
 * zero without complaint, so bigints become decimal strings (parsed exactly by the bundled Long).
 */
function toWire(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v === null || typeof v !== "object" || isBytes(v)) return v;
  if (Array.isArray(v)) return v.map(toWire);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined) out[k] = toWire(x);
  }
  return out;
}

function fromWire(v: unknown): unknown {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (v === null || typeof v !== "object") return v;
  // Node's Buffer is a Uint8Array subclass; a plain view keeps results comparable and portable.
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(fromWire);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = fromWire(x);
  return out;
}

export function encodeModel(model: ModelProtoLike): Uint8Array {
  const wire = toWire(model) as Record<string, unknown>;
  const bytes = ModelProtoType.encode(ModelProtoType.fromObject(wire)).finish();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Throws UserError when `bytes` is not a protobuf ModelProto.
 * Bytes fields of the result (rawData, s, strings) are views into `bytes`, not copies, so large
 * initializers are not duplicated; copy them before mutating `bytes`.
 */
export function decodeModel(bytes: Uint8Array): ModelProtoLike {
  let msg: protobuf.Message;
  try {
    msg = ModelProtoType.decode(bytes);
  } catch (e) {
    // Bytes usually come from a file the user named, so a malformed one is their error, not ours.
    throw new UserError(`not a valid ONNX model: ${e instanceof Error ? e.message : String(e)}`);
  }
  const obj = ModelProtoType.toObject(msg, { longs: BigInt, arrays: true });
  // The schema above fixes the shape of `obj`, so this cast only names what protobufjs produced.
  return fromWire(obj) as ModelProtoLike;
}

// ---------------------------------------------------------------------------------------------
// Data types

export function dtypeToTensorDataType(dtype: DType): TensorDataType {
  switch (dtype) {
    case "float32":
      return TensorDataType.FLOAT;
    case "float64":
      return TensorDataType.DOUBLE;
    case "int64":
      return TensorDataType.INT64;
    case "bool":
      return TensorDataType.BOOL;
  }
}

/** The IR dtype for an ONNX element type, or undefined when losscape has no equivalent. */
export function tensorDataTypeToDType(t: number): DType | undefined {
  switch (t) {
    case TensorDataType.FLOAT:
      return "float32";
    case TensorDataType.DOUBLE:
      return "float64";
    case TensorDataType.INT64:
      return "int64";
    case TensorDataType.BOOL:
      return "bool";
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Builders

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkDims(dims: readonly number[], where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${where}: dimension ${d} is not a non-negative integer`);
    n *= d;
  }
  return n;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function int64Array(data: ArrayLike<number> | BigInt64Array, where: string): BigInt64Array {
  if (data instanceof BigInt64Array) return data;
  const out = new BigInt64Array(data.length);
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isSafeInteger(v)) throw new Error(`${where}: int64 element ${k} is ${v}, not a safe integer`);
    out[k] = BigInt(v);
  }
  return out;
}

/**
 * A tensor whose values sit in raw_data (fixed-width little-endian, as ONNX requires): one memcpy per
 * initializer instead of a varint per element. bool stores one byte per element, nonzero -> 1.
 */
export function makeTensor(
  name: string,
  dtype: DType,
  dims: readonly number[],
  data: ArrayLike<number> | BigInt64Array,
): TensorProtoLike {
  const where = `tensor '${name}'`;
  const n = checkDims(dims, where);
  if (data.length !== n) {
    throw new Error(`${where}: shape [${dims.join(",")}] needs ${n} values, got ${data.length}`);
  }
  if (dtype !== "int64" && data instanceof BigInt64Array) {
    throw new Error(`${where}: BigInt64Array data given for dtype ${dtype}`);
  }
  const numeric = data as ArrayLike<number>;
  let raw: Uint8Array;
  switch (dtype) {
    case "float32":
      raw = LITTLE_ENDIAN_HOST ? bytesOf(Float32Array.from(numeric)) : leBytes(numeric, 4, (dv, o, v) => dv.setFloat32(o, v, true));
      break;
    case "float64":
      raw = LITTLE_ENDIAN_HOST ? bytesOf(Float64Array.from(numeric)) : leBytes(numeric, 8, (dv, o, v) => dv.setFloat64(o, v, true));
      break;
    case "int64": {
      const ints = int64Array(data, where);
      if (LITTLE_ENDIAN_HOST) {
        raw = bytesOf(ints.slice());
      } else {
        raw = new Uint8Array(ints.length * 8);
        const dv = new DataView(raw.buffer);
        ints.forEach((v, k) => dv.setBigInt64(k * 8, v, true));
      }
      break;
    }
    case "bool": {
      raw = new Uint8Array(n);
      for (let k = 0; k < n; k++) raw[k] = numeric[k] ? 1 : 0;
      break;
    }
  }
  return { name, dims: [...dims], dataType: dtypeToTensorDataType(dtype), rawData: raw };
}

function leBytes(
  data: ArrayLike<number>,
  width: number,
  set: (dv: DataView, offset: number, v: number) => void,
): Uint8Array {
  const out = new Uint8Array(data.length * width);
  const dv = new DataView(out.buffer);
  for (let k = 0; k < data.length; k++) set(dv, k * width, data[k]!);
  return out;
}

export type TensorValues = Float32Array | Float64Array | BigInt64Array | Uint8Array;

/** The elements of a float32/float64/int64/bool tensor, from raw_data or from the typed *_data fields. */
export function tensorValues(t: TensorProtoLike): { dtype: DType; dims: number[]; data: TensorValues } {
  const where = `tensor '${t.name ?? ""}'`;
  const dtype = tensorDataTypeToDType(t.dataType ?? TensorDataType.UNDEFINED);
  if (dtype === undefined) throw new Error(`${where}: unsupported ONNX data type ${t.dataType}`);
  const dims = (t.dims ?? []).map((d) => int64ToNumber(d, where));
  const n = checkDims(dims, where);
  const width = { float32: 4, float64: 8, int64: 8, bool: 1 }[dtype];
  let data: TensorValues;
  if (t.rawData !== undefined && t.rawData.length > 0) {
    if (t.rawData.length !== n * width) {
      throw new Error(`${where}: raw_data has ${t.rawData.length} bytes, expected ${n * width}`);
    }
    const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    switch (dtype) {
      case "float32":
        data = Float32Array.from({ length: n }, (_, k) => dv.getFloat32(k * 4, true));
        break;
      case "float64":
        data = Float64Array.from({ length: n }, (_, k) => dv.getFloat64(k * 8, true));
        break;
      case "int64":
        data = BigInt64Array.from({ length: n }, (_, k) => dv.getBigInt64(k * 8, true));
        break;
      case "bool":
        data = Uint8Array.from(t.rawData, (b) => (b ? 1 : 0));
        break;
    }
  } else {
    switch (dtype) {
      case "float32":
        data = Float32Array.from(t.floatData ?? []);
        break;
      case "float64":
        data = Float64Array.from(t.doubleData ?? []);
        break;
      case "int64":
        data = BigInt64Array.from(t.int64Data ?? [], (v) => BigInt(v));
        break;
      case "bool":
        data = Uint8Array.from(t.int32Data ?? [], (v) => (v ? 1 : 0));
        break;
    }
    if (data.length !== n) throw new Error(`${where}: has ${data.length} values, shape needs ${n}`);
  }
  return { dtype, dims, data };
}

export function int64ToNumber(v: Int64, where: string): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x)) throw new Error(`${where}: int64 value ${v} is not a safe integer`);
  return x;
}

/** A dimension: a size, a symbolic name (dim_param), or null for unknown. */
export type DimSpec = number | string | null;

/** dims undefined means unknown rank (no shape field at all). */
export function makeValueInfo(name: string, dtype: DType, dims?: readonly DimSpec[]): ValueInfoProtoLike {
  const tensorType: TypeProtoTensorLike = { elemType: dtypeToTensorDataType(dtype) };
  if (dims !== undefined) {
    tensorType.shape = {
      dim: dims.map((d): TensorShapeDimensionLike => {
        if (d === null) return {};
        if (typeof d === "string") return { dimParam: d };
        if (!Number.isSafeInteger(d) || d < 0) throw new Error(`value '${name}': dimension ${d} is not a non-negative integer`);
        return { dimValue: d };
      }),
    };
  }
  return { name, type: { tensorType } };
}

/** An attribute with its ONNX type stated, never guessed. */
export type ExplicitAttr =
  | { kind: "int"; value: number | bigint }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: TensorProtoLike }
  | { kind: "graph"; value: GraphProtoLike }
  | { kind: "ints"; value: readonly (number | bigint)[] }
  | { kind: "floats"; value: readonly number[] }
  | { kind: "strings"; value: readonly string[] };

/**
 * Attribute values for makeNode. Bare values are typed by this rule:
 * - bigint -> INT; string -> STRING; TensorProtoLike (an object without `kind`) -> TENSOR;
 * - number -> INT when Number.isInteger, else FLOAT;
 * - non-empty array -> INTS when every element is an integer number or a bigint, else FLOATS;
 *   string[] -> STRINGS; an empty array has no type and is rejected.
 * JavaScript cannot tell 1 from 1.0, so a FLOAT attribute whose value may be integral (Gemm alpha,
 * LeakyRelu alpha, ...) must use the explicit form or `attr.float(v)`; otherwise ONNX Runtime
 * rejects the model at session creation because the attribute type does not match the schema.
 */
export type AttrValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | TensorProtoLike
  | ExplicitAttr;

/** Explicit-kind attribute constructors. */
export const attr = {
  int: (value: number | bigint): ExplicitAttr => ({ kind: "int", value }),
  float: (value: number): ExplicitAttr => ({ kind: "float", value }),
  string: (value: string): ExplicitAttr => ({ kind: "string", value }),
  tensor: (value: TensorProtoLike): ExplicitAttr => ({ kind: "tensor", value }),
  graph: (value: GraphProtoLike): ExplicitAttr => ({ kind: "graph", value }),
  ints: (value: readonly (number | bigint)[]): ExplicitAttr => ({ kind: "ints", value }),
  floats: (value: readonly number[]): ExplicitAttr => ({ kind: "floats", value }),
  strings: (value: readonly string[]): ExplicitAttr => ({ kind: "strings", value }),
};

const utf8 = new TextEncoder();

function isExplicit(v: object): v is ExplicitAttr {
  return "kind" in v && "value" in v;
}

function explicitOf(name: string, v: AttrValue): ExplicitAttr {
  if (typeof v === "bigint") return { kind: "int", value: v };
  if (typeof v === "string") return { kind: "string", value: v };
  if (typeof v === "number") return Number.isInteger(v) ? { kind: "int", value: v } : { kind: "float", value: v };
  if (Array.isArray(v)) {
    const arr = v as readonly unknown[];
    if (arr.length === 0) throw new Error(`attribute '${name}': an empty list has no type; use attr.ints([]) or attr.floats([])`);
    if (arr.every((x) => typeof x === "string")) return { kind: "strings", value: arr as string[] };
    if (arr.every((x) => typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x)))) {
      return { kind: "ints", value: arr as (number | bigint)[] };
    }
    if (arr.every((x) => typeof x === "number")) return { kind: "floats", value: arr as number[] };
    throw new Error(`attribute '${name}': list mixes element types`);
  }
  const obj = v as object;
  if (isExplicit(obj)) return obj;
  return { kind: "tensor", value: obj as TensorProtoLike };
}

function checkInt(name: string, v: number | bigint): number | bigint {
  if (typeof v === "number" && !Number.isSafeInteger(v)) throw new Error(`attribute '${name}': ${v} is not a safe integer`);
  return v;
}

export function makeAttribute(name: string, value: AttrValue): AttributeProtoLike {
  const e = explicitOf(name, value);
  switch (e.kind) {
    case "int":
      return { name, type: AttributeType.INT, i: checkInt(name, e.value) };
    case "float":
      return { name, type: AttributeType.FLOAT, f: e.value };
    case "string":
      return { name, type: AttributeType.STRING, s: utf8.encode(e.value) };
    case "tensor":
      return { name, type: AttributeType.TENSOR, t: e.value };
    case "graph":
      return { name, type: AttributeType.GRAPH, g: e.value };
    case "ints":
      return { name, type: AttributeType.INTS, ints: e.value.map((x) => checkInt(name, x)) };
    case "floats":
      return { name, type: AttributeType.FLOATS, floats: [...e.value] };
    case "strings":
      return { name, type: AttributeType.STRINGS, strings: e.value.map((x) => utf8.encode(x)) };
  }
}

export interface MakeNodeOptions {
  name?: string;
  /** Operator-set domain; "" (the default) is ai.onnx. */
  domain?: string;
}

/** `nameOrOptions` as a string is the node name. An empty input name marks an omitted optional input. */
export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  nameOrOptions?: string | MakeNodeOptions,
): NodeProtoLike {
  const opts = typeof nameOrOptions === "string" ? { name: nameOrOptions } : (nameOrOptions ?? {});
  const node: NodeProtoLike = {
    opType,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attrs).map(([k, v]) => makeAttribute(k, v)),
  };
  if (opts.name !== undefined) node.name = opts.name;
  if (opts.domain !== undefined && opts.domain !== "") node.domain = opts.domain;
  return node;
}

export interface MakeGraphParts {
  name?: string;
  nodes: readonly NodeProtoLike[];
  inputs: readonly ValueInfoProtoLike[];
  outputs: readonly ValueInfoProtoLike[];
  initializers?: readonly TensorProtoLike[];
  valueInfo?: readonly ValueInfoProtoLike[];
  docString?: string;
}

export function makeGraph(parts: MakeGraphParts): GraphProtoLike {
  const g: GraphProtoLike = {
    name: parts.name ?? "losscape",
    node: [...parts.nodes],
    input: [...parts.inputs],
    output: [...parts.outputs],
    initializer: [...(parts.initializers ?? [])],
    valueInfo: [...(parts.valueInfo ?? [])],
  };
  if (parts.docString !== undefined) g.docString = parts.docString;
  return g;
}

export interface MakeModelOptions {
  /** ai.onnx opset version; default 17. */
  opset?: number;
  /** IR version; default 8 (the IR that opset 17 shipped with). */
  irVersion?: number;
  /** Further operator sets, e.g. { domain: "com.microsoft", version: 1 }. */
  extraOpsets?: readonly OperatorSetIdProtoLike[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
}

export function makeModel(graph: GraphProtoLike, options: MakeModelOptions = {}): ModelProtoLike {
  const model: ModelProtoLike = {
    irVersion: options.irVersion ?? 8,
    opsetImport: [{ domain: "", version: options.opset ?? 17 }, ...(options.extraOpsets ?? [])],
    producerName: options.producerName ?? "losscape",
    graph,
  };
  if (options.producerVersion !== undefined) model.producerVersion = options.producerVersion;
  if (options.docString !== undefined) model.docString = options.docString;
  return model;
}
