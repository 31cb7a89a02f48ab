/**
 * Landscape: train a model twice (two seeds) with a live loss chart, then the loss on the PCA plane of
 * the first run's trajectory (contours with the path, and a rotatable 3-D surface), and the loss on
 * the line between the two trained minima. All work runs on the server and streams progress.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Meta, StreamEvent } from "../api.js";
import { Announce } from "../components/live-region.js";
import { LineChart } from "../components/line-chart.js";
import { figureWidth } from "../components/figure-width.js";
import { JobControls } from "../components/job-controls.js";
import { SurfaceCanvas } from "../components/surface-canvas.js";
import { gridValue } from "../components/grid-readout.js";
import { short } from "../components/plot-frames.js";
import { SvgFigure } from "../components/svg-figure.js";
import { NumberField, useFieldErrors } from "../components/checked-field.js";
import { modelLimits } from "../limits.js";
import { formProblem, ModelForm, modelFields, sizeOf, specFor, trainFor } from "../model-choice.js";
import { parameterCount } from "../model-form.js";
import { usePageState } from "../page-state.js";
import { estimate, measured, stepsPerRun } from "../run-estimate.js";
import { useStreamJob } from "../stream-job.js";
import { setTrainedModel } from "../trained-model.js";
import { defineState, stateKey, type StateOf } from "../url-state.js";

export const landscapeState = defineState({
  ...modelFields,
  seedB: { kind: "int", default: 2, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  grid: { kind: "int", default: 31, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  /** A whole model spec (JSON) sent from another page; when set it replaces the data set and network fields. */
  spec: { kind: "string", default: "", maxLength: 12_000 },
});
type State = StateOf<typeof landscapeState.fields>;

interface RunCurve {
  steps: number[];
  losses: number[];
  final?: { loss: number; accuracy?: number; parameters: number; diverged: boolean; why?: string };
}

interface Surface {
  x: number[];
  y: number[];
  loss: (number | null)[];
  explained: [number, number];
  trajectory: number[];
  svgTrajectory: string;
  /** The same levels as bands of colour. */
  svgFilled: string;
}

interface Interp {
  svg: string;
  t: (number | null)[];
  loss: (number | null)[];
  barrier: number | null;
  distance: number;
  /** Runs whose loss grew or became non-finite: their "minima" are not minima. */
  diverged: string[];
}

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3));

interface Results {
  runs: Record<string, RunCurve>;
  surface: Surface | null;
  interp: Interp | null;
  seconds: number | null;
}
/** Finished results by view, so Back and Forward show a landscape again without training again. */
const finished = new Map<string, Results>();
const LINE_POINTS = 61;

type Spec = Record<string, unknown>;

/** A spec sent in the URL, read only as far as the page needs (the server validates it fully). */
function customModel(text: string): { ok: true; spec: Spec; layers: number[]; bias: boolean; samples: number | null } | { ok: false; message: string } {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch {
    return { ok: false, message: "the model sent in the link is not valid JSON" };
  }
  const model = (spec as { model?: { layers?: unknown; bias?: unknown } } | null)?.model;
  const layers = model?.layers;
  if (!Array.isArray(layers) || !layers.every((w) => Number.isInteger(w) && w > 0)) return { ok: false, message: "the model sent in the link has no list of layer widths" };
  const data = (spec as { data?: unknown }).data;
  const x = (data as { x?: unknown } | null)?.x;
  const n = (data as { n?: unknown } | null)?.n;
  const samples = Array.isArray(x) ? x.length : typeof n === "number" ? n : null;
  return { ok: true, spec: spec as Spec, layers: layers as number[], bias: model?.bias !== false, samples };
}

