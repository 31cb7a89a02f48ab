/**
 * The one binary format of everything losscape puts into Redis (problems, results): a magic line, a
 * JSON header and raw byte sections. Float arrays travel as their IEEE-754 bytes, so values come back
 * bit for bit (NaN, ±Infinity and -0 included, which JSON would lose), and nothing in it is ever
 * executed: a reader checks the sizes before it trusts them and validates the header with zod.
 */
import { endianness } from "node:os";
import { UserError } from "../util/errors.js";

const MAGIC = Buffer.from("LOSSCAPE1\n", "latin1");
/** Headers are small descriptions (a spec, shapes, names); a bigger one is not ours. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export interface Container {
  header: Record<string, unknown>;
  sections: Record<string, Uint8Array>;
}

if (endianness() !== "LE") throw new Error("losscape's queue format stores float64 little-endian; this machine is big-endian");

export function encodeContainer(header: Record<string, unknown>, sections: Record<string, Uint8Array>): Buffer {
  const names = Object.keys(sections);
  const head = Buffer.from(JSON.stringify({ header, sections: names.map((n) => ({ name: n, bytes: sections[n]!.byteLength })) }), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([MAGIC, len, head, ...names.map((n) => Buffer.from(sections[n]!.buffer, sections[n]!.byteOffset, sections[n]!.byteLength))]);
}

/** `what` names the blob in errors ("problem a1b2…"). */
export function decodeContainer(bytes: Uint8Array, what: string): Container {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): never => {
    throw new UserError(`${what} is not a losscape queue payload: ${why}`);
  };
  if (b.length < MAGIC.length + 4 || !b.subarray(0, MAGIC.length).equals(MAGIC)) bad("wrong magic bytes");
  const headLen = b.readUInt32LE(MAGIC.length);
  if (headLen > MAX_HEADER_BYTES || MAGIC.length + 4 + headLen > b.length) bad(`header of ${headLen} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(b.subarray(MAGIC.length + 4, MAGIC.length + 4 + headLen).toString("utf8"));
  } catch {
    bad("header is not JSON");
  }
  const p = parsed as { header?: unknown; sections?: unknown };
  if (!p || typeof p !== "object" || !p.header || typeof p.header !== "object" || Array.isArray(p.header) || !Array.isArray(p.sections)) bad("header has no header/sections");
  let at = MAGIC.length + 4 + headLen;
  const sections: Record<string, Uint8Array> = {};
  for (const s of p.sections as unknown[]) {
    const { name, bytes: n } = (s ?? {}) as { name?: unknown; bytes?: unknown };
    if (typeof name !== "string" || typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) bad("malformed section entry");
    if (at + (n as number) > b.length) bad(`section ${String(name)} runs past the end`);
    if (Object.hasOwn(sections, name as string)) bad(`section ${String(name)} twice`);
    // A copy, so the Float64Array views below are aligned whatever the section's offset.
    sections[name as string] = new Uint8Array(b.subarray(at, at + (n as number)));
    at += n as number;
  }
  if (at !== b.length) bad(`${b.length - at} trailing bytes`);
  return { header: p.header as Record<string, unknown>, sections };
}

export function f64Bytes(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function bytesF64(b: Uint8Array, what: string, length?: number): Float64Array {
  if (b.byteLength % 8 !== 0) throw new UserError(`${what}: ${b.byteLength} bytes is not a whole number of float64 values`);
  const a = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  if (length !== undefined && a.length !== length) throw new UserError(`${what}: ${a.length} values, expected ${length}`);
  return a;
}
