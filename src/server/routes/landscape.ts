/**
 * POST /api/landscape (NDJSON stream): train the model twice (two seeds) with live loss, then the
 * loss surface on the PCA plane of the first run's trajectory, then the loss on the line between the
 * two trained minima. Progress events are throttled; the job stops when the client disconnects.
 */
import type { Executor } from "../../exec/executor.js";
import { lossAlongSegment } from "../../model/network-convexity.js";
import { trainingDivergence } from "../../model/train/divergence.js";
import type { TrainResult } from "../../model/train/train.js";
import {
  lineBarrier, lineProfile, pcaSurface, totalSteps, trainRun, type PipelineHooks, type TrainSettings
} from "../../landscape/pipeline.js";
import { lineProfilePlot, pcaSurfacePlots } from "../../plot/report/pipeline-plots.js";
import { CAPS, type LandscapeRequest, type TrainConfig } from "../api-schemas.js";
import { ApiError, finiteArray, finiteOrNull } from "../http-util.js";
import { modelInput } from "../model-input.js";
import type { ModelInput } from "../model-input.js";
import { throwIfAborted, yieldToEventLoop, type EventStream } from "../ndjson-stream.js";

const arr = (a: Float64Array | undefined): (number | null)[] | undefined => (a ? finiteArray(a) : undefined);

/** Validate the model and the amount of training before the stream starts, so a cap is a plain 400. */
export function prepareModelJob(specRaw: unknown, train: TrainConfig, runs: number): ModelInput {
  const p = modelInput(specRaw);
  const steps = totalSteps(p.problem, train) * runs;
  if (steps > CAPS.trainSteps) {
    throw new ApiError(400, `training would take ${steps} optimiser steps; at most ${CAPS.trainSteps} per request (fewer epochs, or a larger batch size)`);
  }
  return p;
}

export async function trainWithEvents(p: ModelInput, cfg: TrainSettings, run: string, ex: Executor, stream: EventStream): Promise<TrainResult & { diverged: boolean }> {
  let last = 0;
  const losses: number[] = [];
  const steps: number[] = [];
  const flush = (): void => {
    if (steps.length) stream.send({ type: "train-step", run, steps: steps.splice(0), losses: losses.splice(0) });
  };
  const result = await trainRun(p.problem, cfg, ex, {
    check: () => throwIfAborted(stream.signal),
    onStep: (info) => {
      steps.push(info.step);
      losses.push(Number.isFinite(info.batchLoss) ? info.batchLoss : NaN);
      const now = performance.now();
      if (now - last > 80 || info.step === info.totalSteps) {
        last = now;
        flush();
        stream.send({ type: "progress", phase: `training run ${run}`, done: info.step, total: info.totalSteps });
      }
    }
  });
  flush();
  const h = result.history[result.history.length - 1]!;
  const start = (await lossAlongSegment(p.problem, result.initialTheta, result.initialTheta, 2, ex)).loss[0]!;
  const divergence = trainingDivergence(start, result.history.map((r) => r.trainLoss));
  stream.send({
    type: "trained", run, seed: cfg.seed, parameters: result.layout.size, totalSteps: result.totalSteps,
    initialLoss: finiteOrNull(start), diverged: divergence.diverged, ...(divergence.why ? { divergedBecause: divergence.why } : {}),
    finalLoss: h.trainLoss, ...(h.trainAccuracy !== undefined ? { finalAccuracy: h.trainAccuracy } : {}),
    history: result.history.map((r) => ({ epoch: r.epoch, loss: r.trainLoss, ...(r.trainAccuracy !== undefined ? { accuracy: r.trainAccuracy } : {}) }))
  });
  return { ...result, diverged: divergence.diverged };
}

/** Stop when the stream's signal fires, and report the points done as progress of `phase`. */
function pointHooks(stream: EventStream, phase: string): PipelineHooks {
  return {
    check: () => throwIfAborted(stream.signal),
    onPoints: (done, total) => stream.send({ type: "progress", phase, done, total })
  };
}

export async function landscapeJob(req: LandscapeRequest, p: ModelInput, ex: Executor, stream: EventStream): Promise<void> {
  const runA = await trainWithEvents(p, req.train, "A", ex, stream);
  await yieldToEventLoop();
  const runB = await trainWithEvents(p, { ...req.train, seed: req.seedB }, "B", ex, stream);
  await yieldToEventLoop();

  stream.send({ type: "progress", phase: "surface", done: 0, total: req.gridSide ** 2 });
  const surface = await pcaSurface(p.problem, runA, req.gridSide, ex, pointHooks(stream, "surface"));
  const plots = pcaSurfacePlots(surface, p.spec.loss, req.plotWidth);
  stream.send({
    type: "surface", x: arr(surface.x), y: arr(surface.y), loss: arr(surface.values.loss), accuracy: arr(surface.values.accuracy),
    explained: surface.explainedVarianceRatio, trajectory: arr(surface.projection), svgTrajectory: plots["trajectory"], svgFilled: plots["contour-filled"]
  });

  stream.send({ type: "progress", phase: "interpolation", done: 0, total: req.linePoints });
  const line = await lineProfile(p.problem, runA.theta, runB.theta, req.linePoints, ex, pointHooks(stream, "interpolation"));
  const { barrier } = lineBarrier(line);
  // A rise between two runs that flew off is their distance from any minimum, not a barrier between minima.
  const diverged = [runA.diverged ? "A" : null, runB.diverged ? "B" : null].filter((r) => r !== null);
  stream.send({
    diverged,
    type: "interpolation", t: arr(line.t), loss: arr(line.values.loss), accuracy: arr(line.values.accuracy), svg: lineProfilePlot(line, p.spec.loss, req.plotWidth),
    barrier: finiteOrNull(barrier), distance: Math.hypot(...runA.theta.map((v, i) => v - runB.theta[i]!))
  });
  stream.send({ type: "theta", run: "A", theta: Array.from(runA.theta) });
}
