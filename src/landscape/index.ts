export * from "./directions/index.js";
export { parseRange, rangeValues, formatRange, MAX_AXIS_POINTS, type AxisRange } from "./range.js";
export { ChunkStore, chunkCount, chunkRange, CHUNKS_DIR, type ChunkLayout, type RunIdentity } from "./chunk-store.js";
export { createPlaneEvaluator, buildPlaneGraph, firstLayerProducts, defaultPlaneBatch } from "./evaluate/plane.js";
export { createPlainEvaluator } from "./evaluate/plain.js";
export { METRICS, type Metric, type MetricValues, type PointEvaluator, type SurfaceProblem, type FloatType } from "./evaluate/problem.js";
export { runLandscape, LANDSCAPE_FILES, MAX_GRID_POINTS, type LandscapeRequest, type LandscapeResult, type LandscapeProgress, type DirectionChoice } from "./run-landscape.js";
