/**
 * SVG -> PNG through resvg. Kept in its own module because it needs a native Node addon; the
 * browser bundle imports the plots from index.ts and never reaches this file.
 */
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import { field, UserError } from "../util/errors.js";

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: the SVG's own width times `scale`. */
  width?: number;
  /** Pixels per SVG unit when no width is given (default 1 here; writePlot's default is 2, for print). */
  scale?: number;
}

export interface RenderedPixels {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  pixels: Uint8Array;
}

function options(opts: PngOptions): ResvgRenderOptions {
  if (opts.width !== undefined && !(Number.isInteger(opts.width) && opts.width >= 1 && opts.width <= 20000)) {
    throw new UserError(`svgToPng: width must be an integer from 1 to 20000, got ${opts.width}`);
  }
  if (opts.scale !== undefined && !(Number.isFinite(opts.scale) && opts.scale > 0 && opts.scale <= 10)) {
    throw new UserError(`PNG ${field("scale")} must be a number above 0 and at most 10, got ${opts.scale}`);
  }
  const fitTo: ResvgRenderOptions["fitTo"] =
    opts.width !== undefined ? { mode: "width", value: opts.width } : opts.scale !== undefined && opts.scale !== 1 ? { mode: "zoom", value: opts.scale } : { mode: "original" };
  return {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    fitTo,
    background: "#ffffff",
    logLevel: "off",
  };
}

/** Render SVG text to PNG bytes. */
export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const image = new Resvg(svg, options(opts)).render();
  return new Uint8Array(image.asPng());
}

/** Render SVG text to raw RGBA pixels (for checks that look at colours). */
export function svgToPixels(svg: string, opts: PngOptions = {}): RenderedPixels {
  const image = new Resvg(svg, options(opts)).render();
  return { width: image.width, height: image.height, pixels: new Uint8Array(image.pixels) };
}
