/**
 * Symmetry: why a network's loss is not convex, on a model the user chooses. Two trainings from
 * different random starts; then, each drawn as soon as the server has it, the loss on the straight
 * line between them, on the line to the second with its hidden units permuted to match the first's,
 * and along a trained low-loss curve — three profiles in one chart, each barrier named.
 */
import { useMemo, useState } from "preact/hooks";
import type { Meta, StreamEvent } from "../api.js";
import { NumberField, useFieldErrors } from "../components/checked-field.js";
import { LineChart } from "../components/line-chart.js";
import { JobControls } from "../components/job-controls.js";
import { modelLimits } from "../limits.js";
import { formProblem, ModelForm, modelFields, specFor, trainFor } from "../model-choice.js";
import { usePageState } from "../page-state.js";
import { useStreamJob } from "../stream-job.js";
import { defineState, type StateOf } from "../url-state.js";
import { formatBarrier } from "../../../src/plot/path-profiles-plot.js";
import type { LineSeries, PointMarker } from "../../../src/plot/index.js";

export const symmetryState = defineState({
  ...modelFields,
  // mini-batches and enough epochs that both runs reach a minimum: the barrier is then between minima
  epochs: { ...modelFields.epochs, default: 100 },
  batch: { ...modelFields.batch, default: 64 },
  seedB: { kind: "int", default: 2, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  align: { kind: "enum", default: "activation", values: ["activation", "weight"] },
  curve: { kind: "enum", default: "bezier", values: ["bezier", "polychain"] },
  bends: { kind: "int", default: 1, min: 1, max: 4 },
  curveEpochs: { kind: "int", default: 20, min: 1, max: 2000 },
});
type State = StateOf<typeof symmetryState.fields>;

type PathName = "straight" | "aligned" | "curve";
const PATHS: readonly PathName[] = ["straight", "aligned", "curve"];
const COLORS: Record<PathName, string> = { straight: "#0072b2", aligned: "#d55e00", curve: "#009e73" };

interface PathResult {
  label: string;
  t: (number | null)[];
  loss: (number | null)[];
  barrier: { height: number; t: number; loss: number; lossA: number; lossB: number };
  distanceBefore?: number;
  distanceAfter?: number;
}

interface RunSummary {
  loss: number;
  accuracy?: number;
  diverged: boolean;
}

const num = (v: number | null): number => (v === null ? NaN : v);

export function SymmetryPage(props: { meta: Meta | null; initial: State; problems: string[] }) {
  const page = usePageState("symmetry", symmetryState, props.initial, props.problems);
  const s = page.value;
  const setS = page.set;
  const caps = props.meta?.caps ?? {};
  const lim = modelLimits(caps);
  const fields = useFieldErrors();
  const job = useStreamJob();
  const running = job.running;
  const [paths, setPaths] = useState<Partial<Record<PathName, PathResult>>>({});
  const [runs, setRuns] = useState<Record<string, RunSummary>>({});
  const [seconds, setSeconds] = useState<number | null>(null);

  const spec = specFor(s, props.meta);
  const blocked = Object.values(fields.errors)[0] ?? formProblem(s, caps) ?? null;

  const start = (): void => {
    if (!spec || blocked) return;
    page.analysed();
    setPaths({});
    setRuns({});
    setSeconds(null);
    const got: Partial<Record<PathName, PathResult>> = {};
    const done: Record<string, RunSummary> = {};
    const onEvent = (e: StreamEvent): void => {
      if (e.type === "path") {
        got[String(e["path"]) as PathName] = e as unknown as PathResult;
        setPaths({ ...got });
      } else if (e.type === "trained") {
        done[String(e["run"])] = {
          loss: Number(e["finalLoss"]), diverged: e["diverged"] === true,
          ...(e["finalAccuracy"] !== undefined ? { accuracy: Number(e["finalAccuracy"]) } : {}),
        };
        setRuns({ ...done });
      } else if (e.type === "done") setSeconds(Number(e["seconds"]));
    };
    job.start(
      "/api/symmetry",
      { spec, train: trainFor(s), seedB: s.seedB, alignMethod: s.align, curve: { kind: s.curve, bends: s.bends, epochs: s.curveEpochs } },
      onEvent
    );
  };

  const shown = PATHS.filter((p) => paths[p]);
  const series = useMemo<LineSeries[]>(
    () => shown.map((p) => ({ x: paths[p]!.t.map(num), y: paths[p]!.loss.map(num), label: paths[p]!.label, color: COLORS[p], ...(p === "straight" ? {} : { dash: p === "aligned" ? true : "2 3" }) })),
    [paths]
  );
  const points = useMemo<PointMarker[]>(
    () => shown.map((p, i) => ({ x: paths[p]!.barrier.t, y: paths[p]!.barrier.loss, color: COLORS[p], shape: "diamond" as const, ...(i === 0 ? { label: "barrier (highest rise above the chord)" } : {}) })),
    [paths]
  );

  return (
    <section class="page" data-testid="page-symmetry">
      <h2>Symmetry: why the loss is not convex</h2>
      <p class="lead" data-testid="symmetry-why">
        Hidden units can be permuted without changing the function, so every minimum has many copies, and the straight line between
        two of them climbs over a barrier no convex loss could have; permuting B's units to match A's removes most of it, and a trained
        curve connects the two minima at low loss.
      </p>
      {page.problems.length ? <div class="notice">{page.problems.join("; ")}</div> : null}
      <div class="workbench">
        <div class="side">
          <ModelForm value={s} onChange={(v) => setS(v)} disabled={running} caps={caps} onError={fields.report} />
          <div class="controls wrap">
            <NumberField name="seedB" label="second random start" value={s.seedB} limit={lim.seed} onCommit={(seedB) => setS({ ...s, seedB })} onError={fields.report} disabled={running} />
            <label>
              alignment
              <select name="align" value={s.align} disabled={running} onChange={(e) => setS({ ...s, align: (e.target as HTMLSelectElement).value })}>
                <option value="activation">activation matching</option>
                <option value="weight">weight matching</option>
              </select>
            </label>
            <label>
              curve
              <select name="curve" value={s.curve} disabled={running} onChange={(e) => setS({ ...s, curve: (e.target as HTMLSelectElement).value })}>
                <option value="bezier">Bezier</option>
                <option value="polychain">polychain</option>
              </select>
            </label>
            <NumberField name="bends" label="bends" value={s.bends} limit={{ min: 1, max: 4, int: true }} onCommit={(bends) => setS({ ...s, bends })} onError={fields.report} disabled={running} />
            <NumberField name="curveEpochs" label="curve epochs" value={s.curveEpochs} limit={{ min: 1, max: 2000, int: true }} onCommit={(curveEpochs) => setS({ ...s, curveEpochs })} onError={fields.report} disabled={running} />
          </div>
          <JobControls job={job} onRun={start} disabled={!spec} blocked={blocked} runTestId="symmetry-run" errorTestId="symmetry-error">
            Train two models and compare the paths
          </JobControls>
        </div>
        <div class="figures">
          {series.length ? (
            <LineChart
              series={series}
              points={points}
              title="Loss along paths from A (t = 0) to B (t = 1)"
              xLabel="t"
              yLabel="loss"
              alt="loss along the straight line, the aligned line and the trained curve"
              testId="symmetry-chart"
              width={760}
            />
          ) : null}
          {shown.length ? (
            <ul class="barriers" data-testid="barriers">
              {shown.map((p) => (
                <li key={p} data-testid={`barrier-${p}`} data-height={String(paths[p]!.barrier.height)} data-t={String(paths[p]!.barrier.t)}>
                  <span style={{ color: COLORS[p] }}>■</span> {paths[p]!.label}: <strong>{formatBarrier(paths[p]!.barrier)}</strong>
                  {p === "aligned" && paths[p]!.distanceBefore !== undefined
                    ? ` (‖A − B‖ ${paths[p]!.distanceBefore!.toPrecision(4)} → ${paths[p]!.distanceAfter!.toPrecision(4)}, the same function as B)`
                    : ""}
                </li>
              ))}
            </ul>
          ) : null}
          {Object.keys(runs).length ? (
            <p data-testid="symmetry-runs">
              {Object.entries(runs)
                .map(([r, v]) => `model ${r}: loss ${v.loss.toPrecision(4)}${v.accuracy !== undefined ? `, accuracy ${(100 * v.accuracy).toFixed(1)}%` : ""}${v.diverged ? " (diverged)" : ""}`)
                .join(" · ")}
            </p>
          ) : null}
          {seconds !== null ? <p class="muted">done in {seconds.toFixed(1)} s</p> : null}
        </div>
      </div>
    </section>
  );
}
