import type { Command } from "commander";

/**
 * Commander reads any argument starting with "-" as an option, so `losscape curvature "-x^2"` would
 * fail. An argument that starts with "-", is not a known option, is not the value of the option
 * before it, and does not look like an option name (e.g. "-x^2", "-(x)", "-1") is a positional: it
 * gets a leading space, which commander leaves alone and every command trims. Options after it
 * keep working, unlike inserting "--".
 */
export function protectNegativeOperands(program: Command, argv: readonly string[]): string[] {
  const out = [...argv];
  const knownLong = new Set<string>();
  const knownShort = new Set<string>();
  const collect = (c: Command): void => {
    for (const o of c.options) {
      if (o.long) knownLong.add(o.long);
      if (o.short) knownShort.add(o.short);
    }
    c.commands.forEach(collect);
  };
  collect(program);
  knownShort.add("-h");
  knownLong.add("--help");
  for (let i = 2; i < out.length; i++) {
    const a = out[i]!;
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    const name = a.split("=")[0]!;
    if (knownLong.has(name) || knownShort.has(name)) continue;
    // The value of a preceding option (e.g. `--x -1:1:51`, `--domain -5,5`) is consumed by that option.
    const prev = out[i - 1];
    if (prev && prev.startsWith("-") && !prev.includes("=") && takesValue(program, prev)) continue;
    if (/^--[A-Za-z]/.test(a)) continue; // an unknown long option: let commander report it
    out[i] = ` ${a}`;
  }
  return out;
}

function takesValue(program: Command, flag: string): boolean {
  let found = false;
  const visit = (c: Command): void => {
    for (const o of c.options) if ((o.long === flag || o.short === flag) && (o.required || o.optional)) found = true;
    c.commands.forEach(visit);
  };
  visit(program);
  return found;
}
