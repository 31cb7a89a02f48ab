/**
 * Write a model back with new initializer values (trained weights, a point of a landscape), so the
 * result runs in any ONNX runtime exactly as the original would with those weights.
 */
import { decodeModel, encodeModel, makeTensor, TensorDataType, type TensorProtoLike } from "../exec/onnx/onnx-proto.js";
import { UserError } from "../util/errors.js";
import { externalBytes, isExternal, onnxTypeName, tensorSource } from "./initializers.js";

function inlined(t: TensorProtoLike, rawData: Uint8Array): TensorProtoLike {
  // raw_data replaces every other place the values could sit, including the external file.
  const { floatData: _f, doubleData: _d, int32Data: _i, int64Data: _l, uint64Data: _u, stringData: _s, externalData: _e, dataLocation: _loc, ...rest } = t;
  return { ...rest, rawData };
}

/**
 * The same model file with the initializers named in `values` replaced, each keeping its dtype
 * (float32 stays float32, values rounded to nearest); every external-data tensor is inlined, so the
 * result is one self-contained file. `dir` is where external data files are found.
 */
export function writeOnnxWithInitializers(bytes: Uint8Array, opts: { dir: string }, values: ReadonlyMap<string, Float64Array>): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph) throw new UserError("the model bytes are not an ONNX model (no graph)");
  const src = tensorSource("model", opts.dir);
  const seen = new Set<string>();
  graph.initializer = (graph.initializer ?? []).map((t) => {
    const name = t.name ?? "";
    const v = values.get(name);
    if (v === undefined) return isExternal(t) ? inlined(t, externalBytes(t, `initializer '${name}'`, src).slice()) : t;
    seen.add(name);
    const dims = (t.dims ?? []).map(Number);
    let dtype: "float32" | "float64";
    if (t.dataType === TensorDataType.FLOAT) dtype = "float32";
    else if (t.dataType === TensorDataType.DOUBLE) dtype = "float64";
    else throw new Error(`initializer '${name}' has ONNX data type ${onnxTypeName(t.dataType ?? 0)}; only FLOAT and DOUBLE initializers take new values`);
    const raw = makeTensor(name, dtype, dims, v).rawData!;
    return inlined(t, raw);
  });
  const unknown = [...values.keys()].filter((k) => !seen.has(k));
  if (unknown.length) throw new Error(`the model has no initializer named ${unknown.map((k) => `'${k}'`).join(", ")}`);
  return encodeModel(model);
}
