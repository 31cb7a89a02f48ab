/**
 * The Symmetry page end to end in real Chromium: it trains two moons networks from different seeds on
 * the server and draws, as each arrives, the straight line, the aligned line and the trained curve in
 * one chart; the barriers it names are the ones in the route's NDJSON reply (the page's request
 * replayed: the route is seeded end to end), and alignment cuts
 * the straight line's barrier severalfold. Skipped (with a note) where Debian's Chromium is missing.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatBarrier } from "../../src/plot/path-profiles-plot.js";
import { brokenImages, CHROMIUM, explorerForTests, openPage, screenshot } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium to run the browser tests`);

interface PathEvent {
  type: "path";
  path: "straight" | "aligned" | "curve";
  label: string;
  t: number[];
  loss: number[];
  barrier: { height: number; t: number };
}

describe.skipIf(!haveChromium)("explorer Symmetry page in Chromium", () => {
  const ex = explorerForTests();

  it("shows the straight, aligned and curved paths with the barriers the route computed", async () => {
    const { page, problems } = await openPage(ex.browser, `${ex.server.url}#page=symmetry&curveEpochs=10`);
    await page.waitForSelector('[data-testid="symmetry-run"]:not([disabled])', { timeout: 20_000 });
    expect(await page.textContent('[data-testid="symmetry-why"]')).toContain("Hidden units can be permuted without changing the function, so");
    const [request] = await Promise.all([page.waitForRequest((r) => r.url().endsWith("/api/symmetry")), page.click('[data-testid="symmetry-run"]')]);
    await page.waitForSelector('[data-testid="barrier-curve"]', { timeout: 90_000 });
    // The route is seeded end to end, so the same request replayed gives the reply the page drew (reading a
    // streamed body back through the browser's protocol is not reliable).
    const reply = await fetch(new URL("/api/symmetry", ex.server.url), { method: "POST", headers: { "content-type": "application/json" }, body: request.postData() ?? "" });
    const body = await reply.text();
    const events = body.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as { type: string });
    if (!events.some((e) => e.type === "path")) throw new Error(`no path events in the reply: ${body.slice(0, 2000)}`);
    const paths = Object.fromEntries(events.filter((e): e is PathEvent => e.type === "path").map((e) => [e.path, e]));
    expect(Object.keys(paths).sort()).toEqual(["aligned", "curve", "straight"]);

    for (const name of ["straight", "aligned", "curve"] as const) {
      const e = paths[name]!;
      const li = page.locator(`[data-testid="barrier-${name}"]`);
      expect(Number(await li.getAttribute("data-height"))).toBe(e.barrier.height);
      expect(Number(await li.getAttribute("data-t"))).toBe(e.barrier.t);
      expect(await li.textContent()).toContain(`${e.label}: ${formatBarrier(e.barrier)}`);
      expect(e.t).toHaveLength(61);
    }
    // the chart draws all three, each named in its legend
    const src = (await page.locator('[data-testid="symmetry-chart"] img').getAttribute("src")) ?? "";
    const svg = decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ""));
    for (const name of ["straight", "aligned", "curve"] as const) expect(svg).toContain(paths[name]!.label.replace(/>/g, "&gt;"));
    for (const color of ["#0072b2", "#d55e00", "#009e73"]) expect(svg.toLowerCase()).toContain(`stroke="${color}"`);
    // the page's defaults are the moons pair the library tests measure: alignment and the curve both cut the barrier
    expect(paths["straight"]!.barrier.height / paths["aligned"]!.barrier.height).toBeGreaterThan(3);
    expect(Math.max(...paths["curve"]!.loss)).toBeLessThan(Math.max(...paths["straight"]!.loss));
    expect(await brokenImages(page)).toEqual([]);
    await screenshot(page, "symmetry-moons");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});
