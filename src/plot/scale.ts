/**
 * Linear and logarithmic scales with "nice" ticks (1-2-5 steps) and tick labels that read like a
 * person wrote them: no 0.30000000000000004, exponent notation only for very large or small values.
 */

export interface Scale {
  readonly kind: "linear" | "log" | "symlog";
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Pixel position of a data value; NaN where the value cannot be shown (e.g. <= 0 on a log scale). */
  map(v: number): number;
  ticks(maxTicks?: number): number[];
  formatTicks(ticks: readonly number[]): string[];
}

interface Step {
  mantissa: number;
  exponent: number;
  value: number;
}

/** Multiples of a 1-2-5 step, computed as integer/10^k so the double is the correctly rounded decimal. */
function stepMultiple(k: number, step: Step): number {
  const m = k * step.mantissa;
  return step.exponent >= 0 ? m * 10 ** step.exponent : m / 10 ** -step.exponent;
}

/** The 1-2-5 step giving about `maxTicks` ticks over `span`. */
export function niceStep(span: number, maxTicks = 6): Step {
  const intervals = Math.max(1, maxTicks - 1);
  const rough = Math.abs(span) / intervals;
  if (!(rough > 0) || !Number.isFinite(rough)) return { mantissa: 1, exponent: 0, value: 1 };
  let exponent = Math.floor(Math.log10(rough));
  const f = rough / 10 ** exponent;
  let mantissa: number;
  if (f <= 1 + 1e-9) mantissa = 1;
  else if (f <= 2 + 1e-9) mantissa = 2;
  else if (f <= 5 + 1e-9) mantissa = 5;
  else { mantissa = 1; exponent += 1; }
  const step = { mantissa, exponent, value: 0 };
  step.value = stepMultiple(1, step);
  return step;
}

/** A degenerate or reversed interval widened so scales and ticks always have something to show. */
export function widenDomain(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (hi - lo > 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))) return [lo, hi];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

function tickCount(lo: number, hi: number, step: Step): number {
  const tol = 1e-9;
  return Math.floor(hi / step.value + tol) - Math.ceil(lo / step.value - tol) + 1;
}

/**
 * Ticks at multiples of the smallest 1-2-5 step that gives at most `maxTicks` ticks inside
 * [lo, hi] (ends included up to rounding), and a step no smaller than `minStep`.
 */
export function niceTicks(lo: number, hi: number, maxTicks = 6, minStep = 0): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) return [lo];
  const limit = Math.max(1, Math.floor(maxTicks));
  const base = niceStep(hi - lo, limit * 4);
  let step = base;
  // Walk up the 1-2-5 ladder from a step that is certainly small enough.
  for (let guard = 0; guard < 40; guard++) {
    if (step.value >= minStep && tickCount(lo, hi, step) <= limit) break;
    const next = step.mantissa === 1 ? 2 : step.mantissa === 2 ? 5 : 1;
    const exponent = step.mantissa === 5 ? step.exponent + 1 : step.exponent;
    step = { mantissa: next, exponent, value: 0 };
    step.value = stepMultiple(1, step);
  }
  const tol = 1e-9;
  const k0 = Math.ceil(lo / step.value - tol);
  const k1 = Math.floor(hi / step.value + tol);
  // A step below the doubles' resolution at this magnitude cannot produce distinct ticks.
  if (k1 - k0 > 1000 || k1 < k0) return [lo, hi];
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) out.push(stepMultiple(k, step) + 0);
  return out;
}

/** [lo, hi] widened outward to tick multiples, so the axis starts and ends on a labelled tick. */
export function niceDomain(lo: number, hi: number, maxTicks = 6): [number, number] {
  [lo, hi] = widenDomain(lo, hi);
  const step = niceStep(hi - lo, maxTicks);
  const tol = 1e-9;
  const k0 = Math.floor(lo / step.value + tol);
  const k1 = Math.ceil(hi / step.value - tol);
  const nlo = stepMultiple(k0, step) + 0;
  const nhi = stepMultiple(k1, step) + 0;
  return [Math.min(nlo, lo), Math.max(nhi, hi)];
}

const MINUS = "\u2212";

