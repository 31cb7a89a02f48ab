/**
 * What the worker-pool tests share: a private redis-server on a free loopback port (persistence off,
 * a password on), and the real CLI (bin/losscape.js over dist/) as child processes whose output is
 * collected and can be waited on.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export const BIN = new URL("../bin/losscape.js", import.meta.url).pathname;

export function redisInstalled(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** TLS files for a server that only speaks TLS (clients trust `ca` through NODE_EXTRA_CA_CERTS). */
export interface RedisTls {
  cert: string;
  key: string;
  ca: string;
}

export async function startRedis(password: string, port?: number, tls?: RedisTls): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const listen = tls
    ? ["--port", "0", "--tls-port", String(p), "--tls-cert-file", tls.cert, "--tls-key-file", tls.key, "--tls-ca-cert-file", tls.ca, "--tls-auth-clients", "no"]
    : ["--port", String(p)];
  const child = spawn("redis-server", [...listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", password], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    const check = (): void => {
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(t);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(t);
        reject(new Error(`redis-server exited:\n${out}`));
      } else setTimeout(check, 20);
    };
    check();
  });
  return {
    port: p,
    url: `${tls ? "rediss" : "redis"}://:${password}@127.0.0.1:${p}`,
    stop: () => stopProcess(child, "SIGTERM")
  };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  readonly out: string;
  readonly err: string;
  /** Resolves when stderr (or stdout) matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function cli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const poke = (): void => {
    for (const w of [...waiters]) {
      const m = (err + out).match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on("data", (b: Buffer) => ((out += b.toString()), poke()));
  child.stderr!.on("data", (b: Buffer) => ((err += b.toString()), poke()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    get out() { return out; },
    get err() { return err; },
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${err}${out}`)), timeoutMs);
        waiters.push({ re, resolve: (m) => (clearTimeout(t), resolve(m)) });
        poke();
      });
    },
    exited
  };
}
