/**
 * Write a plot to disk as SVG or PNG, chosen by the file extension. The bytes go to a sibling temp
 * file that is renamed into place, so a crash or a failed render never leaves a half-written plot.
 */
import { extname } from "node:path";
import { svgToPng, type PngOptions } from "./png.js";
import { UserError } from "../util/errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";

export type PlotFormat = "svg" | "png";

/** The format for a path, or a UserError naming the unsupported extension. */
export function plotFormatFor(path: string): PlotFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".svg") return "svg";
  if (ext === ".png") return "png";
  const shown = ext === "" ? "no extension" : `extension "${extname(path)}"`;
  throw new UserError(`cannot write plot ${path}: ${shown} is not supported; use .svg or .png`);
}

/** PNGs are rendered at twice the SVG's size by default: about 1400 px wide, enough for print. */
export const DEFAULT_PNG_SCALE = 2;

export async function writePlot(path: string, svg: string, options: PngOptions = {}): Promise<void> {
  const format = plotFormatFor(path);
  // Render before touching the disk: a rendering failure then leaves nothing behind.
  const bytes = format === "png" ? svgToPng(svg, { scale: DEFAULT_PNG_SCALE, ...options }) : svg;
  writeFileAtomic(path, bytes);
}
