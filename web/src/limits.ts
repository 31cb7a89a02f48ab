/**
 * What each form field accepts, with the server's caps as sent by /api/meta (so the page and the
 * server agree on one set of numbers), and the check that turns typed text into a value or into
 * a message naming the allowed range. Nothing is clamped: a value outside its range is refused.
 */
import type { Meta } from "./api.js";

export interface Limit {
  min: number;
  max: number;
  /** Whole numbers only. */
  int?: boolean;
  /** min itself is not allowed (a learning rate must be above 0). */
  above?: boolean;
  /** max itself is not allowed (a domain's left end must lie below its right end). */
  below?: boolean;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const show = (v: number): string => (Math.abs(v) >= 1e5 ? v.toExponential(0).replace("e+", "e") : String(v));

export function describeLimit(l: Limit): string {
  const lo = l.above ? `above ${show(l.min)}` : `from ${show(l.min)}`;
  const hi = l.below ? `, below ${show(l.max)}` : ` to ${show(l.max)}`;
  return `${l.int ? "whole numbers " : ""}${lo}${hi}`;
}

export function checkNumber(text: string, l: Limit): Checked<number> {
  const t = text.trim();
  const v = Number(t);
  if (t === "" || !Number.isFinite(v)) return { ok: false, message: `enter a number (allowed: ${describeLimit(l)})` };
  if ((l.int && !Number.isInteger(v)) || v < l.min || v > l.max || (l.above && v <= l.min) || (l.below && v >= l.max)) return { ok: false, message: `${t} is out of range (allowed: ${describeLimit(l)})` };
  return { ok: true, value: v };
}

/** A list of layer widths typed as 16-16 or 16, 16. */
export function checkWidths(text: string, o: { minLength: number; maxLength: number; maxWidth: number }): Checked<number[]> {
  const parts = text.split(/[-,\s]+/).filter((p) => p !== "");
  const vs = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isInteger(vs[i]) || vs[i]! < 1 || vs[i]! > o.maxWidth);
  if (bad !== undefined) return { ok: false, message: `"${bad.length > 12 ? `${bad.slice(0, 12)}…` : bad}" is not a layer width (allowed: whole numbers from 1 to ${o.maxWidth}, written like 16-16)` };
  if (vs.length < o.minLength) return { ok: false, message: `give at least ${o.minLength} layer widths, written like 16-16` };
  if (vs.length > o.maxLength) return { ok: false, message: `at most ${o.maxLength} layers (got ${vs.length})` };
  return { ok: true, value: vs };
}

/** A parameter vector: exactly `length` numbers. */
export function checkVector(text: string, length: number): Checked<number[]> {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  const vs = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(vs[i]));
  if (bad !== undefined) return { ok: false, message: `"${bad.length > 12 ? `${bad.slice(0, 12)}…` : bad}" is not a number` };
  if (vs.length !== length) return { ok: false, message: `${vs.length} value${vs.length === 1 ? "" : "s"} given; this network has ${length} parameters` };
  return { ok: true, value: vs };
}

export type Caps = Meta["caps"];

// A cap the server did not send is no limit here; the server still checks it.
const cap = (caps: Caps, name: string): number => caps[name] ?? Infinity;

/** The training and data fields of the Landscape and Hessian forms. */
export function modelLimits(caps: Caps) {
  return {
    n: { min: 4, max: cap(caps, "samples"), int: true },
    noise: { min: 0, max: 2 },
    lr: { min: 0, max: 10, above: true },
    epochs: { min: 1, max: cap(caps, "epochs"), int: true },
    batch: { min: 0, max: cap(caps, "samples"), int: true },
    seed: { min: 0, max: 2 ** 31 - 1, int: true },
    grid: { min: 5, max: cap(caps, "gridSide"), int: true },
    k: { min: 1, max: cap(caps, "eigenpairs"), int: true },
  } satisfies Record<string, Limit>;
}

export const domainLimit = (caps: Caps): Limit => ({ min: -cap(caps, "domainAbs"), max: cap(caps, "domainAbs") });