function withMinus(s: string): string {
  if (/^-0(\.0*)?$/.test(s)) return s.slice(1);
  return s.startsWith("-") ? MINUS + s.slice(1) : s;
}

function trimMantissa(m: string): string {
  return m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
}

/** Exponent notation like "2.5e-7" (no "e+", no trailing zeros). */
export function formatExponent(v: number, digits: number): string {
  if (v === 0) return "0";
  const [mant, exp] = v.toExponential(Math.max(0, Math.min(15, digits))).split("e");
  return withMinus(`${trimMantissa(mant!)}e${Number(exp)}`);
}

function usesExponent(maxAbs: number): boolean {
  return maxAbs >= 1e5 || (maxAbs > 0 && maxAbs < 1e-3);
}

/** Labels for evenly spaced linear ticks: one format for all of them, decimals set by the step. */
export function formatLinearTicks(ticks: readonly number[]): string[] {
  const finite = ticks.filter(Number.isFinite);
  if (finite.length === 0) return ticks.map(() => "");
  let step = Infinity;
  for (let i = 1; i < finite.length; i++) {
    const d = Math.abs(finite[i]! - finite[i - 1]!);
    if (d > 0) step = Math.min(step, d);
  }
  const maxAbs = Math.max(...finite.map(Math.abs));
  if (!Number.isFinite(step)) step = maxAbs > 0 ? maxAbs : 1;
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  // Large values stay in plain digits while the step is fine enough to need them (99999.85 reads
  // better than 9.999985e4); exponent notation is for round large values and for tiny ones.
  if ((maxAbs >= 1e5 && step >= 10) || (maxAbs > 0 && maxAbs < 1e-3)) {
    return ticks.map((v) => {
      if (!Number.isFinite(v)) return "";
      if (v === 0) return "0";
      const digits = Math.floor(Math.log10(Math.abs(v)) + 1e-9) - stepExp;
      return formatExponent(v, Math.min(15, Math.max(0, digits + extraDigits(step / 10 ** stepExp))));
    });
  }
  const decimals = Math.min(15, Math.max(0, -stepExp) + extraDigits(step / 10 ** stepExp));
  return ticks.map((v) => (Number.isFinite(v) ? withMinus(v.toFixed(decimals)) : ""));
}

/** Digits needed beyond the leading one for a step mantissa (2.5 needs one more, 1/2/5 none). */
function extraDigits(mantissa: number): number {
  for (let d = 0; d < 6; d++) {
    const scaled = mantissa * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-6 * scaled) return d;
  }
  return 6;
}

/** A single value for annotations (contour labels, colorbar ends): `sig` significant digits. */
export function formatValue(v: number, sig = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (usesExponent(a)) return formatExponent(v, sig - 1);
  return withMinus(String(Number(v.toPrecision(sig))));
}

