/**
 * The pieces under the worker pool, each against an independent reference: a problem rebuilt from its
 * payload computes the very same loss, gradient and HVP bits as the original (MLP spec, ONNX CNN,
 * ONNX with external data, which arrives inlined); malformed payloads, jobs and URLs are refused
 * with a UserError; the remote Hutchinson/SLQ combination from per-index probes is bit for bit the
 * local estimator's; and a worker of another version leaves jobs alone and says so, while one of the
 * right version takes them.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeContainer, encodeContainer, f64Bytes } from "../src/distributed/container.js";
import { parseQueueUrl } from "../src/distributed/connection.js";
import { openPool } from "../src/distributed/pool.js";
import { problemFromPayload, problemPayload } from "../src/distributed/problem-payload.js";
import { surfaceJob, traceJob, VERSION } from "../src/distributed/protocol.js";
import { queueRemoteProbes } from "../src/distributed/remote-hessian.js";
import { startWorker } from "../src/distributed/worker.js";
import { decodeModel } from "../src/exec/onnx/onnx-proto.js";
import { createReferenceExecutor } from "../src/exec/reference.js";
import { analyzeHessian } from "../src/hessian/analyze.js";
import { hessianOperator } from "../src/hessian/hvp-operator.js";
import { tensor } from "../src/ir/tensor.js";
import type { LossProblem } from "../src/model/problem/loss-problem.js";
import { lossGraph } from "../src/model/problem/loss-graph.js";
import { resolveProblem } from "../src/model/problem/resolve.js";
import { loadModelSource } from "../src/model/train/spec-source.js";
import { denseMatVec, hutchinsonFromValues, hutchinsonTrace, quadratureRule, rademacherSequence, slqDensity, slqFromRules } from "../src/num/linalg/index.js";
import { isExternal } from "../src/onnx/initializers.js";
import { UserError } from "../src/util/errors.js";
import { createRng } from "../src/util/random.js";
import { redisInstalled, startRedis } from "./distributed.testkit.js";

const FIX = join(process.cwd(), "test/fixtures/onnx");
const root = mkdtempSync(join(tmpdir(), "losscape-pool-unit-"));
const ex = createReferenceExecutor();
afterAll(async () => {
  await ex.dispose();
  rmSync(root, { recursive: true, force: true });
});
for (const f of ["cnn_bn.onnx", "cnn_bn.x.npy", "cnn_bn.y.npy", "mlp_external.onnx", "mlp_external.onnx.data", "mlp_external.x.npy", "mlp_external.y.npy"]) copyFileSync(join(FIX, f), join(root, f));
const onnxSpec = (name: string): string => {
  const p = join(root, `${name}.json`);
  writeFileSync(p, JSON.stringify({ model: { type: "onnx", path: `${name}.onnx` }, loss: "cross_entropy", l2: 0.01, data: { x: `${name}.x.npy`, y: `${name}.y.npy` } }));
  return p;
};

/** Loss, gradient and one HVP at θ: the bits to compare. */
async function fingerprint(p: LossProblem, theta: Float64Array): Promise<Float64Array[]> {
  const { graph } = lossGraph(p, { withGrad: true, withAccuracy: false });
  const r = await ex.run(graph, { theta: tensor([theta.length], theta) });
  const op = hessianOperator(p, theta, { executor: ex });
  const v = Float64Array.from({ length: theta.length }, (_, i) => Math.cos(i));
  return [Float64Array.from(r["loss"]!.data), Float64Array.from(r["grad:theta"]!.data), await op.matvec(v)];
}

const bits = (a: Float64Array[]): string[] => a.map((x) => Buffer.from(f64Bytes(x)).toString("hex"));

