/**
 * The explorer end to end in real Chromium: each page loads, runs its main action against the real
 * server, and shows the right verdicts and numbers with its plots rendered and no console errors.
 * Skipped (with a note) where Debian's Chromium is not installed.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { brokenImages, CHROMIUM, explorerForTests, openPage, screenshot } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium to run the browser tests`);

describe.skipIf(!haveChromium)("losscape explorer in Chromium", () => {
  const ex = explorerForTests();
  const url = ex.url;

  it("curvature page: sigmoid is neither, with its inflection at 0; the ReLU hat has a concave kink of -2", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=curvature"));
    await expect.poll(() => page.textContent('[data-testid="verdict"]'), { timeout: 20_000 }).toBe("NEITHER");
    expect((await page.textContent('[data-testid="inflections"]'))?.trim()).toBe("at 0 (exactly)");
    expect(await page.textContent('[data-testid="dcp-tree"]')).toContain("sigmoid");
    expect(await page.isVisible('[data-testid="certificate-notConvex"]')).toBe(true);
    await screenshot(page, "curvature-sigmoid");

    await page.click("text=ReLU hat");
    await expect.poll(() => page.textContent('[data-testid="kinks"]'), { timeout: 20_000 }).toContain("by -2");
    expect(await page.textContent('[data-testid="verdict"]')).toBe("NEITHER");
    expect(page.url()).toContain("expr=relu");
    expect(await brokenImages(page)).toEqual([]);
    await screenshot(page, "curvature-relu-hat");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("curvature page: state comes from the URL, and a bad expression shows the column", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=curvature&expr=relu(x)&a=-2&b=3"));
    await expect.poll(() => page.textContent('[data-testid="verdict"]'), { timeout: 20_000 }).toBe("CONVEX");
    expect(await page.inputValue('input[name="a"]')).toBe("-2");
    await page.fill('input[name="expression"]', "relu(x) + foo(x)");
    await page.click('[data-testid="analyze"]');
    await expect.poll(() => page.textContent('[data-testid="error"]'), { timeout: 20_000 }).toContain("column");
    // The only console noise allowed is the browser's own note about the 400 reply.
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.context().close();
  });

  it("network page: the seed answer's θ1, θ2 give losses 0, 0 and a midpoint loss 1, certified exactly", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=network"));
    await expect.poll(() => page.textContent('[data-testid="segment-summary"]'), { timeout: 20_000 }).toContain("L(θa) = 0, L(θb) = 0");
    expect(await page.textContent('[data-testid="segment-summary"]')).toContain("rises 1 above the chord at s = 0.5");
    await page.click('[data-testid="search"]');
    await expect.poll(() => page.textContent('[data-testid="network-verdict"]'), { timeout: 40_000 }).toBe("NOT CONVEX");
    const cert = (await page.textContent('[data-testid="network-certificate"]')) ?? "";
    expect(cert).toContain("L(θa) = 0, L(θb) = 0, L(t·θa + (1−t)·θb) = 1, gap = 1");
    expect(await page.textContent('[data-testid="recheck"]')).toContain("✓ re-checked");
    expect(await page.textContent('[data-testid="explanation"]')).toContain("swapped");
    expect(await page.textContent('[data-testid="blocks"]')).toContain("output layer");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download"]')]);
    const saved = JSON.parse(readFileSync((await download.path())!, "utf8")) as { type: string; exact: { mid: string } };
    expect(saved.type).toBe("losscape/jensen-certificate");
    expect(saved.exact.mid).toBe("1");
    expect(await brokenImages(page)).toEqual([]);
    await screenshot(page, "network-seed");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("landscape page: trains two runs with a live chart, maps the PCA plane in 3-D and shows the barrier between minima", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=landscape&ds=moons&n=120&hidden=8-8&epochs=150&grid=21"));
    await page.click('[data-testid="train"]');
    await expect.poll(() => page.textContent('[data-testid="barrier"]'), { timeout: 60_000 }).toContain("the loss rises");
    expect(await page.textContent('[data-testid="train-summary"]')).toMatch(/run A: final loss [\d.e-]+, accuracy [\d.]+%/);
    expect(await page.textContent('[data-testid="explained"]')).toMatch(/PC1 explains [\d.]+%/);
    // The 3-D canvas has paint on it, and dragging rotates it.
    const canvas = page.locator('[data-testid="surface-canvas"]');
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n / (d.length / 4);
    });
    expect(painted).toBeGreaterThan(0.1);
    const before = await canvas.getAttribute("data-azimuth");
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 200, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + 220, { steps: 5 });
    await page.mouse.up();
    expect(await canvas.getAttribute("data-azimuth")).not.toBe(before);
    expect(await brokenImages(page)).toEqual([]);
    for (const id of ["loss-chart", "trajectory-plot", "interpolation-plot"]) expect(await page.isVisible(`[data-testid="${id}"] img`)).toBe(true);
    await screenshot(page, "landscape-moons");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("landscape page: a long job shows progress and can be cancelled", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=landscape&ds=spirals&n=400&hidden=32-32&epochs=2000&batch=0"));
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="progress"]', { timeout: 10_000 });
    await expect.poll(() => page.textContent('[data-testid="progress"]'), { timeout: 20_000 }).toMatch(/training run A: \d+ \/ 2000/);
    await page.click('[data-testid="cancel"]');
    await expect.poll(() => page.textContent('[data-testid="landscape-error"]'), { timeout: 10_000 }).toBe("cancelled");
    expect(await page.isVisible('[data-testid="progress"]')).toBe(false);
    expect(await page.isEnabled('[data-testid="train"]')).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("hessian page: the spectrum of a small trained ReLU network, with its extreme eigenvectors as directions", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=hessian&ds=moons&n=100&hidden=6&epochs=200"));
    await page.click('[data-testid="hessian-run"]');
    await expect.poll(() => page.textContent('[data-testid="hessian-summary"]'), { timeout: 60_000 }).toMatch(/n = 32 parameters.*λmax = [\d.e-]+/);
    await page.waitForSelector('[data-testid="eigen-directions"] img', { timeout: 30_000 });
    expect(await page.isVisible('[data-testid="spectrum-plot"] img')).toBe(true);
    expect(await page.isVisible('[data-testid="density-plot"] img')).toBe(true);
    // The two directions stream one after the other.
    await expect.poll(() => page.locator('[data-testid="eigen-directions"] img').count(), { timeout: 30_000 }).toBe(2);
    expect(await brokenImages(page)).toEqual([]);
    await screenshot(page, "hessian-moons");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
