/**
 * `losscape demo`'s report in real Chromium: it renders from file:// with every plot drawn, makes no
 * request besides the page itself (no fonts, scripts or images from anywhere), and logs no errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { writeDemoReport } from "../../src/plot/report/demo-report.js";
import { ARTIFACTS, CHROMIUM, launchChromium } from "./browser.js";

describe.skipIf(!existsSync(CHROMIUM))("losscape demo report in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "losscape-demo-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tells the seed's story with computed results, self-contained, and renders with no missing images", async () => {
    const { path, report } = await writeDemoReport(dir);
    expect(path).toBe(join(dir, "index.html"));
    const html = readFileSync(path, "utf8");
    // Self-contained: no script, no link, no external URL other than the SVG namespace.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:\/\//);
    expect(report.sections).toHaveLength(9);
    expect(report.sections).toContain("Your own model: a CNN from an ONNX file");
    expect(html).toMatch(/θ is its 61706 trainable weights in file order/);
    expect(html).toContain("L(θa) = 0, L(θb) = 0, L((θa + θb)/2) = 1, gap = 1");
    expect(html).toContain("Independent re-check: <b>valid</b>");
    expect(html).not.toContain('class="missing"');

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const requests: string[] = [];
      const problems: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      page.on("pageerror", (err) => problems.push(err.message));
      const url = pathToFileURL(path).href;
      await page.goto(url);
      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
      const svgs = await page.$$eval("figure svg", (els) => els.map((s) => s.getBoundingClientRect().width));
      expect(svgs.length).toBeGreaterThanOrEqual(10);
      expect(svgs.every((w) => w > 200)).toBe(true);
      expect(await page.$$eval("img", (imgs) => imgs.length)).toBe(0);
      expect(await page.textContent("h1")).toContain("ReLU network");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "demo-report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 90_000);
});
