/**
 * An SVG picture (from the server or the plotting kit) shown as an image: it cannot run scripts or
 * leak styles. It scales with its container, reads out the data coordinates under the pointer
 * (from the plot rectangles the plotting kit marks), and can be saved as SVG or PNG.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import { downloadSvg, downloadSvgAsPng } from "./download.js";
import { dataAt, plotFrames, short } from "./plot-frames.js";

export interface Hover {
  /** Index of the plot rectangle (panel) under the pointer. */
  frame: number;
  x: number;
  y: number;
}

export interface SvgFigureProps {
  svg: string;
  alt: string;
  testId?: string;
  caption?: string;
  /** File name without extension for the downloads. */
  name?: string;
  /** The read-out for a data point; the default names x and y. null hides it. */
  readout?: (h: Hover) => string | null;
}

export function SvgFigure(props: SvgFigureProps) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(props.svg)}`, [props.svg]);
  const geo = useMemo(() => plotFrames(props.svg), [props.svg]);
  const [hover, setHover] = useState<{ text: string; left: number; top: number } | null>(null);
  const img = useRef<HTMLImageElement>(null);
  const name = props.name ?? props.testId ?? "figure";

  const onMove = (e: MouseEvent): void => {
    const el = img.current;
    if (!el || !(geo.width > 0)) return;
    const box = el.getBoundingClientRect();
    const k = geo.width / box.width;
    const px = (e.clientX - box.left) * k, py = (e.clientY - box.top) * k;
    const d = dataAt(geo.frames, px, py);
    const text = d ? (props.readout ? props.readout(d) : `x = ${short(d.x)}, y = ${short(d.y)}`) : null;
    setHover(text ? { text, left: e.clientX - box.left, top: e.clientY - box.top } : null);
  };

  return (
    <figure class="plot" data-testid={props.testId}>
      <div class="plot-wrap" onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        <img ref={img} src={src} alt={props.alt} />
        {hover ? (
          <div class="readout" data-testid="readout" style={{ left: `${hover.left}px`, top: `${hover.top}px` }}>
            {hover.text}
          </div>
        ) : null}
      </div>
      <div class="plot-actions">
        {props.caption ? <figcaption>{props.caption}</figcaption> : <span />}
        <span class="plot-buttons">
          <button type="button" class="secondary small" data-testid="download-svg" aria-label={`download ${props.alt} as SVG`} onClick={() => downloadSvg(name, props.svg)}>
            SVG
          </button>
          <button type="button" class="secondary small" data-testid="download-png" aria-label={`download ${props.alt} as PNG`} onClick={() => downloadSvgAsPng(name, props.svg)}>
            PNG
          </button>
        </span>
      </div>
    </figure>
  );
}
