/**
 * Messages for a spec that does not parse, written for the person who wrote it: the field, what
 * was found there, the valid values and the nearest one ("ReLU" -> did you mean "relu"?), and for
 * data the form expected with an example. zod's own messages ("Invalid input") say none of this,
 * above all for unions, where it cannot know which branch was meant.
 */
import type { z } from "zod";
import { didYouMean } from "../util/nearest.js";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** The keys an object at `path` may have (for unknown-key messages); undefined where not known. */
export type KeysAt = (path: Path, value: unknown) => readonly string[] | undefined;

export function formatPath(path: Path): string {
  if (path.length === 0) return "(top level)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

function at(raw: unknown, path: Path): unknown {
  let v = raw;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** A value as it appears in the spec, shortened: "ReLU", 3, a list of 2 numbers, an object. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    const s = shapeOf(v);
    if (s) return `an array of shape [${s.join(", ")}]${v.length <= 4 ? ` (${JSON.stringify(v)})` : ""}`;
    return `an array of ${v.length} item(s)${v.length <= 3 ? ` (${JSON.stringify(v).slice(0, 60)})` : ""}`;
  }
  if (typeof v === "object") {
    const keys = Object.keys(v);
    return keys.length ? `an object with keys ${keys.map((k) => JSON.stringify(k)).join(", ")}` : "an empty object";
  }
  return typeof v;
}

/** The shape of a nested array of numbers with equal lengths at every level, else undefined. */
export function shapeOf(v: unknown): number[] | undefined {
  if (typeof v === "number") return [];
  if (!Array.isArray(v) || v.length === 0) return Array.isArray(v) ? [0] : undefined;
  const inner = shapeOf(v[0]);
  if (!inner) return undefined;
  for (const e of v) {
    const s = shapeOf(e);
    if (!s || s.join(",") !== inner.join(",")) return undefined;
  }
  return [v.length, ...inner];
}

const DATA_FORMS =
  'a built-in data set name ("moons"), {"name": "moons", "n": 200}, inline rows {"x": [[1], [-1]], "y": [1, -1]} ' +
  'or files {"x": "x.npy", "y": "y.npy"} (.npy, .csv, .json; paths relative to the spec)';

/** What is wrong with a spec's `data` field, in its own words (the union's branches guessed from the keys). */
export function describeData(d: unknown): string[] {
  if (d === undefined) return [`data: missing; give ${DATA_FORMS}`];
  if (typeof d === "string") return d === "" ? [`data: empty; give ${DATA_FORMS}`] : [];
  if (d === null || typeof d !== "object" || Array.isArray(d)) return [`data: expected ${DATA_FORMS}; got ${describeValue(d)}`];
  const o = d as Record<string, unknown>;
  if ("name" in o) {
    const extra = Object.keys(o).filter((k) => !["name", "n", "noise", "seed", "classes"].includes(k));
    return extra.map((k) => `data.${k}: a built-in data set takes name, n, noise, seed, classes, not "${k}"${didYouMean(k, ["name", "n", "noise", "seed", "classes"])}`);
  }
  if (!("x" in o) && !("y" in o)) {
    return [`data: an object needs "x" and "y" (inline rows or files) or "name" (a built-in data set); got ${describeValue(d)}`];
  }
  for (const k of ["x", "y"] as const) {
    if (!(k in o)) return [`data.${k}: missing; data needs both x and y, e.g. {"x": [[1], [-1]], "y": [1, -1]} or {"x": "x.npy", "y": "y.npy"}`];
  }
  const xFile = typeof o["x"] === "string", yFile = typeof o["y"] === "string";
  if (xFile !== yFile) {
    const [file, inline] = xFile ? ["x", "y"] : ["y", "x"];
    return [
      `data: ${file} is a file (${describeValue(o[file])}) but ${inline} is inline (${describeValue(o[inline])}); ` +
        `give both as files ({"x": "x.npy", "y": "y.npy"}) or both inline ({"x": [[1], [-1]], "y": [1, -1]})`
    ];
  }
  const allowed = xFile ? ["x", "y", "task"] : ["x", "y"];
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  const msgs = extra.map((k) => `data.${k}: not a field of ${xFile ? "file" : "inline"} data (it takes ${allowed.join(", ")})${didYouMean(k, allowed)}`);
  if (xFile) return msgs;
  const x = o["x"], y = o["y"];
  const xs = shapeOf(x), ys = shapeOf(y);
  if (!xs || xs.length !== 2 || xs[0] === 0 || xs[1] === 0) {
    const flat = xs?.length === 1 ? `; for ${xs[0]} samples of one feature write [[${(x as number[]).slice(0, 2).join("], [")}]${xs[0]! > 2 ? ", ..." : ""}]` : "";
    const ragged = Array.isArray(x) && !xs && x.every((r) => Array.isArray(r)) ? ` (rows of different lengths: ${(x as unknown[][]).map((r) => r.length).slice(0, 6).join(", ")})` : "";
    msgs.push(`data.x must be rows, one per sample, e.g. [[1], [-1]]; got ${describeValue(x)}${ragged}${flat}`);
  }
  if (!ys || ys.length < 1 || ys.length > 2 || ys[0] === 0 || (ys.length === 2 && ys[1] === 0)) {
    msgs.push(`data.y must be one value per sample ([1, -1], labels or targets) or rows ([[1], [-1]]); got ${describeValue(y)}`);
  } else if (xs && xs.length === 2 && xs[0] !== ys[0]) {
    msgs.push(`data.x has ${xs[0]} samples (shape [${xs.join(", ")}]) but data.y has ${ys[0]} (shape [${ys.join(", ")}])`);
  }
  return msgs;
}

