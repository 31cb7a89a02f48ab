/**
 * Every example in every `--help` runs as written. Each help's examples run in order in a fresh
 * temporary folder (so files made by earlier ones exist for later ones), in-process through the
 * same `main` the binary calls, with a small shell: quotes, `&&` and `> file`. An example that
 * cannot run in a test is listed in NOT_RUN with the reason; any other is run, none is skipped
 * silently. Also: no command in any help is broken across lines at commander's 80 columns.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS } from "./commands.js";
import { runCli } from "./run-cli.testkit.js";

/** Examples not run here, each with why. */
const NOT_RUN: Readonly<Record<string, string>> = {
  "npm start": "builds the web app and serves until stopped; serve.test.ts starts and stops the server",
  "losscape serve": "serves until Ctrl-C; serve.test.ts starts and stops the server",
  "losscape serve --port 8080": "serves until Ctrl-C; serve.test.ts starts and stops the server",
  "losscape serve --host 0.0.0.0": "serves until Ctrl-C, reachable from the network; serve.test.ts starts and stops the server",
  "losscape serve --workers 2": "serves until Ctrl-C; serve.test.ts starts and stops the server"
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The command part of an example line: up to a run of 2+ spaces or a " #" outside quotes (the comment). */
export function exampleCommand(line: string): string {
  const s = line.trim().replace(/^\$\s+/, "");
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ((c === " " && s[i + 1] === " ") || (c === " " && s[i + 1] === "#")) return s.slice(0, i);
  }
  return s;
}

/**
 * The commands of each `Examples...:` section (its indented lines up to a blank or unindented one).
 * Where the section writes a `$ ` prompt, only those lines are commands (others continue a comment).
 */
export function helpExamples(help: string): string[] {
  const out: string[] = [];
  let section: string[] | null = null;
  const flush = (): void => {
    if (!section) return;
    const prompted = section.some((l) => /^\s+\$ /.test(l));
    for (const l of section) if (!prompted || /^\s+\$ /.test(l)) out.push(exampleCommand(l));
    section = null;
  };
  for (const line of help.split("\n")) {
    if (/^Examples?\b.*:$/.test(line)) {
      flush();
      section = [];
    } else if (section && /^\s+\S/.test(line)) section.push(line);
    else flush();
  }
  flush();
  return out;
}

type Word = string | { op: "&&" | ">" };

function words(cmd: string): Word[] {
  const out: Word[] = [];
  let cur: string | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === '"' || c === "'") {
      const end = cmd.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed quote in: ${cmd}`);
      cur = (cur ?? "") + cmd.slice(i + 1, end);
      i = end;
    } else if (c === " ") {
      if (cur !== null) out.push(cur);
      cur = null;
    } else if (c === ">" && cur === null) out.push({ op: ">" });
    else if (c === "&" && cmd[i + 1] === "&" && cur === null) {
      out.push({ op: "&&" });
      i++;
    } else cur = (cur ?? "") + c;
  }
  if (cur !== null) out.push(cur);
  return out;
}

/** Run `losscape ...` lines (with `&&` and `> file`) in `cwd`; the first failing part's output. */
async function runExample(cmd: string, cwd: string): Promise<{ code: number; out: string; err: string }> {
  const parts: Word[][] = [[]];
  for (const w of words(cmd)) {
    if (typeof w !== "string" && w.op === "&&") parts.push([]);
    else parts[parts.length - 1]!.push(w);
  }
  let last = { code: 0, out: "", err: "" };
  for (const p of parts) {
    const redirect = p.findIndex((w) => typeof w !== "string");
    const argv = (redirect >= 0 ? p.slice(0, redirect) : p) as string[];
    const target = redirect >= 0 ? (p[redirect + 1] as string) : undefined;
    if (argv[0] !== "losscape") throw new Error(`not a losscape command (add it to NOT_RUN with a reason): ${cmd}`);
    last = await runCli(argv.slice(1), cwd);
    if (target !== undefined) writeFileSync(join(cwd, target), last.out);
    if (last.code !== 0) return last;
  }
  return last;
}

const program = new Command("losscape");
for (const register of COMMANDS) register(program, () => {});
const names = ["", ...program.commands.map((c) => c.name())];

async function help(name: string, columns?: number): Promise<string> {
  const out = process.stdout as { columns?: number; isTTY?: boolean };
  const saved = { columns: out.columns, isTTY: out.isTTY };
  if (columns) Object.assign(out, { columns, isTTY: true });
  try {
    return (await runCli(name ? [name, "--help"] : ["--help"])).out;
  } finally {
    Object.assign(out, saved);
  }
}

describe("the examples parser", () => {
  it("separates the command from its comment, and reads quotes, && and >", () => {
    expect(exampleCommand('  $ losscape curvature "relu(x+1) - 2*relu(x)"   kinks +1, -2')).toBe('losscape curvature "relu(x+1) - 2*relu(x)"');
    expect(exampleCommand("  $ losscape example mnist-lenet --out lenet     # lenet/x.npy")).toBe("losscape example mnist-lenet --out lenet");
    expect(words('losscape a "x y" > f.json && losscape b')).toEqual(["losscape", "a", "x y", { op: ">" }, "f.json", { op: "&&" }, "losscape", "b"]);
  });
});

describe("every --help example runs as written", () => {
  for (const name of names) {
    it(`losscape ${name || "(top level)"} --help`, async () => {
      const examples = helpExamples(await help(name));
      const cwd = mkdtempSync(join(tmpdir(), `losscape-help-${name || "top"}-`));
      dirs.push(cwd);
      for (const ex of examples) {
        if (NOT_RUN[ex]) continue;
        const r = await runExample(ex, cwd);
        expect({ example: ex, code: r.code, err: r.err }).toEqual({ example: ex, code: 0, err: expect.not.stringMatching(/error/i) });
      }
    }, 180_000);
  }

  it("NOT_RUN lists only examples that exist", async () => {
    const all = new Set<string>();
    for (const name of names) for (const ex of helpExamples(await help(name))) all.add(ex);
    for (const ex of Object.keys(NOT_RUN)) expect(all.has(ex), ex).toBe(true);
  });
});

describe("help text never breaks a command across lines", () => {
  for (const name of names) {
    it(`losscape ${name || "(top level)"} --help at 80 columns`, async () => {
      const narrow = await help(name);
      const wide = await help(name, 2000);
      const known = names.filter((n) => n !== "").join("|");
      // whole commands on lines of their own (examples), and "losscape <command>" mentioned in prose
      const commands = [
        ...[...wide.matchAll(new RegExp(`^\\s*(?:\\$ )?(losscape (?:${known})\\b.*)$`, "gm"))].map((m) => exampleCommand(m[1]!)),
        ...[...wide.matchAll(new RegExp(`losscape (?:${known})\\b`, "g"))].map((m) => m[0])
      ];
      expect(commands.length).toBeGreaterThan(0);
      const lines = narrow.split("\n");
      for (const c of commands) expect(lines.some((l) => l.includes(c)), `"${c}" is broken across lines`).toBe(true);
    });
  }
});
