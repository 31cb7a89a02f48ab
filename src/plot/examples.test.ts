import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  exampleContour, exampleDensity, exampleFilledContour, exampleHeatmap, exampleSigmoidPanels, exampleSpectrum, exampleSurface, exampleTwinAxes,
} from "./examples.js";
import { svgToPng } from "./png.js";
import { svgProblems } from "./svg-lint.js";

const outDir = join(tmpdir(), "losscape-plot-examples");

describe("example plots render to PNG for a person to look at", () => {
  const cases: [string, () => string][] = [
    ["sigmoid-panels", exampleSigmoidPanels],
    ["twin-axes", exampleTwinAxes],
    ["contour", exampleContour],
    ["filled-contour", exampleFilledContour],
    ["heatmap", exampleHeatmap],
    ["surface", exampleSurface],
    ["spectrum", exampleSpectrum],
    ["density", exampleDensity],
  ];
  for (const [name, make] of cases) {
    it(`renders ${name}`, () => {
      const svg = make();
      expect(svgProblems(svg)).toEqual([]);
      const png = svgToPng(svg);
      expect([...png.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, `${name}.png`), png);
      writeFileSync(join(outDir, `${name}.svg`), svg);
    });
  }
});
