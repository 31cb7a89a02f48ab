/** The plot API plus the parts that need Node: PNG rendering (native resvg) and writing files. */
export * from "./index.js";
export { svgToPixels, svgToPng, type PngOptions, type RenderedPixels } from "./png.js";
export { plotFormatFor, writePlot, type PlotFormat } from "./write-plot.js";