describe("problem payloads", () => {
  it.each([
    ["an MLP spec (moons-mlp)", () => resolveProblem(loadModelSource("moons-mlp"))],
    ["an ONNX CNN with BatchNorm", () => resolveProblem(loadModelSource(onnxSpec("cnn_bn")))],
    ["an ONNX model with external data", () => resolveProblem(loadModelSource(onnxSpec("mlp_external")))]
  ])("%s: rebuilt from its bytes, the same loss, gradient and HVP bits; the same bytes twice", async (_, make) => {
    const p = make();
    const payload = problemPayload(p);
    expect(problemPayload(make()).hash).toBe(payload.hash);
    const q = problemFromPayload(payload.bytes, "test payload");
    expect(q.layout).toEqual(p.layout);
    expect(q.head).toEqual(p.head);
    expect(q.sampleShape).toEqual(p.sampleShape);
    const rng = createRng(3);
    const theta = p.theta0 ? p.theta0.slice() : Float64Array.from({ length: p.layout.size }, () => rng.normal() * 0.5);
    expect(bits(await fingerprint(q, theta))).toEqual(bits(await fingerprint(p, theta)));
    if (p.description.kind === "onnx") {
      const c = decodeContainer(payload.bytes, "payload");
      const model = decodeModel(c.sections["model"]!);
      expect((model.graph!.initializer ?? []).some(isExternal)).toBe(false);
    }
  });

  it("malformed bytes are a UserError, never a crash: wrong magic, truncation, trailing bytes, a bad header, wrong array sizes", () => {
    const good = problemPayload(resolveProblem(loadModelSource("moons-mlp"))).bytes;
    const cases: Uint8Array[] = [
      Buffer.from("not a payload at all"),
      good.subarray(0, good.length - 3),
      Buffer.concat([good, Buffer.from([0])]),
      encodeContainer({ kind: "losscape-problem", model: "python", source: "x" }, {}),
      encodeContainer({ kind: "losscape-problem", model: "mlp", source: "x", spec: { model: { type: "mlp", layers: [2, 2] }, loss: "mse", data: "moons" }, data: { name: "d", task: "regression", n: 2, inputDim: 2, outputDim: 2 } }, { x: new Uint8Array(8), y: new Uint8Array(32) })
    ];
    for (const b of cases) expect(() => problemFromPayload(b, "bad")).toThrow(UserError);
  });
});

describe("jobs and URLs", () => {
  const h = "a".repeat(64);
  const job = { protocol: 1, version: "0.1.0", type: "surface-chunk", run: h, index: 0, problem: h, theta: h, dirs: [h, h], dtype: "float64", kind: "plain", batch: 1, metrics: ["loss"], plugins: {}, count: 2, coords: [0, 0, 1, 1] };

  it("a chunk job is data with every field checked: extra keys, a coordinate count off, a bad hash or too many points are refused", () => {
    expect(surfaceJob.safeParse(job).success).toBe(true);
    expect(surfaceJob.safeParse({ ...job, code: "process.exit()" }).success).toBe(false);
    expect(surfaceJob.safeParse({ ...job, coords: [0, 0, 1] }).success).toBe(false);
    expect(surfaceJob.safeParse({ ...job, theta: "../../etc/passwd" }).success).toBe(false);
    expect(surfaceJob.safeParse({ ...job, count: 1e6, coords: [] }).success).toBe(false);
    expect(traceJob.safeParse({ protocol: 1, version: "x", type: "hessian-trace", run: h, index: 0, problem: h, theta: h, dtype: "float64", executor: "onnx", block: { name: "all", offset: 0, size: 3 }, seed: 0, draw: -1 }).success).toBe(false);
  });

  it("queue URLs: the password is masked everywhere it is shown; redis:// and rediss:// only", () => {
    expect(parseQueueUrl("redis://:pw0rd@host:6379").masked).toBe("redis://:***@host:6379");
    expect(parseQueueUrl("rediss://user:pw0rd@host:6380/2").masked).toBe("rediss://user:***@host:6380/2");
    expect(parseQueueUrl("redis://127.0.0.1:6379").masked).toBe("redis://127.0.0.1:6379");
    expect(() => parseQueueUrl("http://host:1")).toThrow(/redis:\/\/ or rediss:\/\//);
    try {
      parseQueueUrl("redis//:pw0rd@host");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).not.toContain("pw0rd");
    }
  });
});

