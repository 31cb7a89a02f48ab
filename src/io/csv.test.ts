import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseCsv, parseNumericCell } from "./csv.js";
import { UserError } from "../util/errors.js";

function errorOf(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error("expected an error");
}

describe("parseCsv", () => {
  it("detects a header row and reads comma-separated numbers row-major", () => {
    const t = parseCsv("x,y,label\n1,2,0\n-3.5,4e2,1\n");
    expect(t.header).toEqual(["x", "y", "label"]);
    expect([t.rows, t.cols]).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 0, -3.5, 400, 1]);
  });

  it("treats an all-numeric first line as data", () => {
    const t = parseCsv("1,2\n3,4");
    expect(t.header).toBeUndefined();
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  it("lets the caller force or forbid the header", () => {
    expect(parseCsv("1,2\n3,4", "f", { header: true })).toEqual({ header: ["1", "2"], rows: 1, cols: 2, data: Float64Array.of(3, 4) });
    expect(() => parseCsv("a,b\n3,4", "f.csv", { header: false })).toThrow(/f\.csv: line 1, column 1: non-numeric cell "a"/);
  });

  it("reads numpy.savetxt style whitespace output with comments, tabs and blank lines", () => {
    const t = parseCsv("# written by savetxt\n1.000000000000000000e+00 2.5e-01\n\n\t3   4  # trailing note\r\n");
    expect(t.header).toBeUndefined();
    expect([t.rows, t.cols]).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([1, 0.25, 3, 4]);
  });

  it("reads semicolon-separated files and quoted header names", () => {
    const t = parseCsv('"sepal; length";"width #2"\n1;2\n');
    expect(t.header).toEqual(["sepal; length", "width #2"]);
    expect(Array.from(t.data)).toEqual([1, 2]);
  });

  it("accepts nan and infinities as numpy writes them", () => {
    const t = parseCsv("nan,inf,-inf,NaN,-Infinity\n");
    expect(Array.from(t.data)).toEqual([NaN, Infinity, -Infinity, NaN, -Infinity]);
  });

  it("strips a byte-order mark and handles CRLF", () => {
    const t = parseCsv("\uFEFFa,b\r\n1,2\r\n");
    expect(t.header).toEqual(["a", "b"]);
  });

  it("returns an empty table for an empty or comment-only file, and a header-only table", () => {
    expect(parseCsv("")).toEqual({ rows: 0, cols: 0, data: new Float64Array(0) });
    expect(parseCsv("# nothing\n\n")).toEqual({ rows: 0, cols: 0, data: new Float64Array(0) });
    expect(parseCsv("a,b\n")).toEqual({ header: ["a", "b"], rows: 0, cols: 2, data: new Float64Array(0) });
  });

  it("reports a non-numeric cell with its physical line and column", () => {
    const e = errorOf(() => parseCsv("# c\nx,y\n1,2\n\n3,abc\n", "data.csv"));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe('data.csv: line 5, column 2: non-numeric cell "abc"');
  });

  it("reports an empty cell", () => {
    expect(errorOf(() => parseCsv("1,2,3\n1,,3\n", "d.csv")).message).toBe("d.csv: line 2, column 2: an empty cell");
  });

  it("does not mistake a first data row with one bad cell for a header", () => {
    const e = errorOf(() => parseCsv("1,2x,3\n4,5,6\n", "d.csv"));
    expect(e.message).toMatch(/^d\.csv: line 1, column 2: non-numeric cell "2x" \(if this line is a header/);
    expect(errorOf(() => parseCsv("1,,3\n", "d.csv")).message).toMatch(/^d\.csv: line 1, column 2: an empty cell/);
  });

  it("reports a ragged row naming both lines", () => {
    const e = errorOf(() => parseCsv("a b c\n1 2 3\n4 5\n", "t.txt"));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe("t.txt: line 3 has 2 columns but line 1 has 3");
  });

  it("round-trips any finite matrix written with full precision", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 }), (cols, values) => {
      const rows = Math.floor(values.length / cols);
      fc.pre(rows > 0);
      const used = values.slice(0, rows * cols);
      const lines = Array.from({ length: rows }, (_, r) => used.slice(r * cols, (r + 1) * cols).map((v) => String(v)).join(","));
      const t = parseCsv(lines.join("\n"));
      expect([t.rows, t.cols]).toEqual([rows, cols]);
      // String(-0) is "0", so compare by value rather than by bits.
      expect(Array.from(t.data).map((v) => v + 0)).toEqual(used.map((v) => v + 0));
    }));
  });
});

describe("parseNumericCell", () => {
  it("rejects what Number() would wrongly accept", () => {
    for (const s of ["", " ", "0x10", "1_000", "1e", "--1", "Infinityx", "true"]) expect(parseNumericCell(s)).toBeUndefined();
    for (const [s, v] of [["1.", 1], [".5", 0.5], ["+2E-3", 0.002], ["-0", -0]] as const) expect(parseNumericCell(s)).toBe(v);
  });
});
