/**
 * Hessian: the spectrum of the loss Hessian of the current model (the one trained on the Landscape
 * page, or one trained here), Lanczos extremes, the SLQ density, and the loss along the extreme
 * eigenvectors used as directions — a negative eigenvalue is a local proof of non-convexity.
 */
import { useEffect, useState } from "preact/hooks";
import type { Meta, StreamEvent } from "../api.js";
import { Announce } from "../components/live-region.js";
import { LineChart } from "../components/line-chart.js";
import { figureWidth } from "../components/figure-width.js";
import { JobControls } from "../components/job-controls.js";
import { short } from "../components/plot-frames.js";
import { SvgFigure } from "../components/svg-figure.js";
import { NumberField, useFieldErrors } from "../components/checked-field.js";
import { modelLimits } from "../limits.js";
import { formProblem, ModelForm, modelFields, sizeOf, specFor, trainFor } from "../model-choice.js";
import { usePageState } from "../page-state.js";
import { estimate, measured, stepsPerRun } from "../run-estimate.js";
import { useStreamJob } from "../stream-job.js";
import { onTrainedModel, trainedModel, type TrainedModel } from "../trained-model.js";
import { defineState, stateKey, type StateOf } from "../url-state.js";

export const hessianState = defineState({
  ...modelFields,
  hidden: { kind: "ints", default: [8], min: 1, max: Number.MAX_SAFE_INTEGER, minLength: 0, maxLength: 64 },
  epochs: { kind: "int", default: 300, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  k: { kind: "int", default: 3, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
});
type State = StateOf<typeof hessianState.fields>;

interface Ritz {
  value: number;
  residual: number;
}

interface Spectrum {
  n: number;
  exact: boolean;
  loss: number;
  gradientNorm: number;
  hvps: number;
  seconds: number;
  eigenvalues: (number | null)[] | null;
  top: Ritz[];
  bottom: Ritz[];
  svgSpectrum: string | null;
  svgDensity: string | null;
  /** |λ| at or below this counts as zero: the same threshold as the spectrum plot's legend. */
  zeroTolerance: number;
  counts: { negative: number; zero: number } | null;
  negativeCurvature: boolean;
}

interface Direction {
  label: string;
  eigenvalue: number;
  alpha: number[];
  loss: number[];
  /** L(θ) + α·slope + ½λα², the second-order model along the eigenvector. */
  taylor: { loss: number; slope: number; eigenvalue: number };
  /** How often the range was divided by 4 before the negative curvature showed. */
  zoomed: number;
  negativeCurvature: boolean;
}

/** Finished spectra by view, so Back and Forward show them again without recomputing. */
const finished = new Map<string, { spectrum: Spectrum; dirs: Direction[] }>();
const LINE_POINTS = 41;

const g = (v: number): string => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(5) : v.toExponential(3));

export function HessianPage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const page = usePageState("hessian", hessianState, props.initial, props.problems);
  const s = page.value;
  const setS = page.set;
  const caps = props.meta?.caps ?? {};
  const fields = useFieldErrors();
  const lim = modelLimits(caps);
  const [model, setModel] = useState<TrainedModel | null>(trainedModel());
  const [useTrained, setUseTrained] = useState(trainedModel() !== null);
  const [spectrum, setSpectrum] = useState<Spectrum | null>(null);
  const [dirs, setDirs] = useState<Direction[]>([]);
  const job = useStreamJob();
  const running = job.running;

  useEffect(() => onTrainedModel((m) => setModel(m)), []);

  const fromLandscape = useTrained && model !== null;
  // The trained model is not in the URL, so its results are kept under the form's view and the model.
  const key = `${stateKey(hessianState, s)}${fromLandscape ? `|${model.label}|${model.theta.length}|${model.theta.slice(0, 4).join(",")}` : ""}`;
  const size = fromLandscape ? { parameters: model.theta.length, samples: 0 } : sizeOf(s, props.meta);
  const plan = size
    ? estimate(
        {
          ...size,
          stepsPerRun: fromLandscape ? 0 : stepsPerRun(size.samples, s.batch, s.epochs),
          runs: fromLandscape ? 0 : 1,
          // Hessian-vector products (about 4 loss evaluations each): the dense matrix or Lanczos, the density, two lines.
          evaluations: 4 * ((size.parameters <= (caps["exactHessianParameters"] ?? 0) ? size.parameters : 2 * s.k + 40) + 4 * Math.min(60, size.parameters)) + 2 * LINE_POINTS,
        },
        s.batch,
        caps
      )
    : null;
  const kProblem = !Number.isInteger(s.k) || s.k < lim.k.min || s.k > lim.k.max ? `eigenpairs ${s.k} is out of range` : null;
  const blocked = Object.values(fields.errors)[0] ?? (fromLandscape ? null : formProblem(s, caps)) ?? kProblem ?? plan?.blocked ?? null;

  // Back, Forward or a pasted link: show that view's spectrum if this tab has it.
  useEffect(() => {
    if (page.revision === 0) return;
    if (running) job.cancel();
    const known = finished.get(key);
    setSpectrum(known?.spectrum ?? null);
    setDirs(known?.dirs ?? []);
    if (known) page.analysed();
  }, [page.revision]);

  // Arriving by a tab link at a view whose results are shown: that entry is an analysis too, for Back.
  useEffect(() => {
    if (page.active && finished.has(key)) page.analysed();
  }, [page.active]);

  const start = (): void => {
    const spec = fromLandscape ? model.spec : specFor(s, props.meta);
    if (!spec || blocked) return;
    page.analysed();
    const at = key;
    const work = plan?.units ?? 0;
    setSpectrum(null);
    setDirs([]);
    const found: Direction[] = [];
    let got: Spectrum | null = null;
    const onEvent = (e: StreamEvent): void => {
      if (e.type === "spectrum") {
        got = e as unknown as Spectrum;
        setSpectrum(got);
      } else if (e.type === "direction") {
        found.push(e as unknown as Direction);
        setDirs([...found]);
      } else if (e.type === "done" && got) {
        finished.set(at, { spectrum: got, dirs: [...found] });
        measured(work, Number(e["seconds"]));
      }
    };
    // Two pictures side by side on a wide screen: each gets half the column.
    const plotWidth = figureWidth() > 640 ? Math.max(280, Math.floor(figureWidth(1600) / 2) - 12) : figureWidth();
    const body = fromLandscape ? { spec, theta: model.theta, train: model.train, k: s.k, plotWidth } : { spec, train: trainFor(s), k: s.k, plotWidth };
    job.start("/api/hessian", body, onEvent);
  };

  const negatives = spectrum?.counts ? spectrum.counts.negative : null;
  return (
    <section class="page" data-testid="page-hessian">
      <Announce
        text={
          spectrum
            ? `Hessian of ${spectrum.n} parameters: ${negatives !== null ? `${negatives} negative eigenvalues; ` : ""}${spectrum.negativeCurvature ? "not convex around θ" : "no negative curvature found"}`
            : ""
        }
      />
      <h2>Hessian spectrum</h2>
      <p class="try-first" data-testid="try-first">
        Press “Compute the spectrum” to see how the loss of a small trained network curves around its weights: any negative
        eigenvalue means it is not convex there.
      </p>
      <p class="lead">
        Curvature is the quantitative side of convexity: the loss is convex near θ only if every eigenvalue of its Hessian is ≥ 0.
        A negative eigenvalue is a direction in which the loss bends down.
      </p>
      {page.problems.length ? <div class="notice">{page.problems.join("; ")}</div> : null}
      <div class="workbench">
      <div class="side">
      {model ? (
        <label class="inline">
          <input type="checkbox" checked={useTrained} onChange={(e) => setUseTrained((e.currentTarget as HTMLInputElement).checked)} /> use the model trained on the
          Landscape page ({model.label}, {model.theta.length} parameters)
        </label>
      ) : null}
      {model ? null : (
        <p class="next-step">
          Or <a href="#page=landscape">train a network on the Landscape page</a> and analyse that one here.
        </p>
      )}
      {fromLandscape ? null : <ModelForm value={s} onChange={(v) => setS(v)} disabled={running} caps={caps} onError={fields.report} />}
      <div class="controls">
        <NumberField name="k" label="eigenpairs at each end" value={s.k} limit={lim.k} onCommit={(k) => setS({ ...s, k })} onError={fields.report} disabled={running} />
      </div>
      {plan ? (
        <p class="estimate" data-testid="estimate">
          {plan.text}
        </p>
      ) : null}
      <JobControls job={job} onRun={start} blocked={blocked} runTestId="hessian-run" errorTestId="hessian-error">
        Compute the spectrum
      </JobControls>
      </div>
      <div class="figures">
      {spectrum ? (
        <div data-testid="hessian-result">
          <p data-testid="hessian-summary">
            n = {spectrum.n} parameters, loss {g(spectrum.loss)}, ‖∇L‖ = {g(spectrum.gradientNorm)}; λmax = <strong>{spectrum.top[0] ? g(spectrum.top[0].value) : "—"}</strong>, λmin ={" "}
            <strong>{spectrum.bottom[0] ? g(spectrum.bottom[0].value) : "—"}</strong>
            {negatives !== null ? `; ${negatives} negative eigenvalue${negatives === 1 ? "" : "s"} below −${spectrum.zeroTolerance.toExponential(1)} (exact)` : " (Lanczos)"} — {spectrum.hvps} Hessian-vector products,{" "}
            {spectrum.seconds.toFixed(2)} s.
            {spectrum.negativeCurvature ? " The loss is not convex around θ." : ""}
          </p>
          <div class="grid2 main-figure compact">
            {spectrum.svgSpectrum ? <SvgFigure
                svg={spectrum.svgSpectrum}
                alt={`exact Hessian eigenvalues of ${spectrum.n} parameters, sorted${spectrum.counts ? `: ${spectrum.counts.negative} negative, ${spectrum.counts.zero} zero (|λ| ≤ ${spectrum.zeroTolerance.toExponential(1)}), ${spectrum.n - spectrum.counts.negative - spectrum.counts.zero} positive` : ""}`}
                testId="spectrum-plot"
                name="hessian-spectrum"
                readout={(h) => `rank ${Math.round(h.x)}, λ ≈ ${short(h.y)} (pointer height)`}
              /> : null}
            {spectrum.svgDensity ? <SvgFigure svg={spectrum.svgDensity} alt="Hessian spectral density estimated by stochastic Lanczos quadrature (SLQ)" testId="density-plot" name="hessian-density" /> : null}
          </div>
          <table class="facts">
            <tbody>
              <tr>
                <th>largest</th>
                <td>{spectrum.top.map((r) => g(r.value)).join(", ")}</td>
              </tr>
              <tr>
                <th>smallest</th>
                <td>{spectrum.bottom.map((r) => g(r.value)).join(", ")}</td>
              </tr>
            </tbody>
          </table>
        </div>
      ) : null}
      {dirs.length ? (
        <div class="grid2" data-testid="eigen-directions">
          {dirs.map((d) => {
            const r = Math.max(...d.alpha.map(Math.abs));
            // Where the tangent's rise over the range dwarfs the curvature's, a bend is invisible on
            // the raw loss: then the tangent is taken off, leaving the part ½λα² describes.
            const detrend = Math.abs(d.taylor.slope) * r > 0.5 * Math.abs(d.eigenvalue) * r * r;
            const tangent = (a: number): number => (detrend ? d.taylor.loss + d.taylor.slope * a : 0);
            return (
              <LineChart
                key={d.label}
                series={[
                  { x: d.alpha, y: d.loss.map((l, i) => l - tangent(d.alpha[i]!)), label: `${detrend ? "L(θ + α·v) − L(θ) − α·∇L·v" : "L(θ + α·v)"}, λ = ${g(d.eigenvalue)}` },
                  {
                    x: d.alpha,
                    y: d.alpha.map((a) => (detrend ? 0 : d.taylor.loss + d.taylor.slope * a) + 0.5 * d.taylor.eigenvalue * a * a),
                    label: detrend ? "½λα²" : "L(θ) + α·∇L·v + ½λα²",
                    dash: true,
                    color: "#555555",
                  },
                ]}
                title={`Along the eigenvector of ${d.label.startsWith("smallest") ? "λmin" : "λmax"}`}
                xLabel="α"
                yLabel={detrend ? "loss minus its tangent" : "loss"}
                alt={`loss along the eigenvector of the ${d.label} (λ = ${g(d.eigenvalue)})${detrend ? " with the tangent at θ subtracted" : ""}, against its second-order Taylor model`}
                caption={[
                  d.negativeCurvature ? "λ < 0: the loss bends down along v at θ." : "",
                  d.zoomed ? `The range was narrowed ${4 ** d.zoomed}× so that the bend shows (farther out, higher-order terms and ReLU kinks take over).` : "",
                  detrend ? "The tangent L(θ) + α·∇L·v is subtracted, as it would hide the bend." : "",
                  "Dashed: the second-order Taylor model.",
                ].filter(Boolean).join(" ")}
                testId={d.label.startsWith("smallest") ? "eigen-smallest" : "eigen-largest"}
                width={460}
              />
            );
          })}
        </div>
      ) : null}
      </div>
      </div>
    </section>
  );
}
