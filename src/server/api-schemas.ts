/**
 * One zod schema per API route, and the caps that bound the work one request may ask for. The
 * browser is not trusted: every field is checked here before any analysis code sees it, and a cap
 * that is exceeded is a 400 with a message that names the field and the limit.
 */
import { z } from "zod";

/** Work limits per request. Exported so the browser can show them and tests can provoke them. */
export const CAPS = {
  /** Request body size in bytes. */
  bodyBytes: 1_000_000,
  expressionChars: 400,
  /** |domain end| for curvature. */
  domainAbs: 1e6,
  /** Parameters of a network (θ length). */
  parameters: 5000,
  /** Parameters for the dense (exact) Hessian. */
  exactHessianParameters: 600,
  /** Samples in a data set after it is resolved. */
  samples: 2000,
  /** Hidden layers and their width. */
  layers: 6,
  width: 128,
  /** Points per side of a 2-D landscape grid. */
  gridSide: 61,
  /** Points of a 1-D curve (segment, interpolation, eigenvector line). */
  linePoints: 401,
  /** Optimiser steps per training run. */
  trainSteps: 20000,
  epochs: 2000,
  /** Wall-clock seconds of one request's work. */
  seconds: 60,
  /** Search budget of the convexity analysis. */
  convexitySeconds: 30,
  /** Lanczos eigenpairs requested at each end. */
  eigenpairs: 10,
  /** Wall-clock seconds of one curvature analysis, with its picture. */
  curvatureSeconds: 10,
  /** Wall-clock seconds of the loss along one segment. */
  segmentSeconds: 20,
  /** Seconds a convexity request may run past its search budget (the re-check and the picture). */
  convexityCheckSeconds: 30,
  /** Heap of one analysis worker process, in MB. */
  workerMemoryMb: 2048,
  /** Analyses that may wait for a free worker; one more is answered "busy" (503). */
  queuedAnalyses: 32,
} as const;

const finite = z.number().finite();
const seed = z.number().int().min(0).max(2 ** 31 - 1);
/** Width of the pictures in a reply, in CSS pixels: the page asks for its column's width, so text keeps its size on a phone. */
const plotWidth = z.number().int().min(280, "at least 280 pixels").max(1600, "at most 1600 pixels").optional();

export const curvatureRequest = z
  .object({
    expression: z.string().min(1, "expression is empty").max(CAPS.expressionChars, `expression is longer than ${CAPS.expressionChars} characters`),
    domain: z
      .tuple([finite, finite])
      .refine(([a, b]) => a < b, "the left end must be smaller than the right end")
      .refine(([a, b]) => Math.abs(a) <= CAPS.domainAbs && Math.abs(b) <= CAPS.domainAbs, `ends must lie within ±${CAPS.domainAbs}`)
      // the CLI's default domain, so API clients may leave it out
      .default([-10, 10]),
    plotWidth,
  })
  .strict();
export type CurvatureRequest = z.output<typeof curvatureRequest>;

/** A model spec is validated again by parseModelSpec (field by field); here only its outline. */
const specField = z.record(z.string(), z.unknown());
const thetaField = z.array(finite).min(1).max(CAPS.parameters, `a parameter vector may hold at most ${CAPS.parameters} values`);

export const segmentRequest = z
  .object({
    spec: specField,
    thetaA: thetaField,
    thetaB: thetaField,
    samples: z.number().int().min(3).max(CAPS.linePoints, `at most ${CAPS.linePoints} points`).default(101),
  })
  .strict();
export type SegmentRequest = z.output<typeof segmentRequest>;

export const convexityRequest = z
  .object({
    spec: specField,
    /** A reference point for the search (the page's θa). */
    params: thetaField.optional(),
    seed: seed.default(0),
    budgetSeconds: z.number().positive().max(CAPS.convexitySeconds, `at most ${CAPS.convexitySeconds} s`).default(10),
    blocks: z.boolean().default(true),
    plotWidth,
  })
  .strict();
