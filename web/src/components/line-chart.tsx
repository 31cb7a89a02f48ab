/** A line chart drawn in the browser with the project's plotting kit (used for live training curves). */
import { useMemo } from "preact/hooks";
import { linePlot, type LineSeries, type LineSegment, type ShadedRange, type PointMarker } from "../../../src/plot/index.js";
import { SvgFigure } from "./svg-figure.js";

export interface LineChartProps {
  series: LineSeries[];
  title?: string;
  xLabel: string;
  yLabel: string;
  yLog?: boolean;
  segments?: LineSegment[];
  shaded?: ShadedRange[];
  points?: PointMarker[];
  alt: string;
  testId?: string;
  width?: number;
}

export function LineChart(p: LineChartProps) {
  const svg = useMemo(() => {
    const usable = p.series.filter((s) => s.x.length > 1);
    if (usable.length === 0) return null;
    return linePlot({
      ...(p.title ? { title: p.title } : {}),
      xLabel: p.xLabel,
      width: p.width ?? 640,
      panels: [{ series: usable, yLabel: p.yLabel, yLog: p.yLog ?? false, ...(p.yLog ? { yFloor: 1e-8 } : {}), ...(p.segments ? { segments: p.segments } : {}), ...(p.shaded ? { shaded: p.shaded } : {}), ...(p.points ? { points: p.points } : {}) }],
    });
  }, [p.series, p.title, p.xLabel, p.yLabel, p.yLog, p.segments, p.shaded, p.points, p.width]);
  if (!svg) return <div class="placeholder">waiting for data…</div>;
  return <SvgFigure svg={svg} alt={p.alt} {...(p.testId ? { testId: p.testId } : {})} />;
}
