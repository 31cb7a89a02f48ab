/**
 * View state in the URL (after "#"), so a view can be shared: a small typed registry in the spirit of
 * TensorFlow Playground's. Each page declares its fields with a type, a default and bounds; on load
 * every value is parsed and validated, and a bad one falls back to its default with a note.
 */

export type Field =
  | { kind: "string"; default: string; maxLength: number }
  | { kind: "number"; default: number; min: number; max: number }
  | { kind: "int"; default: number; min: number; max: number }
  | { kind: "bool"; default: boolean }
  | { kind: "enum"; default: string; values: readonly string[] }
  | { kind: "numbers"; default: readonly number[]; maxLength: number }
  | { kind: "ints"; default: readonly number[]; min: number; max: number; minLength: number; maxLength: number };

type ValueOf<F extends Field> = F extends { kind: "string" } | { kind: "enum" }
  ? string
  : F extends { kind: "number" } | { kind: "int" }
    ? number
    : F extends { kind: "bool" }
      ? boolean
      : readonly number[];

export type StateOf<S extends Record<string, Field>> = { [K in keyof S]: ValueOf<S[K]> };

export interface Parsed<T> {
  value: T;
  /** One line per value that was ignored, for the page to show. */
  problems: string[];
}

function parseField(f: Field, raw: string): { ok: true; v: unknown } | { ok: false; why: string } {
  switch (f.kind) {
    case "string":
      return raw.length <= f.maxLength ? { ok: true, v: raw } : { ok: false, why: `longer than ${f.maxLength} characters` };
    case "number":
    case "int": {
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v)) return { ok: false, why: "not a number" };
      if (f.kind === "int" && !Number.isInteger(v)) return { ok: false, why: "not an integer" };
      if (v < f.min || v > f.max) return { ok: false, why: `outside [${f.min}, ${f.max}]` };
      return { ok: true, v };
    }
    case "bool":
      return raw === "1" || raw === "true" ? { ok: true, v: true } : raw === "0" || raw === "false" ? { ok: true, v: false } : { ok: false, why: "not 0 or 1" };
    case "enum":
      return f.values.includes(raw) ? { ok: true, v: raw } : { ok: false, why: `not one of ${f.values.join(", ")}` };
    case "numbers":
    case "ints": {
      // Non-negative integer lists may also be written 16-16, as in the forms.
      const sep = f.kind === "ints" && f.min >= 0 ? /[,-]/ : /,/;
      const parts = raw === "" ? [] : raw.split(sep);
      const vs = parts.map(Number);
      if (vs.some((v) => !Number.isFinite(v))) return { ok: false, why: "not a comma-separated list of numbers" };
      if (parts.length > f.maxLength) return { ok: false, why: `more than ${f.maxLength} values` };
      if (f.kind === "ints") {
        if (vs.some((v) => !Number.isInteger(v) || v < f.min || v > f.max)) return { ok: false, why: `values must be integers in [${f.min}, ${f.max}]` };
        if (vs.length < f.minLength) return { ok: false, why: `fewer than ${f.minLength} values` };
      }
      return { ok: true, v: vs };
    }
  }
}

function formatField(f: Field, v: unknown): string {
  if (f.kind === "bool") return v ? "1" : "0";
  if (f.kind === "numbers" || f.kind === "ints") return (v as readonly number[]).join(",");
  return String(v);
}

export interface StateRegistry<S extends Record<string, Field>> {
  readonly fields: S;
  defaults(): StateOf<S>;
  parse(params: URLSearchParams): Parsed<StateOf<S>>;
  /** Only values that differ from their defaults are written, so URLs stay short. */
  write(value: StateOf<S>, params: URLSearchParams): void;
}

export function defineState<S extends Record<string, Field>>(fields: S): StateRegistry<S> {
  const keys = Object.keys(fields) as (keyof S & string)[];
  const defaults = (): StateOf<S> => Object.fromEntries(keys.map((k) => [k, fields[k]!.default])) as StateOf<S>;
  return {
    fields,
    defaults,
    parse(params) {
      const value = defaults() as Record<string, unknown>;
      const problems: string[] = [];
      for (const k of keys) {
        const raw = params.get(k);
        if (raw === null) continue;
        const r = parseField(fields[k]!, raw);
        if (r.ok) value[k] = r.v;
        else problems.push(`ignored ${k}=${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}: ${r.why}`);
      }
      return { value: value as StateOf<S>, problems };
    },
    write(value, params) {
      for (const k of keys) {
        const f = fields[k]!;
        const text = formatField(f, value[k]);
        if (text === formatField(f, f.default)) params.delete(k);
        else params.set(k, text);
      }
    },
  };
}

export const PAGES = ["curvature", "network", "landscape", "hessian", "symmetry"] as const;
export type PageName = (typeof PAGES)[number];

export function readHash(): URLSearchParams {
  return new URLSearchParams(window.location.hash.replace(/^#/, ""));
}

export function pageFromHash(params: URLSearchParams): PageName {
  const p = params.get("page");
  return (PAGES as readonly string[]).includes(p ?? "") ? (p as PageName) : "curvature";
}

const lastHashes = new Map<PageName, string>();

/** The hash a page last wrote, so a tab link returns to the view it left (not to its defaults). */
export function lastHashOf(page: PageName): string {
  return lastHashes.get(page) ?? `#page=${page}`;
}

/** Remember the hash now in the address bar as its page's last view. */
export function noteHash(): void {
  const hash = window.location.hash;
  if (hash.length > 1) lastHashes.set(pageFromHash(readHash()), hash);
}

/** Fired on window after writeHash changes the URL (pushState and replaceState fire no event of their own). */
export const HASH_WRITTEN = "losscape:hash-written";

/**
 * The hash of the view whose analysis is on screen. It lives here rather than in history.state:
 * marking an entry with replaceState is a navigation, and one in the middle of a streamed reply makes
 * Chromium's DevTools (and so Playwright) drop that reply's body. Pages mark again whenever they show
 * a view's results (after Back, after a tab link), so the mark is always that of the current entry.
 */
let analysedHash: string | null = null;

/**
 * Write the page's keys into the hash. History holds one entry per analysis plus one draft on top:
 * an edit after an analysis pushes a new entry, further edits replace that draft, and `analysis`
 * marks the current view as analysed, so Back steps from analysis to analysis.
 */
export function writeHash<S extends Record<string, Field>>(page: PageName, registry: StateRegistry<S>, value: StateOf<S>, analysis = false): void {
  const params = new URLSearchParams();
  params.set("page", page);
  registry.write(value, params);
  const next = `#${params.toString()}`;
  lastHashes.set(page, next);
  const current = window.location.hash;
  if (current !== next) {
    if (analysedHash !== null && analysedHash === current) history.pushState(null, "", next);
    else history.replaceState(null, "", next);
    window.dispatchEvent(new Event(HASH_WRITTEN));
  }
  if (analysis) analysedHash = next;
}

/** The written form of a value, to compare two states. */
export function stateKey<S extends Record<string, Field>>(registry: StateRegistry<S>, value: StateOf<S>): string {
  const params = new URLSearchParams();
  registry.write(value, params);
  return params.toString();
}
