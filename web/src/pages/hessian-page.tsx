/**
 * Hessian: the spectrum of the loss Hessian of the current model (the one trained on the Landscape
 * page, or one trained here), Lanczos extremes, the SLQ density, and the loss along the extreme
 * eigenvectors used as directions — a negative eigenvalue is a local proof of non-convexity.
 */
import { useEffect, useState } from "preact/hooks";
import type { Meta, StreamEvent } from "../api.js";
import { LineChart } from "../components/line-chart.js";
import { ProgressBar } from "../components/progress-bar.js";
import { SvgFigure } from "../components/svg-figure.js";
import { ModelForm, modelFields, specFor, trainFor } from "../model-choice.js";
import { inputNumber } from "../model-form.js";
import { useStreamJob } from "../stream-job.js";
import { onTrainedModel, trainedModel, type TrainedModel } from "../trained-model.js";
import { defineState, writeHash, type StateOf } from "../url-state.js";

export const hessianState = defineState({
  ...modelFields,
  hidden: { kind: "ints", default: [8], min: 1, max: 128, minLength: 0, maxLength: 6 },
  epochs: { kind: "int", default: 300, min: 1, max: 2000 },
  k: { kind: "int", default: 3, min: 1, max: 10 },
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
}

interface Direction {
  label: string;
  eigenvalue: number;
  alpha: number[];
  loss: number[];
}

const g = (v: number): string => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(5) : v.toExponential(3));

export function HessianPage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const [s, setS] = useState<State>(props.initial);
  const [model, setModel] = useState<TrainedModel | null>(trainedModel());
  const [useTrained, setUseTrained] = useState(trainedModel() !== null);
  const [spectrum, setSpectrum] = useState<Spectrum | null>(null);
  const [dirs, setDirs] = useState<Direction[]>([]);
  const job = useStreamJob();
  const running = job.running;

  useEffect(() => writeHash("hessian", hessianState, s), [s]);
  useEffect(() => onTrainedModel((m) => setModel(m)), []);

  const start = (): void => {
    const fromLandscape = useTrained && model;
    const spec = fromLandscape ? model.spec : specFor(s, props.meta);
    if (!spec) return;
    setSpectrum(null);
    setDirs([]);
    const found: Direction[] = [];
    const onEvent = (e: StreamEvent): void => {
      if (e.type === "spectrum") setSpectrum(e as unknown as Spectrum);
      else if (e.type === "direction") {
        found.push(e as unknown as Direction);
        setDirs([...found]);
      }
    };
    const body = fromLandscape ? { spec, theta: model.theta, train: model.train, k: s.k } : { spec, train: trainFor(s), k: s.k };
    job.start("/api/hessian", body, onEvent);
  };

  const negatives = spectrum?.eigenvalues ? spectrum.eigenvalues.filter((v) => v !== null && v < -1e-8 * Math.max(1, Math.abs(spectrum.top[0]?.value ?? 1))).length : null;
  return (
    <section class="page" data-testid="page-hessian">
      <h2>Hessian spectrum</h2>
      <p class="lead">
        Curvature is the quantitative side of convexity: the loss is convex near θ only if every eigenvalue of its Hessian is ≥ 0.
        A negative eigenvalue is a direction in which the loss bends down.
      </p>
      {props.problems.length ? <div class="notice">{props.problems.join("; ")}</div> : null}
      {model ? (
        <label class="inline">
          <input type="checkbox" checked={useTrained} onChange={(e) => setUseTrained((e.currentTarget as HTMLInputElement).checked)} /> use the model trained on the
          Landscape page ({model.label}, {model.theta.length} parameters)
        </label>
      ) : null}
      {useTrained && model ? null : <ModelForm value={s} onChange={(v) => setS(v)} disabled={running} />}
      <div class="controls">
        <label>
          eigenpairs at each end
          <input name="k" type="number" min={1} max={10} value={s.k} disabled={running} onChange={(e) => setS({ ...s, k: Math.max(1, Math.min(10, Math.round(inputNumber(e)) || 3)) })} />
        </label>
        <button type="button" onClick={start} disabled={running} data-testid="hessian-run">
          Compute the spectrum
        </button>
      </div>
      <ProgressBar progress={job.progress} running={running} onCancel={job.cancel} />
      {job.error ? (
        <div class="error" role="alert" data-testid="hessian-error">
          {job.error}
        </div>
      ) : null}
      {spectrum ? (
        <div data-testid="hessian-result">
          <p data-testid="hessian-summary">
            n = {spectrum.n} parameters, loss {g(spectrum.loss)}, ‖∇L‖ = {g(spectrum.gradientNorm)}; λmax = <strong>{spectrum.top[0] ? g(spectrum.top[0].value) : "—"}</strong>, λmin ={" "}
            <strong>{spectrum.bottom[0] ? g(spectrum.bottom[0].value) : "—"}</strong>
            {negatives !== null ? `; ${negatives} negative eigenvalue${negatives === 1 ? "" : "s"} (exact)` : " (Lanczos)"} — {spectrum.hvps} Hessian-vector products,{" "}
            {spectrum.seconds.toFixed(2)} s.
            {spectrum.bottom[0] && spectrum.bottom[0].value < 0 ? " The loss is not convex around θ." : ""}
          </p>
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
          <div class="grid2">
            {spectrum.svgSpectrum ? <SvgFigure svg={spectrum.svgSpectrum} alt="exact Hessian eigenvalues" testId="spectrum-plot" /> : null}
            {spectrum.svgDensity ? <SvgFigure svg={spectrum.svgDensity} alt="spectral density (SLQ)" testId="density-plot" /> : null}
          </div>
        </div>
      ) : null}
      {dirs.length ? (
        <div class="grid2" data-testid="eigen-directions">
          {dirs.map((d) => (
            <LineChart
              key={d.label}
              series={[{ x: d.alpha, y: d.loss, label: `L(θ + α·v), λ = ${g(d.eigenvalue)}` }]}
              title={`Along the eigenvector of the ${d.label}`}
              xLabel="α"
              yLabel="loss"
              alt={`loss along the eigenvector of the ${d.label}`}
              width={460}
            />
          ))}
        </div>
      ) : null}
    </section>
  );
}
