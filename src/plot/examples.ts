/**
 * One small, deterministic example of every plot type. Used by the tests (render, check, look) and
 * handy as living documentation of the specs.
 */
import { SEMANTIC } from "./colors.js";
import { contourPlot, filledContourPlot } from "./contour.js";
import { heatmapPlot } from "./heatmap.js";
import { linePlot } from "./line-plot.js";
import { densityPlot, spectrumPlot } from "./spectrum-plot.js";
import { surfacePlot } from "./surface3d.js";

function range(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + ((hi - lo) * i) / (n - 1);
  return out;
}

/** Sigmoid with its first and second derivative: the seed question's picture. */
export function exampleSigmoidPanels(): string {
  const x = range(-8, 8, 401);
  const s = x.map((v) => 1 / (1 + Math.exp(-v)));
  const d1 = s.map((v) => v * (1 - v));
  const d2 = s.map((v) => v * (1 - v) * (1 - 2 * v));
  const infl = 2 * Math.log(2 + Math.sqrt(3));
  return linePlot({
    title: "sigmoid(x) and its derivatives",
    xLabel: "x",
    shaded: [
      { from: -8, to: 0, color: SEMANTIC.convex, label: "convex (f'' ≥ 0)" },
      { from: 0, to: 8, color: SEMANTIC.concave, label: "concave (f'' ≤ 0)" },
    ],
    vlines: [{ x: 0, label: "inflection x = 0", legend: "inflection point" }],
    panels: [
      {
        series: [{ x, y: s, label: "f(x) = 1/(1+e^(−x))" }],
        yLabel: "f(x)",
        segments: [{ x1: 1, y1: 1 / (1 + Math.exp(-1)), x2: 5, y2: 1 / (1 + Math.exp(-5)), label: "chord below f: not convex", color: "#d62728", dash: true, endpoints: true }],
      },
      { series: [{ x, y: d1, label: "f'(x)" }], yLabel: "f'(x)", zeroLine: true, points: [{ x: 0, y: 0.25, label: "max of f'", shape: "triangle-up", color: "#000000" }] },
      {
        series: [{ x, y: d2, label: "f''(x)" }], yLabel: "f''(x)", zeroLine: true,
        points: [
          { x: -infl / 2, y: d2[Math.round(((-infl / 2 + 8) / 16) * 400)]!, label: "extrema of f''", shape: "diamond", color: "#444444" },
          { x: infl / 2, y: d2[Math.round(((infl / 2 + 8) / 16) * 400)]!, label: "extrema of f''", shape: "diamond", color: "#444444" },
        ],
      },
    ],
  });
}

/** Training curves: loss on a log axis, accuracy on a twin right axis; a NaN gap in the loss. */
export function exampleTwinAxes(): string {
  const epochs = range(0, 50, 51);
  const loss = epochs.map((e) => 2.3 * Math.exp(-e / 8) + 0.02 + 0.01 * Math.sin(e));
  loss[20] = Number.NaN;
  const acc = epochs.map((e) => 0.1 + 0.88 * (1 - Math.exp(-e / 6)));
  return linePlot({
    title: "Training",
    xLabel: "epoch",
    panels: [{
      series: [
        { x: epochs, y: loss, label: "loss" },
        { x: epochs, y: acc, label: "accuracy", axis: "right", dash: true },
      ],
      yLabel: "loss",
      yLog: true,
      right: { label: "accuracy" },
    }],
  });
}

/** A double-well landscape f(x, y) = (x² − 1)² + (y − x/2)²: two minima and a saddle at the origin. */
function doubleWell(x: number, y: number): number {
  return (x * x - 1) ** 2 + (y - x / 2) ** 2;
}

function sampleGrid(f: (x: number, y: number) => number, xs: Float64Array, ys: Float64Array): Float64Array {
  const z = new Float64Array(xs.length * ys.length);
  for (let j = 0; j < ys.length; j++) for (let i = 0; i < xs.length; i++) z[j * xs.length + i] = f(xs[i]!, ys[j]!);
  return z;
}

