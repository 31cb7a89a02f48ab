/**
 * The run block of a page with a long server job: its Run button (off while running, over a cap or
 * with a field out of range, saying why), the reason it is off, the job's progress with Cancel, and
 * the job's error.
 */
import type { ComponentChildren } from "preact";
import type { StreamJob } from "../stream-job.js";
import { ProgressBar } from "./progress-bar.js";

export function JobControls(p: {
  job: StreamJob;
  onRun: () => void;
  /** Off for a reason other than `blocked` (e.g. no model yet). */
  disabled?: boolean;
  /** Why Run is off, shown under it; null when it may run. */
  blocked: string | null;
  runTestId: string;
  errorTestId: string;
  children: ComponentChildren;
}) {
  const { job, blocked } = p;
  return (
    <>
      <div class="controls">
        <button
          type="button"
          onClick={p.onRun}
          disabled={job.running || p.disabled === true || blocked !== null}
          title={blocked ?? undefined}
          data-testid={p.runTestId}
          data-run
        >
          {p.children}
        </button>
      </div>
      {blocked ? (
        <p class="field-error" data-testid="blocked">
          {blocked}
        </p>
      ) : null}
      <ProgressBar progress={job.progress} running={job.running} onCancel={job.cancel} />
      {job.error ? (
        <div class="error" role="alert" data-testid={p.errorTestId}>
          {job.error}
        </div>
      ) : null}
    </>
  );
}
