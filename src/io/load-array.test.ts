import { describe, it, expect, afterAll } from "vitest";
import { gzipSync } from "node:zlib";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadArray, readArray } from "./load-array.js";
import { writeNpy } from "./npy.js";
import { writeIdx } from "./idx.js";

const dir = mkdtempSync(join(tmpdir(), "losscape-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadArray recognises formats by content", () => {
  it("npy regardless of the file name", () => {
    const p = join(dir, "weird.csv");
    writeFileSync(p, writeNpy({ dtype: "int32", shape: [2, 1], data: Int32Array.of(5, -6) }));
    expect(loadArray(p)).toEqual({ format: "npy", shape: [2, 1], data: Float64Array.of(5, -6) });
  });

  it("IDX, plain and gzipped", () => {
    const bytes = writeIdx({ dtype: "uint8", shape: [1, 2, 2], data: Uint8Array.of(0, 1, 2, 255) });
    expect(readArray(bytes)).toEqual({ format: "idx", shape: [1, 2, 2], data: Float64Array.of(0, 1, 2, 255) });
    expect(readArray(gzipSync(bytes))).toEqual(readArray(bytes));
  });

  it("text tables keep their column names", () => {
    const p = join(dir, "t.csv");
    writeFileSync(p, "a,b\n1,2\n");
    expect(loadArray(p)).toEqual({ format: "csv", shape: [1, 2], data: Float64Array.of(1, 2), columnNames: ["a", "b"] });
  });

  it("binary junk is reported as such, naming the file", () => {
    expect(() => readArray(Uint8Array.of(0xff, 0xfe, 0xc3, 0x28), "blob.bin")).toThrow(/blob\.bin: not a \.npy, IDX or UTF-8 text file/);
  });
});