/** Gradient descent on the double well from a fixed start (no randomness involved). */
function descentPath(): { x: Float64Array; y: Float64Array } {
  const steps = 60;
  const px = new Float64Array(steps), py = new Float64Array(steps);
  let x = -0.15, y = 1.6;
  for (let k = 0; k < steps; k++) {
    px[k] = x;
    py[k] = y;
    const gx = 4 * x * (x * x - 1) - (y - x / 2);
    const gy = 2 * (y - x / 2);
    x -= 0.08 * gx;
    y -= 0.08 * gy;
  }
  return { x: px, y: py };
}

export function exampleContour(): string {
  const x = range(-2, 2, 81), y = range(-2, 2, 81);
  return contourPlot({
    title: "Loss landscape (double well)", xLabel: "direction 1 (α)", yLabel: "direction 2 (β)", zLabel: "loss",
    x, y, z: sampleGrid(doubleWell, x, y), levels: [0.05, 0.2, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 10, 12], equalAspect: true,
    trajectory: { ...descentPath(), label: "gradient descent" },
    points: [
      { x: -1, y: -0.5, label: "minimum", shape: "diamond" },
      { x: 1, y: 0.5, label: "minimum", shape: "diamond" },
      { x: 0, y: 0, label: "saddle", shape: "cross", color: "#d62728" },
    ],
  });
}

export function exampleFilledContour(): string {
  const x = range(-2, 2, 121), y = range(-1, 3, 121);
  const rosen = (a: number, b: number): number => (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  const z = sampleGrid(rosen, x, y);
  // A hole of missing values, as a diverged region of a landscape scan would leave.
  for (let j = 90; j < 104; j++) for (let i = 10; i < 24; i++) z[j * 121 + i] = Number.NaN;
  return filledContourPlot({
    title: "Rosenbrock, log-spaced levels", xLabel: "x", yLabel: "y", zLabel: "f(x, y)",
    x, y, z, logLevels: true, levels: 12, points: [{ x: 1, y: 1, label: "global minimum (1, 1)", shape: "star", color: "#ffffff" }],
  });
}

export function exampleHeatmap(): string {
  const x = range(-2, 2, 40), y = range(-1, 3, 30);
  const z = sampleGrid((a, b) => (1 - a) ** 2 + 100 * (b - a * a) ** 2, x, y);
  z[5] = Number.NaN;
  z[100] = Number.POSITIVE_INFINITY;
  return heatmapPlot({ title: "Rosenbrock (log colour)", xLabel: "x", yLabel: "y", zLabel: "f(x, y)", x, y, z, log: true });
}

export function exampleSurface(): string {
  const x = range(-2, 2, 41), y = range(-2, 2, 41);
  return surfacePlot({
    title: "Double-well loss surface", xLabel: "α", yLabel: "β", zLabel: "loss", x, y, z: sampleGrid(doubleWell, x, y),
  });
}

export function exampleSpectrum(): string {
  const eig = [-0.8, -0.31, -0.05, 0, 0.02, 0.1, 0.4, 0.9, 1.7, 2.6, 4.2, 7.5];
  return spectrumPlot({ title: "Hessian eigenvalues at a saddle", eigenvalues: eig });
}

export function exampleDensity(): string {
  const x = range(-2, 12, 400);
  const bulk = x.map((v) => Math.exp(-((v - 0.1) ** 2) / 0.02) * 2 + 0.05 * Math.exp(-((v - 9) ** 2) / 0.1) + 0.01 * Math.exp(-((v + 1) ** 2) / 0.05));
  const after = x.map((v) => Math.exp(-((v - 0.05) ** 2) / 0.01) * 3 + 0.08 * Math.exp(-((v - 6) ** 2) / 0.2));
  return densityPlot({
    title: "Hessian spectral density (SLQ)",
    densities: [{ x, density: bulk, label: "epoch 0" }, { x, density: after, label: "epoch 50" }],
    floor: 1e-6,
  });
}