export function LandscapePage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const page = usePageState("landscape", landscapeState, props.initial, props.problems);
  const s = page.value;
  const setS = page.set;
  const caps = props.meta?.caps ?? {};
  const fields = useFieldErrors();
  const [runs, setRuns] = useState<Record<string, RunCurve>>({});
  const [surface, setSurface] = useState<Surface | null>(null);
  const [filled, setFilled] = useState(false);
  const [interp, setInterp] = useState<Interp | null>(null);
  const [seconds, setSeconds] = useState<number | null>(null);
  const job = useStreamJob();
  const running = job.running;
  const key = stateKey(landscapeState, s);

  const custom = s.spec ? customModel(s.spec) : null;
  const spec = custom ? (custom.ok ? custom.spec : null) : specFor(s, props.meta);
  const size = custom ? (custom.ok ? { parameters: parameterCount(custom.layers, custom.bias), samples: custom.samples ?? s.n } : null) : sizeOf(s, props.meta);
  const lim = modelLimits(caps);
  const plan = size
    ? estimate(
        { ...size, stepsPerRun: stepsPerRun(size.samples, s.batch, s.epochs), runs: 2, evaluations: s.grid * s.grid + LINE_POINTS + 2 },
        s.batch,
        caps
      )
    : null;
  const blocked =
    Object.values(fields.errors)[0] ??
    (custom && !custom.ok ? custom.message : null) ??
    (custom ? null : formProblem(s, caps)) ??
    (s.grid < lim.grid.min || s.grid > lim.grid.max || !Number.isInteger(s.grid) ? `grid side ${s.grid} is out of range` : null) ??
    plan?.blocked ??
    null;

  const show = (r: Results | null): void => {
    setRuns(r?.runs ?? {});
    setSurface(r?.surface ?? null);
    setInterp(r?.interp ?? null);
    setSeconds(r?.seconds ?? null);
  };

  // Back, Forward or a pasted link: show that view's results if this tab has them.
  useEffect(() => {
    if (page.revision === 0) return;
    if (running) job.cancel();
    const known = finished.get(key) ?? null;
    show(known);
    if (known) page.analysed();
    // A model sent from another page is mapped at once, as on a first visit.
    else if (s.spec !== "" && !blocked) start();
  }, [page.revision]);

  // Arriving by a tab link at a view whose results are shown: that entry is an analysis too, for Back.
  useEffect(() => {
    if (page.active && finished.has(key)) page.analysed();
  }, [page.active]);

  const start = (): void => {
    if (!spec || blocked) return;
    const train = trainFor(s);
    const at = key;
    const work = plan?.units ?? 0;
    page.analysed();
    show(null);
    const curves: Record<string, RunCurve> = {};
    const got: Results = { runs: curves, surface: null, interp: null, seconds: null };
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
          c.final = {
            loss: Number(e["finalLoss"]), parameters: Number(e["parameters"]), diverged: e["diverged"] === true,
            ...(e["finalAccuracy"] !== undefined ? { accuracy: Number(e["finalAccuracy"]) } : {}),
            ...(typeof e["divergedBecause"] === "string" ? { why: e["divergedBecause"] } : {}),
          };
          setRuns({ ...curves });
          break;
        }
        case "surface":
          got.surface = e as unknown as Surface;
          setSurface(got.surface);
          break;
        case "interpolation":
          got.interp = e as unknown as Interp;
          setInterp(got.interp);
          break;
        case "theta":
          setTrainedModel({
            spec,
            train,
            theta: e["theta"] as number[],
            label: custom ? "the network from the Network page" : `${s.ds}, hidden ${s.hidden.join("-") || "none"}, ${s.act}, random start ${s.seed}`,
          });
          break;
        case "done":
          got.seconds = Number(e["seconds"]);
          setSeconds(got.seconds);
          finished.set(at, { ...got, runs: { ...curves } });
          measured(work, got.seconds);
          break;
      }
    };
    job.start("/api/landscape", { spec, train, seedB: s.seedB, gridSide: s.grid, linePoints: LINE_POINTS, plotWidth: figureWidth() > 640 ? Math.max(280, Math.floor(figureWidth(1600) / 2) - 12) : figureWidth(680) }, onEvent);
  };

  // The default landscape (or a model sent from another page) is drawn on the first visit, with no click.
  const autoRun = useRef(key === "" || s.spec !== "");
  useEffect(() => {
    if (!autoRun.current) return;
    autoRun.current = false;
    const known = finished.get(key);
    if (known) show(known);
    else start();
  }, []);

  const series = useMemo(
    () =>
      Object.entries(runs).map(([run, c]) => ({
        x: c.steps,
        y: c.losses,
        label: `run ${run} (random start ${run === "A" ? s.seed : s.seedB})`,
      })),
    [runs]
  );

  return (
    <section class="page" data-testid="page-landscape">
      <Announce
        text={
          interp
            ? interp.diverged.length
              ? `training diverged (run ${interp.diverged.join(" and ")}); the line between the runs shows no barrier`
              : `loss barrier between the two minima: ${interp.barrier === null ? "not finite" : fmt(Math.max(0, interp.barrier))}`
            : ""
        }
      />
      <h2>Loss landscape</h2>
      <p class="try-first" data-testid="try-first">
        A small network is trained twice on the two-moons data and its loss drawn around the path it took; change a setting
        (the learning rate, the hidden layers) and press “Train and map the landscape” to compare.
      </p>
      <p class="lead">
        The first run's path is drawn on the plane of its two principal directions (PCA of the checkpoints, as in Li et al. 2018),
        and the loss on the straight line between the two trained minima shows whether a barrier separates them — convexity would
        forbid one.
      </p>
      {page.problems.length ? <div class="notice">{page.problems.join("; ")}</div> : null}
      <div class="workbench">
      <div class="side">
      {custom ? (
        <div class="notice" data-testid="custom-model">
          {custom.ok ? `The network from the Network page: layers ${custom.layers.join("-")}.` : custom.message}{" "}
          <button type="button" class="secondary" onClick={() => setS({ ...s, spec: "" })} disabled={running}>
            Use the form instead
          </button>
        </div>
      ) : null}
      <ModelForm value={s} onChange={(v) => setS(v)} disabled={running} caps={caps} onError={fields.report} trainingOnly={custom !== null} />
      <div class="controls wrap">
        <NumberField name="seedB" label="second random start" value={s.seedB} limit={lim.seed} onCommit={(seedB) => setS({ ...s, seedB })} onError={fields.report} disabled={running} />
        <NumberField
          name="grid"
          label="grid side"
          value={s.grid}
          limit={lim.grid}
          onCommit={(grid) => setS({ ...s, grid })}
          onError={fields.report}
          disabled={running}
          slider={{ min: lim.grid.min, max: lim.grid.max, step: 1 }}
        />
      </div>
      {plan ? (
        <p class="estimate" data-testid="estimate">
          {plan.text}
        </p>
      ) : null}
      <JobControls job={job} onRun={start} disabled={!spec} blocked={blocked} runTestId="train" errorTestId="landscape-error">
        Train and map the landscape
      </JobControls>
      {seconds !== null ? (
        <p class="next-step">
          <a href="#page=hessian" data-testid="to-hessian">
            See the Hessian spectrum of run A's trained network →
          </a>
        </p>
      ) : null}
      </div>
      <div class="figures">
      {surface ? (
        <div class="grid2">
          <div>
            <div class="toggle" role="group" aria-label="contour style">
              <button type="button" class={`chip${filled ? "" : " active"}`} aria-pressed={!filled} onClick={() => setFilled(false)} data-testid="contour-lines">
                lines and path
              </button>
              <button type="button" class={`chip${filled ? " active" : ""}`} aria-pressed={filled} onClick={() => setFilled(true)} data-testid="contour-filled">
                filled
              </button>
            </div>
            <SvgFigure
              svg={filled ? surface.svgFilled : surface.svgTrajectory}
              alt={filled ? "filled loss contours on the PCA plane" : "loss contours on the PCA plane with the training trajectory"}
              testId={filled ? "filled-contour-plot" : "trajectory-plot"}
              readout={(h) => {
                const v = gridValue(surface.x, surface.y, surface.loss, h.x, h.y);
                return `PC1 = ${short(h.x)}, PC2 = ${short(h.y)}, loss ${v === null ? "—" : `≈ ${short(v)}`}`;
              }}
            />
            <p class="muted" data-testid="explained">
              PCA plane: PC1 explains {(100 * surface.explained[0]).toFixed(1)}%, PC2 {(100 * surface.explained[1]).toFixed(1)}% of the trajectory's variance.
            </p>
          </div>
          <div>
            <SurfaceCanvas x={surface.x} y={surface.y} z={surface.loss} path={surface.trajectory} zLabel="loss" xLabel="PC1" yLabel="PC2" />
          </div>
        </div>
      ) : null}
      {interp ? (
        <div>
          <SvgFigure
            svg={interp.svg}
            alt="loss on the line between the two trained minima"
            testId="interpolation-plot"
            readout={(h) => {
              let best = -1;
              interp.t.forEach((t, i) => {
                if (t !== null && (best < 0 || Math.abs(t - h.x) < Math.abs(interp.t[best]! - h.x))) best = i;
              });
              const v = best >= 0 ? interp.loss[best] : null;
              return best < 0 ? null : `t = ${short(interp.t[best]!)}, loss = ${v === null || v === undefined ? "not finite" : short(v)}`;
            }}
          />
          {interp.diverged.length ? (
            <p class="error" role="alert" data-testid="diverged">
              Training diverged (run {interp.diverged.join(" and run ")}: {interp.diverged.map((r) => runs[r]?.final?.why).filter(Boolean).join("; ")}). The ends of
              this line are not minima, so the rise between them is not a barrier; lower the learning rate (lr) and train again.
            </p>
          ) : (
          <p data-testid="barrier">
            Between the two minima (‖θA − θB‖ = {fmt(interp.distance)}) the loss rises{" "}
            {interp.barrier !== null ? <strong>{fmt(Math.max(0, interp.barrier))}</strong> : "—"} above the higher end
            {interp.barrier !== null && interp.barrier > 1e-6 ? ": a barrier, so the loss is not convex along this line." : "."}
          </p>
          )}
        </div>
      ) : null}
      {series.length ? (
        <div>
          <LineChart series={series} title="Training loss (per step)" xLabel="step" yLabel="batch loss" yLog alt="training loss of both runs" testId="loss-chart" />
          <p data-testid="train-summary">
            {Object.entries(runs)
              .filter(([, c]) => c.final)
              .map(([run, c]) => `run ${run}: final loss ${fmt(c.final!.loss)}${c.final!.accuracy !== undefined ? `, accuracy ${(100 * c.final!.accuracy).toFixed(1)}%` : ""}${c.final!.diverged ? " (diverged)" : ""}`)
              .join(" · ")}
            {Object.values(runs)[0]?.final ? ` · ${Object.values(runs)[0]!.final!.parameters} parameters` : ""}
          </p>
        </div>
      ) : null}
      {seconds !== null ? <p class="muted">done in {seconds.toFixed(1)} s</p> : null}
      </div>
      </div>
    </section>
  );
}
