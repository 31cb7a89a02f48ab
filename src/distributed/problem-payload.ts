/**
 * A loss problem as bytes a worker on another machine can rebuild it from, with no shared file
 * system: an MLP as its spec plus the data arrays; an ONNX model as one self-contained model file
 * (external data inlined, θ0 as its weights) plus the loss head and the data arrays. The bytes are
 * content-addressed (sha256), so each problem is stored once and each worker builds it once.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { assertValidDataset, type Dataset } from "../model/datasets/dataset.js";
import { mlpProblem } from "../model/problem/from-mlp.js";
import { onnxProblem } from "../model/problem/from-onnx.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { LOSSES, parseModelSpec } from "../model/spec.js";
import { importOnnxModel } from "../onnx/import-model.js";
import { UserError, field } from "../util/errors.js";
import { bytesF64, decodeContainer, encodeContainer, f64Bytes } from "./container.js";

export const PAYLOAD_KIND = "losscape-problem";

const dims = z.array(z.number().int().min(1).max(1e9)).max(16);
const dataHeader = z
  .object({
    name: z.string().max(1000),
    task: z.enum(["regression", "classification"]),
    n: z.number().int().min(1),
    inputDim: z.number().int().min(1),
    outputDim: z.number().int().min(1),
    classes: z.number().int().min(1).optional(),
    sampleShape: dims.optional(),
    featureNames: z.array(z.string().max(1000)).optional(),
    classNames: z.array(z.string().max(1000)).optional()
  })
  .strict();

const header = z.discriminatedUnion("model", [
  z.object({ kind: z.literal(PAYLOAD_KIND), model: z.literal("mlp"), source: z.string().max(4096), spec: z.unknown(), data: dataHeader }).strict(),
  z
    .object({
      kind: z.literal(PAYLOAD_KIND),
      model: z.literal("onnx"),
      source: z.string().max(4096),
      path: z.string().max(4096),
      loss: z.enum(LOSSES),
      l2: z.number().nonnegative(),
      spec: z.unknown(),
      data: dataHeader
    })
    .strict()
]);

function dataPart(d: Dataset): z.infer<typeof dataHeader> {
  return {
    name: d.name, task: d.task, n: d.n, inputDim: d.inputDim, outputDim: d.outputDim,
    ...(d.classes !== undefined ? { classes: d.classes } : {}),
    ...(d.sampleShape ? { sampleShape: d.sampleShape } : {}),
    ...(d.featureNames ? { featureNames: d.featureNames } : {}),
    ...(d.classNames ? { classNames: d.classNames } : {})
  };
}

export interface ProblemPayload {
  bytes: Buffer;
  /** sha256 of bytes, hex: the problem's address in Redis. */
  hash: string;
}

export function sha256Hex(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

/** The problem's bytes. Refuses a problem kind it cannot carry (a UserError naming it). */
export function problemPayload(p: LossProblem): ProblemPayload {
  const sections = { x: f64Bytes(p.data.x), y: f64Bytes(p.data.y) };
  let bytes: Buffer;
  if (p.structure.mlp) {
    bytes = encodeContainer({ kind: PAYLOAD_KIND, model: "mlp", source: p.source, spec: p.structure.mlp, data: dataPart(p.data) }, sections);
  } else if (p.description.kind === "onnx" && p.writeModel && p.theta0) {
    // θ0 written back as the weights: the same file, with every external-data tensor inlined.
    const model = p.writeModel.write(p.theta0);
    bytes = encodeContainer(
      { kind: PAYLOAD_KIND, model: "onnx", source: p.source, path: p.description.file?.path ?? p.source, loss: p.head.loss, l2: p.head.l2, spec: p.description.spec, data: dataPart(p.data) },
      { ...sections, model }
    );
  } else {
    throw new UserError(`${p.source}: this kind of model (${p.description.kind}) cannot be sent to a worker pool yet; run it without a ${field("queue")}`);
  }
  return { bytes, hash: sha256Hex(bytes) };
}

// Models arrive self-contained; a payload naming an external data file must not read this machine's files.
const NO_EXTERNAL_DATA_DIR = join(tmpdir(), `losscape-queue-no-external-data-${process.pid}`);

/** The problem again, from bytes fetched from Redis (`what` names them in errors). */
export function problemFromPayload(bytes: Uint8Array, what: string): LossProblem {
  const c = decodeContainer(bytes, what);
  const h = header.safeParse(c.header);
  if (!h.success) throw new UserError(`${what}: invalid problem header: ${h.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const m = h.data;
  const x = c.sections["x"], y = c.sections["y"];
  if (!x || !y) throw new UserError(`${what}: the data arrays are missing`);
  const data: Dataset = { ...m.data, x: bytesF64(x, `${what} data x`, m.data.n * m.data.inputDim), y: bytesF64(y, `${what} data y`, m.data.n * m.data.outputDim) };
  try {
    assertValidDataset(data);
  } catch (e) {
    throw new UserError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (m.model === "mlp") return mlpProblem(parseModelSpec(m.spec, `${what} spec`), data, m.source);
  const model = c.sections["model"];
  if (!model) throw new UserError(`${what}: the ONNX model bytes are missing`);
  const imported = importOnnxModel(model, { path: m.path, dir: NO_EXTERNAL_DATA_DIR });
  return onnxProblem(imported, data, {
    source: m.source, loss: m.loss, l2: m.l2, spec: m.spec, modelHash: sha256Hex(model), bytes: model, dir: NO_EXTERNAL_DATA_DIR
  });
}
