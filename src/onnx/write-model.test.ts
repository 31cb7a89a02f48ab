import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import {
  DataLocation,
  TensorDataType,
  attr,
  decodeModel,
  encodeModel,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  type TensorProtoLike
} from "../exec/onnx/onnx-proto.js";
import { tensor } from "../ir/tensor.js";
import { UserError } from "../util/errors.js";
import { createRng } from "../util/random.js";
import { importOnnxModel } from "./import-model.js";
import { writeLenetOnnx } from "./lenet-writer.js";
import { writeOnnxWithInitializers } from "./write-model.js";
import { importedRun, maxRelErr, ortRun, randomData } from "./import.testkit.js";

const tmp = mkdtempSync(join(tmpdir(), "losscape-onnx-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Gemm-Relu-Gemm in float64 whose tensors are given (inline or external). */
function mlpBytes(inits: TensorProtoLike[]): Uint8Array {
  const nodes = [
    makeNode("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"], { alpha: attr.float(1), beta: attr.float(1), transB: 1 }, "/fc1/Gemm"),
    makeNode("Relu", ["h"], ["r"], {}, "/Relu"),
    makeNode("Gemm", ["r", "fc2.weight", "fc2.bias"], ["y"], { alpha: attr.float(1), beta: attr.float(1), transB: 1 }, "/fc2/Gemm")
  ];
  const graph = makeGraph({
    nodes,
    inputs: [makeValueInfo("x", "float64", ["N", 3])],
    outputs: [makeValueInfo("y", "float64", ["N", 2])],
    initializers: inits
  });
  return encodeModel(makeModel(graph, { opset: 17 }));
}

const SHAPES: [string, number[]][] = [["fc1.weight", [4, 3]], ["fc1.bias", [4]], ["fc2.weight", [2, 4]], ["fc2.bias", [2]]];
const VALUES = new Map(SHAPES.map(([n, s], k) => [n, randomData(s, 10 + k).data]));
const inline = (): TensorProtoLike[] => SHAPES.map(([n, s]) => makeTensor(n, "float64", s, VALUES.get(n)!));

/** The same tensors kept in one external file, each at its own offset after some padding. */
function externalModel(dir: string, file: string): Uint8Array {
  const chunks: Uint8Array[] = [new Uint8Array(5)];
  let offset = 5;
  const inits = inline().map((t) => {
    const raw = t.rawData!;
    const ext: TensorProtoLike = {
      name: t.name,
      dims: t.dims,
      dataType: t.dataType,
      dataLocation: DataLocation.EXTERNAL,
      externalData: [
        { key: "location", value: file },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(raw.length) }
      ]
    };
    chunks.push(raw, new Uint8Array(3));
    offset += raw.length + 3;
    return ext;
  });
  writeFileSync(join(dir, file), Buffer.concat(chunks));
  return mlpBytes(inits);
}

function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected a UserError");
}

