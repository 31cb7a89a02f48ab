/** Curvature: f, f', f'' of an expression with convex/concave shading, kinks, inflections, DCP tree, verdict and certificate. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { CurvatureResult } from "../../../src/convexity/curvature/analyze-curvature.js";
import type { JensenCertificate } from "../../../src/convexity/curvature/jensen-certificate.js";
import { isAbort, messageOf, postJson, type Meta } from "../api.js";
import { NumberField, useFieldErrors } from "../components/checked-field.js";
import { Announce } from "../components/live-region.js";
import { Capped } from "../components/capped-list.js";
import { DcpTreeView } from "../components/dcp-tree.js";
import { figureWidth } from "../components/figure-width.js";
import { short } from "../components/plot-frames.js";
import { SvgFigure } from "../components/svg-figure.js";
import { domainLimit } from "../limits.js";
import { usePageState } from "../page-state.js";
import { defineState, stateKey, type StateOf } from "../url-state.js";

export const curvatureState = defineState({
  expr: { kind: "string", default: "sigmoid(x)", maxLength: 400 },
  // Loose bounds: the domain cap comes from the server (meta.caps) and is checked at the field.
  a: { kind: "number", default: -10, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
  b: { kind: "number", default: 10, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
});
type State = StateOf<typeof curvatureState.fields>;

type Result = Omit<CurvatureResult, "samples">;
interface Reply {
  result: Result;
  svg: string;
}

/** Replies by request, so Back and Forward show an analysis again without asking the server. */
const replies = new Map<string, Reply>();
const DEBOUNCE_MS = 300;

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
  const page = usePageState("curvature", curvatureState, props.initial, props.problems);
  const state = page.value;
  const [expr, setExpr] = useState(state.expr);
  const [reply, setReply] = useState<Reply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = useFieldErrors();
  const latest = useRef(0);
  const first = useRef(true);
  const now = useRef(false);
  const caps = props.meta?.caps ?? {};

  // The expression box is a draft too: the URL (Back, a pasted link) replaces it, a reply never does.
  useEffect(() => setExpr(state.expr), [page.revision]);

  // Arriving by a tab link at a view whose results are shown: that entry is an analysis too, for Back.
  useEffect(() => {
    if (page.active && replies.has(stateKey(curvatureState, state))) page.analysed();
  }, [page.active]);

  const key = stateKey(curvatureState, state);
  useEffect(() => {
    const id = ++latest.current;
    const cached = replies.get(key);
    if (cached) {
      setReply(cached);
      setError(null);
      setBusy(false);
      page.analysed();
      return;
    }
    const ctl = new AbortController();
    setBusy(true);
    const wait = first.current || now.current ? 0 : DEBOUNCE_MS;
    first.current = false;
    now.current = false;
    const timer = setTimeout(() => {
      postJson<Reply>("/api/curvature", { expression: state.expr, domain: [state.a, state.b], plotWidth: figureWidth() }, ctl.signal)
        .then((r) => {
          // A reply to anything but the latest request is stale: typing has moved on.
          if (id !== latest.current) return;
          replies.set(key, r);
          setReply(r);
          setError(null);
          setBusy(false);
          page.analysed();
        })
        .catch((e: unknown) => {
          if (isAbort(e) || id !== latest.current) return;
          setError(messageOf(e));
          setBusy(false);
        });
    }, wait);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [key]);

  const set = (patch: Partial<State>): void => page.set({ ...state, ...patch });
  const typeExpr = (text: string): void => {
    setExpr(text);
    if (text.trim() !== "") set({ expr: text });
  };
  const submit = (e: Event): void => {
    e.preventDefault();
    now.current = true;
    if (expr.trim() !== "") set({ expr });
  };
  const preset = (text: string): void => {
    now.current = true;
    setExpr(text);
    set({ expr: text });
  };
  const domain = domainLimit(caps);
  const blocked = Object.values(fields.errors)[0] ?? (expr.trim() === "" ? "type an expression in x" : null);
  const r = reply?.result;
  return (
    <section class="page" data-testid="page-curvature">
      <Announce text={r ? `${r.verdict === "neither" ? "neither convex nor concave" : r.verdict}: ${r.canonical} on [${r.domain[0]}, ${r.domain[1]}]` : ""} />
      <h2>Curvature of f(x)</h2>
      <p class="try-first" data-testid="try-first">
        Type a function of x, or pick one of the examples, and watch the verdict and the plot change as you type.
      </p>
      {page.problems.length ? <div class="notice">{page.problems.join("; ")}</div> : null}
      <div class="workbench">
      <div class="side">
      <div class="presets" role="group" aria-label="example functions">
        {(props.meta?.curvaturePresets ?? []).map((p) => (
          <button type="button" class={`chip${state.expr === p.expression ? " active" : ""}`} aria-pressed={state.expr === p.expression} title={p.note} onClick={() => preset(p.expression)} key={p.name}>
            {p.name}
          </button>
        ))}
      </div>
      <form class="controls stack" onSubmit={submit}>
        <label class="grow">
          f(x) =
          <input
            name="expression"
            value={expr}
            maxLength={caps["expressionChars"] ?? 400}
            spellcheck={false}
            aria-invalid={error || expr.trim() === "" ? "true" : "false"}
            onInput={(e) => typeExpr((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <div class="controls">
          <NumberField
            name="a"
            label="from"
            value={state.a}
            limit={{ ...domain, max: Math.min(domain.max, state.b), below: state.b <= domain.max }}
            onCommit={(a) => set({ a })}
            onError={fields.report}
            slider={{ min: -50, max: 0, step: 0.5 }}
          />
          <NumberField
            name="b"
            label="to"
            value={state.b}
            limit={{ ...domain, min: Math.max(domain.min, state.a), above: state.a >= domain.min }}
            onCommit={(b) => set({ b })}
            onError={fields.report}
            slider={{ min: 0, max: 50, step: 0.5 }}
          />
        </div>
        <button type="submit" data-testid="analyze" disabled={blocked !== null} title={blocked ?? undefined}>
          Analyze
        </button>
        {blocked ? (
          <span class="field-error" data-testid="blocked">
            {blocked}
          </span>
        ) : null}
      </form>
      {busy ? <div class="muted">analysing…</div> : null}
      {error ? (
        <div class="error" role="alert" data-testid="error">
          {error}
        </div>
      ) : null}
      <p class="muted next-step">
        The same question for a network's loss: <a href="#page=network">is a network's loss convex in its weights? →</a>
      </p>
      </div>
      <div class="figures">
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
          <div class="main-figure">
            <SvgFigure
            svg={reply.svg}
            alt={`f, f' and f'' of ${r.canonical} on [${r.domain[0]}, ${r.domain[1]}], stacked; verdict: ${r.verdict}. ${r.reason}`}
            testId="curvature-plot"
            name="curvature"
            readout={(h) => `x = ${short(h.x)}, ${["f", "f'", "f''"][h.frame] ?? "y"} ≈ ${short(h.y)} (pointer height)`}
          />
          </div>
          <p data-testid="reason">{r.reason}</p>
          <p class="muted">
            proof: {r.proof.method} — {r.proof.detail}
          </p>
          <div class="grid2">
            <div>
              <h3>Where</h3>
              <table class="facts" data-testid="facts">
                <tbody>
                  <tr>
                    <th>convex on</th>
                    <td>{r.convexIntervals.length ? <Capped items={r.convexIntervals.map(iv)} sep=", " /> : r.convexNowhere ? "nowhere (proven)" : "no interval proven"}</td>
                  </tr>
                  <tr>
                    <th>concave on</th>
                    <td>{r.concaveIntervals.length ? <Capped items={r.concaveIntervals.map(iv)} sep=", " /> : r.concaveNowhere ? "nowhere (proven)" : "no interval proven"}</td>
                  </tr>
                  {r.undecided.length > 0 && (
                    <tr>
                      <th>undecided on</th>
                      <td data-testid="undecided"><Capped items={r.undecided.map(iv)} sep=", " /></td>
                    </tr>
                  )}
                  <tr>
                    <th>inflections</th>
                    <td data-testid="inflections">
                      {r.inflectionPoints.length
                        ? <Capped items={r.inflectionPoints.map((p) => (p.exact ? `at ${n(p.x)} (exactly)` : `in ${iv(p.enclosure)}`))} sep=", " />
                        : r.undecided.length ? "none proven" : "none"}
                    </td>
                  </tr>
                  <tr>
                    <th>kinks</th>
                    <td data-testid="kinks">
                      {r.kinks.length
                        ? <Capped items={r.kinks.map((k) => `x = ${n(k.x)}: f' jumps by ${k.slopeJump > 0 ? "+" : ""}${k.exactSlopeJump ?? n(k.slopeJump)} (${k.kind})`)} sep="; " />
                        : "none"}
                    </td>
                  </tr>
                  <tr>
                    <th>minima</th>
                    <td>{r.minima.length ? <Capped items={r.minima.map((m) => (m.to !== undefined ? `${iv([m.x, m.to])} (flat)` : `x = ${n(m.x)}, f = ${n(m.f)}`))} sep="; " /> : "none inside"}</td>
                  </tr>
                  <tr>
                    <th>maxima</th>
                    <td>{r.maxima.length ? <Capped items={r.maxima.map((m) => (m.to !== undefined ? `${iv([m.x, m.to])} (flat)` : `x = ${n(m.x)}, f = ${n(m.f)}`))} sep="; " /> : "none inside"}</td>
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
      </div>
      </div>
    </section>
  );
}
