/** An SVG picture (from the server or the plotting kit) shown as an image: it cannot run scripts or leak styles. */
import { useMemo } from "preact/hooks";

export function SvgFigure(props: { svg: string; alt: string; testId?: string; caption?: string }) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(props.svg)}`, [props.svg]);
  return (
    <figure class="plot" data-testid={props.testId}>
      <img src={src} alt={props.alt} />
      {props.caption ? <figcaption>{props.caption}</figcaption> : null}
    </figure>
  );
}