function issueMessages(issue: Issue, raw: unknown, keysAt: KeysAt, prefix: Path = []): string[] {
  const path = [...prefix, ...issue.path];
  const where = formatPath(path);
  const got = at(raw, path);
  switch (issue.code) {
    case "invalid_value": {
      const values = issue.values.map(String);
      if (values.length === 1) return [`${where}: must be ${JSON.stringify(issue.values[0])}, got ${describeValue(got)}`];
      const hint = typeof got === "string" ? didYouMean(got, values) : "";
      return [`${where}: ${describeValue(got)} is not one of ${values.join(", ")}${hint}`];
    }
    case "unrecognized_keys": {
      const valid = keysAt(path, got);
      return issue.keys.map((k) => {
        const keyPath = formatPath([...path, k]);
        return valid
          ? `${keyPath}: unknown field${didYouMean(k, valid)} (the fields here are ${valid.join(", ")})`
          : `${keyPath}: unknown field`;
      });
    }
    case "invalid_union": {
      if ("discriminator" in issue && (issue as { note?: string }).note === "No matching discriminator") {
        const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
        const hint = typeof got === "string" ? didYouMean(got, options) : "";
        return [`${where}: ${got === undefined ? "missing" : `${describeValue(got)} is not a known value`}; it must be one of ${options.join(", ")}${hint}`];
      }
      if (path.length === 1 && path[0] === "data") return describeData(got);
      // The branch whose type matched (its issues lie below the top, or are not type errors) is the one meant.
      const mismatch = (i: Issue): boolean =>
        i.path.length === 0 && (i.code === "invalid_type" || (i.code === "invalid_value" && got !== null && typeof got === "object"));
      const branches = issue.errors.filter((b) => !b.every(mismatch));
      if (branches.length === 1) return branches[0]!.flatMap((i) => issueMessages(i, raw, keysAt, path));
      const expected = issue.errors.flatMap((b) => b.filter((i) => i.code === "invalid_type" && i.path.length === 0).map((i) => (i as { expected: string }).expected));
      const alts = branches.length > 1 ? branches.flatMap((b) => b.flatMap((i) => issueMessages(i, raw, keysAt, path))) : [];
      return alts.length ? [alts.join(", or ")] : [`${where}: expected ${[...new Set(expected)].join(" or ")}, got ${describeValue(got)}`];
    }
    case "invalid_type":
      if (got === undefined) return [`${where}: missing (expected ${issue.expected})`];
      return [`${where}: expected ${issue.expected}, got ${describeValue(got)}`];
    default:
      return [`${where}: ${issue.message}${got !== undefined && typeof got !== "object" ? ` (got ${describeValue(got)})` : ""}`];
  }
}

/** One line per problem found, at most `max`. */
export function describeSpecIssues(issues: readonly Issue[], raw: unknown, keysAt: KeysAt, max = 5): string[] {
  const out: string[] = [];
  // zod reports a data union by the branch it guessed; describeData guesses from the keys the user wrote.
  const data = issues.some((i) => i.path[0] === "data") ? describeData(at(raw, ["data"])) : [];
  for (const i of issues) {
    if (i.path[0] === "data" && data.length) continue;
    for (const m of issueMessages(i, raw, keysAt)) if (!out.includes(m)) out.push(m);
  }
  for (const m of data) if (!out.includes(m)) out.push(m);
  return out.slice(0, max);
}
