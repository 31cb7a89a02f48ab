/**
 * Network convexity: the seed answer's 1-2-1 ReLU network with θ1, θ2 preloaded. The loss along
 * θa -> θb is drawn against its chord; a search finds (and independently re-checks) a certificate,
 * explains the symmetry behind it, and offers the certificate as JSON.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { isAbort, messageOf, postJson, type Meta } from "../api.js";
import { LineChart } from "../components/line-chart.js";
import { SvgFigure } from "../components/svg-figure.js";
import { ACTIVATION_NAMES, buildSpec, downloadJson, inputNumber, LOSS_NAMES, parameterCount, parseDataText, parseNumberList, seededVector } from "../model-form.js";
import { defineState, writeHash, type StateOf } from "../url-state.js";

const SEED_THETA1 = [1, -1, 0, 0, 1, -1, 0];
const SEED_THETA2 = [-1, 1, 0, 0, -1, 1, 0];

export const networkState = defineState({
  layers: { kind: "ints", default: [1, 2, 1], min: 1, max: 128, minLength: 2, maxLength: 8 },
  act: { kind: "enum", default: "relu", values: ACTIVATION_NAMES },
  loss: { kind: "enum", default: "sse_half", values: LOSS_NAMES },
  bias: { kind: "bool", default: true },
  data: { kind: "string", default: '{"x": [[1], [-1]], "y": [[1], [-1]]}', maxLength: 4000 },
  ta: { kind: "numbers", default: SEED_THETA1, maxLength: 5000 },
  tb: { kind: "numbers", default: SEED_THETA2, maxLength: 5000 },
  seed: { kind: "int", default: 0, min: 0, max: 2 ** 31 - 1 },
  budget: { kind: "number", default: 10, min: 0.5, max: 30 },
});
type State = StateOf<typeof networkState.fields>;

interface SegmentReply {
  s: number[];
  loss: (number | null)[];
  parameters: number;
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

export function NetworkPage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const [s, setS] = useState<State>(props.initial);
  const [taText, setTaText] = useState(props.initial.ta.join(", "));
  const [tbText, setTbText] = useState(props.initial.tb.join(", "));
  const [layersText, setLayersText] = useState(props.initial.layers.join("-"));
  const [segment, setSegment] = useState<SegmentReply | null>(null);
  const [segmentError, setSegmentError] = useState<string | null>(null);
  const [result, setResult] = useState<ConvexityReply | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const search = useRef<AbortController | null>(null);

  const data = parseDataText(s.data);
  const spec = useMemo(() => (data.ok ? buildSpec({ layers: s.layers, activation: s.act, loss: s.loss, bias: s.bias, data: data.data }) : null), [s.layers, s.act, s.loss, s.bias, s.data]);
  const P = parameterCount(s.layers, s.bias);

  useEffect(() => writeHash("network", networkState, s), [s]);

  useEffect(() => {
    setResult(null);
    setSearchError(null);
    if (!spec) {
      setSegment(null);
      setSegmentError(data.ok ? null : data.message);
      return;
    }
    const ctl = new AbortController();
    postJson<SegmentReply>("/api/segment", { spec, thetaA: s.ta, thetaB: s.tb, samples: 101 }, ctl.signal)
      .then((r) => {
        setSegment(r);
        setSegmentError(null);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setSegment(null);
        setSegmentError(messageOf(e));
      });
    return () => ctl.abort();
  }, [spec, s.ta, s.tb]);

  const runSearch = (): void => {
    if (!spec) return;
    search.current?.abort();
    const ctl = new AbortController();
    search.current = ctl;
    setSearching(true);
    setSearchError(null);
    setResult(null);
    const params = s.ta.length === P ? { params: s.ta } : {};
    postJson<ConvexityReply>("/api/convexity", { spec, seed: s.seed, budgetSeconds: s.budget, ...params }, ctl.signal)
      .then((r) => setResult(r))
      .catch((e: unknown) => setSearchError(isAbort(e) ? "cancelled" : messageOf(e)))
      .finally(() => setSearching(false));
  };

  const applyTheta = (which: "ta" | "tb", text: string): void => {
    const v = parseNumberList(text);
    if (v && v.length > 0) setS({ ...s, [which]: v });
  };
  const applyLayers = (text: string): void => {
    const v = text.split(/[-,\s]+/).filter(Boolean).map(Number);
    if (v.length >= 2 && v.every((x) => Number.isInteger(x) && x >= 1 && x <= 128)) {
      const next = { ...s, layers: v };
      const P2 = parameterCount(v, s.bias);
      if (P2 !== s.ta.length) {
        next.ta = seededVector(P2, 1);
        next.tb = seededVector(P2, 2);
        setTaText(next.ta.join(", "));
        setTbText(next.tb.join(", "));
      }
      setS(next);
    }
  };
  const resetSeed = (): void => {
    const d = networkState.defaults();
    setS(d);
    setTaText(d.ta.join(", "));
    setTbText(d.tb.join(", "));
    setLayersText(d.layers.join("-"));
  };

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
    let worst = 0, at = 0;
    xs.forEach((x, i) => {
      const g = ys[i]! - ((1 - x) * l0 + x * l1);
      if (g > worst) {
        worst = g;
        at = x;
      }
    });
    return { xs, ys, l0, l1, worst, at };
  }, [segment]);

  return (
    <section class="page" data-testid="page-network">
      <h2>Is a network's loss convex in its weights?</h2>
      <p class="lead">
        The seed answer's network N(x) = b₂ + A₂·relu(A₁x + b₁) fits (1, 1) and (−1, −1) exactly with θ₁ and with θ₂ (θ₁ with the two
        hidden units swapped), yet at their midpoint θ = 0 the loss is 1. Edit the network, the data or the two weight vectors; the
        plot shows the loss along θa → θb against the chord, and the search finds and re-checks a certificate.
      </p>
      {props.problems.length ? <div class="notice">{props.problems.join("; ")}</div> : null}
      <div class="controls wrap">
        <label>
          layers
          <input name="layers" value={layersText} onInput={(e) => setLayersText((e.currentTarget as HTMLInputElement).value)} onChange={(e) => applyLayers((e.currentTarget as HTMLInputElement).value)} />
        </label>
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
          <input type="checkbox" checked={s.bias} onChange={(e) => setS({ ...s, bias: (e.currentTarget as HTMLInputElement).checked })} /> biases
        </label>
        <button type="button" class="secondary" onClick={resetSeed}>
          Seed example
        </button>
      </div>
      <label class="block">
        <span>
          data (inline JSON, or a built-in data set such as <code>{'{"name": "moons", "n": 50}'}</code>)
        </span>
        <textarea name="data" rows={2} value={s.data} onChange={(e) => setS({ ...s, data: (e.currentTarget as HTMLTextAreaElement).value })} />
      </label>
      <div class="grid2">
        <label class="block">
          θa ({P} parameters: layer by layer, weight then bias)
          <input name="thetaA" value={taText} onInput={(e) => setTaText((e.currentTarget as HTMLInputElement).value)} onChange={(e) => applyTheta("ta", (e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="block">
          θb
          <input name="thetaB" value={tbText} onInput={(e) => setTbText((e.currentTarget as HTMLInputElement).value)} onChange={(e) => applyTheta("tb", (e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      {segmentError ? (
        <div class="error" role="alert" data-testid="segment-error">
          {segmentError}
        </div>
      ) : null}
      {chart ? (
        <div>
          <LineChart
            series={[{ x: chart.xs, y: chart.ys, label: "L((1−s)·θa + s·θb)" }]}
            segments={[{ x1: 0, y1: chart.l0, x2: 1, y2: chart.l1, label: "chord", dash: true, endpoints: true }]}
            title="Loss along the segment θa → θb"
            xLabel="s"
            yLabel="loss"
            alt="loss along the segment from θa to θb with its chord"
            testId="segment-plot"
          />
          <p data-testid="segment-summary">
            L(θa) = {num(chart.l0)}, L(θb) = {num(chart.l1)};{" "}
            {chart.worst > 1e-12 ? (
              <strong>
                the loss rises {num(chart.worst)} above the chord at s = {num(chart.at)}: not convex along this segment
              </strong>
            ) : (
              "the loss stays on or below the chord along this segment"
            )}
          </p>
        </div>
      ) : null}
      <div class="controls">
        <label>
          seed
          <input name="seed" type="number" value={s.seed} onChange={(e) => setS({ ...s, seed: Math.max(0, Math.floor(inputNumber(e) || 0)) })} />
        </label>
        <label>
          budget (s)
          <input name="budget" type="number" step="0.5" min="0.5" max="30" value={s.budget} onChange={(e) => setS({ ...s, budget: Math.min(30, Math.max(0.5, inputNumber(e) || 10)) })} />
        </label>
        <button type="button" onClick={runSearch} disabled={searching || !spec} data-testid="search">
          {searching ? "Searching…" : "Search for a certificate"}
        </button>
        {searching ? (
          <button type="button" class="secondary" onClick={() => search.current?.abort()}>
            Cancel
          </button>
        ) : null}
      </div>
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
    </section>
  );
}
