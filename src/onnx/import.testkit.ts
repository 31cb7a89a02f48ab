/** Shared by the importer's tests: run the original bytes in onnxruntime and the import in the reference interpreter. */
import { GraphBuilder, type Value } from "../ir/builder.js";
import { tensor, type Tensor } from "../ir/tensor.js";
import { evaluate } from "../exec/reference.js";
import { createSession, releaseSession, runSession, type HostTensor } from "../exec/onnx/ort-session.js";
import { createRng } from "../util/random.js";
import type { ImportedModel } from "./import-model.js";

export async function ortRun(bytes: Uint8Array, inputName: string, x: Tensor): Promise<HostTensor> {
  const session = await createSession(bytes, { intraOpThreads: 1 });
  try {
    const out = await runSession(session, { [inputName]: { dtype: x.dtype, dims: x.shape, data: x.data } });
    return Object.values(out)[0]!;
  } finally {
    await releaseSession(session);
  }
}

/**
 * The imported network evaluated by the reference interpreter in x's float type; params and buffers
 * take their file values unless `values` overrides them.
 */
export function importedRun(m: ImportedModel, x: Tensor, values: ReadonlyMap<string, Float64Array> = new Map()): Tensor {
  const ft = x.dtype === "float32" ? "float32" : "float64";
  const g = new GraphBuilder(ft);
  const xv = g.input("x", x.shape, ft);
  const tensors = new Map<string, Value>();
  const feeds: Record<string, Tensor> = { x };
  for (const init of m.initializers) {
    if (init.role === "constant") continue;
    tensors.set(init.name, g.input(`p:${init.name}`, init.shape, ft));
    feeds[`p:${init.name}`] = tensor(init.shape, values.get(init.name) ?? init.data, ft);
  }
  const y = m.build(g, xv, tensors);
  return evaluate(g.build({ y }), feeds)["y"]!;
}

export function randomData(shape: readonly number[], seed: number, dtype: "float32" | "float64" = "float64", scale = 1): Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(shape, Array.from({ length: n }, () => scale * rng.normal()), dtype);
}

/** max |a - b| / max(1, |b|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}
