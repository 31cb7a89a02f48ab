/**
 * Plots of `losscape hessian` results: the exact eigenvalue spectrum, the SLQ spectral density on a
 * log axis (with Lanczos extremes marked when known), and the |λmin/λmax| heat map over a
 * landscape plane (a curve along a landscape line).
 */
import type { HessianReport } from "../hessian/analyze.js";
import { zeroTolerance } from "../hessian/report.js";
import { heatmapPlot } from "./heatmap.js";
import { linePlot, type VerticalMarker } from "./line-plot.js";
import { densityPlot, spectrumPlot } from "./spectrum-plot.js";
import type { NamedPlot } from "./named-plot.js";


/** One plot per computed picture: "spectrum" with --exact, "density" with --density. */
export function hessianPlots(r: HessianReport, width?: number): NamedPlot<"spectrum" | "density">[] {
  const plots: NamedPlot<"spectrum" | "density">[] = [];
  if (r.eigenvalues) {
    plots.push({
      name: "spectrum",
      svg: spectrumPlot({
        eigenvalues: r.eigenvalues,
        title: `Hessian eigenvalues (exact, n = ${r.n})`,
        // Roundoff-sized eigenvalues of an autodiff Hessian are zero in all but name.
        zeroTolerance: zeroTolerance(r.eigenvalues),
        ...(width ? { width } : {})
      })
    });
  }
  if (r.density) {
    const d = r.density;
    const vlines: VerticalMarker[] = [];
    if (r.top?.[0]) vlines.push({ x: r.top[0].value, label: "λmax (Lanczos)", color: "#1f77b4" });
    if (r.bottom?.[0]) vlines.push({ x: r.bottom[0].value, label: "λmin (Lanczos)", color: "#d62728" });
    plots.push({
      name: "density",
      svg: densityPlot({
        densities: [{ x: d.grid, density: d.density, label: `SLQ, ${d.runs} runs × ${d.steps} steps` }],
        title: `Hessian spectral density (n = ${r.n}, σ = ${d.sigma.toPrecision(3)})`,
        vlines,
        ...(width ? { width } : {})
      })
    });
  }
  return plots;
}

export interface EigRatioMap {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Row-major [ny, nx]: ratio[j * nx + i] at (x_i, y_j). */
  ratio: ArrayLike<number>;
}

/** Li et al.'s map of |λmin/λmax|: small (dark) where the loss is nearly convex. */
export function eigRatioHeatmap(m: EigRatioMap, title = "|λmin / λmax| of the Hessian"): string {
  const inside = m.x[0]! <= 0 && 0 <= m.x[m.x.length - 1]! && m.y[0]! <= 0 && 0 <= m.y[m.y.length - 1]!;
  return heatmapPlot({
    x: m.x, y: m.y, z: m.ratio, title, xLabel: "α (direction 1)", yLabel: "β (direction 2)", zLabel: "|λmin/λmax|",
    ...(inside ? { points: [{ x: 0, y: 0, label: "θ", shape: "ring" as const }] } : {})
  });
}

/** |λmin/λmax| along a landscape line (a 1-D `--metrics eig-ratio` run). */
export function eigRatioCurve(
  m: { x: ArrayLike<number>; ratio: ArrayLike<number> },
  title = "|λmin / λmax| of the Hessian",
  xLabel = "α (direction 1)"
): string {
  return linePlot({ title, xLabel, panels: [{ series: [{ x: m.x, y: m.ratio, label: "|λmin/λmax|" }], yLabel: "|λmin/λmax|" }] });
}
