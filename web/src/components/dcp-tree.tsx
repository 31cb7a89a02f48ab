/** The DCP explanation tree: each node's curvature, sign and rule, or the clause that broke. */
import type { DcpTree } from "../../../src/convexity/dcp/analyze-dcp.js";

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

function Node(props: { t: DcpTree }) {
  const t = props.t;
  const children = t.children.filter((c) => c.op !== "Constant");
  return (
    <li>
      <code>{t.expr}</code> <span class={`curv curv-${t.curvature}`}>{t.curvature}</span>
      <span class="muted">
        {" "}
        sign {t.sign}
        {t.range ? ` on [${fmt(t.range[0])}, ${fmt(t.range[1])}]` : ""}
        {t.seeAbove ? " (shown above)" : ` — ${t.rule}`}
      </span>
      {t.broken && !t.seeAbove ? <div class="broken">✗ {t.broken}</div> : null}
      {children.length && !t.seeAbove ? (
        <ul>
          {children.map((c, i) => (
            <Node key={i} t={c} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function DcpTreeView(props: { tree: DcpTree }) {
  return (
    <ul class="dcp-tree" data-testid="dcp-tree">
      <Node t={props.tree} />
    </ul>
  );
}
