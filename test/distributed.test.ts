/**
 * The worker pool end to end, as users run it: a private redis-server (password on, persistence
 * off), `losscape worker` processes and the submitting command, all the real CLI over dist/. Every
 * queue result is compared byte for byte with the local run of the same command; one worker is
 * SIGKILLed while it holds a job (stalled-job detection hands that job to the other), a submitter is
 * SIGKILLed and rerun (it resumes from its chunks and the results left in Redis), Redis going away is
 * exit 2 with the URL, password masked, and the password never appears in any output.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { float64Array, saveNpy } from "../src/io/npy.js";
import { cli, redisInstalled, startRedis, stopProcess, freePort, type CliProcess, type RedisServer } from "./distributed.testkit.js";

if (!redisInstalled()) throw new Error("these tests need Debian's redis-server on PATH (apt-get install redis-server; .ci/run installs it)");

const PASSWORD = "s3cret-pool-pw";
const root = mkdtempSync(join(tmpdir(), "losscape-pool-"));
let redis: RedisServer;
const workers: CliProcess[] = [];
// Short locks so a killed worker's job is back in the queue within about a second.
const WORKER_FLAGS = ["--lock-duration", "1000", "--stalled-interval", "500", "--threads", "1"];

const P = 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2;
saveNpy(join(root, "theta.npy"), float64Array([P], Array.from({ length: P }, (_, k) => 0.7 * Math.sin(k + 1))));
const FIX = join(process.cwd(), "test/fixtures/onnx");
for (const f of ["cnn_bn.onnx", "cnn_bn.x.npy", "cnn_bn.y.npy"]) copyFileSync(join(FIX, f), join(root, f));
writeFileSync(join(root, "cnn.json"), JSON.stringify({ model: { type: "onnx", path: "cnn_bn.onnx" }, loss: "cross_entropy", data: { x: "cnn_bn.x.npy", y: "cnn_bn.y.npy" } }));

function startWorker(): CliProcess {
  const w = cli(["worker", "--queue", redis.url, ...WORKER_FLAGS], root);
  workers.push(w);
  return w;
}

async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = cli(args, root);
  const { code } = await p.exited;
  return { code, out: p.out, err: p.err };
}

const same = (a: string, b: string): boolean => readFileSync(join(root, a)).equals(readFileSync(join(root, b)));
const chunkFiles = (dir: string): string[] => (existsSync(join(root, dir, "chunks")) ? readdirSync(join(root, dir, "chunks")).filter((f) => f.endsWith(".npy")) : []);

beforeAll(async () => {
  redis = await startRedis(PASSWORD);
});

afterAll(async () => {
  for (const w of workers) await stopProcess(w.child, "SIGKILL");
  await redis?.stop();
  for (const w of workers) expect(w.err + w.out).not.toContain(PASSWORD);
  rmSync(root, { recursive: true, force: true });
});

describe("losscape worker pool (Redis + BullMQ)", () => {
  it("a 5×5 loss + eig-ratio surface on two workers, one SIGKILLed while it holds a chunk: byte-identical to the local run", async () => {
    const args = ["landscape", "moons-mlp", "--params", "theta.npy", "--x", "-1:1:5", "--y", "-1:1:5", "--chunk-size", "3", "--metrics", "loss,eig-ratio", "--no-plots", "--no-vtp", "--threads", "1"];
    const local = run([...args, "--out", "local"]);
    const a = startWorker();
    const b = startWorker();
    await Promise.all([a.waitFor(/waiting for jobs/), b.waitFor(/waiting for jobs/)]);
    const sub = cli([...args, "--out", "pool", "--queue", redis.url], root);
    // Kill a while it computes a chunk: the line it logs when it takes a job names the chunk.
    const taken = await a.waitFor(/surface-chunk (\d+) of run \w+ started/);
    await stopProcess(a.child, "SIGKILL");
    const lost = taken[1]!;
    const [l, s] = await Promise.all([local, sub.exited]);
    expect(l.code, l.err).toBe(0);
    expect(s.code, sub.err).toBe(0);
    expect(same("local/loss.npy", "pool/loss.npy")).toBe(true);
    expect(same("local/eig-ratio.npy", "pool/eig-ratio.npy")).toBe(true);
    expect(same("local/chunks/run.json", "pool/chunks/run.json")).toBe(true);
    // The chunk the killed worker held was computed by the other one (unless it finished just before the kill).
    if (!new RegExp(`surface-chunk ${lost} of run \\w+ done`).test(a.err)) {
      expect(b.err).toMatch(/stalled/);
      expect(b.err).toMatch(new RegExp(`surface-chunk ${lost} of run \\w+ done`));
    }
    expect(sub.err).toMatch(/workers [12]/);
    expect(sub.err).toContain(`redis://:***@127.0.0.1:${redis.port}`);
    expect(sub.err + sub.out).not.toContain(PASSWORD);
    const manifest = JSON.parse(readFileSync(join(root, "pool", "manifest.json"), "utf8")) as { evaluation: { plugins: { "eig-ratio": { thisRun: { hvps: number } } } } };
    expect(manifest.evaluation.plugins["eig-ratio"].thisRun.hvps).toBeGreaterThan(25);
  });

  it("a submitter SIGKILLed mid-run and rerun resumes: chunks on disk are reused, results left in Redis collected, nothing computed twice", async () => {
    const w = workers.find((x) => x.child.exitCode === null && x.child.signalCode === null) ?? startWorker();
    await w.waitFor(/waiting for jobs/);
    const before = (w.err.match(/ done in /g) ?? []).length;
    const args = ["landscape", "moons-mlp", "--params", "theta.npy", "--x", "-1:1:4", "--y", "-1:1:4", "--chunk-size", "2", "--metrics", "loss,eig-ratio", "--no-plots", "--no-vtp", "--threads", "1", "--seed", "4"];
    const local = run([...args, "--out", "local2"]);
    const first = cli([...args, "--out", "pool2", "--queue", redis.url], root);
    const t0 = Date.now();
    while (chunkFiles("pool2").length < 2 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 25));
    await stopProcess(first.child, "SIGKILL");
    const stored = chunkFiles("pool2").length;
    expect(stored).toBeGreaterThanOrEqual(2);
    // The worker goes on with the queued chunks while no submitter listens.
    await new Promise((r) => setTimeout(r, 700));
    const second = await run([...args, "--out", "pool2", "--queue", redis.url]);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/reused \d+ chunk\(s\)/);
    expect((await local).code).toBe(0);
    expect(same("local2/loss.npy", "pool2/loss.npy")).toBe(true);
    expect(same("local2/eig-ratio.npy", "pool2/eig-ratio.npy")).toBe(true);
    // 8 chunks, each computed once by the pool.
    const done = (w.err.match(/ done in /g) ?? []).length - before;
    expect(done).toBe(8);
  });

  it("hessian --trace --density --blocks --queue: the same JSON as the local run, HVP counts included", async () => {
    if (!workers.some((x) => x.child.exitCode === null && x.child.signalCode === null)) await startWorker().waitFor(/waiting for jobs/);
    const args = ["hessian", "moons-mlp", "--params", "theta.npy", "--trace", "--probes", "12", "--density", "--runs", "3", "--steps", "15", "--blocks", "--seed", "7", "--json", "--threads", "1"];
    const [l, q] = await Promise.all([run(args), run([...args, "--queue", redis.url])]);
    expect(l.code, l.err).toBe(0);
    expect(q.code, q.err).toBe(0);
    const strip = (s: string): unknown => {
      const j = JSON.parse(s) as Record<string, unknown>;
      delete j["seconds"];
      return j;
    };
    expect(strip(q.out)).toEqual(strip(l.out));
    expect((JSON.parse(q.out) as { trace: { probes: number } }).trace.probes).toBe(12);
  });

  it("an ONNX CNN (BatchNorm, pooling) travels as one self-contained model: the queue surface equals the local one", async () => {
    const args = ["landscape", "cnn.json", "--x", "-1:1:4", "--y", "-1:1:3", "--chunk-size", "3", "--no-plots", "--no-vtp", "--threads", "1"];
    const [l, q] = await Promise.all([run([...args, "--out", "cnn-local"]), run([...args, "--out", "cnn-pool", "--queue", redis.url])]);
    expect(l.code, l.err).toBe(0);
    expect(q.code, q.err).toBe(0);
    expect(same("cnn-local/loss.npy", "cnn-pool/loss.npy")).toBe(true);
    expect(same("cnn-local/accuracy.npy", "cnn-pool/accuracy.npy")).toBe(true);
  });

  it("rediss:// (TLS, password): a worker and the submitter over TLS give the local surface byte for byte", async () => {
    // A self-signed certificate for 127.0.0.1, made here with openssl; the processes trust it as a CA.
    const dir = join(root, "tls");
    mkdirSync(dir);
    const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
      "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], { encoding: "utf8" });
    expect(made.status, made.stderr).toBe(0);
    const cert = join(dir, "cert.pem");
    const tlsRedis = await startRedis(PASSWORD, undefined, { cert, key: join(dir, "key.pem"), ca: cert });
    try {
      expect(tlsRedis.url.startsWith("rediss://")).toBe(true);
      const env = { NODE_EXTRA_CA_CERTS: cert };
      const w = cli(["worker", "--queue", tlsRedis.url, ...WORKER_FLAGS], root, env);
      workers.push(w);
      const args = ["landscape", "moons-mlp", "--params", "theta.npy", "--x", "-1:1:3", "--y", "-1:1:3", "--no-plots", "--no-vtp", "--threads", "1"];
      const l = await run([...args, "--out", "tls-local"]);
      const q = cli([...args, "--out", "tls-pool", "--queue", tlsRedis.url], root, env);
      const { code } = await q.exited;
      expect(l.code, l.err).toBe(0);
      expect(code, q.err).toBe(0);
      expect(same("tls-local/loss.npy", "tls-pool/loss.npy")).toBe(true);
      expect(q.err + q.out).not.toContain(PASSWORD);
      await stopProcess(w.child, "SIGTERM");
    } finally {
      await tlsRedis.stop();
    }
  });

  it("Redis unreachable or the wrong password: exit 2, the URL named with the password masked, nothing written", async () => {
    const port = await freePort();
    const down = await run(["landscape", "moons-mlp", "--params", "theta.npy", "--x", "-1:1:3", "--out", "down", "--queue", `redis://:${PASSWORD}@127.0.0.1:${port}`]);
    expect(down.code).toBe(2);
    expect(down.err).toContain(`redis://:***@127.0.0.1:${port}`);
    expect(down.err).not.toContain(PASSWORD);
    expect(down.err).not.toMatch(/internal error|    at /);
    expect(existsSync(join(root, "down"))).toBe(false);
    const worker = await run(["worker", "--queue", `redis://:${PASSWORD}@127.0.0.1:${port}`]);
    expect(worker.code).toBe(2);
    expect(worker.err).toContain(`redis://:***@127.0.0.1:${port}`);
    const wrong = await run(["hessian", "moons-mlp", "--params", "theta.npy", "--trace", "--queue", `redis://:nope-${PASSWORD}x@127.0.0.1:${redis.port}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/WRONGPASS|NOAUTH|invalid password/i);
    expect(wrong.err).not.toContain(PASSWORD);
    const scheme = await run(["worker", "--queue", "http://127.0.0.1:6379"]);
    expect(scheme.code).toBe(2);
    expect(scheme.err).toMatch(/redis:\/\/ or rediss:\/\//);
  });

  it("Redis restarted mid-run: the submitter exits 2 naming the URL; the workers reconnect and the rerun resumes", async () => {
    const w = workers.find((x) => x.child.exitCode === null && x.child.signalCode === null) ?? startWorker();
    await w.waitFor(/waiting for jobs/);
    const args = ["landscape", "moons-mlp", "--params", "theta.npy", "--x", "-1:1:4", "--y", "-1:1:2", "--chunk-size", "1", "--metrics", "loss,eig-ratio", "--no-plots", "--no-vtp", "--threads", "1", "--seed", "9"];
    const sub = cli([...args, "--out", "restart", "--queue", redis.url], root);
    const t0 = Date.now();
    while (chunkFiles("restart").length < 1 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 25));
    const port = redis.port;
    await redis.stop();
    const s = await sub.exited;
    expect(s.code).toBe(2);
    expect(sub.err).toContain(`redis://:***@127.0.0.1:${port}`);
    // A fresh, empty Redis on the same port: the rerun publishes and enqueues again.
    redis = await startRedis(PASSWORD, port);
    await w.waitFor(/connected again/, 20_000);
    const again = await run([...args, "--out", "restart", "--queue", redis.url]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/reused \d+ chunk\(s\)/);
    const local = await run([...args, "--out", "restart-local"]);
    expect(local.code, local.err).toBe(0);
    expect(same("restart-local/loss.npy", "restart/loss.npy")).toBe(true);
    expect(same("restart-local/eig-ratio.npy", "restart/eig-ratio.npy")).toBe(true);
  });

  it("SIGTERM: a worker finishes and stops with exit 0", async () => {
    const w = startWorker();
    await w.waitFor(/waiting for jobs/);
    await stopProcess(w.child, "SIGTERM");
    expect((await w.exited).code).toBe(0);
    expect(w.err).toMatch(/stopped after \d+ job\(s\)/);
  });
});
