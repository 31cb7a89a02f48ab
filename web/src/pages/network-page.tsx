/**
 * Network convexity: the seed answer's 1-2-1 ReLU network with θ1, θ2 preloaded. The loss along
 * θa -> θb is drawn against its chord; a search finds (and independently re-checks) a certificate,
 * explains the symmetry behind it, and offers the certificate as JSON.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { isAbort, messageOf, postJson, type Meta } from "../api.js";
import { CheckedField, NumberField, useFieldErrors } from "../components/checked-field.js";
import { Announce } from "../components/live-region.js";
import { LineChart } from "../components/line-chart.js";
import { figureWidth } from "../components/figure-width.js";
import { SvgFigure } from "../components/svg-figure.js";
import { checkVector, checkWidths, type Caps } from "../limits.js";
import { ACTIVATION_NAMES, buildSpec, downloadJson, LOSS_NAMES, parameterCount, parseDataText, seededVector } from "../model-form.js";
import { usePageState } from "../page-state.js";
import { landscapeLinkFor } from "../landscape-link.js";
import type { SampledConvexity } from "../../../src/convexity/sampled-convexity.js";
import { defineState, stateKey, type StateOf } from "../url-state.js";

const SEED_THETA1 = [1, -1, 0, 0, 1, -1, 0];
const SEED_THETA2 = [-1, 1, 0, 0, -1, 1, 0];

export const networkState = defineState({
  // Loose bounds: the width and depth caps come from the server (meta.caps) and are checked at the field.
  layers: { kind: "ints", default: [1, 2, 1], min: 1, max: Number.MAX_SAFE_INTEGER, minLength: 2, maxLength: 64 },
  act: { kind: "enum", default: "relu", values: ACTIVATION_NAMES },
  loss: { kind: "enum", default: "sse_half", values: LOSS_NAMES },
  bias: { kind: "bool", default: true },
  data: { kind: "string", default: '{"x": [[1], [-1]], "y": [[1], [-1]]}', maxLength: 4000 },
  ta: { kind: "numbers", default: SEED_THETA1, maxLength: 100_000 },
  tb: { kind: "numbers", default: SEED_THETA2, maxLength: 100_000 },
  seed: { kind: "int", default: 0, min: 0, max: 2 ** 31 - 1 },
  budget: { kind: "number", default: 10, min: 0.5, max: Number.MAX_VALUE },
});
type State = StateOf<typeof networkState.fields>;

interface SegmentReply {
  s: number[];
  loss: (number | null)[];
  parameters: number;
  /** Every sample against the chord of every pair of samples (src/convexity/sampled-convexity.ts). */
  convexity: SampledConvexity;
}

interface Certificate {
  thetaA: number[];
  thetaB: number[];
  t: number;
  losses: { a: number; b: number; mid: number };
  gap: number;
  exact?: { a: string; b: string; mid: string; gap: string };
  gapEnclosure?: [number, number];
  verifiedBy: string;
  strategy?: string;
}

interface ConvexityReply {
  verdict: "convex" | "nonconvex" | "unknown";
  explanation: string;
  parameters: number;
  certificate?: Certificate;
  proof?: { summary: string };
  recheck?: { valid: boolean; problems: string[]; method: string | null };
  blocks: { params: string; verdict: string; how: string }[];
  search: { strategy: string; evaluations: number; seconds: number; timedOut: boolean };
  svg?: string;
}

const num = (v: number): string => String(Number(v.toPrecision(6)));
const DEBOUNCE_MS = 300;
/** Replies by view, so Back and Forward show an analysis again without asking the server. */
const results = new Map<string, { segment?: SegmentReply; search?: ConvexityReply }>();
const joinVector = (v: readonly number[]): string => v.join(", ");
const sameText = (t: string): string => t;

/** What stops an analysis of this state, in the page's words (null when nothing does). */
function stateProblem(s: State, caps: Caps): string | null {
  const hidden = s.layers.length - 2;
  if (hidden > (caps["layers"] ?? Infinity)) return `at most ${caps["layers"]} hidden layers (got ${hidden})`;
  const wide = s.layers.find((w) => w > (caps["width"] ?? Infinity));
  if (wide !== undefined) return `at most ${caps["width"]} units per layer (got ${wide})`;
  const P = parameterCount(s.layers, s.bias);
  if (P > (caps["parameters"] ?? Infinity)) return `this network has ${P} parameters; the explorer allows at most ${caps["parameters"]}`;
  if (s.ta.length !== P) return `θa has ${s.ta.length} values; this network has ${P} parameters`;
  if (s.tb.length !== P) return `θb has ${s.tb.length} values; this network has ${P} parameters`;
  if (s.budget > (caps["convexitySeconds"] ?? Infinity)) return `the search budget is at most ${caps["convexitySeconds"]} s`;
  return null;
}

