/**
 * The pictures of a loss landscape: a 1-D curve (loss, and accuracy on a twin axis), and for a plane
 * contour lines, filled contours, a heatmap, a static 3-D surface and — for PCA directions — the
 * optimiser's trajectory drawn over the contours.
 */
import type { LandscapeResult } from "../landscape/run-landscape.js";
import { contourPlot, filledContourPlot } from "./contour.js";
import { heatmapPlot } from "./heatmap.js";
import { lossLabel } from "./labels.js";
import { linePlot, type LineSeries } from "./line-plot.js";
import { surfacePlot } from "./surface3d.js";
import type { NamedPlot } from "./named-plot.js";

export interface LandscapePlotOptions {
  /**
   * Log-spaced contour levels and log colour scales (loss values must be positive). Default: on when
   * the loss is positive and spans more than a decade, where linear levels leave the basin blank.
   */
  logLevels?: boolean;
  /** Number of contour levels (default 12). */
  levels?: number;
  /** Width in pixels of every picture (2-D ones keep their default aspect). */
  width?: number;
}

export type { NamedPlot } from "./named-plot.js";

export const LANDSCAPE_PLOT_NAMES = ["curve", "contour", "contour-filled", "heatmap", "surface", "trajectory"] as const;

type PlotInput = Pick<LandscapeResult, "dims" | "x" | "y" | "values" | "lossName" | "directionInfo" | "pca">;

function axisLabels(r: PlotInput): { x: string; y: string } {
  const kind = r.directionInfo["kind"];
  if (kind === "pca" && r.pca) {
    const [a, b] = r.pca.explainedVarianceRatio;
    return { x: `PC1 (${(100 * a).toFixed(1)}% of variance)`, y: `PC2 (${(100 * b).toFixed(1)}% of variance)` };
  }
  if (kind === "line") return { x: "t  (θ + t·(θ2 − θ))", y: "" };
  return { x: "α (direction 1)", y: "β (direction 2)" };
}

function titleFor(r: PlotInput): string {
  const kind = String(r.directionInfo["kind"]);
  const norm = r.directionInfo["normalization"];
  const how = kind === "random" ? `random directions, ${String(norm)} normalization` : kind === "pca" ? "PCA directions of the trajectory" : kind === "line" ? "line to a second model" : "directions from files";
  return `${lossLabel(r.lossName)} — ${how}`;
}

/** All values positive and the largest more than ten times the smallest. */
export function spansDecades(values: ArrayLike<number>): boolean {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (!(v > 0)) return false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > 0 && hi > 10 * lo;
}

/** θ (the origin of the plane), as a ring: the trajectory's end star is often at θ and stays visible inside it. */
const THETA = [{ x: 0, y: 0, label: "θ", shape: "ring" as const }];

export function landscapePlots(r: PlotInput, o: LandscapePlotOptions = {}): NamedPlot[] {
  const loss = r.values.loss;
  const acc = r.values.accuracy;
  const labels = axisLabels(r);
  const title = titleFor(r);
  if (r.dims === 1 || !r.y) {
    const series: LineSeries[] = [];
    if (loss) series.push({ x: r.x, y: loss, label: lossLabel(r.lossName) });
    if (acc) series.push({ x: r.x, y: acc, label: "accuracy", axis: loss ? "right" : "left", dash: true });
    const panel = loss
      ? { series, yLabel: lossLabel(r.lossName), yLog: o.logLevels ?? spansDecades(loss), ...(acc ? { right: { label: "accuracy" } } : {}) }
      : { series, yLabel: "accuracy" };
    return [{ name: "curve", svg: linePlot({ title, xLabel: labels.x, panels: [panel], ...(o.width ? { width: o.width } : {}) }) }];
  }
  const z = loss ?? acc!;
  const zLabel = loss ? lossLabel(r.lossName) : "accuracy";
  const log = loss !== undefined && (o.logLevels ?? spansDecades(loss));
  const grid = { x: r.x, y: r.y, z };
  const levels = o.levels ?? 12;
  const inside = r.x[0]! <= 0 && 0 <= r.x[r.x.length - 1]! && r.y[0]! <= 0 && 0 <= r.y[r.y.length - 1]!;
  const size = o.width ? { width: o.width, height: Math.round((o.width * 560) / 680) } : {};
  const common = { ...grid, ...size, title, xLabel: labels.x, yLabel: labels.y, zLabel, levels, logLevels: log, ...(inside ? { points: THETA } : {}) };
  const plots: NamedPlot[] = [
    { name: "contour", svg: contourPlot(common) },
    { name: "contour-filled", svg: filledContourPlot(common) },
    { name: "heatmap", svg: heatmapPlot({ ...grid, title, xLabel: labels.x, yLabel: labels.y, zLabel, log, ...(inside ? { points: THETA } : {}) }) },
    { name: "surface", svg: surfacePlot({ ...grid, title, xLabel: labels.x, yLabel: labels.y, zLabel }) }
  ];
  if (r.pca) {
    const K = r.pca.rows;
    const tx = new Float64Array(K), ty = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      tx[i] = r.pca.projection[2 * i]!;
      ty[i] = r.pca.projection[2 * i + 1]!;
    }
    plots.push({
      name: "trajectory",
      svg: contourPlot({ ...common, title: `${lossLabel(r.lossName)} and the training trajectory (PCA plane)`, trajectory: { x: tx, y: ty, label: "training trajectory" } })
    });
  }
  return plots;
}
