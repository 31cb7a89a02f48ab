/**
 * Content-addressed blobs in Redis: stored under their sha256, written once (SET NX; a republish
 * only refreshes the expiry), and checked against the hash when fetched, so a worker never computes
 * from bytes other than the ones the submitter hashed.
 */
import type { Redis } from "ioredis";
import { UserError } from "../util/errors.js";
import { BLOB_TTL_SECONDS, keys } from "./protocol.js";
import { sha256Hex } from "./problem-payload.js";

export async function publishBlob(r: Redis, bytes: Uint8Array, maxBytes: number, what: string): Promise<string> {
  if (bytes.byteLength > maxBytes) {
    throw new UserError(`${what} is ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB, over the queue's payload cap of ${(maxBytes / 2 ** 20).toFixed(0)} MiB`);
  }
  const hash = sha256Hex(bytes);
  const key = keys.blob(hash);
  const set = await r.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "EX", BLOB_TTL_SECONDS, "NX");
  if (set === null) await r.expire(key, BLOB_TTL_SECONDS);
  return hash;
}

export async function fetchBlob(r: Redis, hash: string, maxBytes: number, what: string): Promise<Buffer> {
  const key = keys.blob(hash);
  // The size first: a worker does not pull an oversized value into memory to refuse it.
  const size = await r.strlen(key);
  if (size > maxBytes) throw new UserError(`${what} ${hash.slice(0, 12)} is ${size} bytes, over this worker's payload cap of ${maxBytes}`);
  const b = await r.getBuffer(key);
  if (!b) throw new UserError(`${what} ${hash.slice(0, 12)} is not in Redis (expired, or Redis was restarted); rerun the submitting command to publish it again`);
  if (sha256Hex(b) !== hash) throw new UserError(`${what} ${hash.slice(0, 12)} in Redis does not match its hash`);
  return b;
}
