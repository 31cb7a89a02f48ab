/**
 * Progress reporting for long jobs (training, landscape grids). On a TTY one line is redrawn in place
 * with a bar, rate and ETA; elsewhere (logs, CI, pipes) plain lines are written at most every few
 * seconds, so captured output stays short and readable.
 */

export interface ProgressSink {
  write(s: string): void;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Units of work in all (steps, grid points). */
  total: number;
  /** Shown before the bar, e.g. "landscape". */
  label: string;
  /** What one unit is, for the rate: "points" -> "123 points/s". */
  unit: string;
  stream: ProgressSink;
  /** Milliseconds clock; injectable so tests are deterministic. */
  now?: () => number;
  /** Minimum milliseconds between redraws on a TTY (default 100) and between lines elsewhere (default 5000). */
  ttyIntervalMs?: number;
  lineIntervalMs?: number;
  /** Units already finished before this run (a resumed job): they count toward done but not toward the rate. */
  alreadyDone?: number;
  /**
   * Show the rate and ETA (default true). Off for a bar over a time budget (unit "s"), whose rate is
   * always 1 s/s. With total 0 (unknown) only the elapsed time and the fields are shown.
   */
  rate?: boolean;
}

export interface Progress {
  /** Set the number of finished units and optional fields ("loss 0.31"). */
  update(done: number, fields?: Readonly<Record<string, string>>): void;
  /** Final line (always written); counts the job as complete. */
  finish(fields?: Readonly<Record<string, string>>): void;
}

const BAR_WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "?";
  if (perSecond >= 100) return perSecond.toFixed(0);
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toPrecision(2);
}

/** A progress reporter that writes nothing (library calls without a UI). */
export const SILENT_PROGRESS: Progress = { update() {}, finish() {} };

export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? (() => performance.now());
  const tty = opts.stream.isTTY === true;
  const interval = tty ? (opts.ttyIntervalMs ?? 100) : (opts.lineIntervalMs ?? 5000);
  const start = now();
  const base = opts.alreadyDone ?? 0;
  let last = -Infinity;
  let done = base;
  let fields: Readonly<Record<string, string>> = {};

  const render = (): string => {
    const total = Math.max(opts.total, 1);
    const frac = Math.min(1, done / total);
    const elapsed = (now() - start) / 1000;
    // A rate over a fraction of a second is noise; show "?" until there is something to measure
    // (once the work is done the rate is exact, however short the run).
    const rate = elapsed > 0.25 || (done >= opts.total && elapsed > 0) ? (done - base) / elapsed : NaN;
    const eta = rate > 0 ? (opts.total - done) / rate : NaN;
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join("  ");
    if (opts.total <= 0) return `${opts.label}${tty ? "" : ":"}  elapsed ${formatDuration(elapsed)}${extra ? `  ${extra}` : ""}`;
    const counts = `${opts.rate === false ? done.toFixed(1) : done}/${opts.total} ${opts.unit}`;
    const timing =
      opts.rate === false
        ? `elapsed ${formatDuration(elapsed)}`
        : `${formatRate(rate)} ${opts.unit}/s  elapsed ${formatDuration(elapsed)}  ETA ${done >= opts.total ? "0s" : formatDuration(eta)}`;
    if (tty) {
      const filled = Math.round(frac * BAR_WIDTH);
      const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
      return `${opts.label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${counts}  ${timing}${extra ? `  ${extra}` : ""}`;
    }
    return `${opts.label}: ${(frac * 100).toFixed(0)}%  ${counts}  ${timing}${extra ? `  ${extra}` : ""}`;
  };

  const emit = (final: boolean): void => {
    if (tty) opts.stream.write(`\r\x1b[2K${render()}${final ? "\n" : ""}`);
    else opts.stream.write(`${render()}\n`);
  };

  return {
    update(d, f) {
      done = d;
      if (f) fields = f;
      const t = now();
      if (t - last >= interval) {
        last = t;
        emit(false);
      }
    },
    finish(f) {
      if (f) fields = f;
      // a time-budget bar ends where the work ended, not at the budget
      if (opts.rate !== false) done = opts.total;
      emit(true);
    }
  };
}
