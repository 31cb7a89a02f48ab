/**
 * The package as a user gets it: `npm pack` the project, install the tarball into an empty folder
 * without network access (from the npm cache that installing the clone filled, onnxruntime-node's
 * CUDA download skipped as the README says), start that folder's `losscape serve`, and use the
 * explorer in Chromium. Fails if the tarball lacks the built web app or the analysis worker, or ships
 * what it should not (sources, tests, source maps).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium, openPage } from "./browser.js";

const ROOT = resolve(import.meta.dirname, "../..");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium to run the browser tests`);

interface Run {
  code: number | null;
  out: string;
}

/**
 * A child process with npm's own variables removed: under `npm test` they name this project
 * (npm_config_local_prefix and the like) and would point the install back at it.
 */
function run(cmd: string, args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (c: Buffer) => (out += c.toString()));
    p.stderr.on("data", (c: Buffer) => (out += c.toString()));
    p.on("error", fail);
    p.on("close", (code) => done({ code, out }));
  });
}

interface PackedFile {
  path: string;
  size: number;
}

/**
 * A lockfile for a project that depends on the tarball alone: the clone's lock without its dev-only
 * packages, each with its registry address, so npm needs only the tarballs in its cache (not the
 * registry's package lists) and installs exactly the versions the clone was tested with.
 */
function lockFor(tarball: string): Record<string, unknown> {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, Record<string, unknown>> };
  const self = lock.packages[""]!;
  const packages: Record<string, Record<string, unknown>> = {
    "": { name: "app", version: "1.0.0", dependencies: { losscape: tarball } },
    "node_modules/losscape": { version: self["version"], resolved: tarball, dependencies: self["dependencies"], bin: self["bin"], engines: self["engines"] }
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry["dev"] === true || entry["link"] === true) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const file = `${name.split("/").pop()!}-${String(entry["version"])}.tgz`;
    packages[path] = { resolved: `https://registry.npmjs.org/${name}/-/${file}`, ...entry };
  }
  return { name: "app", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

/** Start `losscape serve --port 0` and read the address it prints. */
function serve(bin: string, cwd: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--workers", "2"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((done, fail) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /losscape explorer: (http:\/\/\S+)/.exec(out);
      if (m) done({ url: m[1]!, child, output: () => out });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", fail);
    child.on("exit", (code) => fail(new Error(`losscape serve exited with ${code}:\n${out}`)));
  });
}

describe.skipIf(!haveChromium)("the packed package, installed offline into an empty folder", () => {
  const base = mkdtempSync(join(tmpdir(), "losscape-package-"));
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill("SIGTERM");
    rmSync(base, { recursive: true, force: true });
  });

  it("ships the web app and the compiled code only, installs without the network, and serves the explorer", async () => {
    // `npm test` builds both (npm run build); `npm install` of the clone does too (prepare).
    for (const built of ["dist/cli/main.js", "dist/server/analysis-worker.js", "web/dist/index.html"]) {
      expect(existsSync(join(ROOT, built)), `${built} is missing: run "npm run build"`).toBe(true);
    }
    // The build is already there, so pack without the scripts: prepack would delete dist/ under the other tests.
    const pack = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", base], ROOT);
    expect(pack.code, pack.out).toBe(0);
    const [packed] = JSON.parse(pack.out.slice(pack.out.indexOf("["))) as { filename: string; size: number; unpackedSize: number; files: PackedFile[] }[];
    const paths = packed!.files.map((f) => f.path);
    for (const needed of ["bin/losscape.js", "dist/cli/main.js", "dist/server/analysis-worker.js", "dist/index.d.ts", "web/dist/index.html", "package.json", "README.md"]) {
      expect(paths, needed).toContain(needed);
    }
    expect(paths.filter((p) => p.startsWith("web/dist/assets/") && p.endsWith(".js")).length).toBeGreaterThan(0);
    const stray = paths.filter((p) => /\.map$|\.test\.|\.testkit\.|^src\/|^test\/|^web\/src\/|^bench\/|^\.ci\//.test(p));
    expect(stray).toEqual([]);
    console.log(`package: ${packed!.filename}, ${(packed!.size / 1024).toFixed(0)} kB packed, ${(packed!.unpackedSize / 1024 / 1024).toFixed(1)} MB unpacked, ${paths.length} files`);

    const app = join(base, "app");
    mkdirSync(app);
    const tarball = `file:../${packed!.filename}`;
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true, dependencies: { losscape: tarball } }, null, 2));
    writeFileSync(join(app, "package-lock.json"), JSON.stringify(lockFor(tarball), null, 2));
    const t0 = performance.now();
    const flags = ["--no-audit", "--no-fund", "--loglevel=error"];
    let install = await run("npm", ["ci", "--offline", ...flags], app, { ONNXRUNTIME_NODE_INSTALL: "skip" });
    // A cache filled some other way may lack a tarball: then fetch just what is missing from the registry.
    if (install.code !== 0 && /ENOTCACHED/.test(install.out)) install = await run("npm", ["ci", "--prefer-offline", ...flags], app, { ONNXRUNTIME_NODE_INSTALL: "skip" });
    expect(install.code, install.out).toBe(0);
    console.log(`package: installed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const bin = join(app, "node_modules/.bin/losscape");
    expect(existsSync(bin)).toBe(true);

    const running = await serve(bin, app);
    server = running.child;
    const browser = await launchChromium();
    try {
      const { page, problems } = await openPage(browser, `${running.url}#page=curvature&expr=x%5E2&a=-1&b=1`);
      // The installed app renders and its own curvature request comes back: x² is convex.
      await expect.poll(() => page.textContent('[data-testid="verdict"]'), { timeout: 30_000 }).toBe("CONVEX");
      // The API from the page's origin, as any page script would call it.
      const reply = await page.evaluate(async () => {
        const r = await fetch("/api/curvature", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ expression: "x^2", domain: [-1, 1] }) });
        return { status: r.status, body: (await r.json()) as { result: { verdict: string }; svg: string } };
      });
      expect(reply.status).toBe(200);
      expect(reply.body.result.verdict).toBe("convex");
      expect(reply.body.svg).toMatch(/^<svg/);
      expect(problems).toEqual([]);
      await page.context().close();
    } finally {
      await browser.close();
    }
    expect(running.output()).not.toMatch(/internal error/);
  }, 300_000);
});
