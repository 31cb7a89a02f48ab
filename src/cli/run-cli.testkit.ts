import { vi } from "vitest";
import { main } from "./main.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Run the CLI in-process exactly as a user types it (`losscape <args>`), capturing stdout and stderr,
 * optionally from another working directory (relative paths resolve against it).
 */
export async function runCli(args: readonly string[], cwd?: string): Promise<CliRun> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(["node", "losscape", ...args]);
    return { code, out, err };
  } finally {
    if (cwd) process.chdir(before);
    o.mockRestore();
    e.mockRestore();
  }
}
