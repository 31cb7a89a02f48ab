export { normalizeDirection, normalizationGroups, NORMALIZATIONS, type Normalization, type NormalizeOptions } from "./normalize.js";
export { gaussianDirections } from "./random.js";
export { orthogonalize } from "./orthogonal.js";
export { pcaDirections, type PcaResult } from "./pca.js";
export { makeDirections, type DirectionRequest, type Directions } from "./make-directions.js";
export { dot, norm, sub } from "./vector.js";
