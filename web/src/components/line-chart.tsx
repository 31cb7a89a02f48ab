/**
 * A line chart drawn in the browser with the project's plotting kit, at the width of its container
 * (so its text keeps its size on a phone), with a read-out of the curves' values under the pointer.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { linePlot, type LineSeries, type LineSegment, type ShadedRange, type PointMarker } from "../../../src/plot/index.js";
import { short } from "./plot-frames.js";
import { SvgFigure, type Hover } from "./svg-figure.js";

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
  caption?: string;
  /** Widest the chart is drawn; it is drawn narrower when its container is. */
  width?: number;
}

/** The container's width in CSS pixels, followed as it changes. */
function useWidth(): [preact.RefObject<HTMLDivElement>, number | null] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setW(Math.round(el.clientWidth)));
    ro.observe(el);
    setW(Math.round(el.clientWidth));
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

function nearest(xs: ArrayLike<number>, x: number): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i]! - x) < Math.abs(xs[best]! - x)) best = i;
  return best;
}

export function LineChart(p: LineChartProps) {
  const [box, measured] = useWidth();
  // Narrow screens get a narrow drawing (text at its own size), wide ones at most p.width.
  const width = Math.max(280, Math.min(p.width ?? 640, measured ?? p.width ?? 640));
  const usable = useMemo(() => p.series.filter((s) => s.x.length > 1), [p.series]);
  const svg = useMemo(() => {
    if (usable.length === 0) return null;
    return linePlot({
      ...(p.title ? { title: p.title } : {}),
      xLabel: p.xLabel,
      width,
      panels: [{ series: usable, yLabel: p.yLabel, yLog: p.yLog ?? false, ...(p.yLog ? { yFloor: 1e-8 } : {}), ...(p.segments ? { segments: p.segments } : {}), ...(p.shaded ? { shaded: p.shaded } : {}), ...(p.points ? { points: p.points } : {}) }],
    });
  }, [usable, p.title, p.xLabel, p.yLabel, p.yLog, p.segments, p.shaded, p.points, width]);
  const readout = (h: Hover): string => {
    const s = usable[0]!;
    const i = nearest(s.x, h.x);
    const others = usable.slice(1, 3).map((o) => {
      const j = nearest(o.x, h.x);
      return `${o.label ?? "other"}: ${short(o.y[j]!)}`;
    });
    return [`${p.xLabel} = ${short(s.x[i]!)}, ${p.yLabel} = ${short(s.y[i]!)}`, ...others].join(" · ");
  };
  return (
    <div ref={box} class="chart-box">
      {svg ? (
        <SvgFigure svg={svg} alt={p.alt} readout={readout} {...(p.caption ? { caption: p.caption } : {})} {...(p.testId ? { testId: p.testId, name: p.testId } : {})} />
      ) : (
        <div class="placeholder">waiting for data…</div>
      )}
    </div>
  );
}
