/**
 * What makes a resumable run the same run (a landscape's chunks, a connect curve's checkpoint): its
 * inputs as canonical JSON (keys sorted, undefined dropped) hashed into one key, vectors by the
 * sha256 of their bytes, and the names of the inputs that differ when a folder holds another run.
 */
import { createHash } from "node:crypto";

export function sha256OfFloats(a: Float64Array): string {
  return createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
}

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export function identityKey(inputs: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(inputs)).digest("hex");
}

/** The inputs, by name, whose values differ between two runs (sorted). */
export function changedInputs(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}
