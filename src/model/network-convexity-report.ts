/**
 * How a network-convexity result is shown: the text report and the JSON document of
 * `losscape convexity`, and the spec as embedded in certificates.
 */
import { isAbsolute, resolve } from "node:path";
import type { NetworkConvexityResult } from "./network-convexity.js";
import type { ProblemSpec } from "./spec.js";

/** The spec as embedded in certificates: data and model file paths made absolute so the certificate can move. */
export function portableSpec(spec: ProblemSpec, specDir: string): unknown {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(specDir, p));
  const d = spec.data;
  const data = typeof d === "object" && "x" in d && typeof d.x === "string" && typeof d.y === "string" ? { ...d, x: at(d.x), y: at(d.y) } : d;
  const model = spec.model.type === "onnx" ? { ...spec.model, path: at(spec.model.path) } : spec.model;
  return { ...spec, model, data };
}

function num(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : v.toPrecision(6);
}

export function renderConvexityText(r: NetworkConvexityResult, source: string): string {
  const lines: string[] = [];
  const what = { convex: "convex", nonconvex: "NOT convex", unknown: "undecided" }[r.verdict];
  lines.push(`${source}: the loss is ${what} in its ${r.parameters} parameters (verdict: ${r.verdict})`);
  lines.push("");
  lines.push(r.explanation);
  const c = r.certificate;
  if (c) {
    lines.push("");
    const vals = c.exact ? `L(θa) = ${c.exact.a}, L(θb) = ${c.exact.b}, L(point) = ${c.exact.mid}, gap = ${c.exact.gap}` : `L(θa) = ${num(c.losses.a)}, L(θb) = ${num(c.losses.b)}, L(point) = ${num(c.losses.mid)}, gap ∈ [${c.gapEnclosure![0].toPrecision(6)}, ${c.gapEnclosure![1] === null ? "∞" : c.gapEnclosure![1].toPrecision(6)}]`;
    lines.push(`certificate (t = ${c.t}, verified with ${c.verifiedBy}): ${vals.length > 300 ? `gap = ${num(c.gap)} (exact fractions in the certificate's JSON)` : vals}`);
    lines.push(`θa = [${c.thetaA.map(num).join(", ")}]`.slice(0, 400));
    lines.push(`θb = [${c.thetaB.map(num).join(", ")}]`.slice(0, 400));
  }
  if (r.blocks.length) {
    lines.push("");
    lines.push("per block (the other parameters fixed):");
    const w = Math.max(...r.blocks.map((b) => b.params.length));
    for (const b of r.blocks) {
      const why = b.proof ? "DCP proof, for every value of the other parameters" : b.certificate ? `certificate by ${b.certificate.strategy} (${b.certificate.verifiedBy})` : (b.reason ?? "");
      lines.push(`  ${b.params.padEnd(w)}  ${b.verdict.padEnd(9)}  ${why}`);
    }
  }
  lines.push("");
  lines.push(`search: ${r.search.strategy}; ${r.search.evaluations} loss evaluations, ${r.search.seconds.toFixed(2)} s${r.search.timedOut ? " (budget exhausted)" : ""}`);
  return lines.join("\n") + "\n";
}

export function convexityJson(r: NetworkConvexityResult): unknown {
  return {
    verdict: r.verdict,
    ...(r.certificate ? { certificate: r.certificate } : {}),
    ...(r.symmetry ? { symmetry: r.symmetry } : {}),
    ...(r.proof ? { proof: r.proof } : {}),
    blocks: r.blocks.map((b) => ({
      params: b.params, offset: b.offset, size: b.size, verdict: b.verdict,
      ...(b.proof ? { proof: b.proof } : {}), ...(b.certificate ? { certificate: b.certificate } : {}), ...(b.reason ? { reason: b.reason } : {})
    })),
    explanation: r.explanation,
    search: { strategy: r.search.strategy, evaluations: r.search.evaluations, seconds: r.search.seconds, timedOut: r.search.timedOut, tried: r.search.tried.map((t) => ({ ...t, bestGap: Number.isFinite(t.bestGap) ? t.bestGap : null })) },
    specHash: r.specHash,
    parameters: r.parameters
  };
}

