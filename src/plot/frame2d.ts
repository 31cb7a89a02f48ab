/**
 * Layout shared by the x–y plots (contour, filled contour, heatmap): title, legend strip, plot
 * rectangle, colorbar column and both axes, sized so that nothing overlaps.
 */
import { dataFrame, frame, title as titleText, TITLE_HEIGHT, xAxis, xAxisHeight, xTicks, xTitle, yAxis, yAxisWidth, yTicks, yTitle, type TickSet } from "./axes.js";
import { colorbarWidth } from "./colorbar.js";
import type { Rect } from "./geometry.js";
import { layoutLegend, type LegendItem } from "./legend.js";
import { linearScale, logScale, type Scale } from "./scale.js";
import { requirePositiveSize } from "./validate.js";
import { UserError } from "../util/errors.js";

export interface Frame2DSpec {
  where: string;
  width: number;
  height: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xDomain: [number, number];
  yDomain: [number, number];
  xLog?: boolean;
  yLog?: boolean;
  legend: LegendItem[];
  /** Tick labels the colorbar will print (for its width), or null for no colorbar. */
  colorbarLabels: string[] | null;
  colorbarTitle?: string;
  /** Same pixels per unit on both axes (a circle looks like a circle). */
  equalAspect?: boolean;
}

export interface Frame2D {
  rect: Rect;
  xScale: Scale;
  yScale: Scale;
  xTicks: TickSet;
  yTicks: TickSet;
  colorbarRect: Rect | null;
  /** Title and legend: draw first. */
  header: string;
  /** Frame, ticks and axis titles: draw after the data. */
  axes: string;
}

export function layoutFrame2D(spec: Frame2DSpec): Frame2D {
  requirePositiveSize(spec.where, spec.width, spec.height);
  const top = spec.title ? TITLE_HEIGHT : 12;
  const cbW = spec.colorbarLabels ? colorbarWidth(spec.colorbarLabels, spec.colorbarTitle !== undefined) : 0;
  const bottomH = xAxisHeight(true, spec.xLabel !== undefined) + 10;
  const makeY = (range: [number, number]): Scale => (spec.yLog ? logScale : linearScale)(spec.yDomain, range);
  const makeX = (range: [number, number]): Scale => (spec.xLog ? logScale : linearScale)(spec.xDomain, range);

  // Two passes: the left margin depends on the y tick labels, which depend on the plot height,
  // which depends on the legend's wrapping, which depends on the plot width.
  let plotH = spec.height - top - bottomH - 20;
  let layout: { rect: Rect; legendH: number; yt: TickSet; legend: ReturnType<typeof layoutLegend> } | null = null;
  for (let pass = 0; pass < 2; pass++) {
    const yt = yTicks(makeY([plotH, 0]), plotH);
    const left = 14 + yAxisWidth(yt, spec.yLabel !== undefined);
    const right = Math.max(24, cbW);
    const plotW = spec.width - left - right;
    if (plotW < 60) throw new UserError(`${spec.where}: width ${spec.width} leaves no room for the plot`);
    const legend = layoutLegend(spec.legend, plotW);
    const legendH = legend.height > 0 ? legend.height + 6 : 0;
    plotH = spec.height - top - legendH - bottomH;
    if (plotH < 40) throw new UserError(`${spec.where}: height ${spec.height} leaves no room for the plot`);
    layout = { rect: { x: left, y: top + legendH, width: plotW, height: plotH }, legendH, yt, legend };
  }
  const { legend } = layout!;
  let rect = layout!.rect;
  if (spec.equalAspect && !spec.xLog && !spec.yLog) {
    const ux = rect.width / Math.abs(spec.xDomain[1] - spec.xDomain[0]);
    const uy = rect.height / Math.abs(spec.yDomain[1] - spec.yDomain[0]);
    if (ux > uy) {
      const w = (rect.width * uy) / ux;
      rect = { ...rect, x: rect.x + (rect.width - w) / 2, width: w };
    } else {
      const h = (rect.height * ux) / uy;
      rect = { ...rect, y: rect.y + (rect.height - h) / 2, height: h };
    }
  }
  const xScale = makeX([rect.x, rect.x + rect.width]);
  const yScale = makeY([rect.y + rect.height, rect.y]);
  const xt = xTicks(xScale, rect.width);
  const yt = yTicks(yScale, rect.height);

  const header: string[] = [];
  if (spec.title) header.push(titleText(spec.title, spec.width));
  if (legend.height > 0) header.push(legend.render(rect.x, top));

  const axes: string[] = [frame(rect), dataFrame(rect, xScale, yScale), xAxis(xScale, xt, rect, true), yAxis(yScale, yt, rect, "left")];
  if (spec.xLabel) axes.push(xTitle(spec.xLabel, rect, true));
  if (spec.yLabel) axes.push(yTitle(spec.yLabel, rect, "left", yAxisWidth(yt, false) + 6));

  const colorbarRect = spec.colorbarLabels
    ? { x: rect.x + rect.width + 18, y: rect.y, width: 16, height: rect.height }
    : null;
  return { rect, xScale, yScale, xTicks: xt, yTicks: yt, colorbarRect, header: header.join(""), axes: axes.join("") };
}