describe("external data", () => {
  it("is read relative to the model's folder and agrees with onnxruntime loading the same files", async () => {
    const bytes = externalModel(tmp, "weights.bin");
    const path = join(tmp, "mlp.onnx");
    writeFileSync(path, bytes);
    const m = importOnnxModel(bytes, { path, dir: tmp });
    for (const [n] of SHAPES) expect(m.initializers.find((i) => i.name === n)!.data).toEqual(VALUES.get(n));
    const x = randomData([3, 3], 5);
    const ours = importedRun(m, x);
    const session = await ort.InferenceSession.create(path);
    const out = await session.run({ x: new ort.Tensor("float64", x.data, [3, 3]) });
    await session.release();
    expect(maxRelErr(ours.data, out["y"]!.data as Float64Array)).toBeLessThan(1e-12);
  });

  it("missing or short data files are UserErrors naming the tensor and the file", () => {
    const missing = externalModel(tmp, "gone.bin");
    rmSync(join(tmp, "gone.bin"));
    expect(userError(() => importOnnxModel(missing, { path: "m.onnx", dir: tmp }))).toMatch(
      /^m\.onnx: initializer 'fc1\.weight' keeps its values in external data file 'gone\.bin' \(.*gone\.bin\), which cannot be read: ENOENT/
    );
    const short = externalModel(tmp, "short.bin");
    writeFileSync(join(tmp, "short.bin"), new Uint8Array(40));
    expect(userError(() => importOnnxModel(short, { path: "m.onnx", dir: tmp }))).toMatch(
      /^m\.onnx: initializer 'fc1\.weight' needs bytes 5\.\.101 of external data file 'short\.bin', which has only 40 bytes/
    );
    const outside: TensorProtoLike = { name: "fc1.weight", dims: [4, 3], dataType: TensorDataType.DOUBLE, dataLocation: DataLocation.EXTERNAL, externalData: [{ key: "location", value: "../w.bin" }] };
    expect(userError(() => importOnnxModel(mlpBytes([outside, ...inline().slice(1)]), { path: "m.onnx", dir: tmp }))).toMatch(/lies outside the model's folder/);
  });
});

describe("writeOnnxWithInitializers", () => {
  it("float32 LeNet: new weights stay float32 and onnxruntime on the written file equals the import with those weights", async () => {
    const bytes = writeLenetOnnx(1);
    const m = importOnnxModel(bytes, { path: "lenet.onnx", dir: "." });
    const rng = createRng(4);
    const values = new Map(m.initializers.map((i) => [i.name, Float64Array.from(i.data, (v) => v * 1.5 + 0.01 * rng.normal())]));
    const written = writeOnnxWithInitializers(bytes, { dir: "." }, values);
    const decoded = decodeModel(written);
    expect(decoded.graph!.initializer!.every((t) => t.dataType === TensorDataType.FLOAT)).toBe(true);
    const again = importOnnxModel(written, { path: "written.onnx", dir: "." });
    for (const i of again.initializers) expect(i.data).toEqual(Float64Array.from(values.get(i.name)!, Math.fround));
    const x = randomData([2, 1, 28, 28], 3, "float32");
    const ort32 = await ortRun(written, "x", x);
    const ours = importedRun(m, tensor(x.shape, x.data, "float64"), values);
    expect(maxRelErr(ours.data, ort32.data as Float32Array)).toBeLessThan(1e-5);
    const before = await ortRun(bytes, "x", x);
    expect(maxRelErr(before.data as Float32Array, ort32.data as Float32Array)).toBeGreaterThan(1e-3);
  });

  it("float64: replaces only the named initializers, inlines external data, and runs in onnxruntime exactly", async () => {
    const bytes = externalModel(tmp, "w2.bin");
    const m = importOnnxModel(bytes, { path: "m.onnx", dir: tmp });
    const values = new Map([["fc2.weight", randomData([2, 4], 77).data]]);
    const written = writeOnnxWithInitializers(bytes, { dir: tmp }, values);
    const inits = decodeModel(written).graph!.initializer!;
    expect(inits.every((t) => t.dataLocation === undefined && (t.externalData ?? []).length === 0 && t.dataType === TensorDataType.DOUBLE)).toBe(true);
    const x = randomData([4, 3], 8);
    const ortOut = await ortRun(written, "x", x);
    expect(maxRelErr(importedRun(m, x, values).data, ortOut.data as Float64Array)).toBeLessThan(1e-12);
    const reread = importOnnxModel(written, { path: "w.onnx", dir: "/nonexistent" });
    expect(reread.initializers.find((i) => i.name === "fc1.bias")!.data).toEqual(VALUES.get("fc1.bias"));
    expect(reread.initializers.find((i) => i.name === "fc2.weight")!.data).toEqual(values.get("fc2.weight"));
  });

  it("rejects names that are not float initializers and values of the wrong size", () => {
    const bytes = mlpBytes(inline());
    expect(() => writeOnnxWithInitializers(bytes, { dir: "." }, new Map([["nope", new Float64Array(1)]]))).toThrow(/no initializer named 'nope'/);
    expect(() => writeOnnxWithInitializers(bytes, { dir: "." }, new Map([["fc1.bias", new Float64Array(3)]]))).toThrow(/needs 4 values, got 3/);
  });
});