describe("stochastic estimates from per-index probes", () => {
  const n = 9;
  const rng = createRng(11);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += b[i * n + k]! * b[j * n + k]! - (i === j && k === 0 ? 3 : 0);
  const matvec = denseMatVec(a, n);

  it("Hutchinson: probes drawn by index, in any order, combine to exactly hutchinsonTrace's estimate", async () => {
    const local = await hutchinsonTrace(matvec, n, { probes: 17, seed: 5 });
    const seq = rademacherSequence(5, n);
    const values = new Float64Array(17);
    for (const k of [3, 0, 16, 1, 2, 4, 5, 6, 15, 7, 8, 9, 10, 11, 12, 13, 14]) {
      const z = seq.at(k);
      const az = matvec(z.slice()) as Float64Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += z[i]! * az[i]!;
      values[k] = s;
    }
    const remote = hutchinsonFromValues(values);
    expect(Object.is(remote.trace, local.trace)).toBe(true);
    expect(Object.is(remote.standardError, local.standardError)).toBe(true);
  });

  it("SLQ: runs started from vector r of the sequence give exactly slqDensity's density", async () => {
    const local = await slqDensity(matvec, n, { runs: 4, steps: 6, seed: 2 });
    const seq = rademacherSequence(2, n);
    const rules = [];
    for (let r = 0; r < 4; r++) rules.push(await quadratureRule(matvec, n, 6, seq.at(r), r));
    const remote = slqFromRules(rules, { runs: 4 });
    expect(Buffer.from(f64Bytes(remote.density)).equals(Buffer.from(f64Bytes(local.density)))).toBe(true);
    expect(remote.nodes).toEqual(local.nodes);
  });
});

describe.runIf(redisInstalled())("workers and versions (in-process, private redis-server)", () => {
  it("a worker of another version refuses with a clear line and leaves the jobs; one of this version computes them, equal to local", async () => {
    const redis = await startRedis("unit-pw");
    const q = parseQueueUrl(redis.url);
    const logs: string[] = [];
    const other = await startWorker({ queue: q, version: "0.0.0-other", log: (l) => logs.push(`other: ${l}`), lockDurationMs: 2000 });
    const pool = await openPool(q);
    const problem = resolveProblem(loadModelSource("moons-mlp"));
    const rng = createRng(8);
    const theta = Float64Array.from({ length: problem.layout.size }, () => rng.normal() * 0.5);
    const poolLog: string[] = [];
    const remote = queueRemoteProbes(pool, { problem, theta, dtype: "float64", executor: "reference", log: (l) => poolLog.push(l) });
    let right: Awaited<ReturnType<typeof startWorker>> | null = null;
    try {
      const pending = analyzeHessian({ problem, theta, executor: ex, trace: { method: "hutchinson", probes: 4 }, seed: 1, remote });
      const t0 = Date.now();
      while (!logs.some((l) => /refusing jobs/.test(l)) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
      expect(logs.join("\n")).toContain(`was submitted by losscape ${VERSION} (protocol 1), this worker is losscape 0.0.0-other (protocol 1); it is left for a worker of that version`);
      right = await startWorker({ queue: q, log: (l) => logs.push(`right: ${l}`) });
      const report = await pending;
      const local = await analyzeHessian({ problem, theta, executor: ex, trace: { method: "hutchinson", probes: 4 }, seed: 1 });
      expect(report.trace).toEqual(local.trace);
      expect(logs.filter((l) => l.startsWith("other:") && / done in /.test(l))).toEqual([]);
      expect(poolLog.join("\n")).toMatch(/a worker refused this run's jobs/);
    } finally {
      await right?.close();
      await other.close(true);
      await pool.close();
      await redis.stop();
    }
    expect(logs.join("\n")).not.toContain("unit-pw");
  });
});
