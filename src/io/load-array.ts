/**
 * Load a numeric array from a file whose format is recognised by content, not by name:
 * .npy by its magic, IDX by its two leading zero bytes (after gunzip if gzip-compressed),
 * anything else as a numeric text table (CSV, TSV, whitespace).
 */
import { UserError } from "../util/errors.js";
import { parseCsv } from "./csv.js";
import { gunzipIfCompressed, readIdx } from "./idx.js";
import { toFloat64 } from "./ndarray.js";
import { readNpy } from "./npy.js";
import { readFileBytes } from "./read-file.js";

export type ArrayFileFormat = "npy" | "idx" | "csv";

export interface LoadedArray {
  format: ArrayFileFormat;
  shape: number[];
  data: Float64Array;
  /** Column names, when the file was a text table with a header row. */
  columnNames?: string[];
}

export function detectArrayFormat(bytes: Uint8Array): ArrayFileFormat {
  if (bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === "NUMPY") return "npy";
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0) return "idx";
  return "csv";
}

export function readArray(bytes: Uint8Array, source = "<array bytes>"): LoadedArray {
  const plain = gunzipIfCompressed(bytes, (problem) => {
    throw new UserError(`${source}: ${problem}`);
  });
  const format = detectArrayFormat(plain);
  if (format === "npy") return { format, ...toFloat64(readNpy(plain, source)) };
  if (format === "idx") return { format, ...toFloat64(readIdx(plain, source)) };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new UserError(`${source}: not a .npy, IDX or UTF-8 text file`);
  }
  const table = parseCsv(text, source);
  const loaded: LoadedArray = { format, shape: [table.rows, table.cols], data: table.data };
  if (table.header !== undefined) loaded.columnNames = table.header;
  return loaded;
}

export function loadArray(path: string): LoadedArray {
  return readArray(readFileBytes(path), path);
}
