/**
 * The explorer as a visitor uses it, in real Chromium: it recomputes while you type and drops stale
 * replies, follows the URL, keeps each tab's results, gives every analysis a history entry that
 * Back and Forward restore, marks out-of-range input at the field instead of clamping it, shows the
 * cost of a run before it starts, fits its main figure on a 1280×800 screen, and says what to try
 * first. Skipped (with a note) where Debian's Chromium is not installed.
 */
import { existsSync } from "node:fs";
import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, explorerForTests, openPage, screenshot } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`e2e: ${CHROMIUM} not found; install Debian's chromium to run the browser tests`);

const SCREEN = { width: 1280, height: 800 };
const LONG = { timeout: 60_000 };

/** Requests to one API route, counted from now on. */
function countRequests(page: Page, route: string): { count: () => number; bodies: () => Record<string, unknown>[] } {
  const seen: Request[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(route) && r.method() === "POST") seen.push(r);
  });
  return { count: () => seen.length, bodies: () => seen.map((r) => JSON.parse(r.postData() ?? "{}") as Record<string, unknown>) };
}

/** The element lies wholly inside the viewport, as loaded (no scrolling). */
async function withinScreen(page: Page, selector: string): Promise<{ box: { x: number; y: number; width: number; height: number }; inside: boolean }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} has no box`);
  const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY, width: document.documentElement.scrollWidth }));
  const inside = scroll.x === 0 && scroll.y === 0 && scroll.width <= SCREEN.width && box.x >= 0 && box.y >= 0 && box.x + box.width <= SCREEN.width && box.y + box.height <= SCREEN.height;
  return { box, inside };
}

// Visited pages stay mounted (hidden), so every look-up is of the visible one.
const text = async (page: Page, testId: string): Promise<string> => (await page.textContent(`[data-testid="${testId}"]:visible`)) ?? "";
const invalid = (page: Page, name: string): Promise<string | null> => page.getAttribute(`[name="${name}"]:visible`, "aria-invalid");

/** Parameters of a fully connected network with biases, counted here from the widths. */
const mlpParameters = (widths: number[]): number => widths.slice(1).reduce((n, w, i) => n + w * widths[i]! + w, 0);

describe.skipIf(!haveChromium)("losscape explorer: live, state that survives, validation, onboarding", () => {
  const ex = explorerForTests({}, 90_000);
  const url = ex.url;

  it("curvature: recomputes as you type, drops a stale reply, follows the URL, and Back/Forward restore each analysis", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=curvature"), SCREEN);
    const curvature = countRequests(page, "/api/curvature");
    await expect.poll(() => text(page, "verdict"), LONG).toBe("NEITHER");
    await expect.poll(() => text(page, "try-first")).toMatch(/^\s*Type a function of x/);
    expect((await text(page, "page-curvature")).toLowerCase()).not.toContain("seed");

    // One screen: the main figure is inside the 1280×800 viewport as the page loads.
    const fig = await withinScreen(page, '[data-testid="curvature-plot"] img');
    await screenshot(page, "state-curvature-1280x800");
    expect(fig.inside, JSON.stringify(fig.box)).toBe(true);

    // Typing alone (no Analyze click) brings the new verdict.
    const expr = page.locator('input[name="expression"]:visible');
    await expr.fill("");
    await expr.pressSequentially("relu(x)", { delay: 20 });
    await expect.poll(() => text(page, "verdict"), LONG).toBe("CONVEX");
    expect(await page.textContent(".verdict-row code")).toContain("relu");

    // A slow reply to an older expression must not replace the newer one's result.
    let slowDone!: () => void;
    const slowFinished = new Promise<void>((r) => (slowDone = r));
    await page.route("**/api/curvature", async (route) => {
      const body = JSON.parse(route.request().postData() ?? "{}") as { expression?: string };
      if (body.expression !== "x^2") return route.continue();
      try {
        const reply = await route.fetch();
        await new Promise((r) => setTimeout(r, 1500));
        await route.fulfill({ response: reply });
      } catch {
        // the page cancelled it: that is one way of dropping it
      } finally {
        slowDone();
      }
    });
    const sent = page.waitForRequest((r) => r.url().endsWith("/api/curvature") && (r.postData() ?? "").includes('"x^2"'));
    await expr.fill("x^2");
    await sent;
    await expr.fill("-x^2");
    await expect.poll(() => text(page, "verdict"), LONG).toBe("CONCAVE");
    await slowFinished;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    await expect.poll(() => text(page, "verdict")).toBe("CONCAVE");
    expect(await expr.inputValue()).toBe("-x^2");
    await page.unroute("**/api/curvature");

    // A URL typed or pasted on the same page is followed.
    await page.evaluate(() => {
      window.location.hash = `page=curvature&expr=${encodeURIComponent("sigmoid(x)+x^2")}`;
    });
    await expect.poll(() => expr.inputValue(), LONG).toBe("sigmoid(x)+x^2");
    await expect.poll(async () => (await page.textContent(".verdict-row code")) ?? "", LONG).toContain("sigmoid");

    // Each analysis is a history entry: two presets, then Back and Forward between them.
    const shown = async (): Promise<string> => ((await page.locator(".stale:visible").count()) ? "(busy)" : ((await page.textContent(".verdict-row code")) ?? ""));
    await page.click("button.chip >> text=ReLU");
    await expect.poll(shown, LONG).toBe("relu(x)");
    await expect.poll(() => text(page, "verdict")).toBe("CONVEX");
    await page.click("button.chip >> text=(x²−1)²");
    await expect.poll(shown, LONG).toMatch(/^\(x/);
    await expect.poll(() => text(page, "verdict")).toBe("NEITHER");
    const before = curvature.count();
    await page.goBack();
    await expect.poll(() => expr.inputValue(), LONG).toBe("relu(x)");
    await expect.poll(() => text(page, "verdict"), LONG).toBe("CONVEX");
    expect(page.url()).toContain("expr=relu");
    await page.goBack();
    await expect.poll(() => expr.inputValue(), LONG).toBe("sigmoid(x)+x^2");
    await page.goForward();
    await page.goForward();
    await expect.poll(() => expr.inputValue(), LONG).toBe("(x^2-1)^2");
    await expect.poll(() => text(page, "verdict"), LONG).toBe("NEITHER");
    // Results came back from the page's memory, not from new requests.
    expect(curvature.count()).toBe(before);

    // An empty or out-of-range "from" is marked at the field, not turned into 0, and Analyze is off.
    const from = page.locator('input[name="a"]:visible');
    await from.fill("");
    await expect.poll(() => invalid(page, "a")).toBe("true");
    await expect.poll(() => text(page, "a-error")).toMatch(/enter a number.*from -1e6/);
    await expect.poll(() => page.isEnabled('[data-testid="analyze"]')).toBe(false);
    await from.fill("-3e6");
    await expect.poll(() => text(page, "a-error")).toContain("out of range");
    await from.fill("-2");
    await expect.poll(() => invalid(page, "a")).toBe("false");
    await expect.poll(async () => (await page.textContent(".verdict-row")) ?? "", LONG).toContain("[-2, 10]");
    await expect.poll(() => page.isEnabled('[data-testid="analyze"]')).toBe(true);
    // The "to" slider moves the domain's right end, its box follows, and the analysis with it.
    await page.fill('[data-testid="b-slider"]', "4.5");
    await expect.poll(() => page.inputValue('input[name="b"]')).toBe("4.5");
    await expect.poll(async () => (await page.textContent(".verdict-row")) ?? "", LONG).toContain("[-2, 4.5]");
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("network: a draft in the data box survives a reply, bad layers are marked, a certificate loads into θa/θb, and the model goes on to the Landscape page", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=network"), SCREEN);
    await expect.poll(() => text(page, "segment-summary"), LONG).toContain("L(θa) = 0, L(θb) = 0");
    await expect.poll(() => text(page, "try-first")).toContain("Search for a certificate");
    const fig = await withinScreen(page, '[data-testid="segment-plot"] img');
    await screenshot(page, "state-network-1280x800");
    expect(fig.inside, JSON.stringify(fig.box)).toBe(true);

    // θb edited, its segment reply held back, and the data box typed into while it arrives.
    let released!: () => void;
    const replied = new Promise<void>((r) => (released = r));
    await page.route("**/api/segment", async (route) => {
      const reply = await route.fetch();
      await new Promise((r) => setTimeout(r, 800));
      await route.fulfill({ response: reply }).catch(() => {});
      released();
    });
    await page.fill('input[name="thetaB"]:visible', "-1, 1, 0, 0, -1, 1, 0.5");
    const data = page.locator('textarea[name="data"]:visible');
    await data.click();
    await data.press("ControlOrMeta+a");
    await data.press("Delete");
    const typed = '{"x": [[1], [-1]], "y": [[2], [-2]]}';
    await data.pressSequentially(typed, { delay: 40 });
    await replied;
    expect(await data.inputValue()).toBe(typed);
    await page.unroute("**/api/segment");
    // Once valid, the draft is the data: with targets ±2, θa's fit is off by 1 at each point (½·(1 + 1) = 1).
    await expect.poll(() => text(page, "segment-summary"), LONG).toContain("L(θa) = 1,");
    expect(await data.inputValue()).toBe(typed);
    await data.fill('{"x": [[1], [-1]], "y": [[1], [-1]]}');
    await page.fill('input[name="thetaB"]:visible', "-1, 1, 0, 0, -1, 1, 0");
    await expect.poll(() => text(page, "segment-summary"), LONG).toContain("L(θa) = 0, L(θb) = 0");

    // Layers that are not widths are refused at the field, with the allowed range; nothing else changes.
    await page.fill('input[name="layers"]:visible', "abc");
    await expect.poll(() => invalid(page, "layers")).toBe("true");
    await expect.poll(() => text(page, "layers-error")).toContain("from 1 to 128");
    await expect.poll(() => page.isEnabled('[data-testid="search"]')).toBe(false);
    expect(await page.textContent("label:has(input[name=thetaA])")).toContain("7 parameters");
    await page.fill('input[name="layers"]:visible', "1-2-1");
    await expect.poll(() => invalid(page, "layers")).toBe("false");
    await page.fill('input[name="thetaA"]:visible', "1, 2, 3");
    await expect.poll(() => text(page, "thetaA-error")).toContain("3 values given; this network has 7 parameters");
    await page.fill('input[name="thetaA"]:visible', "1, -1, 0, 0, 1, -1, 0");

    // A certificate's two points become θa and θb, and the segment between them is drawn.
    await page.click('[data-testid="search"]');
    await expect.poll(() => text(page, "network-verdict"), LONG).toBe("NOT CONVEX");
    const certA = /θa = \[([^\]]*)\]/.exec(await text(page, "network-certificate"))![1]!.split(",").map(Number);
    await page.click('[data-testid="load-certificate"]');
    await expect.poll(async () => (await page.inputValue('input[name="thetaA"]:visible')).split(",").map(Number).length).toBe(certA.length);
    const loaded = (await page.inputValue('input[name="thetaA"]:visible')).split(",").map(Number);
    loaded.forEach((v, i) => expect(v).toBeCloseTo(certA[i]!, 4));

    // Map this network's landscape: the same model (layers, data) is trained there, with no further click.
    const landscape = countRequests(page, "/api/landscape");
    await page.fill('input[name="thetaA"]:visible', "1, -1, 0, 0, 1, -1, 0");
    await page.click('[data-testid="to-landscape"]');
    await page.waitForSelector('[data-testid="page-landscape"]:visible');
    await expect.poll(() => text(page, "custom-model")).toContain("layers 1-2-1");
    await expect.poll(() => landscape.count(), LONG).toBe(1);
    const sent = landscape.bodies()[0] as { spec: { model: { layers: number[] }; data: { x: number[][] } } };
    expect(sent.spec.model.layers).toEqual([1, 2, 1]);
    expect(sent.spec.data.x).toEqual([[1], [-1]]);
    await expect.poll(async () => (await page.locator('[data-testid="barrier"], [data-testid="diverged"]').count()) > 0, LONG).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 150_000);

  it("landscape: runs on first load, keeps its result across tabs, Back restores an earlier run, and bad settings are marked before a run", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=landscape"), SCREEN);
    const landscape = countRequests(page, "/api/landscape");
    await expect.poll(() => text(page, "try-first")).toContain("Train and map the landscape");
    // The default: moons (2 inputs, 2 classes), hidden 16-16, 200 full-batch epochs per run.
    const P = mlpParameters([2, 16, 16, 2]);
    await expect.poll(() => text(page, "estimate")).toContain(`${P} parameters · 2 runs × 200 optimiser steps`);
    await expect.poll(() => text(page, "barrier"), LONG).toContain("the loss rises");
    expect(landscape.count()).toBe(1);
    const firstBarrier = await text(page, "barrier");
    const fig = await withinScreen(page, '[data-testid="trajectory-plot"] img');
    await screenshot(page, "state-landscape-1280x800");
    expect(fig.inside, JSON.stringify(fig.box)).toBe(true);

    // To the Hessian tab and back: the landscape is still there, and nothing was recomputed.
    await page.click('[data-testid="nav-hessian"]');
    await page.waitForSelector('[data-testid="page-hessian"]:visible');
    expect(await page.isVisible('[data-testid="page-landscape"]')).toBe(false);
    await page.click('[data-testid="nav-landscape"]');
    expect(await page.isVisible('[data-testid="trajectory-plot"] img')).toBe(true);
    await expect.poll(() => text(page, "barrier")).toBe(firstBarrier);
    expect(landscape.count()).toBe(1);

    // The grid slider sets the grid side; the estimate counts its points.
    const before = await text(page, "estimate");
    // The box follows the slider after a render and an effect (the frame after), so it is polled.
    await page.waitForFunction(() => location.hash.includes("page=landscape"));
    await page.fill('[data-testid="grid-slider"]:visible', "45");
    await expect.poll(() => page.inputValue('input[name="grid"]:visible')).toBe("45");
    await expect.poll(() => text(page, "estimate")).not.toBe(before);
    await page.fill('input[name="grid"]:visible', "31");

    // Out of range: marked at the field with the allowed range; the value is not replaced; Run is off with the reason.
    const train = '[data-testid="train"]';
    for (const [name, typed, allowed, good] of [
      ["lr", "-0.5", "above 0 to 10", "0.01"],
      ["epochs", "-3", "whole numbers from 1 to 2000", "200"],
      ["grid", "1000", "whole numbers from 5 to 61", "31"],
    ] as const) {
      await page.fill(`input[name="${name}"]:visible`, typed);
      await expect.poll(() => invalid(page, name)).toBe("true");
      await expect.poll(() => text(page, `${name}-error`)).toContain(allowed);
      await expect.poll(() => page.inputValue(`input[name="${name}"]:visible`)).toBe(typed);
      await expect.poll(() => page.isEnabled(train)).toBe(false);
      await expect.poll(() => text(page, "blocked")).toContain(allowed);
      await page.fill(`input[name="${name}"]:visible`, good);
      await expect.poll(() => invalid(page, name)).toBe("false");
      await expect.poll(() => page.isEnabled(train)).toBe(true);
    }
    await page.fill('input[name="hidden"]:visible', "abc");
    await expect.poll(() => text(page, "hidden-error")).toContain("from 1 to 128");
    await expect.poll(() => page.isEnabled(train)).toBe(false);

    // Over the caps: the count, the steps and the reason show before any run.
    await page.fill('input[name="hidden"]:visible', "128-128-128-128");
    const big = mlpParameters([2, 128, 128, 128, 128, 2]);
    await expect.poll(() => text(page, "estimate")).toContain(`${big} parameters`);
    await expect.poll(() => text(page, "blocked")).toContain(`${big} parameters is over the explorer's cap of 5000`);
    await expect.poll(() => page.isEnabled(train)).toBe(false);
    await page.fill('input[name="hidden"]:visible', "8");
    await page.fill('input[name="batch"]:visible', "10");
    await page.fill('input[name="epochs"]:visible', "2000");
    // 200 samples in batches of 10: 20 steps an epoch, for two runs.
    await expect.poll(() => text(page, "estimate")).toContain("2 runs × 40000 optimiser steps");
    await expect.poll(() => text(page, "blocked")).toContain("80000 optimiser steps is over the cap of 20000");
    await expect.poll(() => page.isEnabled(train)).toBe(false);

    // A second run is a second history entry; Back shows the first one's result again without training.
    await page.fill('input[name="batch"]:visible', "0");
    await page.fill('input[name="epochs"]:visible', "100");
    await page.click(train);
    await expect.poll(() => landscape.count()).toBe(2);
    await expect.poll(() => page.isEnabled(train), LONG).toBe(true);
    await expect.poll(() => text(page, "barrier"), LONG).toContain("the loss rises");
    const secondBarrier = await text(page, "barrier");
    await page.goBack();
    await expect.poll(() => page.inputValue('input[name="hidden"]:visible'), LONG).toBe("16-16");
    await expect.poll(() => page.inputValue('input[name="epochs"]:visible')).toBe("200");
    await expect.poll(() => text(page, "barrier"), LONG).toBe(firstBarrier);
    await page.goForward();
    await expect.poll(() => page.inputValue('input[name="hidden"]:visible'), LONG).toBe("8");
    await expect.poll(() => text(page, "barrier"), LONG).toBe(secondBarrier);
    expect(landscape.count()).toBe(2);

    // The Hessian of the trained network: its main figure fits the screen too, and its opening sentence is plain.
    await page.click('[data-testid="nav-hessian"]');
    await page.waitForSelector('[data-testid="page-hessian"]:visible');
    await expect.poll(() => text(page, "try-first")).toContain("Compute the spectrum");
    await page.click('[data-testid="hessian-run"]');
    await page.waitForSelector('[data-testid="spectrum-plot"] img', LONG);
    await page.evaluate(() => window.scrollTo(0, 0));
    const spectrum = await withinScreen(page, '[data-testid="spectrum-plot"] img');
    await screenshot(page, "state-hessian-1280x800");
    expect(spectrum.inside, JSON.stringify(spectrum.box)).toBe(true);
    expect((await text(page, "try-first")).toLowerCase()).not.toContain("seed");

    // A link carrying a model to the (already open) Landscape tab maps that model at once.
    const model = { model: { type: "mlp", layers: [1, 2, 1], activation: "relu", outputActivation: "linear", bias: true }, loss: "sse_half", data: { x: [[1], [-1]], y: [[1], [-1]] } };
    await page.evaluate((spec) => {
      window.location.hash = `page=landscape&spec=${encodeURIComponent(spec)}`;
    }, JSON.stringify(model));
    await page.waitForSelector('[data-testid="page-landscape"]:visible');
    await expect.poll(() => landscape.count(), LONG).toBe(3);
    expect((landscape.bodies()[2] as { spec: unknown }).spec).toEqual(model);
    await expect.poll(async () => (await page.locator('[data-testid="barrier"]:visible, [data-testid="diverged"]:visible').count()) > 0, LONG).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});
