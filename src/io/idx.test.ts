import { describe, it, expect, afterAll } from "vitest";
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readIdx, writeIdx, loadIdx } from "./idx.js";
import { UserError } from "../util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "losscape-idx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readIdx on hand-built bytes", () => {
  it("reads an MNIST-style label file (ubyte, rank 1)", () => {
    const a = readIdx(Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1));
    expect(a.dtype).toBe("uint8");
    expect(a.shape).toEqual([3]);
    expect(Array.from(a.data as Uint8Array)).toEqual([7, 2, 1]);
  });

  it("reads an image tensor (ubyte, rank 3) in C order", () => {
    const a = readIdx(Uint8Array.of(0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40));
    expect(a.shape).toEqual([2, 1, 2]);
    expect(Array.from(a.data as Uint8Array)).toEqual([10, 20, 30, 40]);
  });

  it("reads big-endian sbyte, short, int, float and double", () => {
    expect(Array.from(readIdx(Uint8Array.of(0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 0x80)).data as Int8Array)).toEqual([-1, -128]);
    expect(Array.from(readIdx(Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x00, 0xff, 0xfe)).data as Int16Array)).toEqual([256, -2]);
    expect(Array.from(readIdx(Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 1, 0x80, 0, 0, 0)).data as Int32Array)).toEqual([-(2 ** 31)]);
    expect(Array.from(readIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0, 0, 0)).data as Float32Array)).toEqual([0.5]);
    expect(Array.from(readIdx(Uint8Array.of(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0x04, 0, 0, 0, 0, 0, 0)).data as Float64Array)).toEqual([-2.5]);
  });

  it("reads a 0-d scalar and an empty tensor", () => {
    expect(readIdx(Uint8Array.of(0, 0, 0x08, 0, 42))).toEqual({ dtype: "uint8", shape: [], data: Uint8Array.of(42) });
    const empty = readIdx(Uint8Array.of(0, 0, 0x0d, 2, 0, 0, 0, 0, 0, 0, 0, 5));
    expect(empty.shape).toEqual([0, 5]);
    expect(empty.data.length).toBe(0);
  });

  it("inflates gzip-compressed files transparently", () => {
    const plain = Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1);
    expect(readIdx(gzipSync(plain))).toEqual(readIdx(plain));
  });
});

describe("readIdx rejects bad files naming the file and the problem", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["nonzero magic", Uint8Array.of(1, 0, 0x08, 1, 0, 0, 0, 0), /wrong magic/],
    ["unknown type byte", Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0), /unsupported type byte 0x0a/],
    ["truncated dimensions", Uint8Array.of(0, 0, 0x08, 3, 0, 0, 0, 2), /ends inside the 3 dimension sizes/],
    ["truncated data", Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2), /needs 3 data bytes but 2.*truncated/],
    ["extra data", Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 1, 1, 2), /needs 1 data bytes but 2/],
    ["corrupt gzip", Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3), /gzip data is corrupt/],
    ["tiny", Uint8Array.of(0, 0), /only 2 bytes/]
  ];
  for (const [name, bytes, pattern] of cases) {
    it(name, () => {
      let caught: unknown;
      try { readIdx(bytes, "t10k-images.idx"); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(UserError);
      expect((caught as Error).message).toMatch(/^t10k-images\.idx: not a valid IDX file: /);
      expect((caught as Error).message).toMatch(pattern);
    });
  }
});

describe("IDX round trip", () => {
  it("writeIdx then readIdx gives back the array for every IDX dtype", () => {
    const shapeArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 });
    fc.assert(fc.property(shapeArb, fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 1, maxLength: 20 }), (shape, pool) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const pick = (i: number): number => pool[i % pool.length]!;
      const arrays = [
        { dtype: "uint8" as const, shape, data: Uint8Array.from({ length: n }, (_, i) => pick(i) + 128) },
        { dtype: "int8" as const, shape, data: Int8Array.from({ length: n }, (_, i) => pick(i)) },
        { dtype: "int16" as const, shape, data: Int16Array.from({ length: n }, (_, i) => pick(i) * 255) },
        { dtype: "int32" as const, shape, data: Int32Array.from({ length: n }, (_, i) => pick(i) * 16_777_216) },
        { dtype: "float32" as const, shape, data: Float32Array.from({ length: n }, (_, i) => pick(i) / 4) },
        { dtype: "float64" as const, shape, data: Float64Array.from({ length: n }, (_, i) => pick(i) / 3) }
      ];
      for (const a of arrays) expect(readIdx(writeIdx(a))).toEqual(a);
    }));
  });

  it("writeIdx emits the documented header layout", () => {
    expect(Array.from(writeIdx({ dtype: "int16", shape: [2], data: Int16Array.of(1, -1) })))
      .toEqual([0, 0, 0x0b, 1, 0, 0, 0, 2, 0, 1, 0xff, 0xff]);
  });

  it("refuses dtypes IDX cannot express", () => {
    expect(() => writeIdx({ dtype: "int64", shape: [1], data: BigInt64Array.of(1n) })).toThrow(/cannot store dtype int64/);
  });

  it("loads a gzip file from disk and names the path in errors", () => {
    const p = join(dir, "labels-idx1-ubyte.gz");
    writeFileSync(p, gzipSync(Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 2, 4, 9)));
    expect(Array.from(loadIdx(p).data as Uint8Array)).toEqual([4, 9]);
    writeFileSync(p, Uint8Array.of(0, 0, 0x08, 1, 0, 0, 0, 5));
    expect(() => loadIdx(p)).toThrow(p);
    expect(() => loadIdx(join(dir, "missing"))).toThrow(/cannot read file .*missing.*ENOENT/);
  });
});
