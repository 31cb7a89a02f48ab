import { readFileSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { describeFsError } from "./atomic-write.js";

/** Read a whole file, turning "not found", "is a directory" and the like into a UserError naming it. */
export function readFileBytes(path: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new UserError(`cannot read file ${path}: ${describeFsError(e)}`);
  }
}
