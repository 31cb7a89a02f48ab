/**
 * A request past its time cap, seen in Chromium: the curvature page shows the server's message,
 * which names the limit and what to change in the page's own words (f(x), from, to), and the page
 * keeps working for the next function. The server runs with a 1 s curvature cap so the test is quick.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHROMIUM, explorerForTests, openPage, screenshot } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium to run the browser tests`);

/** The stalling request: a product of 39 sines on ±1e6 (about 10 s of curvature analysis). */
const STALL = Array.from({ length: 39 }, () => "sin(x)").join("*");

describe.skipIf(!haveChromium)("explorer time caps in Chromium", () => {
  const ex = explorerForTests({ limits: { curvatureSeconds: 1 }, workers: 2 });

  it("the curvature page shows which cap stopped the analysis, then analyses the next function", async () => {
    const { page, problems } = await openPage(ex.browser, `${ex.server.url}#page=curvature&expr=${encodeURIComponent(STALL)}&a=-1000000&b=1000000`);
    await expect.poll(() => page.textContent('[data-testid="error"]'), { timeout: 30_000 }).toBe(
      "curvature stopped at its 1 s time cap: a simpler f(x) or a narrower range (from, to) finishes sooner"
    );
    expect(await page.isVisible('[data-testid="verdict"]')).toBe(false);
    await screenshot(page, "curvature-time-cap");
    // The capped worker was stopped; the next analysis (the page follows the URL) gets a worker and answers.
    await expect.poll(() => ex.server.load().terminated, { timeout: 10_000 }).toBe(1);
    await page.goto(`${ex.server.url}#page=curvature&expr=x%5E2&a=-1&b=1`);
    await expect.poll(() => page.textContent('[data-testid="verdict"]'), { timeout: 30_000 }).toBe("CONVEX");
    // The only console noise allowed is the browser's own note about the 503 reply.
    expect(problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
    await page.context().close();
  }, 120_000);
});
