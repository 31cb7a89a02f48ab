/**
 * Built-in examples that are files, not just a spec: `losscape example mnist-lenet --out DIR` writes a
 * LeNet-5 ONNX model (made by losscape's own ONNX writer, so no PyTorch is needed), MNIST digits as
 * NCHW .npy arrays and the spec that ties them together — the same shape of input a user's own
 * PyTorch export takes.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { saveNpy } from "../io/npy.js";
import { writeLenetOnnx } from "../onnx/lenet-writer.js";
import { field, UserError } from "../util/errors.js";
import { loadDataset } from "./datasets/registry.js";

export interface FileExample {
  name: string;
  description: string;
  /** Writes the example into `dir` (created; must be empty or absent); returns the files written, the spec first. */
  write(dir: string): string[];
}

export const LENET_SAMPLES = 2000;

function prepareDir(dir: string): string {
  const at = resolve(dir);
  if (existsSync(at) && readdirSync(at).length > 0) throw new UserError(`${field("out")}: ${at} is not empty; choose a new folder`);
  try {
    mkdirSync(at, { recursive: true });
  } catch (e) {
    throw new UserError(`${field("out")}: cannot create ${at}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return at;
}

export const MNIST_LENET: FileExample = {
  name: "mnist-lenet",
  description: `LeNet-5 (conv 6@5x5, pool, conv 16@5x5, pool, 120-84-10) as an ONNX model, with ${LENET_SAMPLES} MNIST digits [N, 1, 28, 28] (cross-entropy)`,
  write(dir) {
    const at = prepareDir(dir);
    const ds = loadDataset("mnist", { n: LENET_SAMPLES });
    const files = ["mnist-lenet.json", "lenet.onnx", "x.npy", "y.npy"];
    // float32 like a PyTorch export's inputs; the loader widens them to float64 exactly.
    saveNpy(join(at, "x.npy"), { dtype: "float32", shape: [ds.n, 1, 28, 28], data: Float32Array.from(ds.x) });
    saveNpy(join(at, "y.npy"), { dtype: "int64", shape: [ds.n], data: BigInt64Array.from(ds.y, (v) => BigInt(v)) });
    writeFileAtomic(join(at, "lenet.onnx"), writeLenetOnnx(0));
    const spec = { model: { type: "onnx", path: "lenet.onnx" }, loss: "cross_entropy", data: { x: "x.npy", y: "y.npy" } };
    writeFileAtomic(join(at, "mnist-lenet.json"), `${JSON.stringify(spec, null, 2)}\n`);
    return files.map((f) => join(at, f));
  }
};

export const FILE_EXAMPLES: readonly FileExample[] = [MNIST_LENET];

export function findFileExample(name: string): FileExample | undefined {
  return FILE_EXAMPLES.find((e) => e.name === name);
}
