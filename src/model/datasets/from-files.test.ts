import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasetFromFiles } from "./from-files.js";
import { saveNpy } from "../../io/npy.js";
import { writeIdx } from "../../io/idx.js";
import { UserError } from "../../util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "losscape-ds-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => join(dir, name);

function messageOf(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
  throw new Error("expected a UserError");
}

describe("datasetFromFiles", () => {
  it("builds a regression dataset from npy files, multi-output y kept as columns", () => {
    saveNpy(at("x.npy"), { dtype: "float32", shape: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    saveNpy(at("y.npy"), { dtype: "float64", shape: [3, 2], data: Float64Array.of(0.5, 1, 1.5, 2, 2.5, 3) });
    const ds = datasetFromFiles({ xPath: at("x.npy"), yPath: at("y.npy"), task: "regression" });
    expect(ds).toEqual({ name: "x", task: "regression", n: 3, inputDim: 2, outputDim: 2, x: Float64Array.of(1, 2, 3, 4, 5, 6), y: Float64Array.of(0.5, 1, 1.5, 2, 2.5, 3) });
  });

  it("builds a classification dataset from IDX images (flattened) and labels", () => {
    writeFileSync(at("img.idx"), writeIdx({ dtype: "uint8", shape: [2, 2, 2], data: Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7) }));
    writeFileSync(at("lab.idx"), writeIdx({ dtype: "uint8", shape: [2], data: Uint8Array.of(4, 0) }));
    const ds = datasetFromFiles({ xPath: at("img.idx"), yPath: at("lab.idx"), task: "classification", name: "tiny" });
    expect([ds.name, ds.n, ds.inputDim, ds.classes, Array.from(ds.y)]).toEqual(["tiny", 2, 4, 5, [4, 0]]);
  });

  it("takes feature names from a CSV header and labels from a one-column CSV", () => {
    writeFileSync(at("x.csv"), "a,b\n1,2\n3,4\n");
    writeFileSync(at("y.csv"), "label\n1\n0\n");
    const ds = datasetFromFiles({ xPath: at("x.csv"), yPath: at("y.csv"), task: "classification" });
    expect(ds.featureNames).toEqual(["a", "b"]);
    expect(ds.classes).toBe(2);
  });

  it("names both files and their shapes when sample counts differ", () => {
    saveNpy(at("x4.npy"), { dtype: "float64", shape: [4, 3], data: new Float64Array(12) });
    saveNpy(at("y5.npy"), { dtype: "float64", shape: [5], data: new Float64Array(5) });
    expect(messageOf(() => datasetFromFiles({ xPath: at("x4.npy"), yPath: at("y5.npy"), task: "regression" })))
      .toBe(`sample counts differ: x ${at("x4.npy")} has shape (4, 3) but y ${at("y5.npy")} has shape (5,)`);
  });

  it("rejects labels that are not non-negative integers or not one column", () => {
    saveNpy(at("x2.npy"), { dtype: "float64", shape: [2, 1], data: Float64Array.of(0, 1) });
    saveNpy(at("yfrac.npy"), { dtype: "float64", shape: [2], data: Float64Array.of(0, 1.5) });
    saveNpy(at("yneg.npy"), { dtype: "int64", shape: [2], data: BigInt64Array.of(0n, -1n) });
    saveNpy(at("y2col.npy"), { dtype: "float64", shape: [2, 2], data: Float64Array.of(0, 1, 1, 0) });
    expect(messageOf(() => datasetFromFiles({ xPath: at("x2.npy"), yPath: at("yfrac.npy"), task: "classification" }))).toMatch(/yfrac\.npy: .*sample 1 has label 1\.5/);
    expect(messageOf(() => datasetFromFiles({ xPath: at("x2.npy"), yPath: at("yneg.npy"), task: "classification" }))).toMatch(/yneg\.npy: .*sample 1 has label -1/);
    expect(messageOf(() => datasetFromFiles({ xPath: at("x2.npy"), yPath: at("y2col.npy"), task: "classification" }))).toMatch(/y2col\.npy: .*one column.*\(2, 2\)/);
    expect(datasetFromFiles({ xPath: at("x2.npy"), yPath: at("yfrac.npy"), task: "regression" }).outputDim).toBe(1);
  });

  it("rejects non-finite values, scalars and empty data, naming the file", () => {
    saveNpy(at("xnan.npy"), { dtype: "float64", shape: [2, 2], data: Float64Array.of(0, 1, NaN, 3) });
    saveNpy(at("y2.npy"), { dtype: "float64", shape: [2], data: Float64Array.of(0, 1) });
    saveNpy(at("scalar.npy"), { dtype: "float64", shape: [], data: Float64Array.of(1) });
    saveNpy(at("x0.npy"), { dtype: "float64", shape: [0, 2], data: new Float64Array(0) });
    saveNpy(at("y0.npy"), { dtype: "float64", shape: [0], data: new Float64Array(0) });
    expect(messageOf(() => datasetFromFiles({ xPath: at("xnan.npy"), yPath: at("y2.npy"), task: "regression" }))).toMatch(/xnan\.npy: sample 1, value 0 is NaN/);
    expect(messageOf(() => datasetFromFiles({ xPath: at("scalar.npy"), yPath: at("y2.npy"), task: "regression" }))).toMatch(/scalar\.npy: .*scalar/);
    expect(messageOf(() => datasetFromFiles({ xPath: at("x0.npy"), yPath: at("y0.npy"), task: "regression" }))).toMatch(/x0\.npy: .*no samples/);
    expect(messageOf(() => datasetFromFiles({ xPath: at("nope.npy"), yPath: at("y2.npy"), task: "regression" }))).toMatch(/cannot read file .*nope\.npy/);
  });
});
