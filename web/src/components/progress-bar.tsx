/** Progress of a server job, with a cancel button while it runs. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export function ProgressBar(props: { progress: Progress | null; running: boolean; onCancel: () => void }) {
  const p = props.progress;
  const frac = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  if (!props.running) return null;
  return (
    <div class="progress" role="status" data-testid="progress">
      <div class="progress-text">
        {p ? `${p.phase}: ${p.done} / ${p.total}` : "starting…"}
      </div>
      <div class="progress-track">
        <div class="progress-fill" style={{ width: `${(100 * frac).toFixed(1)}%` }} />
      </div>
      <button type="button" class="secondary" onClick={props.onCancel} data-testid="cancel">
        Cancel
      </button>
    </div>
  );
}