export type ConvexityRequest = z.output<typeof convexityRequest>;

export const trainConfig = z
  .object({
    optimizer: z.enum(["sgd", "adam"]).default("adam"),
    lr: z.number().positive().max(10, "at most 10").default(0.01),
    momentum: z.number().min(0).lt(1).default(0.9),
    epochs: z.number().int().min(1).max(CAPS.epochs, `at most ${CAPS.epochs}`).default(100),
    /** 0 = full batch. */
    batchSize: z.number().int().min(0).default(0),
    seed: seed.default(1),
  })
  .strict();
export type TrainConfig = z.output<typeof trainConfig>;

export const landscapeRequest = z
  .object({
    spec: specField,
    train: trainConfig.default(() => trainConfig.parse({})),
    /** Second seed: a second minimum for the 1-D interpolation. */
    seedB: seed.default(2),
    gridSide: z.number().int().min(5).max(CAPS.gridSide, `at most ${CAPS.gridSide} points per side`).default(31),
    plotWidth,
    linePoints: z.number().int().min(5).max(CAPS.linePoints, `at most ${CAPS.linePoints}`).default(61),
    maxSeconds: z.number().positive().max(CAPS.seconds, `at most ${CAPS.seconds} s`).default(CAPS.seconds),
  })
  .strict();
export type LandscapeRequest = z.output<typeof landscapeRequest>;

export const hessianRequest = z
  .object({
    spec: specField,
    /** θ at which to take the Hessian; trained from `train` when absent. */
    theta: thetaField.optional(),
    train: trainConfig.default(() => trainConfig.parse({})),
    k: z.number().int().min(1).max(CAPS.eigenpairs, `at most ${CAPS.eigenpairs} eigenpairs at each end`).default(3),
    plotWidth,
    linePoints: z.number().int().min(5).max(CAPS.linePoints, `at most ${CAPS.linePoints}`).default(41),
    maxSeconds: z.number().positive().max(CAPS.seconds, `at most ${CAPS.seconds} s`).default(CAPS.seconds),
  })
  .strict();
export type HessianRequest = z.output<typeof hessianRequest>;

export const symmetryRequest = z
  .object({
    spec: specField,
    train: trainConfig.default(() => trainConfig.parse({})),
    /** Second seed: the second minimum, whose units are aligned to the first's. */
    seedB: seed.default(2),
    alignMethod: z.enum(["activation", "weight"]).default("activation"),
    curve: z
      .object({
        kind: z.enum(["bezier", "polychain"]).default("bezier"),
        bends: z.number().int().min(1).max(4, "at most 4 bends").default(1),
        epochs: z.number().int().min(1).max(CAPS.epochs, `at most ${CAPS.epochs}`).default(20),
        lr: z.number().positive().max(10, "at most 10").default(0.01),
        /** 0 = full batch. */
        batchSize: z.number().int().min(0).default(64),
        seed: seed.default(0),
      })
      .strict()
      .default(() => ({ kind: "bezier" as const, bends: 1, epochs: 20, lr: 0.01, batchSize: 64, seed: 0 })),
    linePoints: z.number().int().min(5).max(CAPS.linePoints, `at most ${CAPS.linePoints}`).default(61),
    maxSeconds: z.number().positive().max(CAPS.seconds, `at most ${CAPS.seconds} s`).default(CAPS.seconds),
  })
  .strict();
export type SymmetryRequest = z.output<typeof symmetryRequest>;

/** "field.sub[2]: message" for the first few issues: what a 400 says. */
export function describeZodError(error: z.ZodError, where: string): string {
  const parts = error.issues.slice(0, 4).map((i) => {
    const path = i.path.map((p, k) => (typeof p === "number" ? `[${p}]` : `${k ? "." : ""}${String(p)}`)).join("");
    return `${path || "(body)"}: ${i.message}`;
  });
  return `invalid ${where} request: ${parts.join("; ")}`;
}
