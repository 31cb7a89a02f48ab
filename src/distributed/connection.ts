/**
 * The Redis a pool shares, named by a URL: redis://[user:password@]host:port[/db], or rediss:// for
 * TLS (ioredis reads both). The URL is shown only masked (the password as ***), in logs and errors
 * alike. A submitter fails fast when Redis is gone (a clear error, exit 2, and a rerun resumes); a
 * worker keeps reconnecting, so a restarted Redis gets its workers back.
 */
import { Redis, type RedisOptions } from "ioredis";
import { UserError, field } from "../util/errors.js";

export interface QueueUrl {
  url: string;
  /** The URL with its password replaced by ***: the only form ever printed. */
  masked: string;
  password: string | null;
}

export function parseQueueUrl(raw: string): QueueUrl {
  const s = raw.trim();
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UserError(`${field("queue")} ${maskLoose(s)}: not a URL; use redis://host:port (rediss:// for TLS, redis://:password@host:port with a password)`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new UserError(`${field("queue")} ${maskUrl(u)}: the scheme must be redis:// or rediss:// (TLS), got ${u.protocol}//`);
  }
  if (u.hostname === "") throw new UserError(`${field("queue")} ${maskUrl(u)}: no host; use redis://host:port`);
  const password = u.password ? decodeURIComponent(u.password) : null;
  return { url: s, masked: maskUrl(u), password };
}

function maskUrl(u: URL): string {
  const m = new URL(u.href);
  if (m.password) m.password = "***";
  return m.href.replace(/\/$/, "");
}

/** For strings that do not even parse: hide anything between "//" … ":" and "@". */
function maskLoose(s: string): string {
  return s.replace(/(\/\/[^/@]*:)[^/@]*@/, "$1***@");
}

/** A message from ioredis or BullMQ, with the password cut out should it ever appear. */
export function scrub(q: QueueUrl, message: string): string {
  return q.password ? message.split(q.password).join("***") : message;
}

export function queueError(q: QueueUrl, e: unknown, doing = "cannot reach the Redis queue"): UserError {
  const why = e instanceof Error ? e.message : String(e);
  return new UserError(`${doing} at ${q.masked}: ${scrub(q, why)} (is redis-server running there, and the port, password and TLS scheme right?)`);
}

export interface ConnectOptions {
  /** Keep reconnecting forever (workers); else give up after a few seconds (submitters, start-up checks). */
  persistent: boolean;
  /** Called with each connection error (already scrubbed), e.g. to log it. */
  onError?: (message: string) => void;
}

export function redisOptions(o: ConnectOptions): RedisOptions {
  return o.persistent
    ? {
        // BullMQ's blocking commands need unlimited retries per request.
        maxRetriesPerRequest: null,
        retryStrategy: (times) => Math.min(200 * times, 5000),
        connectTimeout: 5000
      }
    : {
        maxRetriesPerRequest: 2,
        // About two seconds of retries: a blip survives, a dead Redis is reported promptly.
        retryStrategy: (times) => (times > 3 ? null : 250 * 2 ** (times - 1)),
        connectTimeout: 3000
      };
}

/** A connected client; a UserError naming the (masked) URL when Redis cannot be reached. */
export async function connectRedis(q: QueueUrl, o: ConnectOptions): Promise<Redis> {
  const r = new Redis(q.url, { ...redisOptions(o), lazyConnect: true });
  let last = "";
  // Without a listener ioredis prints every error itself, with the URL as given.
  r.on("error", (e: Error) => {
    last = scrub(q, e.message);
    o.onError?.(last);
  });
  try {
    // A persistent client still has to reach Redis once within the start-up window.
    await withTimeout(r.connect(), 10_000, () => last || "timed out");
    await r.ping();
  } catch (e) {
    r.disconnect();
    throw queueError(q, last ? new Error(last) : e);
  }
  return r;
}

async function withTimeout<T>(p: Promise<T>, ms: number, why: () => string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(why())), ms)))]);
  } finally {
    clearTimeout(t);
  }
}
