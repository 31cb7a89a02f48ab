import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { readNpy, writeNpy, toFloat64, float64Array, type NpyArray } from "./npy.js";
import { UserError } from "../util/errors.js";

/** Assemble a .npy by hand from the spec: magic, version, little-endian header length, header, data. */
function npy(major: number, header: string, dataHex: string): Uint8Array {
  const headerBytes = major === 3 ? new TextEncoder().encode(header) : Uint8Array.from(header, (c) => c.charCodeAt(0));
  const lenBytes = major === 1
    ? [headerBytes.length & 0xff, headerBytes.length >> 8]
    : [headerBytes.length & 0xff, (headerBytes.length >> 8) & 0xff, (headerBytes.length >> 16) & 0xff, headerBytes.length >>> 24];
  const data = hex(dataHex);
  return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0, ...lenBytes, ...headerBytes, ...data]);
}

function hex(s: string): number[] {
  const clean = s.replace(/\s+/g, "");
  const out: number[] = [];
  for (let i = 0; i < clean.length; i += 2) out.push(parseInt(clean.slice(i, i + 2), 16));
  return out;
}

describe("readNpy on hand-built files", () => {
  it("reads a version 1.0 little-endian float64 vector", () => {
    // 1.0 and -2.5 as IEEE-754 little-endian doubles.
    const a = readNpy(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }          \n",
      "000000000000f03f 00000000000004c0"));
    expect(a.dtype).toBe("float64");
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.data as Float64Array)).toEqual([1, -2.5]);
  });

  it("transposes a Fortran-order int32 matrix into C order", () => {
    // [[1,2,3],[4,5,6]] stored column by column: 1 4 2 5 3 6.
    const a = readNpy(npy(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n",
      "01000000 04000000 02000000 05000000 03000000 06000000"));
    expect(a.dtype).toBe("int32");
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as Int32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("transposes a rank-3 Fortran-order array element by element", () => {
    const shape = [2, 3, 4];
    // Element (i,j,k) has value 12i+4j+k (its C-order index) and sits at Fortran offset i+2j+6k.
    const f = new Array<string>(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      f[i + 2 * j + 6 * k] = (12 * i + 4 * j + k).toString(16).padStart(2, "0");
    }
    const a = readNpy(npy(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3, 4), }\n", f.join("")));
    expect(a.shape).toEqual(shape);
    expect(Array.from(a.data as Uint8Array)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it("reads version 2.0 with a big-endian int16", () => {
    const a = readNpy(npy(2, "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }\n", "0001 fffe 0100"));
    expect(a.dtype).toBe("int16");
    expect(Array.from(a.data as Int16Array)).toEqual([1, -2, 256]);
  });

  it("reads version 3.0 (utf-8 header) uint8 matrix", () => {
    const a = readNpy(npy(3, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }\n", "00 7f 80 ff"));
    expect(a.shape).toEqual([2, 2]);
    expect(Array.from(a.data as Uint8Array)).toEqual([0, 127, 128, 255]);
  });

  it("reads a 0-d bool scalar", () => {
    const a = readNpy(npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }\n", "01"));
    expect(a.dtype).toBe("bool");
    expect(a.shape).toEqual([]);
    expect(Array.from(a.data as Uint8Array)).toEqual([1]);
  });

  it("reads float32, int64 and unsigned dtypes in both byte orders", () => {
    expect(Array.from(readNpy(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", "0000003f 00004040")).data as Float32Array)).toEqual([0.5, 3]);
    expect(Array.from(readNpy(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", "3f000000")).data as Float32Array)).toEqual([0.5]);
    expect(Array.from(readNpy(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", "ffffffffffffffff 0000000000000080")).data as BigInt64Array))
      .toEqual([-1n, -(2n ** 63n)]);
    expect(Array.from(readNpy(npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }\n", "3ff0000000000000")).data as Float64Array)).toEqual([1]);
    expect(Array.from(readNpy(npy(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }\n", "ffff")).data as Uint16Array)).toEqual([65535]);
    expect(Array.from(readNpy(npy(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }\n", "ffffffff")).data as Uint32Array)).toEqual([4294967295]);
    expect(Array.from(readNpy(npy(1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }\n", "ff 7f")).data as Int8Array)).toEqual([-1, 127]);
  });

  it("accepts headers numpy never writes but Python would parse: double quotes, no trailing comma, Python 2 longs", () => {
    const a = readNpy(npy(1, '{"shape": (1L, 2L), "fortran_order": False, "descr": "<i4"}\n', "07000000 08000000"));
    expect(a.shape).toEqual([1, 2]);
    expect(Array.from(a.data as Int32Array)).toEqual([7, 8]);
  });

  it("reads an empty array", () => {
    const a = readNpy(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }\n", ""));
    expect(a.shape).toEqual([0, 3]);
    expect(a.data.length).toBe(0);
  });
});

describe("readNpy rejects bad files with a message naming the file and the problem", () => {
  const good = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", "000000000000f03f 00000000000004c0");
  const cases: [string, Uint8Array, RegExp][] = [
    ["wrong magic", Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x5a, ...good.subarray(6)]), /wrong magic/],
    ["truncated data", good.subarray(0, good.length - 3), /needs 16 data bytes but only 13.*truncated/],
    ["trailing bytes", Uint8Array.from([...good, 0]), /17 are present/],
    ["truncated header", good.subarray(0, 20), /file ends first/],
    ["tiny file", good.subarray(0, 4), /only 4 bytes/],
    ["version 4.0", Uint8Array.from([...good.subarray(0, 6), 4, 0, ...good.subarray(8)]), /version 4\.0/],
    ["complex dtype", npy(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n", "00".repeat(16)), /unsupported dtype '<c16'/],
    ["structured dtype", npy(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n", "00".repeat(8)), /structured/],
    ["object dtype", npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", "00".repeat(8)), /unsupported dtype '\|O'/],
    ["garbage header", npy(1, "{'descr': '<f8', 'shape': (2,)\n", ""), /cannot parse header/],
    ["header missing a key", npy(1, "{'descr': '<f8', 'shape': (2,)}\n", ""), /lacks/],
    ["negative dimension", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }\n", ""), /non-negative/],
    ["eval bait", npy(1, "__import__('os').system('x')\n", ""), /cannot parse header/]
  ];
  for (const [name, bytes, pattern] of cases) {
    it(name, () => {
      let caught: unknown;
      try { readNpy(bytes, "data/x.npy"); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(UserError);
      expect((caught as Error).message).toMatch(/^data\/x\.npy: /);
      expect((caught as Error).message).toMatch(pattern);
    });
  }
});

describe("writeNpy", () => {
  it("writes the exact bytes numpy writes for a float64 vector", () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
    // 10 prefix bytes + 57 header chars + 60 spaces + newline = 128, a multiple of 64.
    expect(header.length).toBe(57);
    const padded = header + " ".repeat(60) + "\n";
    expect(Array.from(writeNpy(float64Array([2], [1, -2.5])))).toEqual(Array.from(npy(1, padded, "000000000000f03f 00000000000004c0")));
  });

  it("aligns the data to 64 bytes and ends the header with a newline", () => {
    for (const shape of [[], [0], [3], [2, 5], [1, 2, 3, 4]]) {
      const bytes = writeNpy(float64Array(shape, new Float64Array(shape.reduce((a, b) => a * b, 1))));
      const headerLength = bytes[8]! | (bytes[9]! << 8);
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[10 + headerLength - 1]).toBe(0x0a);
    }
  });

  it("switches to format 2.0 when the header does not fit in 65535 bytes", () => {
    const shape = new Array<number>(25_000).fill(1);
    const bytes = writeNpy({ dtype: "float64", shape, data: Float64Array.of(4.5) });
    expect(bytes[6]).toBe(2);
    const back = readNpy(bytes);
    expect(back.shape).toEqual(shape);
    expect(Array.from(back.data as Float64Array)).toEqual([4.5]);
  });

  it("refuses data whose length does not match the shape", () => {
    expect(() => writeNpy({ dtype: "float64", shape: [3], data: new Float64Array(2) })).toThrow(/needs 3 elements/);
  });
});

describe("npy round trip", () => {
  const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

  it("float64 survives bit for bit, including -0, NaN and infinities", () => {
    fc.assert(fc.property(shapeArb, fc.array(fc.double(), { maxLength: 256 }), (shape, pool) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float64Array.from({ length: n }, (_, i) => pool.length === 0 ? i : pool[i % pool.length]!);
      const back = readNpy(writeNpy({ dtype: "float64", shape, data }));
      expect(back.dtype).toBe("float64");
      expect(back.shape).toEqual(shape);
      expect(new Uint8Array((back.data as Float64Array).buffer)).toEqual(new Uint8Array(data.buffer));
    }));
  });

  it("float32 survives", () => {
    fc.assert(fc.property(shapeArb, fc.array(fc.float({ noNaN: true }), { maxLength: 64 }), (shape, pool) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => pool.length === 0 ? i : pool[i % pool.length]!);
      const back = readNpy(writeNpy({ dtype: "float32", shape, data }));
      expect(back.dtype).toBe("float32");
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data as Float32Array)).toEqual(Array.from(data));
    }));
  });

  it("int64 survives including the extremes", () => {
    fc.assert(fc.property(shapeArb, fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 64 }), (shape, pool) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = BigInt64Array.from({ length: n }, (_, i) => pool.length === 0 ? BigInt(i) : pool[i % pool.length]!);
      const back = readNpy(writeNpy({ dtype: "int64", shape, data }));
      expect(back.dtype).toBe("int64");
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data as BigInt64Array)).toEqual(Array.from(data));
    }));
  });

  it("every other dtype survives too", () => {
    const samples: NpyArray[] = [
      { dtype: "int32", shape: [2], data: Int32Array.of(-(2 ** 31), 2 ** 31 - 1) },
      { dtype: "uint32", shape: [1], data: Uint32Array.of(2 ** 32 - 1) },
      { dtype: "int16", shape: [2], data: Int16Array.of(-32768, 32767) },
      { dtype: "uint16", shape: [1], data: Uint16Array.of(65535) },
      { dtype: "int8", shape: [2], data: Int8Array.of(-128, 127) },
      { dtype: "uint8", shape: [1, 1], data: Uint8Array.of(255) },
      { dtype: "bool", shape: [], data: Uint8Array.of(1) },
      { dtype: "uint64", shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) }
    ];
    for (const a of samples) {
      const back = readNpy(writeNpy(a));
      expect(back.dtype).toBe(a.dtype);
      expect(back.shape).toEqual(a.shape);
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(a.data as ArrayLike<number | bigint>));
    }
  });

  it("writes correctly from a typed array that is a view into a larger buffer", () => {
    const big = Float64Array.of(9, 1, 2, 9);
    const back = readNpy(writeNpy({ dtype: "float64", shape: [2], data: big.subarray(1, 3) }));
    expect(Array.from(back.data as Float64Array)).toEqual([1, 2]);
  });
});

describe("toFloat64", () => {
  it("converts every dtype and copies rather than aliasing", () => {
    const i64: NpyArray = { dtype: "int64", shape: [2], data: BigInt64Array.of(-3n, 2n ** 40n) };
    expect(Array.from(toFloat64(i64).data)).toEqual([-3, 2 ** 40]);
    const u8: NpyArray = { dtype: "uint8", shape: [2, 1], data: Uint8Array.of(0, 255) };
    expect(toFloat64(u8)).toEqual({ shape: [2, 1], data: Float64Array.of(0, 255) });
    const f: NpyArray = { dtype: "float64", shape: [1], data: Float64Array.of(1) };
    toFloat64(f).data[0] = 5;
    expect(f.data[0]).toBe(1);
  });
});
