/**
 * Certificates that a network's loss is not convex in its weights, as JSON data anyone can re-check:
 * the model spec (embedded, with a hash of the spec and its data), the two parameter vectors, t, the
 * three losses and the gap. `verifyNetworkCertificate` rebuilds the loss graph from the spec and
 * re-checks the violation with the exact or interval interpreter only — no search code.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { verifyJensen, type JensenVerification } from "../convexity/jensen/verify-jensen.js";
import type { FoundViolation } from "../convexity/jensen/search-jensen.js";
import { UserError } from "../util/errors.js";
import type { Dataset } from "./datasets/dataset.js";
import type { LossProblem } from "./problem/loss-problem.js";
import { lossGraph } from "./problem/loss-graph.js";
import { parseProblemSpec, type ProblemSpec } from "./spec.js";
import { resolveProblem } from "./problem/resolve.js";

export const CERTIFICATE_TYPE = "losscape/jensen-certificate";

const finite = z.number().finite();
const certificateSchema = z
  .object({
    type: z.literal(CERTIFICATE_TYPE),
    version: z.literal(1),
    statement: z.string().optional(),
    specHash: z.string().min(1),
    spec: z.unknown().optional(),
    block: z.object({ name: z.string(), offset: z.number().int().nonnegative(), size: z.number().int().positive() }).strict().optional(),
    thetaA: z.array(finite).min(1),
    thetaB: z.array(finite).min(1),
    t: finite,
    losses: z.object({ a: finite, b: finite, mid: finite }).strict(),
    gap: finite,
    exact: z.object({ a: z.string(), b: z.string(), mid: z.string(), gap: z.string() }).strict().optional(),
    /** [lower, upper]; an upper bound the intervals could not keep finite (exp overflow far out) is null: only the lower bound proves anything. */
    gapEnclosure: z.tuple([finite, finite.nullable()]).optional(),
    verifiedBy: z.enum(["exact rationals", "intervals"]),
    strategy: z.string().optional(),
    explanation: z.string().optional()
  })
  .strict();

export type NetworkCertificate = z.output<typeof certificateSchema>;

/**
 * A stable hash of the problem's meaning and of its data (so a changed data file is noticed): an MLP
 * spec without its data field; for an ONNX model, the loss and the model file's sha256 (not its path,
 * so a certificate survives moving the files).
 */
export function problemHash(p: LossProblem): string {
  if (p.structure.mlp) return specHash(p.structure.mlp, p.data);
  const d = p.description.spec as { loss: string; l2: number; modelSha256: string };
  return specHash({ model: { type: "onnx", sha256: d.modelSha256 }, loss: d.loss, l2: d.l2, data: null }, p.data);
}

function specHash(spec: { data: unknown; [k: string]: unknown }, ds: Dataset): string {
  const h = createHash("sha256");
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  const { data: _data, ...model } = spec;
  h.update(JSON.stringify(canonical(model)));
  h.update(JSON.stringify([ds.n, ds.inputDim, ds.outputDim, ds.task]));
  h.update(new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
  h.update(new Uint8Array(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength));
  return `sha256:${h.digest("hex")}`;
}

export function makeCertificate(opts: {
  /** specHash(spec, dataset), computed once by the caller: it hashes the whole data set. */
  specHash: string;
  specInput: unknown;
  violation: FoundViolation;
  explanation: string;
  block?: { name: string; offset: number; size: number };
}): NetworkCertificate {
  const v = opts.violation;
  const ver = v.verification;
  return {
    type: CERTIFICATE_TYPE,
    version: 1,
    statement:
      "L(t*thetaA + (1-t)*thetaB) > t*L(thetaA) + (1-t)*L(thetaB), so the loss is not convex" +
      (opts.block ? ` in ${opts.block.name} (the other parameters as in thetaA, which equals thetaB there)` : " in the parameters"),
    specHash: opts.specHash,
    spec: opts.specInput,
    ...(opts.block ? { block: opts.block } : {}),
    thetaA: Array.from(v.candidate.thetaA),
    thetaB: Array.from(v.candidate.thetaB),
    t: v.candidate.t,
    losses: ver.exact
      ? { a: Number(ver.losses.a.lo), b: Number(ver.losses.b.lo), mid: Number(ver.losses.mid.lo) }
      : { a: v.losses.a, b: v.losses.b, mid: v.losses.mid },
    gap: ver.exact ? ver.gap.lo : v.gap,
    ...(ver.exact ? { exact: ver.exact } : { gapEnclosure: [ver.gap.lo, Number.isFinite(ver.gap.hi) ? ver.gap.hi : null] as [number, number | null] }),
    verifiedBy: ver.method,
    strategy: v.candidate.strategy,
    explanation: opts.explanation
  };
}

/** Validate parsed JSON as a certificate; errors name the field. */
export function parseCertificate(raw: unknown, where = "certificate"): NetworkCertificate {
  const r = certificateSchema.safeParse(raw);
  if (!r.success) {
    const msgs = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.map(String).join(".") : "(top level)"}: ${i.message}`);
    throw new UserError(`invalid ${where}:\n  ${msgs.join("\n  ")}`);
  }
  return r.data;
}

export interface CertificateCheck {
  readonly valid: boolean;
  /** Problems that make the certificate invalid (spec mismatch or failed recomputation). */
  readonly problems: readonly string[];
  readonly verification?: JensenVerification;
  readonly spec: ProblemSpec;
  readonly parameters: number;
}

/**
 * Re-check a certificate. The spec is the one given (a --spec file) or else the one embedded in the
 * certificate; data paths resolve against `specDir`.
 */
export function verifyNetworkCertificate(cert: NetworkCertificate, opts: { spec?: ProblemSpec; specDir?: string } = {}): CertificateCheck {
  let spec = opts.spec;
  if (!spec) {
    if (cert.spec === undefined) throw new UserError("the certificate has no embedded spec; give the model's spec to check it against");
    spec = parseProblemSpec(cert.spec, "spec embedded in the certificate");
  }
  const problem = resolveProblem({ spec, specDir: opts.specDir ?? process.cwd(), source: "certificate" });
  const layout = problem.layout;
  const { graph } = lossGraph(problem, { withAccuracy: false });
  const problems: string[] = [];
  const hash = problemHash(problem);
  if (hash !== cert.specHash) problems.push(`the certificate is for another model or data set (spec hash ${cert.specHash}, this spec has ${hash})`);
  if (cert.block) {
    const { offset, size } = cert.block;
    for (let i = 0; i < cert.thetaA.length; i++) {
      if ((i < offset || i >= offset + size) && cert.thetaA[i] !== cert.thetaB[i]) {
        problems.push(`thetaA and thetaB differ at parameter ${i}, outside the block ${cert.block.name}`);
        break;
      }
    }
  }
  const verification = verifyJensen({ graph, input: "theta", output: "loss" }, cert);
  problems.push(...verification.problems);
  return { valid: problems.length === 0, problems, verification, spec, parameters: layout.size };
}
