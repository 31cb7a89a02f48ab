/** Pictures of the in-memory landscape pipeline's results (src/landscape/pipeline.ts). */
import type { LineProfile, PlaneSurface } from "../../landscape/pipeline.js";
import { landscapePlots } from "../landscape-plots.js";

/** The landscape pictures of a PCA plane (trajectory over contours, filled contours, 3-D surface, ...), by name. */
export function pcaSurfacePlots(surface: PlaneSurface, lossName: string, width?: number): Record<string, string> {
  const plots = landscapePlots({
    dims: 2, x: surface.x, y: surface.y, values: surface.values, lossName, directionInfo: { kind: "pca" },
    pca: { explainedVarianceRatio: surface.explainedVarianceRatio, projection: surface.projection, rows: surface.rows }
  }, width ? { width } : {});
  return Object.fromEntries(plots.map((pl) => [pl.name, pl.svg]));
}

/** The curve of a line profile: loss, and accuracy on a twin axis for classification. */
export function lineProfilePlot(line: LineProfile, lossName: string, width?: number): string {
  return landscapePlots({ dims: 1, x: line.t, y: null, values: line.values, lossName, directionInfo: { kind: "line" } }, width ? { width } : {})[0]!.svg;
}

