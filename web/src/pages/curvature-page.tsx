/** Curvature: f, f', f'' of an expression with convex/concave shading, kinks, inflections, DCP tree, verdict and certificate. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { CurvatureResult } from "../../../src/convexity/curvature/analyze-curvature.js";
import type { JensenCertificate } from "../../../src/convexity/curvature/jensen-certificate.js";
import { isAbort, messageOf, postJson, type Meta } from "../api.js";
import { DcpTreeView } from "../components/dcp-tree.js";
import { SvgFigure } from "../components/svg-figure.js";
import { inputNumber } from "../model-form.js";
import { defineState, writeHash, type StateOf } from "../url-state.js";

export const curvatureState = defineState({
  expr: { kind: "string", default: "sigmoid(x)", maxLength: 400 },
  a: { kind: "number", default: -10, min: -1e6, max: 1e6 },
  b: { kind: "number", default: 10, min: -1e6, max: 1e6 },
});
type State = StateOf<typeof curvatureState.fields>;

type Result = Omit<CurvatureResult, "samples">;
interface Reply {
  result: Result;
  svg: string;
}

const n = (v: number): string => String(Number(v.toPrecision(6)));
const iv = ([a, b]: readonly [number, number]): string => `[${n(a)}, ${n(b)}]`;

function Certificate(props: { c: JensenCertificate }) {
  const c = props.c;
  const rel = c.kind === "notConvex" ? ">" : "<";
  const chord = c.t * c.f1 + (1 - c.t) * c.f2;
  return (
    <div class="certificate" data-testid={`certificate-${c.kind}`}>
      <strong>{c.kind === "notConvex" ? "Not convex" : "Not concave"}</strong>: x₁ = {c.x1}, x₂ = {c.x2}, t = {c.t}
      <div>
        f(t·x₁ + (1−t)·x₂) = f({n(c.midpoint)}) = {n(c.fMid)} {rel} t·f(x₁) + (1−t)·f(x₂) = {n(chord)}
      </div>
      <div class="muted">
        gap {n(c.gap)}, checked with {c.verifiedBy}
        {c.exactGap ? ` (exact gap ${c.exactGap.length > 60 ? `${c.exactGap.slice(0, 57)}…` : c.exactGap})` : ` (gap in ${iv(c.gapEnclosure)})`}
      </div>
    </div>
  );
}

export function CurvaturePage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const [state, setState] = useState<State>(props.initial);
  const [draft, setDraft] = useState<State>(props.initial);
  const [reply, setReply] = useState<Reply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inflight = useRef<AbortController | null>(null);

  useEffect(() => {
    writeHash("curvature", curvatureState, state);
    inflight.current?.abort();
    const ctl = new AbortController();
    inflight.current = ctl;
    setBusy(true);
    setError(null);
    postJson<Reply>("/api/curvature", { expression: state.expr, domain: [state.a, state.b] }, ctl.signal)
      .then((r) => {
        setReply(r);
        setBusy(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setError(messageOf(e));
        setReply(null);
        setBusy(false);
      });
    return () => ctl.abort();
  }, [state]);

  const submit = (e: Event): void => {
    e.preventDefault();
    setState({ ...draft });
  };
  const preset = (expr: string): void => {
    const next = { ...draft, expr };
    setDraft(next);
    setState(next);
  };
  const r = reply?.result;
  return (
    <section class="page" data-testid="page-curvature">
      <h2>Curvature of f(x)</h2>
      <p class="lead">
        Is f convex? The seed question plotted sigmoid's f'' in R to find out. losscape proves the answer: a DCP rule tree, interval
        proofs of the sign of f'' on every smooth piece, the jump of f' at every kink (which plots of f'' miss), and a chord that
        certifies non-convexity.
      </p>
      {props.problems.length ? <div class="notice">{props.problems.join("; ")}</div> : null}
      <div class="presets">
        {(props.meta?.curvaturePresets ?? []).map((p) => (
          <button type="button" class={`chip${state.expr === p.expression ? " active" : ""}`} title={p.note} onClick={() => preset(p.expression)} key={p.name}>
            {p.name}
          </button>
        ))}
      </div>
      <form class="controls" onSubmit={submit}>
        <label class="grow">
          f(x) =
          <input
            name="expression"
            value={draft.expr}
            maxLength={400}
            spellcheck={false}
            onInput={(e) => setDraft({ ...draft, expr: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label>
          from
          <input name="a" type="number" step="any" value={draft.a} onInput={(e) => setDraft({ ...draft, a: inputNumber(e) })} />
        </label>
        <label>
          to
          <input name="b" type="number" step="any" value={draft.b} onInput={(e) => setDraft({ ...draft, b: inputNumber(e) })} />
        </label>
        <button type="submit" data-testid="analyze">
          Analyze
        </button>
      </form>
      {busy ? <div class="muted">analysing…</div> : null}
      {error ? (
        <div class="error" role="alert" data-testid="error">
          {error}
        </div>
      ) : null}
      {r && reply ? (
        <div class={busy ? "stale" : ""}>
          <div class="verdict-row">
            <span class={`verdict verdict-${r.verdict}`} data-testid="verdict">
              {r.verdict.toUpperCase()}
            </span>
            <span>
              <code>{r.canonical}</code> on [{r.domain[0]}, {r.domain[1]}]
            </span>
          </div>
          <p data-testid="reason">{r.reason}</p>
          <p class="muted">
            proof: {r.proof.method} — {r.proof.detail}
          </p>
          <SvgFigure svg={reply.svg} alt={`f, f' and f'' of ${r.canonical}`} testId="curvature-plot" />
          <div class="grid2">
            <div>
              <h3>Where</h3>
              <table class="facts" data-testid="facts">
                <tbody>
                  <tr>
                    <th>convex on</th>
                    <td>{r.convexIntervals.length ? r.convexIntervals.map(iv).join(", ") : r.convexNowhere ? "nowhere (proven)" : "no interval proven"}</td>
                  </tr>
                  <tr>
                    <th>concave on</th>
                    <td>{r.concaveIntervals.length ? r.concaveIntervals.map(iv).join(", ") : r.concaveNowhere ? "nowhere (proven)" : "no interval proven"}</td>
                  </tr>
                  {r.undecided.length > 0 && (
                    <tr>
                      <th>undecided on</th>
                      <td data-testid="undecided">{r.undecided.map(iv).join(", ")}</td>
                    </tr>
                  )}
                  <tr>
                    <th>inflections</th>
                    <td data-testid="inflections">
                      {r.inflectionPoints.length
                        ? r.inflectionPoints.map((p) => (p.exact ? `at ${n(p.x)} (exactly)` : `in ${iv(p.enclosure)}`)).join(", ")
                        : r.undecided.length ? "none proven" : "none"}
                    </td>
                  </tr>
                  <tr>
                    <th>kinks</th>
                    <td data-testid="kinks">
                      {r.kinks.length
                        ? r.kinks.map((k) => `x = ${n(k.x)}: f' jumps by ${k.slopeJump > 0 ? "+" : ""}${k.exactSlopeJump ?? n(k.slopeJump)} (${k.kind})`).join("; ")
                        : "none"}
                    </td>
                  </tr>
                  <tr>
                    <th>minima</th>
                    <td>{r.minima.length ? r.minima.map((m) => (m.to !== undefined ? `${iv([m.x, m.to])} (flat)` : `x = ${n(m.x)}, f = ${n(m.f)}`)).join("; ") : "none inside"}</td>
                  </tr>
                  <tr>
                    <th>maxima</th>
                    <td>{r.maxima.length ? r.maxima.map((m) => (m.to !== undefined ? `${iv([m.x, m.to])} (flat)` : `x = ${n(m.x)}, f = ${n(m.f)}`)).join("; ") : "none inside"}</td>
                  </tr>
                </tbody>
              </table>
              {r.certificates.notConvex || r.certificates.notConcave ? <h3>Certificates</h3> : null}
              {r.certificates.notConvex ? <Certificate c={r.certificates.notConvex} /> : null}
              {r.certificates.notConcave ? <Certificate c={r.certificates.notConcave} /> : null}
            </div>
            <div>
              <h3>DCP analysis: {r.dcp.curvature}</h3>
              <DcpTreeView tree={r.dcp.tree} />
            </div>
          </div>
        </div>
      ) : null}
    </section>
  );
}