/** Ticks for a log axis: whole decades when the range spans several, else 1-2-5 within a decade. */
export function logTicks(lo: number, hi: number, maxTicks = 8): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  const tol = 1e-9;
  const e0 = Math.ceil(Math.log10(lo) - tol);
  const e1 = Math.floor(Math.log10(hi) + tol);
  const decades = e1 - e0 + 1;
  if (decades >= 3) {
    const stride = Math.max(1, Math.ceil(decades / maxTicks));
    const out: number[] = [];
    const start = Math.ceil(e0 / stride) * stride;
    for (let e = start; e <= e1; e += stride) out.push(Number(`1e${e}`));
    return out;
  }
  const out: number[] = [];
  for (let e = e0 - 1; e <= e1; e++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${e}`);
      if (v >= lo * (1 - tol) && v <= hi * (1 + tol)) out.push(v);
    }
  }
  if (out.length >= 2) return out;
  return niceTicks(lo, hi, 4).filter((v) => v > 0);
}

/** Labels for log ticks: plain decimals from 0.001 to 10000, "1e-6"-style outside. */
export function formatLogTicks(ticks: readonly number[]): string[] {
  const exps = ticks.filter((v) => v > 0 && Number.isFinite(v)).map((v) => Math.floor(Math.log10(v) + 1e-9));
  // One format per axis: plain decimals when every tick reads well that way, else exponents for all
  // (an axis labelled 1, 0.01, 1e-4 reads as three different kinds of number).
  const plain = exps.every((e) => e >= -3 && e <= 4);
  return ticks.map((v) => {
    if (!(v > 0) || !Number.isFinite(v)) return "";
    if (plain) return trimMantissa(v.toFixed(Math.max(0, -Math.floor(Math.log10(v) + 1e-9) + 2)));
    return formatExponent(v, 2);
  });
}

/** Log-axis domain widened out to whole decades. */
export function logDomain(lo: number, hi: number): [number, number] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [1, 10];
  if (lo > hi) [lo, hi] = [hi, lo];
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  let e1 = Math.ceil(Math.log10(hi) - 1e-9);
  if (e1 <= e0) e1 = e0 + 1;
  return [Math.min(lo, Number(`1e${e0}`)), Math.max(hi, Number(`1e${e1}`))];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = widenDomain(domain[0], domain[1]);
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return {
    kind: "linear",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => (Number.isFinite(v) ? r0 + (v - d0) * k : Number.NaN),
    ticks: (maxTicks = 6) => niceTicks(d0, d1, maxTicks),
    formatTicks: formatLinearTicks,
  };
}

export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d0 > 0) || !(d1 > 0) || !Number.isFinite(d0) || !Number.isFinite(d1)) [d0, d1] = [1, 10];
  if (d0 > d1) [d0, d1] = [d1, d0];
  if (d0 === d1) { d0 /= 10; d1 *= 10; }
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const k = (r1 - r0) / (Math.log10(d1) - l0);
  return {
    kind: "log",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => (v > 0 && Number.isFinite(v) ? r0 + (Math.log10(v) - l0) * k : Number.NaN),
    ticks: (maxTicks = 8) => logTicks(d0, d1, maxTicks),
    formatTicks: formatLogTicks,
  };
}

/**
 * Symmetric log: sign(v)·log10(1 + |v|/c). Linear within about ±c, logarithmic beyond, so values of
 * both signs and many magnitudes share one axis (a spectrum with eigenvalues −1.7e-4 and 0.3).
 * Ticks: 0 and ±c·10^k.
 */
export function symlogScale(domain: readonly [number, number], range: readonly [number, number], linthresh: number): Scale {
  const c = linthresh > 0 && Number.isFinite(linthresh) ? linthresh : 1;
  const f = (v: number): number => Math.sign(v) * Math.log10(1 + Math.abs(v) / c);
  let [d0, d1] = domain;
  if (d0 > d1) [d0, d1] = [d1, d0];
  if (d0 === d1) [d0, d1] = [d0 - c, d1 + c];
  const [r0, r1] = range;
  const k = (r1 - r0) / (f(d1) - f(d0));
  const ticks = (maxTicks = 8): number[] => {
    const out: number[] = [];
    if (d0 <= 0 && 0 <= d1) out.push(0);
    for (let e = 0; e < 40; e++) {
      const m = c * 10 ** e;
      if (m > Math.max(Math.abs(d0), Math.abs(d1)) * (1 + 1e-9)) break;
      if (m <= d1 * (1 + 1e-9)) out.push(m);
      if (-m >= d0 * (1 + 1e-9)) out.push(-m);
    }
    out.sort((a, b) => a - b);
    // keep every other decade (and 0) until the ticks fit
    let t = out;
    for (let stride = 2; t.length > maxTicks && stride < 40; stride++) t = out.filter((v) => v === 0 || Math.round(Math.log10(Math.abs(v) / c)) % stride === 0);
    return t;
  };
  return {
    kind: "symlog",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => (Number.isFinite(v) ? r0 + (f(v) - f(d0)) * k : Number.NaN),
    ticks,
    formatTicks: (ts) => {
      const mags = formatLogTicks(ts.map((v) => Math.abs(v)));
      return ts.map((v, i) => (v === 0 ? "0" : v < 0 ? withMinus(`-${mags[i]!}`) : mags[i]!));
    }
  };
}

/** Finite min and max of the values (optionally only positive ones); null when there are none. */
export function extent(values: Iterable<number>, positiveOnly = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positiveOnly && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}
