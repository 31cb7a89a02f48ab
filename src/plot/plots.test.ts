import { describe, expect, it } from "vitest";
import { contourPlot, filledContourPlot } from "./contour.js";
import { heatmapPlot } from "./heatmap.js";
import { linePlot } from "./line-plot.js";
import { densityPlot, spectrumPlot } from "./spectrum-plot.js";
import { surfacePlot } from "./surface3d.js";
import { svgProblems } from "./svg-lint.js";
import { UserError } from "../util/errors.js";

function linspace(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function grid(nx: number, ny: number, holes: boolean): { x: Float64Array; y: Float64Array; z: Float64Array } {
  const x = linspace(-1, 1, nx), y = linspace(-2, 2, ny);
  const z = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) z[j * nx + i] = Math.exp(x[i]! + 0.5 * y[j]!) + Math.sin(3 * x[i]!);
  if (holes) {
    z[3] = Number.NaN;
    z[nx * 2 + 5] = Number.POSITIVE_INFINITY;
    z[nx * 5 + 1] = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < nx; i++) z[(ny - 2) * nx + i] = Number.NaN;
  }
  return { x, y, z };
}

const hostile = `a<b & "c" 'd'>`;

function lineSpec(holes: boolean): Parameters<typeof linePlot>[0] {
  const x = linspace(-3, 3, 61);
  const y = x.map((v) => v * v);
  const y2 = x.map((v) => Math.sin(v));
  if (holes) {
    y[5] = Number.NaN;
    y[6] = Number.POSITIVE_INFINITY;
    y2[40] = Number.NEGATIVE_INFINITY;
    x[50] = Number.NaN;
  }
  return {
    title: hostile, xLabel: hostile,
    shaded: [{ from: -3, to: 0, color: "#2ca02c", label: "convex" }, { from: Number.NaN, to: 1, color: "#ff7f0e", label: "bad range" }],
    vlines: [{ x: 0, label: hostile }, { x: Number.NaN, label: "nan marker" }],
    panels: [
      {
        series: [{ x, y, label: hostile }, { x, y: y2, label: "right", axis: "right", dash: true }],
        right: { label: "right axis" }, yLabel: hostile,
        points: [{ x: 0, y: 0, label: "min" }, { x: Number.NaN, y: 1, label: "nan point" }],
        segments: [{ x1: -2, y1: 4, x2: 2, y2: 4, label: "chord", endpoints: true }, { x1: Number.NaN, y1: 0, x2: 1, y2: 1 }],
      },
      { series: [{ x, y: y2, label: "log" }], yLog: true, yFloor: 1e-3, zeroLine: true },
      { series: [], zeroLine: true },
    ],
  };
}

const makers: [string, (holes: boolean) => string][] = [
  ["linePlot", (h) => linePlot(lineSpec(h))],
  ["contourPlot", (h) => contourPlot({ ...grid(30, 25, h), title: hostile, xLabel: "x", yLabel: "y", zLabel: hostile, trajectory: { x: [0, 0.2, Number.NaN, 0.5], y: [0, 0.5, 1, 1.5] }, points: [{ x: 0, y: 0, label: hostile }] })],
  ["contourPlot log levels", (h) => contourPlot({ ...grid(30, 25, h), logLevels: true, title: hostile })],
  ["filledContourPlot", (h) => filledContourPlot({ ...grid(30, 25, h), title: hostile, zLabel: "z", trajectory: { x: [0, 0.5], y: [0, 1] } })],
  ["filledContourPlot log levels", (h) => filledContourPlot({ ...grid(30, 25, h), logLevels: true, levels: 6, title: hostile })],
  ["heatmapPlot", (h) => heatmapPlot({ ...grid(20, 15, h), title: hostile, zLabel: "z" })],
  ["heatmapPlot log", (h) => heatmapPlot({ ...grid(20, 15, h), log: true, title: hostile })],
  ["surfacePlot", (h) => surfacePlot({ ...grid(25, 20, h), title: hostile, xLabel: "x", yLabel: "y", zLabel: "z" })],
  ["surfacePlot perspective", (h) => surfacePlot({ ...grid(25, 20, h), projection: "perspective", elevation: 60, azimuth: 135, title: hostile })],
  ["spectrumPlot", (h) => spectrumPlot({ eigenvalues: h ? [1, Number.NaN, -2, Infinity, 0] : [1, -2, 0, 3.5], title: hostile })],
  ["spectrumPlot many", (h) => spectrumPlot({ eigenvalues: Array.from({ length: 1000 }, (_, k) => (h && k === 7 ? Number.NaN : Math.sin(k) * k)), title: hostile })],
  ["densityPlot", (h) => {
    const x = linspace(-1, 5, 100);
    const d = x.map((v) => Math.exp(-v * v));
    if (h) { d[10] = Number.NaN; d[11] = -1; d[12] = Infinity; }
    return densityPlot({ densities: [{ x, density: d, label: hostile }], title: hostile });
  }],
];

