/**
 * Write a plot to disk as SVG or PNG, chosen by the file extension. The bytes go to a sibling temp
 * file that is renamed into place, so a crash or a failed render never leaves a half-written plot.
 */
import { rename, unlink, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { svgToPng, type PngOptions } from "./png.js";
import { UserError } from "../util/errors.js";

export type PlotFormat = "svg" | "png";

/** The format for a path, or a UserError naming the unsupported extension. */
export function plotFormatFor(path: string): PlotFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".svg") return "svg";
  if (ext === ".png") return "png";
  const shown = ext === "" ? "no extension" : `extension "${extname(path)}"`;
  throw new UserError(`cannot write plot ${path}: ${shown} is not supported; use .svg or .png`);
}

export async function writePlot(path: string, svg: string, options: PngOptions = {}): Promise<void> {
  const format = plotFormatFor(path);
  // Render before touching the disk: a rendering failure then leaves nothing behind.
  const bytes = format === "png" ? svgToPng(svg, options) : new TextEncoder().encode(svg);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    const reason = e instanceof Error ? e.message : String(e);
    throw new UserError(`cannot write plot ${path}: ${reason}`);
  }
}
