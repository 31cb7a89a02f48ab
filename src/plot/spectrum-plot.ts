/**
 * Eigenvalue pictures: the sorted spectrum (stems or a curve, negatives and positives coloured
 * apart) and a spectral density on a log axis with a floor, as produced by Lanczos/SLQ.
 */
import { SEMANTIC } from "./colors.js";
import { linePlot, type LineSegment, type PointMarker, type VerticalMarker } from "./line-plot.js";
import { UserError } from "../util/errors.js";

export interface SpectrumSpec {
  eigenvalues: ArrayLike<number>;
  title?: string;
  /** |λ| <= zeroTolerance counts as zero (default 0). */
  zeroTolerance?: number;
  yLabel?: string;
  width?: number;
}

/** Up to this many eigenvalues get stems and markers; beyond it the sorted values are drawn as a curve. */
const STEM_LIMIT = 400;

/**
 * With negative eigenvalues far smaller than the largest ones (−1.7e-4 next to 0.3), a linear axis
 * draws them as nothing; a symmetric-log axis, linear up to the decade of the smallest nonzero |λ|,
 * shows every one. Undefined (linear axis) when there are no negatives or the range is narrow.
 */
export function symlogThreshold(values: readonly number[], tol: number, hasNegative: boolean): number | undefined {
  if (!hasNegative) return undefined;
  let small = Infinity, big = 0;
  for (const v of values) {
    const a = Math.abs(v);
    if (a <= tol || a === 0) continue;
    small = Math.min(small, a);
    big = Math.max(big, a);
  }
  if (!(big > 100 * small)) return undefined;
  return Number(`1e${Math.floor(Math.log10(small))}`);
}

export function spectrumPlot(spec: SpectrumSpec): string {
  const tol = spec.zeroTolerance ?? 0;
  if (!(tol >= 0)) throw new UserError(`spectrumPlot: zeroTolerance must be >= 0, got ${tol}`);
  const values = Array.from(spec.eigenvalues).filter(Number.isFinite).sort((a, b) => a - b);
  const n = values.length;
  const pos = values.filter((v) => v > tol).length;
  const neg = values.filter((v) => v < -tol).length;
  const zero = n - pos - neg;
  const kindOf = (v: number): { color: string; label: string } =>
    v > tol ? { color: SEMANTIC.positive, label: `positive (${pos})` }
      : v < -tol ? { color: SEMANTIC.negative, label: `negative (${neg})` }
        : { color: "#555555", label: tol > 0 ? `|λ| ≤ ${tol} (${zero})` : `zero (${zero})` };
  const ranks = values.map((_, k) => k + 1);
  const points: PointMarker[] = [];
  const segments: LineSegment[] = [];
  if (n <= STEM_LIMIT) {
    values.forEach((v, k) => {
      const { color, label } = kindOf(v);
      segments.push({ x1: k + 1, y1: 0, x2: k + 1, y2: v, color, width: 1.2 });
      points.push({ x: k + 1, y: v, color, label, shape: "circle" });
    });
  }
  const series = n > STEM_LIMIT
    ? [
      { x: ranks, y: values.map((v) => (v < -tol ? v : Number.NaN)), color: SEMANTIC.negative, label: `negative (${neg})`, width: 2 },
      { x: ranks, y: values.map((v) => (v >= -tol ? v : Number.NaN)), color: SEMANTIC.positive, label: `non-negative (${n - neg})`, width: 2 },
    ]
    : [];
  const symlog = symlogThreshold(values, tol, neg > 0);
  return linePlot({
    title: spec.title ?? `Eigenvalue spectrum (${n} eigenvalues)`,
    xLabel: "rank (ascending)",
    integerX: true,
    xDomain: n > 0 ? [n > 1 ? 0.5 : 0, n + 0.5] : [0, 1],
    width: spec.width,
    panels: [{
      series, points, segments, zeroLine: true,
      yLabel: spec.yLabel ?? (symlog === undefined ? "eigenvalue λ" : "eigenvalue λ (symmetric log axis)"),
      ...(symlog === undefined ? {} : { ySymlog: symlog })
    }],
  });
}

export interface DensitySeries {
  x: ArrayLike<number>;
  density: ArrayLike<number>;
  label?: string;
  color?: string;
}

export interface DensitySpec {
  densities: DensitySeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Densities below this are drawn at it (default: largest density × 1e-8). */
  floor?: number;
  /** Mark λ = 0 with a dashed vertical line (default true). */
  markZero?: boolean;
  vlines?: VerticalMarker[];
  width?: number;
  height?: number;
}

export function densityPlot(spec: DensitySpec): string {
  if (spec.densities.length === 0) throw new UserError("densityPlot: at least one density is needed");
  let peak = 0;
  spec.densities.forEach((d, i) => {
    if (d.x.length !== d.density.length) {
      throw new UserError(`densityPlot: density ${i} has ${d.x.length} grid points but ${d.density.length} values`);
    }
    for (let k = 0; k < d.density.length; k++) {
      const v = d.density[k]!;
      if (Number.isFinite(v) && v > peak) peak = v;
    }
  });
  const floor = spec.floor ?? (peak > 0 ? peak * 1e-8 : 1e-12);
  if (!(floor > 0) || !Number.isFinite(floor)) throw new UserError(`densityPlot: floor must be a positive number, got ${floor}`);
  const vlines = [...(spec.vlines ?? [])];
  if (spec.markZero ?? true) vlines.push({ x: 0, label: "λ = 0", color: "#555555" });
  return linePlot({
    title: spec.title ?? "Spectral density",
    xLabel: spec.xLabel ?? "eigenvalue λ",
    width: spec.width,
    panels: [{
      series: spec.densities.map((d) => ({ x: d.x, y: d.density, label: d.label, color: d.color })),
      yLog: true,
      yFloor: floor,
      yLabel: spec.yLabel ?? "density",
      vlines,
      height: spec.height,
    }],
  });
}
