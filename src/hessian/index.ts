/**
 * Curvature of a model's loss: the Hessian at θ as an HVP operator, its dense eigendecomposition,
 * Lanczos extremes, stochastic trace and SLQ density, per block on request, and the |λmin/λmax|
 * landscape metric. The numeric kernels live in src/num/linalg.
 */
export { createHvpGraph, hessianOperator, checkTheta } from "./hvp-operator.js";
export type { HessianOperator, HessianOperatorOptions, HvpGraph, OperatorBlock } from "./hvp-operator.js";
export { DEFAULT_MAX_EXACT, checkExactSize, column, denseHessian, exactSpectrum } from "./dense.js";
export type { DenseHessian, ExactSpectrum, ExactSpectrumOptions } from "./dense.js";
export {
  analyzeHessian,
  DEFAULT_LANCZOS_TOL,
  DEFAULT_PROBES,
  DEFAULT_SLQ_RUNS,
  DEFAULT_SLQ_STEPS
} from "./analyze.js";
export type {
  DensitySummary,
  HessianReport,
  HessianRequest,
  LanczosSummary,
  RemoteProbes,
  SpectrumAnalysis,
  TraceMethod,
  TraceSummary
} from "./analyze.js";
export { hessianReportJson, hessianReportText, negativeCurvature, zeroTolerance } from "./report.js";
export type { HessianJson, RitzJson, SpectrumJson } from "./report.js";
export { saveHessianVectors } from "./save-vectors.js";
export type { SavedVector, SavedVectors } from "./save-vectors.js";
export { createEigRatioEvaluator, eigRatio, eigRatioAt, EIG_RATIO_METRIC } from "./eig-ratio.js";
export type { EigRatio, EigRatioEvaluator, EigRatioOptions, EigRatioProblem } from "./eig-ratio.js";
