/**
 * Atomic file replacement: readers see either the old file or the complete new one, never a
 * half-written file, because the bytes go to a sibling temp file that is renamed over the target
 * (rename within one directory is atomic on POSIX and on NTFS).
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { UserError } from "../util/errors.js";

/** The sibling temp path used while writing `path`; exported so tests can look for leftovers. */
export function tempPathFor(path: string): string {
  // pid + random so concurrent writers (other processes, or two calls in one) never share a temp file.
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
}

/** Write `data` to `path` atomically. Failures become a UserError naming the file; no temp file is left. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const tmp = tempPathFor(path);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, "wx");
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    // fsync before rename, or a crash could leave the renamed file empty.
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try { closeSync(fd); } catch { /* already failing; report the first error */ }
    }
    try { unlinkSync(tmp); } catch { /* the temp file may never have been created */ }
    throw new UserError(`cannot write file ${path}: ${describeFsError(e)}`);
  }
}

export function describeFsError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
