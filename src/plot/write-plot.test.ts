import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linePlot } from "./line-plot.js";
import { plotFormatFor, writePlot } from "./write-plot.js";
import { UserError } from "../util/errors.js";

const svg = linePlot({ title: "t", panels: [{ series: [{ x: [0, 1], y: [1, 2], label: "s" }] }] });
let dir = "";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "losscape-write-plot-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("writePlot", () => {
  it("writes SVG text for .svg", async () => {
    const path = join(dir, "a.svg");
    await writePlot(path, svg);
    expect(readFileSync(path, "utf8")).toBe(svg);
    expect(readdirSync(dir)).toEqual(["a.svg"]);
  });

  it("writes PNG bytes for .png (any case)", async () => {
    const path = join(dir, "b.PNG");
    await writePlot(path, svg, { width: 400 });
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(bytes.readUInt32BE(16)).toBe(400);
    expect(readdirSync(dir)).toEqual(["b.PNG"]);
  });

  it("replaces an existing file", async () => {
    const path = join(dir, "c.svg");
    await writePlot(path, "<svg/>");
    await writePlot(path, svg);
    expect(readFileSync(path, "utf8")).toBe(svg);
  });

  it("rejects an unknown extension with a UserError naming it, and leaves no file behind", async () => {
    const path = join(dir, "plot.jpg");
    await expect(writePlot(path, svg)).rejects.toThrow(UserError);
    await expect(writePlot(path, svg)).rejects.toThrow(/"\.jpg"/);
    await expect(writePlot(join(dir, "noext"), svg)).rejects.toThrow(/no extension/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("reports an unwritable destination as a UserError and cleans up its temp file", async () => {
    const path = join(dir, "missing-subdir", "d.svg");
    await expect(writePlot(path, svg)).rejects.toThrow(UserError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("plotFormatFor", () => {
  it("maps extensions to formats", () => {
    expect(plotFormatFor("x/y.svg")).toBe("svg");
    expect(plotFormatFor("y.Png")).toBe("png");
    expect(() => plotFormatFor("y.pdf")).toThrow(/use \.svg or \.png/);
  });
});
