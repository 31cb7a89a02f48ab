/** Option-value parsers shared by the commands: a bad value is a commander error (exit 2) that names the option. */
import { InvalidArgumentError } from "commander";
import { UserError } from "../util/errors.js";

export function parseNumber(name: string): (v: string) => number {
  return (v) => {
    const t = v.trim();
    const n = Number(t);
    if (t === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
    return n;
  };
}

export function parseInteger(name: string, min: number): (v: string) => number {
  return (v) => {
    const t = v.trim();
    if (!/^[-+]?\d+$/.test(t) || !Number.isSafeInteger(Number(t)) || Number(t) < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${v}"`);
    return Number(t);
  };
}

/** `--scale`: PNG pixels per SVG unit, checked when parsed so a long run does not fail at its last step. */
export function parseScale(v: string): number {
  const n = Number(v.trim());
  if (v.trim() === "" || !(Number.isFinite(n) && n > 0 && n <= 10)) throw new InvalidArgumentError(`--scale must be a number above 0 and at most 10, got "${v}"`);
  return n;
}

/** The plot formats of a `--format` list ("svg", "png" or "svg,png"). */
export function plotFormats(list: string): ("svg" | "png")[] {
  const formats = list.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  for (const f of formats) if (f !== "svg" && f !== "png") throw new UserError(`--format ${f}: use svg, png or svg,png`);
  return formats as ("svg" | "png")[];
}