describe("every plot produces well-formed SVG", () => {
  for (const [name, make] of makers) {
    for (const holes of [false, true]) {
      it(`${name} with ${holes ? "NaN/Infinity in the data" : "ordinary data"}`, () => {
        const svg = make(holes);
        expect(svgProblems(svg)).toEqual([]);
        expect(svg).toContain("a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
      });
    }
  }

  it("escapes hostile text everywhere it appears", () => {
    const svg = linePlot(lineSpec(false));
    expect(svg).not.toContain(hostile);
    expect(svg).toContain("a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  });

  it("is deterministic: the same spec gives the same bytes", () => {
    expect(linePlot(lineSpec(true))).toBe(linePlot(lineSpec(true)));
    expect(surfacePlot(grid(10, 10, true))).toBe(surfacePlot(grid(10, 10, true)));
  });
});

describe("plots handle degenerate input", () => {
  it("constant data, all-NaN data and empty series still draw axes", () => {
    for (const svg of [
      linePlot({ panels: [{ series: [{ x: [0, 1, 2], y: [5, 5, 5] }] }] }),
      linePlot({ panels: [{ series: [{ x: [0, 1], y: [Number.NaN, Number.NaN] }] }] }),
      linePlot({ panels: [{ series: [] }] }),
      heatmapPlot({ x: [0, 1], y: [0, 1], z: [2, 2, 2, 2] }),
      heatmapPlot({ x: [0], y: [0], z: [Number.NaN] }),
      contourPlot({ x: [0, 1], y: [0, 1], z: [1, 1, 1, 1] }),
      filledContourPlot({ x: [0, 1], y: [0, 1], z: [Number.NaN, 1, 1, 1] }),
      surfacePlot({ x: [0, 1], y: [0, 1], z: [3, 3, 3, 3] }),
      spectrumPlot({ eigenvalues: [] }),
    ]) {
      expect(svgProblems(svg)).toEqual([]);
    }
  });

  it("reports caller mistakes as UserError naming the problem", () => {
    expect(() => linePlot({ panels: [] })).toThrow(UserError);
    expect(() => linePlot({ panels: [{ series: [{ x: [1, 2], y: [1] }] }] })).toThrow(/2 x values but 1 y values/);
    expect(() => heatmapPlot({ x: [0, 1], y: [0, 1], z: [1, 2, 3] })).toThrow(/z has length 3, expected 4/);
    expect(() => contourPlot({ x: [1, 0], y: [0, 1], z: [1, 2, 3, 4] })).toThrow(/strictly increasing/);
    expect(() => surfacePlot({ x: [0, 1], y: [0, 1], z: [1, 2, 3, 4], elevation: 120 })).toThrow(/elevation/);
    expect(() => contourPlot({ x: [0, 1], y: [0, 1], z: [1, 2, 3, 4], levels: [1, Number.NaN] })).toThrow(/not finite/);
    expect(() => densityPlot({ densities: [] })).toThrow(UserError);
    expect(() => linePlot({ width: 50, panels: [{ series: [] }] })).toThrow(UserError);
  });
});

describe("layout", () => {
  it("stacks panels top to bottom and labels x ticks only under the last one", () => {
    const x = [0, 1, 2];
    const svg = linePlot({ panels: [{ series: [{ x, y: [0, 1, 4] }] }, { series: [{ x, y: [0, 2, 4] }] }] });
    const frames = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none" stroke="#333333"/g)]
      .map((m) => m.slice(1).map(Number));
    expect(frames).toHaveLength(2);
    expect(frames[0]![0]).toBe(frames[1]![0]);
    expect(frames[0]![1]! + frames[0]![3]!).toBeLessThan(frames[1]![1]!);
  });

  it("keeps legend entries inside the image and clear of the plot area", () => {
    const labels = Array.from({ length: 12 }, (_, k) => `series number ${k} with a long name`);
    const x = [0, 1];
    const svg = linePlot({ width: 500, panels: [{ series: labels.map((label, k) => ({ x, y: [k, k + 1], label })) }] });
    const frame = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none" stroke="#333333"/.exec(svg)!;
    const plotTop = Number(frame[2]);
    const legend = /<g class="legend">(.*?)<\/g>/.exec(svg)![1]!;
    const ys = [...legend.matchAll(/<text x="([\d.]+)" y="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(ys).toHaveLength(12);
    for (const [tx, ty] of ys) {
      expect(ty).toBeLessThan(plotTop);
      expect(tx).toBeLessThan(500);
    }
  });
});

describe("fill between two curves", () => {
  it("draws one closed polygon for the area and keeps the SVG well formed", async () => {
    const { linePlot } = await import("./line-plot.js");
    const { svgProblems } = await import("./svg-lint.js");
    const x = [0, 0.5, 1];
    const svg = linePlot({ panels: [{ series: [{ x, y: [0, 1, 0] }], fills: [{ x, y1: [0, 1, 0], y2: [0, 0, NaN], color: "#ff8800", label: "gap" }] }] });
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).toMatch(/<path d="M[^"]*Z" fill="#ff8800"/);
    expect(svg).toContain("gap");
  });
});
