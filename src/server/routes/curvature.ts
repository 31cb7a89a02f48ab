/** POST /api/curvature: the curvature analysis of f(x) with its picture (f, f', f'' stacked). */
import { analyzeCurvature } from "../../convexity/curvature/analyze-curvature.js";
import { curvatureJson } from "../../convexity/curvature/render-curvature.js";
import { curvaturePlot } from "../../plot/curvature-plot.js";
import type { CurvatureRequest } from "../api-schemas.js";

const PLOT_SAMPLES = 801;

export function curvatureRoute(req: CurvatureRequest): Record<string, unknown> {
  // The expression only ever reaches mathjs' parser inside analyzeCurvature; nothing evaluates it as code.
  const result = analyzeCurvature(req.expression.trim(), { domain: req.domain, samples: PLOT_SAMPLES });
  return { result: curvatureJson(result), svg: curvaturePlot(result, { width: req.plotWidth ?? 760 }) };
}
