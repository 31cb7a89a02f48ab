/**
 * Numeric kernels for `losscape hessian`: dense symmetric eigendecomposition, Lanczos extreme
 * eigenpairs, Hutchinson / Hutch++ trace estimates and SLQ spectral densities. They see the
 * Hessian only as a symmetric MatVec, so they are independent of models and executors.
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
export type { LanczosOptions, LanczosResult, LanczosWhich, RitzPair } from "./lanczos.js";
export { hutchinsonTrace, hutchPlusPlus } from "./hutchinson.js";
export type {
  HutchinsonOptions,
  HutchPlusPlusEstimate,
  HutchPlusPlusOptions,
  TraceEstimate
} from "./hutchinson.js";
export { slqDensity, DEFAULT_SIGMA_FRACTION, GRID_PADDING_SIGMAS } from "./slq.js";
export type { SlqDensity, SlqOptions } from "./slq.js";
export { axpy, dot, norm, orthogonalizeAgainst } from "./vector-ops.js";
