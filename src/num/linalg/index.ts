/**
 * Dense symmetric linear algebra: eigendecomposition, Lanczos extreme eigenpairs, Hutchinson /
 * Hutch++ trace estimates and SLQ spectral densities. They see a matrix only as a symmetric MatVec
 * (or a dense array), so they are independent of models and executors and sit low in the layer
 * order, where convexity/, landscape/ and hessian/ can all use them.
 */
export type { MatVec } from "./operator.js";
export { denseMatVec } from "./operator.js";
export { symmetricEigen, tridiagonalEigen } from "./symmetric-eigen.js";
export type {
  SymmetricEigenOptions,
  SymmetricEigenResult,
  TridiagonalEigenResult,
  TridiagonalVectors
} from "./symmetric-eigen.js";
export { lanczos } from "./lanczos.js";
export { KrylovBasis } from "./krylov.js";
export type { LanczosOptions, LanczosResult, LanczosWhich, RitzPair } from "./lanczos.js";
export { hutchinsonTrace, hutchPlusPlus, hutchinsonFromValues, rademacherSequence } from "./hutchinson.js";
export type {
  HutchinsonOptions,
  HutchPlusPlusEstimate,
  HutchPlusPlusOptions,
  TraceEstimate
} from "./hutchinson.js";
export { slqDensity, quadratureRule, slqFromRules, DEFAULT_SIGMA_FRACTION, GRID_PADDING_SIGMAS } from "./slq.js";
export type { QuadratureRule, SlqDensity, SlqOptions } from "./slq.js";
export { axpy, dot, norm, orthogonalizeAgainst } from "./vector-ops.js";
