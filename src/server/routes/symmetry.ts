/**
 * POST /api/symmetry (NDJSON stream): train the model twice (two seeds), then stream, each as it is
 * done, the loss on the straight line between the two minima, on the line to the second minimum with
 * its hidden units permuted to match the first's (the same function), and along a trained low-loss
 * curve between them — each with its barrier, so the page shows why the landscape is not convex.
 */
import type { Executor } from "../../exec/executor.js";
import { alignParams } from "../../symmetry/align.js";
import { lineProfile, unitGrid, type Barrier } from "../../symmetry/barrier.js";
import { curveProfile, trainCurve } from "../../symmetry/curve.js";
import { totalSteps } from "../../landscape/pipeline.js";
import { CAPS, type SymmetryRequest } from "../api-schemas.js";
import { ApiError, finiteArray } from "../http-util.js";
import type { ModelInput } from "../model-input.js";
import { throwIfAborted, yieldToEventLoop, type EventStream } from "../ndjson-stream.js";
import { prepareModelJob, trainWithEvents } from "./landscape.js";

export function prepareSymmetry(r: SymmetryRequest): ModelInput {
  const p = prepareModelJob(r.spec, r.train, 2);
  const steps = totalSteps(p.problem, r.train) * 2 + totalSteps(p.problem, { ...r.train, epochs: r.curve.epochs, batchSize: r.curve.batchSize });
  if (steps > CAPS.trainSteps) {
    throw new ApiError(400, `the two runs and the curve would take ${steps} optimiser steps; at most ${CAPS.trainSteps} per request (fewer epochs, or a larger batch size)`);
  }
  return p;
}

const barrierJson = (b: Barrier): Record<string, number> => ({ height: b.height, t: b.t, loss: b.loss, lossA: b.lossA, lossB: b.lossB });

export async function symmetryJob(req: SymmetryRequest, p: ModelInput, ex: Executor, stream: EventStream): Promise<void> {
  const runA = await trainWithEvents(p, req.train, "A", ex, stream);
  await yieldToEventLoop();
  const runB = await trainWithEvents(p, { ...req.train, seed: req.seedB }, "B", ex, stream);
  await yieldToEventLoop();
  const a = runA.theta, b = runB.theta;
  const ts = unitGrid(req.linePoints);
  const send = (path: string, label: string, t: Float64Array, loss: Float64Array, barrier: Barrier, extra: Record<string, unknown> = {}): void =>
    stream.send({ type: "path", path, label, t: finiteArray(t), loss: finiteArray(loss), barrier: barrierJson(barrier), ...extra });

  stream.send({ type: "progress", phase: "straight line", done: 0, total: 1 });
  const straight = await lineProfile(p.problem, a, b, ts, ex);
  send("straight", "straight line A → B", straight.t, straight.loss, straight.barrier, { distance: Math.hypot(...a.map((v, i) => v - b[i]!)) });
  throwIfAborted(stream.signal);
  await yieldToEventLoop();

  stream.send({ type: "progress", phase: `aligning B to A (${req.alignMethod} matching)`, done: 0, total: 1 });
  const al = await alignParams(p.problem, a, b, { method: req.alignMethod, seed: 0, executor: ex });
  const aligned = await lineProfile(p.problem, a, al.theta, ts, ex);
  send("aligned", `A → B aligned (${req.alignMethod} matching)`, aligned.t, aligned.loss, aligned.barrier, {
    method: req.alignMethod, distanceBefore: al.distanceBefore, distanceAfter: al.distanceAfter, maxOutputDiff: al.maxOutputDiff,
    moved: al.permutations.map((x) => ({ group: x.group, moved: x.moved, size: x.size }))
  });
  throwIfAborted(stream.signal);
  await yieldToEventLoop();

  const shape = { kind: req.curve.kind, bends: req.curve.bends };
  let last = 0;
  const curve = await trainCurve(p.problem, a, b, {
    shape, batchSize: req.curve.batchSize, epochs: req.curve.epochs, seed: req.curve.seed, dtype: "float64",
    optimizer: { name: "adam", lr: req.curve.lr, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
  }, ex, null, {
    onStep: (s) => {
      throwIfAborted(stream.signal);
      const now = performance.now();
      if (now - last > 80 || s.step === s.totalSteps) {
        last = now;
        stream.send({ type: "progress", phase: `training the ${shape.kind} curve`, done: s.step, total: s.totalSteps });
      }
    }
  });
  const c = await curveProfile(p.problem, shape, a, curve.bends, b, ts, ex);
  send("curve", `trained ${shape.kind === "bezier" ? "Bezier curve" : "polychain"} (${shape.bends} bend${shape.bends > 1 ? "s" : ""})`, c.t, c.loss, c.barrier, { kind: shape.kind, bends: shape.bends, epochs: req.curve.epochs });
}
