/**
 * Shared set-up for the end-to-end tests: the browser app built once into a temporary folder,
 * the explorer server started in-process on a free port, and Debian's Chromium driven by
 * playwright-core with a fresh profile. Pages record console errors and failed requests.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll } from "vitest";
import { startExplorerServer, type ExplorerServerOptions, type RunningServer } from "../../src/server/server.js";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");
const ROOT = resolve(import.meta.dirname, "../..");

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run"
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Explorer {
  server: RunningServer;
  browser: Browser;
  close(): Promise<void>;
}

/** `options`: server settings for a test (e.g. shorter caps). */
export async function startExplorer(options: Partial<Pick<ExplorerServerOptions, "limits" | "workers">> = {}): Promise<Explorer> {
  const outDir = mkdtempSync(join(tmpdir(), "losscape-web-"));
  await build({ root: join(ROOT, "web"), configFile: join(ROOT, "web/vite.config.ts"), logLevel: "silent", build: { outDir, emptyOutDir: true } });
  const server = await startExplorerServer({ staticDir: outDir, port: 0, host: "127.0.0.1", log: () => {}, ...options });
  const browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  };
}

/** The explorer a describe block's tests share, with `url(hash)` for its pages. */
export interface SharedExplorer {
  readonly server: RunningServer;
  readonly browser: Browser;
  url(hash: string): string;
}

/**
 * One explorer for the enclosing describe block: started before its tests, closed after them.
 * Call it inside `describe`; its fields are usable from the tests (and later hooks) on.
 */
export function explorerForTests(options: Parameters<typeof startExplorer>[0] = {}, startTimeoutMs = 60_000): SharedExplorer {
  let ex: Explorer | undefined;
  beforeAll(async () => {
    ex = await startExplorer(options);
  }, startTimeoutMs);
  afterAll(async () => {
    await ex?.close();
  });
  const started = (): Explorer => {
    if (!ex) throw new Error("the explorer is not started yet: use it inside a test or a later hook");
    return ex;
  };
  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    url: (hash) => `${started().server.url}#${hash}`
  };
}

/** The SVG text behind a figure's <img> (the page shows server SVGs as data: URLs). */
export async function figureSvg(page: Page, testId: string): Promise<string> {
  const src = await page.getAttribute(`[data-testid="${testId}"] img`, "src");
  return decodeURIComponent((src ?? "").replace(/^data:image\/svg\+xml;charset=utf-8,/, ""));
}

/**
 * Records the NDJSON reply to the page's requests matching `glob` on its way in (reading a streamed
 * body back from the browser is unreliable once the page writes history entries); the returned
 * function gives the last reply's events.
 */
export async function recordStream(page: Page, glob: string): Promise<() => Record<string, unknown>[]> {
  let body = "";
  await page.route(glob, async (route) => {
    const resp = await route.fetch();
    body = await resp.text();
    await route.fulfill({ response: resp, body });
  });
  return () => body.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions and failed requests seen so far. */
  problems: string[];
}

export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Requests the page cancels on purpose (AbortController) are not failures.
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? "")) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
  });
  await page.goto(url);
  return { page, problems };
}

/** Every <img> on the page has loaded and has a size. */
export async function brokenImages(page: Page): Promise<string[]> {
  return page.$$eval("img", (imgs) => imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.alt || i.src.slice(0, 60)));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
