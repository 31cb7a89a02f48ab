/**
 * Grid axes written `min:max:num`. Zero bounds (0:1:11) and any num >= 1 are valid — the reference
 * implementation rejects both in places; a single point (num 1) needs min == max.
 */
import { UserError } from "../util/errors.js";

export interface AxisRange {
  min: number;
  max: number;
  num: number;
}

/** Far beyond any useful plot, low enough that a typo does not allocate gigabytes. */
export const MAX_AXIS_POINTS = 100_000;

export function parseRange(text: string, option: string): AxisRange {
  const t = text.trim();
  const parts = t.split(":");
  const bad = (why: string): never => {
    throw new UserError(`${option} ${JSON.stringify(t)}: ${why} (expected min:max:num, e.g. -1:1:51)`);
  };
  if (parts.length !== 3) bad("needs three parts separated by ':'");
  const [a, b, c] = parts.map((p) => p.trim()) as [string, string, string];
  const num = (s: string, what: string): number => {
    if (s === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) bad(`${what} ${JSON.stringify(s)} is not a number`);
    return Number(s);
  };
  const min = num(a, "min"), max = num(b, "max");
  if (!/^\d+$/.test(c)) bad(`num ${JSON.stringify(c)} must be a positive integer`);
  const n = Number(c);
  if (n < 1 || n > MAX_AXIS_POINTS) bad(`num must be from 1 to ${MAX_AXIS_POINTS}`);
  if (!Number.isFinite(min) || !Number.isFinite(max)) bad("bounds must be finite");
  if (n === 1 && min !== max) bad("a single point (num 1) needs min == max");
  if (n > 1 && !(min < max)) bad("min must be below max");
  return { min, max, num: n };
}

/** Evenly spaced values; the ends are exactly min and max. */
export function rangeValues(r: AxisRange): Float64Array {
  const v = new Float64Array(r.num);
  if (r.num === 1) {
    v[0] = r.min;
    return v;
  }
  for (let i = 0; i < r.num; i++) v[i] = r.min + ((r.max - r.min) * i) / (r.num - 1);
  v[0] = r.min;
  v[r.num - 1] = r.max;
  return v;
}

export function formatRange(r: AxisRange): string {
  return `${r.min}:${r.max}:${r.num}`;
}
