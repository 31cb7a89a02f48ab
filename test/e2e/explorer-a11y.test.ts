/**
 * The explorer on a phone-sized screen (390×844) and for assistive technology, in Chromium: no page
 * scrolls sideways, text (the page's and the pictures', as drawn) stays at 11 px or more, the active
 * tab is aria-current, presets are aria-pressed, verdicts land in a polite live region, every picture
 * has a text alternative, and Enter in a field runs the page's analysis.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, CHROMIUM, startExplorer, type Explorer } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);

/** Sideways overflow, text smaller than 11 px (HTML, and SVG text as displayed), and pictures without a text alternative. */
async function audit(page: Page): Promise<{ overflow: number; smallText: string[]; noAlt: string[] }> {
  return page.evaluate(async () => {
    const doc = document.documentElement;
    const overflow = doc.scrollWidth - doc.clientWidth;
    const smallText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim() || el.closest(".sr-only") || el.offsetParent === null) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 11) smallText.push(`${size}px: ${n.textContent.trim().slice(0, 40)}`);
    }
    // A picture's text is drawn at its SVG font size times the scale it is shown at.
    for (const img of [...document.querySelectorAll<HTMLImageElement>("figure img")]) {
      if (img.offsetParent === null || !img.src.startsWith("data:image/svg+xml")) continue;
      const svg = decodeURIComponent(img.src.slice(img.src.indexOf(",") + 1));
      const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1] ?? NaN);
      const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
      const shown = (Math.min(...sizes) * img.getBoundingClientRect().width) / width;
      if (sizes.length && shown < 11 - 0.05) smallText.push(`picture ${img.alt.slice(0, 40)}: ${shown.toFixed(1)}px`);
    }
    const noAlt = [
      ...[...document.querySelectorAll<HTMLImageElement>("img")].filter((i) => !i.alt.trim()).map((i) => i.src.slice(0, 40)),
      ...[...document.querySelectorAll("canvas")].filter((c) => c.getAttribute("role") !== "img" || !c.getAttribute("aria-label")?.trim()).map(() => "canvas"),
    ];
    return { overflow, smallText, noAlt };
  });
}

describe.skipIf(!haveChromium)("explorer on a phone and for assistive technology", () => {
  let ex: Explorer;
  let page: Page;
  const problems: string[] = [];
  const go = async (hash: string): Promise<void> => {
    await page.goto(`${ex.server.url}#${hash}`);
    await page.reload();
  };

  beforeAll(async () => {
    ex = await startExplorer();
    const context = await ex.browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
    page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await ex?.close();
  });

  it("curvature: fits 390 px, the active tab and preset are marked, the verdict is announced", async () => {
    await go("page=curvature");
    await expect.poll(() => page.textContent('[data-testid="verdict"]'), { timeout: 20_000 }).toBe("NEITHER");
    await page.waitForSelector('[data-testid="curvature-plot"] img');
    expect(await page.locator('nav a[aria-current="page"]').count()).toBe(1);
    expect(await page.getAttribute('nav a[aria-current="page"]', "data-testid")).toBe("nav-curvature");
    const pressed = page.locator('.presets button[aria-pressed="true"]');
    expect(await pressed.count()).toBe(1);
    expect(await page.locator(".presets button:not([aria-pressed])").count()).toBe(0);
    const live = page.locator('[role="status"][aria-live="polite"][data-testid="announce"]');
    await expect.poll(() => live.textContent()).toContain("neither convex nor concave: sigmoid(x)");
    // A preset press moves aria-pressed and the announcement follows the new verdict.
    await page.click("text=ReLU hat");
    await expect.poll(() => live.textContent(), { timeout: 20_000 }).toMatch(/^neither convex nor concave: .*relu/);
    expect(await page.locator('.presets button[aria-pressed="true"]').textContent()).toBe("ReLU hat");
    const a = await audit(page);
    await page.screenshot({ path: join(ARTIFACTS, "a11y-390-curvature.png"), fullPage: true });
    expect(a).toEqual({ overflow: 0, smallText: [], noAlt: [] });
  });

  it("network: fits 390 px and announces the segment's verdict", async () => {
    await go("page=network");
    await expect.poll(() => page.textContent('[data-testid="segment-summary"]'), { timeout: 20_000 }).toContain("L(θa) = 0");
    await expect.poll(() => page.textContent('[data-testid="announce"]')).toContain("not convex along the segment");
    expect(await page.getAttribute('nav a[aria-current="page"]', "data-testid")).toBe("nav-network");
    const a = await audit(page);
    await page.screenshot({ path: join(ARTIFACTS, "a11y-390-network.png"), fullPage: true });
    expect(a).toEqual({ overflow: 0, smallText: [], noAlt: [] });
  });

  it("landscape: the default run fits 390 px, with its 3-D view described and the barrier announced", async () => {
    await go("page=landscape");
    await page.waitForSelector('[data-testid="interpolation-plot"] img', { timeout: 90_000 });
    await expect.poll(() => page.textContent('[data-testid="announce"]')).toMatch(/barrier between the two minima|diverged/);
    expect(await page.getAttribute('[data-testid="surface-canvas"]', "aria-label")).toMatch(/3-D surface of the loss .* contour levels/);
    const a = await audit(page);
    await page.screenshot({ path: join(ARTIFACTS, "a11y-390-landscape.png"), fullPage: true });
    expect(a).toEqual({ overflow: 0, smallText: [], noAlt: [] });
  });

  it("hessian: Enter in a field runs the analysis; the result fits 390 px and is announced", async () => {
    await go("page=hessian&ds=moons&n=100&hidden=6&epochs=100");
    const epochs = page.locator('input[name="epochs"]');
    await epochs.fill("120");
    await epochs.press("Enter");
    await expect.poll(() => page.textContent('[data-testid="hessian-summary"]'), { timeout: 60_000 }).toMatch(/n = 32 parameters/);
    await page.waitForSelector('[data-testid="eigen-smallest"] img', { timeout: 30_000 });
    expect(page.url()).toContain("epochs=120");
    await expect.poll(() => page.textContent('[data-testid="announce"]')).toMatch(/^Hessian of 32 parameters/);
    expect(await page.locator("figcaption").count()).toBeGreaterThan(0);
    const a = await audit(page);
    await page.screenshot({ path: join(ARTIFACTS, "a11y-390-hessian.png"), fullPage: true });
    expect(a).toEqual({ overflow: 0, smallText: [], noAlt: [] });
  });

  it("symmetry: the page fits 390 px before any run", async () => {
    await go("page=symmetry");
    await page.waitForSelector('[data-testid="nav-symmetry"][aria-current="page"]');
    const a = await audit(page);
    expect(a.overflow).toBe(0);
    expect(a.smallText).toEqual([]);
    expect(problems).toEqual([]);
  });
});
