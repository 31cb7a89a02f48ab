/**
 * The explorer says only what is so, checked in Chromium against closed forms and the server's own
 * numbers: a W-shaped segment is not called convex, a diverged run is not read as a barrier, the
 * Hessian's counts agree between the summary and the legend, the negative eigenvector's curve bends
 * down, and messages use the page's names instead of CLI flags.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHROMIUM, explorerForTests, figureSvg, openPage, recordStream, screenshot } from "./browser.js";

const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)("explorer diagnostics are honest", () => {
  const ex = explorerForTests();
  const url = ex.url;

  it("a W-shaped segment whose ends lie above the whole curve is not convex: the worst chord is found between the inner minima", async () => {
    // θ = t·θ1 with θ1 the seed answer's weights gives N(x) = t²x, so on the seed data L(t) = (t² − 1)²:
    // 64 at both ends (t = ±3), 0 at t = ±1 and 1 at t = 0. The ends' chord lies above every sample.
    const { page, problems } = await openPage(ex.browser, url("page=network&ta=3,-3,0,0,3,-3,0&tb=-3,3,0,0,-3,3,0"));
    const summary = page.locator('[data-testid="segment-summary"]');
    await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toContain("L(θa) = 64, L(θb) = 64");
    const text = (await summary.textContent()) ?? "";
    expect(text).toContain("not convex along this segment");
    expect(text).not.toContain("stays on or below");
    // The oracle: brute force over the page's 101 samples of the closed form.
    const s = Array.from({ length: 101 }, (_, i) => i / 100);
    const L = s.map((v) => ((6 * v - 3) ** 2 - 1) ** 2);
    let worst = { gap: 0, from: 0, to: 0, at: 0 };
    for (let i = 0; i < 101; i++) for (let j = i + 2; j < 101; j++) for (let k = i + 1; k < j; k++) {
      const t = (s[k]! - s[i]!) / (s[j]! - s[i]!);
      const gap = L[k]! - ((1 - t) * L[i]! + t * L[j]!);
      if (gap > worst.gap) worst = { gap, from: s[i]!, to: s[j]!, at: s[k]! };
    }
    const m = /rises ([\d.e-]+) above the chord from s = ([\d.]+) to s = ([\d.]+) at s = ([\d.]+)/.exec(text);
    expect(m, text).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(worst.gap, 4);
    expect([Number(m![2]), Number(m![3]), Number(m![4])]).toEqual([worst.from, worst.to, worst.at]);
    expect(worst.at).toBe(0.5);
    expect(text).toMatch(/tolerance [\d.e+-]+, 1e-9 × the largest \|loss\|/);
    await screenshot(page, "honest-w-segment");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("SGD with lr 10 diverges, and the page says so instead of reporting a barrier", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=landscape&ds=moons&n=100&hidden=8&epochs=20&opt=sgd&lr=10&grid=11"));
    const reply = await recordStream(page, "**/api/landscape");
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="diverged"]', { timeout: 60_000 });
    const note = (await page.textContent('[data-testid="diverged"]')) ?? "";
    expect(note).toContain("Training diverged");
    expect(note).toContain("not a barrier");
    expect(await page.locator('[data-testid="barrier"]').count()).toBe(0);
    // Independently of the server's flag: each run flagged has a final loss above its starting loss.
    const events = reply();
    const trained = events.filter((e) => e["type"] === "trained");
    const grew = trained.filter((e) => Number(e["finalLoss"]) > Number(e["initialLoss"])).map((e) => String(e["run"]));
    expect(grew.length).toBeGreaterThan(0);
    for (const r of grew) expect(note).toContain(`run ${r}`);
    expect(await page.textContent('[data-testid="train-summary"]')).toContain("(diverged)");
    await screenshot(page, "honest-diverged");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("hessian: the summary's count of negative eigenvalues is the legend's, and the negative eigenvector's curve bends down", async () => {
    // A 12-12 ReLU net on moons: one eigenvalue lies between the old summary's threshold and the legend's.
    const { page, problems } = await openPage(ex.browser, url("page=hessian&ds=moons&n=200&hidden=12-12&epochs=200"));
    const reply = await recordStream(page, "**/api/hessian");
    await page.click('[data-testid="hessian-run"]');
    await page.waitForSelector('[data-testid="eigen-smallest"] img', { timeout: 60_000 });
    const summary = (await page.textContent('[data-testid="hessian-summary"]')) ?? "";
    const said = /(\d+) negative eigenvalues? below −([\d.e+-]+)/.exec(summary);
    expect(said, summary).not.toBeNull();
    const legend = /negative \((\d+)\)/.exec(await figureSvg(page, "spectrum-plot"));
    expect(legend).not.toBeNull();
    expect(Number(said![1])).toBe(Number(legend![1]));
    // And both are the count of the raw eigenvalues below the stated threshold.
    const events = reply();
    const eig = (events.find((e) => e["type"] === "spectrum")!["eigenvalues"] as number[]);
    expect(eig.filter((v) => v < -Number(said![2])).length).toBe(Number(said![1]));
    expect(summary).toContain("not convex around θ");
    // The curve drawn along the most negative direction bends down over its range (ends below the centre).
    const dir = events.find((e) => e["type"] === "direction" && String(e["label"]).startsWith("smallest"))!;
    const loss = dir["loss"] as number[];
    expect(Number(dir["eigenvalue"])).toBeLessThan(0);
    expect(loss[0]! + loss[loss.length - 1]! - 2 * loss[(loss.length - 1) / 2]!).toBeLessThan(0);
    expect(await page.textContent('[data-testid="eigen-smallest"]')).toContain("bends down");
    await screenshot(page, "honest-hessian");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("messages name the page's fields, never CLI flags, and never a field twice", async () => {
    const { page, problems } = await openPage(ex.browser, url("page=curvature&expr=log(x)&a=-1&b=1"));
    await expect.poll(() => page.textContent('[data-testid="error"]'), { timeout: 20_000 }).toContain("not defined");
    const msg = (await page.textContent('[data-testid="error"]')) ?? "";
    expect(msg).toContain("domain");
    expect(msg).not.toMatch(/--[a-z]/);
    const reply = await page.evaluate(async () => {
      const r = await fetch("/api/curvature", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ expression: "x", domain: [2, 1] }) });
      return ((await r.json()) as { error: string }).error;
    });
    expect(reply).toContain("domain");
    expect(reply.match(/domain/g)!.length).toBe(1);
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await page.context().close();
  });
});
