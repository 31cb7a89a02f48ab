/**
 * A HessianReport as JSON (`--json`) and as a short text summary. The JSON keeps the issue's keys
 * { n, eigenvalues?, top?, bottom?, trace?, density?, hvps, seconds } and adds context (loss,
 * gradient norm, convergence, blocks); vectors are left to .npy files.
 */
import type { DensitySummary, HessianReport, SpectrumAnalysis } from "./analyze.js";
import type { RitzPair } from "../num/linalg/index.js";
import { field, renderFields, type FieldNamer } from "../util/errors.js";

export interface RitzJson {
  value: number;
  residual: number;
}

export interface SpectrumJson {
  name: string;
  n: number;
  eigenvalues?: number[];
  asymmetry?: number;
  top?: RitzJson[];
  bottom?: RitzJson[];
  lanczos?: { iterations: number; converged: boolean; restarts: number; hvps: number };
  trace?: { method: string; value: number; standardError: number | null; probes: number; hvps: number; sketchRank?: number };
  density?: { grid: number[]; density: number[]; lambdaMin: number; lambdaMax: number; sigma: number; runs: number; steps: number; hvps: number };
  hvps: number;
}

export interface HessianJson extends SpectrumJson {
  loss: number;
  gradientNorm: number;
  blocks?: SpectrumJson[];
  seed: number;
  seconds: number;
}

const ritz = (pairs: readonly RitzPair[]): RitzJson[] => pairs.map((p) => ({ value: p.value, residual: p.residual }));

function densityJson(d: DensitySummary): NonNullable<SpectrumJson["density"]> {
  return {
    grid: Array.from(d.grid), density: Array.from(d.density), lambdaMin: d.lambdaMin, lambdaMax: d.lambdaMax,
    sigma: d.sigma, runs: d.runs, steps: d.steps, hvps: d.matvecs
  };
}

function spectrumJson(s: SpectrumAnalysis): SpectrumJson {
  const j: SpectrumJson = { name: s.name, n: s.n, hvps: s.hvps };
  if (s.eigenvalues) j.eigenvalues = Array.from(s.eigenvalues);
  if (s.asymmetry !== undefined) j.asymmetry = s.asymmetry;
  if (s.top) j.top = ritz(s.top);
  if (s.bottom) j.bottom = ritz(s.bottom);
  if (s.lanczos) j.lanczos = { ...s.lanczos };
  if (s.trace) {
    const t = s.trace;
    j.trace = {
      method: t.method, value: t.trace, standardError: Number.isFinite(t.standardError) ? t.standardError : null,
      probes: t.probes, hvps: t.hvps, ...(t.sketchRank !== undefined ? { sketchRank: t.sketchRank } : {})
    };
  }
  if (s.density) j.density = densityJson(s.density);
  return j;
}

export function hessianReportJson(r: HessianReport): HessianJson {
  const j: HessianJson = {
    ...spectrumJson(r),
    hvps: r.totalHvps,
    loss: r.loss,
    gradientNorm: r.gradientNorm,
    seed: r.seed,
    seconds: r.seconds
  };
  if (r.blocks) j.blocks = r.blocks.map(spectrumJson);
  return j;
}

/**
 * Eigenvalues this small relative to the largest are roundoff of a dense eigensolver
 * (errors ~ n·ε·‖H‖), not evidence of curvature; they count as zero.
 */
export function zeroTolerance(values: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]!));
  // Two significant digits: the threshold is printed in summaries and plot legends.
  return Number((1e-10 * scale).toPrecision(2));
}

const num = (x: number): string => (Number.isFinite(x) ? x.toPrecision(6) : String(x));

function pairsLine(label: string, pairs: readonly RitzPair[]): string {
  return `  ${label}: ${pairs.map((p) => `${num(p.value)} (residual ${p.residual.toExponential(1)})`).join(", ")}\n`;
}

function spectrumText(s: SpectrumAnalysis, indent: string): string {
  let t = "";
  if (s.eigenvalues) {
    const v = s.eigenvalues;
    const tol = zeroTolerance(v);
    const neg = v.filter((x) => x < -tol).length;
    const zero = v.filter((x) => Math.abs(x) <= tol).length;
    const show = v.length <= 12 ? Array.from(v).map(num).join(", ") : `${Array.from(v.slice(0, 5)).map(num).join(", ")}, …, ${Array.from(v.slice(-5)).map(num).join(", ")}`;
    t += `  exact eigenvalues (ascending): ${show}\n`;
    t += `  λmin ${num(v[0]!)}, λmax ${num(v[v.length - 1]!)}, ${neg} negative, ${zero} zero (|λ| ≤ ${tol.toExponential(1)}) of ${v.length}; autodiff asymmetry ${(s.asymmetry ?? 0).toExponential(1)}\n`;
  }
  if (s.top) t += pairsLine("top (Lanczos)", s.top);
  if (s.bottom) t += pairsLine("bottom (Lanczos)", s.bottom);
  if (s.lanczos) {
    const l = s.lanczos;
    t += `  Lanczos: ${l.iterations} steps, ${l.hvps} HVPs, ${l.converged ? "converged" : `NOT converged (raise ${field("maxIter")} or ${field("tol")})`}${l.restarts ? `, ${l.restarts} restart(s)` : ""}\n`;
  }
  if (s.trace) {
    const tr = s.trace;
    const se = Number.isFinite(tr.standardError) ? ` ± ${tr.standardError.toPrecision(3)} (standard error)` : "";
    t += `  trace (${tr.method}, ${tr.hvps} HVPs): ${num(tr.trace)}${se}\n`;
  }
  if (s.density) {
    const d = s.density;
    t += `  density (SLQ, ${d.runs} runs × ${d.steps} steps, ${d.matvecs} HVPs): Ritz values in [${num(d.lambdaMin)}, ${num(d.lambdaMax)}], σ = ${num(d.sigma)}\n`;
  }
  return t.split("\n").map((line) => (line ? indent + line : line)).join("\n");
}

/**
 * The most negative eigenvalue that is clearly below zero, or null. A Lanczos value is a Rayleigh
 * quotient vᵀHv, so it counts once it is below −(its residual + roundoff).
 */
export function negativeCurvature(r: SpectrumAnalysis): number | null {
  if (r.eigenvalues) {
    const v = r.eigenvalues;
    return v[0]! < -zeroTolerance(v) ? v[0]! : null;
  }
  const low = r.bottom?.[0];
  if (!low) return null;
  const scale = Math.max(Math.abs(low.value), Math.abs(r.top?.[0]?.value ?? 0));
  return low.value < -(low.residual + 1e-10 * scale) ? low.value : null;
}

/** The report as text; `names` renames the request's fields the advice mentions (the CLI shows its flags). */
export function hessianReportText(r: HessianReport, names: FieldNamer = () => undefined): string {
  let t = `Hessian of the loss at θ: n = ${r.n} parameters, loss ${num(r.loss)}, ‖∇L‖ ${num(r.gradientNorm)}\n`;
  t += spectrumText(r, "");
  const witness = negativeCurvature(r);
  if (witness !== null) {
    t += `  negative curvature (λ = ${num(witness)}): the loss is not convex around θ (where it is twice differentiable)\n`;
  }
  for (const b of r.blocks ?? []) {
    t += `block ${b.name} (n = ${b.n}, offset ${b.offset}):\n`;
    t += spectrumText(b, "  ");
  }
  t += `${r.totalHvps} HVPs in ${r.seconds.toFixed(2)} s\n`;
  return renderFields(t, names);
}
