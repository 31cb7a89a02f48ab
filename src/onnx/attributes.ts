/** ONNX node attributes, decoded once at import into plain values (int64 clamped as in clampInt64). */
import { AttributeType, type AttributeProtoLike } from "../exec/onnx/onnx-proto.js";
import { UserError } from "../util/errors.js";
import type { Tensor } from "../ir/tensor.js";
import { clampInt64, decodeTensor, type TensorSource } from "./initializers.js";

export type OnnxAttr =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: Tensor }
  | { kind: "ints"; value: number[] }
  | { kind: "floats"; value: number[] }
  | { kind: "strings"; value: string[] }
  | { kind: "graph" | "other"; value: null };

const utf8 = new TextDecoder();

/** Old exporters leave `type` unset; the field that carries a value then says what it is. */
function kindOf(a: AttributeProtoLike): AttributeType {
  if (a.type !== undefined && a.type !== AttributeType.UNDEFINED) return a.type;
  if (a.t !== undefined) return AttributeType.TENSOR;
  if (a.g !== undefined) return AttributeType.GRAPH;
  if (a.s !== undefined) return AttributeType.STRING;
  if (a.i !== undefined) return AttributeType.INT;
  if (a.f !== undefined) return AttributeType.FLOAT;
  if (a.ints && a.ints.length) return AttributeType.INTS;
  if (a.floats && a.floats.length) return AttributeType.FLOATS;
  if (a.strings && a.strings.length) return AttributeType.STRINGS;
  return AttributeType.UNDEFINED;
}

export function decodeAttribute(a: AttributeProtoLike, where: string, src: TensorSource): OnnxAttr {
  switch (kindOf(a)) {
    case AttributeType.INT:
      return { kind: "int", value: clampInt64(a.i ?? 0) };
    case AttributeType.FLOAT:
      return { kind: "float", value: a.f ?? 0 };
    case AttributeType.STRING:
      return { kind: "string", value: utf8.decode(a.s ?? new Uint8Array()) };
    case AttributeType.INTS:
      return { kind: "ints", value: (a.ints ?? []).map(clampInt64) };
    case AttributeType.FLOATS:
      return { kind: "floats", value: [...(a.floats ?? [])] };
    case AttributeType.STRINGS:
      return { kind: "strings", value: (a.strings ?? []).map((s) => utf8.decode(s)) };
    case AttributeType.TENSOR:
      if (!a.t) throw new UserError(`${src.path}: ${where}: tensor attribute '${a.name ?? ""}' has no tensor`);
      return { kind: "tensor", value: decodeTensor(a.t, `${where}, attribute '${a.name ?? ""}'`, src).tensor };
    case AttributeType.GRAPH:
    case AttributeType.GRAPHS:
      return { kind: "graph", value: null };
    default:
      return { kind: "other", value: null };
  }
}

export function describeAttr(a: OnnxAttr): string {
  switch (a.kind) {
    case "tensor": return `a tensor of shape [${a.value.shape.join(",")}]`;
    case "graph": return "a subgraph";
    case "other": return "an unsupported attribute type";
    case "string": return JSON.stringify(a.value);
    case "ints":
    case "floats": return `[${a.value.join(",")}]`;
    case "strings": return JSON.stringify(a.value);
    default: return String(a.value);
  }
}