export function NetworkPage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const page = usePageState("network", networkState, props.initial, props.problems);
  const s = page.value;
  const setS = page.set;
  const caps = props.meta?.caps ?? {};
  const fields = useFieldErrors();
  const [segment, setSegment] = useState<SegmentReply | null>(null);
  const [segmentError, setSegmentError] = useState<string | null>(null);
  const [result, setResult] = useState<ConvexityReply | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const search = useRef<AbortController | null>(null);
  const latest = useRef(0);
  const first = useRef(true);

  const data = parseDataText(s.data);
  const spec = useMemo(() => (data.ok ? buildSpec({ layers: s.layers, activation: s.act, loss: s.loss, bias: s.bias, data: data.data }) : null), [s.layers, s.act, s.loss, s.bias, s.data]);
  const P = parameterCount(s.layers, s.bias);
  const key = stateKey(networkState, s);
  const problem = stateProblem(s, caps);
  const blocked = Object.values(fields.errors)[0] ?? problem;

  // The segment follows every committed edit, debounced; a reply to an older request is dropped. A draft
  // being typed (valid or not) does not cancel the analysis of what is committed.
  useEffect(() => {
    const id = ++latest.current;
    const known = results.get(key);
    setResult(known?.search ?? null);
    setSearchError(null);
    if (known?.segment) {
      setSegment(known.segment);
      setSegmentError(null);
      page.analysed();
      return;
    }
    if (!spec || problem) {
      setSegment(null);
      setSegmentError(data.ok ? null : data.message);
      return;
    }
    const ctl = new AbortController();
    const wait = first.current ? 0 : DEBOUNCE_MS;
    first.current = false;
    const timer = setTimeout(() => {
      postJson<SegmentReply>("/api/segment", { spec, thetaA: s.ta, thetaB: s.tb, samples: 101 }, ctl.signal)
        .then((r) => {
          if (id !== latest.current) return;
          results.set(key, { segment: r });
          setSegment(r);
          setSegmentError(null);
          page.analysed();
        })
        .catch((e: unknown) => {
          if (isAbort(e) || id !== latest.current) return;
          setSegment(null);
          setSegmentError(messageOf(e));
        });
    }, wait);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [key]);

  // Arriving by a tab link at a view whose results are shown: that entry is an analysis too, for Back.
  useEffect(() => {
    if (page.active && results.get(key)?.segment !== undefined) page.analysed();
  }, [page.active]);

  const runSearch = (): void => {
    if (!spec || blocked) return;
    search.current?.abort();
    const ctl = new AbortController();
    search.current = ctl;
    const at = key;
    setSearching(true);
    setSearchError(null);
    setResult(null);
    postJson<ConvexityReply>("/api/convexity", { spec, seed: s.seed, budgetSeconds: s.budget, params: s.ta, plotWidth: figureWidth() }, ctl.signal)
      .then((r) => {
        const known = results.get(at);
        results.set(at, { ...(known?.segment ? { segment: known.segment } : {}), search: r });
        setResult(r);
        page.analysed();
      })
      .catch((e: unknown) => setSearchError(isAbort(e) ? "cancelled" : messageOf(e)))
      .finally(() => setSearching(false));
  };

  /** A new architecture gets fresh θa, θb of the right length (the old ones no longer fit). */
  const withShape = (next: State): State => {
    const P2 = parameterCount(next.layers, next.bias);
    return P2 === s.ta.length ? next : { ...next, ta: seededVector(P2, 1), tb: seededVector(P2, 2) };
  };
  const resetSeed = (): void => setS(networkState.defaults());
  const loadCertificate = (c: Certificate): void => setS({ ...s, ta: c.thetaA, tb: c.thetaB });
  const widths = { minLength: 2, maxLength: (caps["layers"] ?? 62) + 2, maxWidth: caps["width"] ?? Number.MAX_SAFE_INTEGER };
  const landscapeLink = spec ? landscapeLinkFor(spec) : null;

  const chart = useMemo(() => {
    if (!segment) return null;
    const xs: number[] = [], ys: number[] = [];
    segment.s.forEach((x, i) => {
      const y = segment.loss[i];
      if (y !== null && y !== undefined) {
        xs.push(x);
        ys.push(y);
      }
    });
    if (xs.length < 2) return null;
    const l0 = ys[0]!, l1 = ys[ys.length - 1]!;
    const c = segment.convexity;
    const w = c.worst;
    const yAt = (x: number): number => ys[xs.indexOf(x)] ?? NaN;
    // The chord that the curve rises above is drawn, which is the ends' chord only when that one fails.
    const violated = w && (w.from !== xs[0] || w.to !== xs[xs.length - 1]) ? { x1: w.from, y1: yAt(w.from), x2: w.to, y2: yAt(w.to), label: "violated chord", dash: true, endpoints: true, color: "#d62728" } : null;
    return { xs, ys, l0, l1, c, violated };
  }, [segment]);

  return (
    <section class="page" data-testid="page-network">
      <Announce
        text={[
          chart ? (chart.c.worst ? `not convex along the segment: the loss rises ${num(chart.c.worst.gap)} above a chord` : "the loss is convex along the segment at these samples") : "",
          result ? `search: ${result.verdict === "nonconvex" ? "not convex" : result.verdict} in all ${result.parameters} parameters` : "",
        ].filter(Boolean).join("; ")}
      />
      <h2>Is a network's loss convex in its weights?</h2>
      <p class="try-first" data-testid="try-first">
        Press “Search for a certificate” to prove that this tiny network's loss is not convex, then edit θa and θb to see the loss between them change.
      </p>
      <p class="lead">
        The network N(x) = b₂ + A₂·relu(A₁x + b₁) fits the points (1, 1) and (−1, −1) exactly with θa and with θb (θa with its two
        hidden units swapped), yet halfway between them, at θ = 0, the loss is 1: a convex loss could not rise there. The plot shows
        the loss along θa → θb against its chord.
      </p>
      {page.problems.length ? <div class="notice">{page.problems.join("; ")}</div> : null}
      <div class="workbench">
      <div class="side">
      <div class="controls wrap">
        <CheckedField
          name="layers"
          label="layers"
          value={s.layers}
          check={(t) => checkWidths(t, widths)}
          format={(v) => v.join("-")}
          onCommit={(layers) => setS(withShape({ ...s, layers }))}
          onError={fields.report}
        />
        <label>
          activation
          <select name="activation" value={s.act} onChange={(e) => setS({ ...s, act: (e.currentTarget as HTMLSelectElement).value })}>
            {ACTIVATION_NAMES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          loss
          <select name="loss" value={s.loss} onChange={(e) => setS({ ...s, loss: (e.currentTarget as HTMLSelectElement).value })}>
            {LOSS_NAMES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label class="inline">
          <input type="checkbox" checked={s.bias} onChange={(e) => setS(withShape({ ...s, bias: (e.currentTarget as HTMLInputElement).checked }))} /> biases
        </label>
        <button type="button" class="secondary" onClick={resetSeed}>
          Back to the example
        </button>
      </div>
      <CheckedField
        name="data"
        class="block"
        multiline
        label={
          <span>
            data (inline JSON, or a built-in data set such as <code>{'{"name": "moons", "n": 50}'}</code>)
          </span>
        }
        value={s.data}
        check={(t) => {
          const r = parseDataText(t);
          return r.ok ? { ok: true, value: t } : { ok: false, message: r.message };
        }}
        format={sameText}
        onCommit={(text) => setS({ ...s, data: text })}
        onError={fields.report}
      />
      <CheckedField
        name="thetaA"
        class="block"
        label={`θa (${P} parameters: layer by layer, weight then bias)`}
        value={s.ta}
        check={(t) => checkVector(t, P)}
        format={joinVector}
        onCommit={(ta) => setS({ ...s, ta })}
        onError={fields.report}
        rules={String(P)}
      />
      <CheckedField name="thetaB" class="block" label="θb" value={s.tb} check={(t) => checkVector(t, P)} format={joinVector} onCommit={(tb) => setS({ ...s, tb })} onError={fields.report} rules={String(P)} />
      <div class="controls wrap">
        <NumberField name="seed" label="random start" value={s.seed} limit={{ min: 0, max: 2 ** 31 - 1, int: true }} onCommit={(seed) => setS({ ...s, seed })} onError={fields.report} />
        <NumberField
          name="budget"
          label="time budget (s)"
          value={s.budget}
          limit={{ min: 0.5, max: caps["convexitySeconds"] ?? Infinity }}
          onCommit={(budget) => setS({ ...s, budget })}
          onError={fields.report}
          slider={{ min: 0.5, max: caps["convexitySeconds"] ?? 30, step: 0.5 }}
        />
        <button type="button" onClick={runSearch} disabled={searching || !spec || blocked !== null} title={blocked ?? undefined} data-testid="search" data-run>
          {searching ? "Searching…" : "Search for a certificate"}
        </button>
        {searching ? (
          <button type="button" class="secondary" onClick={() => search.current?.abort()}>
            Cancel
          </button>
        ) : null}
      </div>
      {blocked ? (
        <p class="field-error" data-testid="blocked">
          {blocked}
        </p>
      ) : null}
      {landscapeLink ? (
        <p class="next-step">
          <a href={landscapeLink} data-testid="to-landscape">
            Map this network's landscape →
          </a>{" "}
          <span class="muted">(train it from two starts and draw the loss around the path)</span>
        </p>
      ) : null}
      </div>
      <div class="figures">
      {segmentError ? (
        <div class="error" role="alert" data-testid="segment-error">
          {segmentError}
        </div>
      ) : null}
      {chart ? (
        <div>
          <LineChart
            series={[{ x: chart.xs, y: chart.ys, label: "L((1−s)·θa + s·θb)" }]}
            segments={[{ x1: 0, y1: chart.l0, x2: 1, y2: chart.l1, label: "chord", dash: true, endpoints: true }, ...(chart.violated ? [chart.violated] : [])]}
            title="Loss along the segment θa → θb"
            xLabel="s"
            yLabel="loss"
            alt="loss along the segment from θa to θb with its chord"
            testId="segment-plot"
          />
          <p data-testid="segment-summary">
            L(θa) = {num(chart.l0)}, L(θb) = {num(chart.l1)};{" "}
            {chart.c.worst ? (
              <strong>
                the loss rises {num(chart.c.worst.gap)} above the chord
                {chart.c.worst.from === chart.xs[0] && chart.c.worst.to === chart.xs[chart.xs.length - 1] ? "" : ` from s = ${num(chart.c.worst.from)} to s = ${num(chart.c.worst.to)}`} at s ={" "}
                {num(chart.c.worst.at)}: not convex along this segment
              </strong>
            ) : (
              `every one of the ${chart.c.samples} samples lies on or below the chord of every pair of samples: convex along this segment as far as these samples show`
            )}
            <span class="muted">
              {" "}
              (tolerance {chart.c.tolerance.toExponential(1)}, 1e-9 × the largest |loss|{chart.c.skipped ? `; ${chart.c.skipped} samples not finite, left out` : ""})
            </span>
          </p>
        </div>
      ) : null}
      {searchError ? (
        <div class="error" role="alert" data-testid="search-error">
          {searchError}
        </div>
      ) : null}
      {result ? (
        <div data-testid="convexity-result">
          <div class="verdict-row">
            <span class={`verdict verdict-${result.verdict}`} data-testid="network-verdict">
              {result.verdict === "nonconvex" ? "NOT CONVEX" : result.verdict.toUpperCase()}
            </span>
            <span>
              in all {result.parameters} parameters — {result.search.strategy}, {result.search.evaluations} loss evaluations, {result.search.seconds.toFixed(2)} s
            </span>
          </div>
          <p data-testid="explanation">{result.explanation}</p>
          {result.certificate ? (
            <div class="certificate" data-testid="network-certificate">
              <div>
                t = {result.certificate.t}:{" "}
                {result.certificate.exact
                  ? `L(θa) = ${result.certificate.exact.a}, L(θb) = ${result.certificate.exact.b}, L(t·θa + (1−t)·θb) = ${result.certificate.exact.mid}, gap = ${result.certificate.exact.gap}`
                  : `L(θa) = ${num(result.certificate.losses.a)}, L(θb) = ${num(result.certificate.losses.b)}, L(point) = ${num(result.certificate.losses.mid)}, gap in [${result.certificate.gapEnclosure?.map((v) => v.toPrecision(6)).join(", ")}]`}
              </div>
              <div class="muted">θa = [{result.certificate.thetaA.map(num).join(", ").slice(0, 300)}]</div>
              <div class="muted">θb = [{result.certificate.thetaB.map(num).join(", ").slice(0, 300)}]</div>
              <div data-testid="recheck">
                {result.recheck?.valid
                  ? `✓ re-checked from scratch by the independent verifier (${result.recheck.method ?? result.certificate.verifiedBy})`
                  : `✗ the independent check failed: ${result.recheck?.problems.join("; ") ?? "not run"}`}
              </div>
              <button type="button" class="secondary" data-testid="download" onClick={() => downloadJson("certificate.json", result.certificate)}>
                Download certificate JSON
              </button>{" "}
              <button type="button" class="secondary" data-testid="load-certificate" onClick={() => loadCertificate(result.certificate!)}>
                Load this certificate into θa/θb
              </button>
            </div>
          ) : null}
          {result.svg ? <SvgFigure svg={result.svg} alt="loss along the certificate's segment against its chord" testId="jensen-plot" /> : null}
          {result.blocks.length ? (
            <>
              <h3>Per block (the other parameters fixed)</h3>
              <table class="facts" data-testid="blocks">
                <tbody>
                  {result.blocks.map((b) => (
                    <tr key={b.params}>
                      <th>{b.params}</th>
                      <td class={`curv-${b.verdict}`}>{b.verdict}</td>
                      <td class="muted">{b.how}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </div>
      ) : null}
      </div>
      </div>
    </section>
  );
}
