/**
 * losscape plots: pure functions from numbers to SVG text, safe for Node and the browser.
 * PNG output and file writing need Node and live in ./node.ts.
 */
export { escapeXml, estimateTextWidth, fmt, FONT, FONT_FAMILY, svgDocument } from "./svg.js";
export {
  extent, formatExponent, formatLinearTicks, formatLogTicks, formatValue, linearScale, logDomain, logScale, logTicks,
  niceDomain, niceStep, niceTicks, type Scale,
} from "./scale.js";
export { categorical, CATEGORICAL, hexToRgb, rgbToHex, SEMANTIC, sequential, sequentialRgb, type Rgb } from "./colors.js";
export type { MarkerShape } from "./markers.js";
export type { LegendItem, LegendSymbol } from "./legend.js";
export {
  linePlot, type AxisSpec, type LinePlotSpec, type LineSegment, type LineSeries, type Panel, type PointMarker, type ShadedRange,
  type VerticalMarker,
} from "./line-plot.js";
export {
  contourLevels, contourPlot, filledContourPlot, marchingSquares, type ContourSpec, type Grid, type LevelOptions, type PointOverlay,
  type Polyline, type TrajectoryOverlay,
} from "./contour.js";
export { heatmapPlot, type HeatmapSpec } from "./heatmap.js";
export { surfacePlot, type SurfaceSpec } from "./surface3d.js";
export { densityPlot, spectrumPlot, type DensitySeries, type DensitySpec, type SpectrumSpec } from "./spectrum-plot.js";
export { svgProblems } from "./svg-lint.js";
