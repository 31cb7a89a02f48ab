/**
 * Landscape: train a model twice (two seeds) with a live loss chart, then the loss on the PCA plane of
 * the first run's trajectory (contours with the path, and a rotatable 3-D surface), and the loss on
 * the line between the two trained minima. All work runs on the server and streams progress.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { Meta, StreamEvent } from "../api.js";
import { LineChart } from "../components/line-chart.js";
import { ProgressBar } from "../components/progress-bar.js";
import { SurfaceCanvas } from "../components/surface-canvas.js";
import { SvgFigure } from "../components/svg-figure.js";
import { ModelForm, modelFields, specFor, trainFor } from "../model-choice.js";
import { inputNumber } from "../model-form.js";
import { useStreamJob } from "../stream-job.js";
import { setTrainedModel } from "../trained-model.js";
import { defineState, writeHash, type StateOf } from "../url-state.js";

export const landscapeState = defineState({
  ...modelFields,
  seedB: { kind: "int", default: 2, min: 0, max: 2 ** 31 - 1 },
  grid: { kind: "int", default: 31, min: 5, max: 61 },
});
type State = StateOf<typeof landscapeState.fields>;

interface RunCurve {
  steps: number[];
  losses: number[];
  final?: { loss: number; accuracy?: number; parameters: number };
}

interface Surface {
  x: number[];
  y: number[];
  loss: (number | null)[];
  explained: [number, number];
  trajectory: number[];
  svgTrajectory: string;
}

interface Interp {
  svg: string;
  barrier: number | null;
  distance: number;
}

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3));

export function LandscapePage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const [s, setS] = useState<State>(props.initial);
  const [runs, setRuns] = useState<Record<string, RunCurve>>({});
  const [surface, setSurface] = useState<Surface | null>(null);
  const [interp, setInterp] = useState<Interp | null>(null);
  const [seconds, setSeconds] = useState<number | null>(null);
  const job = useStreamJob();
  const running = job.running;

  useEffect(() => writeHash("landscape", landscapeState, s), [s]);

  const spec = specFor(s, props.meta);

  const start = (): void => {
    if (!spec) return;
    const train = trainFor(s);
    setRuns({});
    setSurface(null);
    setInterp(null);
    setSeconds(null);
    const curves: Record<string, RunCurve> = {};
    const onEvent = (e: StreamEvent): void => {
      switch (e.type) {
        case "train-step": {
          const run = String(e["run"]);
          const c = (curves[run] ??= { steps: [], losses: [] });
          c.steps.push(...(e["steps"] as number[]));
          c.losses.push(...(e["losses"] as number[]));
          setRuns({ ...curves });
          break;
        }
        case "trained": {
          const run = String(e["run"]);
          const c = (curves[run] ??= { steps: [], losses: [] });
          c.final = { loss: Number(e["finalLoss"]), parameters: Number(e["parameters"]), ...(e["finalAccuracy"] !== undefined ? { accuracy: Number(e["finalAccuracy"]) } : {}) };
          setRuns({ ...curves });
          break;
        }
        case "surface":
          setSurface(e as unknown as Surface);
          break;
        case "interpolation":
          setInterp(e as unknown as Interp);
          break;
        case "theta":
          setTrainedModel({ spec, train, theta: e["theta"] as number[], label: `${s.ds}, hidden ${s.hidden.join("-") || "none"}, ${s.act}, seed ${s.seed}` });
          break;
        case "done":
          setSeconds(Number(e["seconds"]));
          break;
      }
    };
    job.start("/api/landscape", { spec, train, seedB: s.seedB, gridSide: s.grid }, onEvent);
  };

  const series = useMemo(
    () =>
      Object.entries(runs).map(([run, c]) => ({
        x: c.steps,
        y: c.losses,
        label: `run ${run} (seed ${run === "A" ? s.seed : s.seedB})`,
      })),
    [runs]
  );

  return (
    <section class="page" data-testid="page-landscape">
      <h2>Loss landscape</h2>
      <p class="lead">
        Train a small network twice from two seeds. The first run's path is drawn on the plane of its two principal directions
        (PCA of the checkpoints, as in Li et al. 2018), and the loss on the straight line between the two trained minima shows
        whether a barrier separates them — convexity would forbid one.
      </p>
      {props.problems.length ? <div class="notice">{props.problems.join("; ")}</div> : null}
      <ModelForm value={s} onChange={(v) => setS(v)} disabled={running} />
      <div class="controls">
        <label>
          second seed
          <input name="seedB" type="number" min={0} value={s.seedB} disabled={running} onChange={(e) => setS({ ...s, seedB: Math.max(0, Math.round(inputNumber(e)) || 0) })} />
        </label>
        <label>
          grid side
          <input name="grid" type="number" min={5} max={61} value={s.grid} disabled={running} onChange={(e) => setS({ ...s, grid: Math.max(5, Math.min(61, Math.round(inputNumber(e)) || 31)) })} />
        </label>
        <button type="button" onClick={start} disabled={running || !spec} data-testid="train">
          Train and map the landscape
        </button>
      </div>
      <ProgressBar progress={job.progress} running={running} onCancel={job.cancel} />
      {job.error ? (
        <div class="error" role="alert" data-testid="landscape-error">
          {job.error}
        </div>
      ) : null}
      {series.length ? (
        <div>
          <LineChart series={series} title="Training loss (per step)" xLabel="step" yLabel="batch loss" yLog alt="training loss of both runs" testId="loss-chart" />
          <p data-testid="train-summary">
            {Object.entries(runs)
              .filter(([, c]) => c.final)
              .map(([run, c]) => `run ${run}: final loss ${fmt(c.final!.loss)}${c.final!.accuracy !== undefined ? `, accuracy ${(100 * c.final!.accuracy).toFixed(1)}%` : ""}`)
              .join(" · ")}
            {Object.values(runs)[0]?.final ? ` · ${Object.values(runs)[0]!.final!.parameters} parameters` : ""}
          </p>
        </div>
      ) : null}
      {surface ? (
        <div class="grid2">
          <div>
            <SvgFigure svg={surface.svgTrajectory} alt="loss contours on the PCA plane with the training trajectory" testId="trajectory-plot" />
            <p class="muted" data-testid="explained">
              PCA plane: PC1 explains {(100 * surface.explained[0]).toFixed(1)}%, PC2 {(100 * surface.explained[1]).toFixed(1)}% of the trajectory's variance.
            </p>
          </div>
          <div>
            <SurfaceCanvas x={surface.x} y={surface.y} z={surface.loss} path={surface.trajectory} zLabel="loss" />
          </div>
        </div>
      ) : null}
      {interp ? (
        <div>
          <SvgFigure svg={interp.svg} alt="loss on the line between the two trained minima" testId="interpolation-plot" />
          <p data-testid="barrier">
            Between the two minima (‖θA − θB‖ = {fmt(interp.distance)}) the loss rises{" "}
            {interp.barrier !== null ? <strong>{fmt(Math.max(0, interp.barrier))}</strong> : "—"} above the higher end
            {interp.barrier !== null && interp.barrier > 1e-6 ? ": a barrier, so the loss is not convex along this line." : "."}
          </p>
        </div>
      ) : null}
      {seconds !== null ? <p class="muted">done in {seconds.toFixed(1)} s</p> : null}
    </section>
  );
}
