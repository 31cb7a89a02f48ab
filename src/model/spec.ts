import { z } from "zod";
import { UserError } from "../util/errors.js";
import { describeSpecIssues, type KeysAt } from "./spec-errors.js";

export const ACTIVATIONS = ["linear", "relu", "leaky_relu", "abs", "sigmoid", "tanh", "softplus", "elu", "gelu", "silu"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LOSSES = ["sse_half", "mse", "mae", "cross_entropy", "bce", "hinge"] as const;
export type LossName = (typeof LOSSES)[number];

const activation = z.enum(ACTIVATIONS);
const matrix = z.array(z.array(z.number().finite()).min(1)).min(1);

const inlineData = z.object({ x: matrix, y: z.union([matrix, z.array(z.number().finite()).min(1)]) }).strict();
const fileData = z
  .object({
    x: z.string().min(1),
    y: z.string().min(1),
    task: z.enum(["regression", "classification"]).optional()
  })
  .strict();
const builtinData = z
  .object({
    name: z.string().min(1),
    n: z.number().int().positive().optional(),
    noise: z.number().nonnegative().optional(),
    seed: z.number().int().optional(),
    classes: z.number().int().min(2).optional()
  })
  .strict();

const mlpModel = z
      .object({
        type: z.literal("mlp"),
        layers: z.array(z.number().int().positive()).min(2, "needs at least an input and an output size"),
        activation: z.union([activation, z.array(activation)]).default("relu"),
        outputActivation: activation.default("linear"),
        bias: z.boolean().default(true),
        leakyReluAlpha: z.number().positive().default(0.01),
        eluAlpha: z.number().positive().default(1)
      })
      .strict();

/** A network read from an ONNX file (path relative to the spec's folder, like data files). */
const onnxModel = z
  .object({
    type: z.literal("onnx"),
    path: z.string().min(1)
  })
  .strict();

const specFields = {
  loss: z.enum(LOSSES),
  l2: z.number().nonnegative().default(0),
  data: z.union([z.string().min(1), inlineData, fileData, builtinData])
};

export const modelSpecSchema = z.object({ model: mlpModel, ...specFields }).strict();
export const problemSpecSchema = z.object({ model: z.discriminatedUnion("type", [mlpModel, onnxModel]), ...specFields }).strict();

/** An MLP spec: the network is built from the JSON itself. */
export type ModelSpec = z.output<typeof modelSpecSchema>;
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
/** Any spec a loss problem can be made from: an MLP or an ONNX model, with its loss and data. */
export type ProblemSpec = z.output<typeof problemSpecSchema>;
export type OnnxSpec = ProblemSpec & { model: z.output<typeof onnxModel> };
export type DataSpec = ModelSpec["data"];

export function isMlpSpec(spec: ProblemSpec): spec is ModelSpec {
  return spec.model.type === "mlp";
}

/** Validate a parsed JSON value as a spec of an MLP or an ONNX model; errors name the field (`model.layers[1]: ...`). */
export function parseProblemSpec(raw: unknown, where = "spec"): ProblemSpec {
  const r = problemSpecSchema.safeParse(raw);
  if (!r.success) {
    const msgs = describeSpecIssues(r.error.issues, raw, specKeysAt);
    throw new UserError(`invalid model ${where}:\n  ${msgs.join("\n  ")}`);
  }
  return isMlpSpec(r.data) ? checkMlpSpec(r.data, where) : r.data;
}

/** Validate a parsed JSON value as an MLP spec (for analyses that need the MLP's structure). */
export function parseModelSpec(raw: unknown, where = "spec"): ModelSpec {
  const spec = parseProblemSpec(raw, where);
  if (!isMlpSpec(spec)) throw new UserError(`invalid model ${where}: model.type must be "mlp" here, got "${spec.model.type}"`);
  return spec;
}

function checkMlpSpec(spec: ModelSpec, where: string): ModelSpec {
  const hidden = spec.model.layers.length - 2;
  if (Array.isArray(spec.model.activation) && spec.model.activation.length !== hidden) {
    throw new UserError(
      `invalid model ${where}: model.activation lists ${spec.model.activation.length} activations but the network has ${hidden} hidden layer(s)`
    );
  }
  return spec;
}

/** The fields an object in a spec may have, for "unknown field; did you mean ...?". */
const specKeysAt: KeysAt = (path, value) => {
  if (path.length === 0) return Object.keys(problemSpecSchema.shape);
  if (path.length === 1 && path[0] === "model") {
    const type = value !== null && typeof value === "object" ? (value as { type?: unknown }).type : undefined;
    return Object.keys(type === "onnx" ? onnxModel.shape : mlpModel.shape);
  }
  return undefined;
};

export function hiddenActivations(spec: ModelSpec): ActivationName[] {
  const hidden = spec.model.layers.length - 2;
  const a = spec.model.activation;
  return Array.isArray(a) ? [...a] : Array.from({ length: hidden }, () => a);
}
