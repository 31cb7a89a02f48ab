/**
 * `losscape demo`: one self-contained HTML page (inline SVG and CSS, no scripts, fonts or network
 * requests) that walks through the seed question with real results: sigmoid's f'' with its sign
 * proven, ReLU convex, a convex-of-convex composition that is not convex, a ReLU combination with two
 * local minima, the seed answer's certificate checked exactly, the landscape and Hessian spectrum
 * of a small trained ReLU network, and the same analyses on a CNN imported from an ONNX file.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeCurvature, type CurvatureResult } from "../../convexity/curvature/analyze-curvature.js";
import { createOnnxExecutor } from "../../exec/onnx/executor.js";
import type { Executor } from "../../exec/executor.js";
import { analyzeHessian } from "../../hessian/analyze.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { resolveData } from "../../model/data.js";
import { SEED_RELU } from "../../model/examples.js";
import { verifyNetworkCertificate } from "../../model/network-certificate.js";
import { analyzeNetworkConvexity } from "../../model/network-convexity.js";
import { parseModelSpec } from "../../model/spec.js";
import { mlpProblem } from "../../model/problem/from-mlp.js";
import { onnxProblem } from "../../model/problem/from-onnx.js";
import { inspectProblem } from "../../model/problem/inspect.js";
import { loadDataset } from "../../model/datasets/registry.js";
import { importOnnxModel } from "../../onnx/import-model.js";
import { writeLenetOnnx } from "../../onnx/lenet-writer.js";
import { VERSION } from "../../version.js";
import { curvaturePlot, signPlot } from "../curvature-plot.js";
import { analyzeSign } from "../../convexity/curvature/analyze-sign.js";
import { R_SIGMA2 } from "../../convexity/curvature/classic-functions.js";
import { pointText } from "../../convexity/curvature/render-curvature.js";
import { hessianPlots } from "../hessian-plots.js";
import { jensenPlot } from "../jensen-plot.js";
import { escapeXml } from "../svg.js";
import { lineBarrier, lineProfile, pcaSurface, trainRun, type TrainSettings } from "../../landscape/pipeline.js";
import { lineProfilePlot, pcaSurfacePlots } from "./pipeline-plots.js";

export interface DemoOptions {
  /** Executor for the network parts (default: ONNX Runtime). */
  executor?: Executor;
  /** Seed of the trained network (the second minimum uses seed + 1). */
  seed?: number;
}

export interface DemoReport {
  html: string;
  seconds: number;
  /** Section titles, in order. */
  sections: string[];
}

interface Section {
  title: string;
  body: string;
}

const e = escapeXml;
const n = (v: number): string => String(Number(v.toPrecision(5)));
const iv = ([a, b]: readonly [number, number]): string => `[${n(a)}, ${n(b)}]`;

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${e(caption)}</figcaption></figure>`;
}

function curvatureFacts(r: CurvatureResult): string {
  const rows: [string, string][] = [
    ["verdict", `<b>${e(r.verdict)}</b> — ${e(r.reason)}`],
    ["proof", `${e(r.proof.method)}: ${e(r.proof.detail)}`],
    ["DCP", `${e(r.dcp.curvature)}${r.dcp.broken[0] ? ` — ${e(r.dcp.broken[0])}` : ""}`],
    // Empty lists say "nowhere"/"none" only where that was proven, as the CLI's text does.
    ["convex on", e(r.convexIntervals.map(iv).join(", ") || (r.convexNowhere ? "nowhere (proven)" : "no interval proven"))],
    ["concave on", e(r.concaveIntervals.map(iv).join(", ") || (r.concaveNowhere ? "nowhere (proven)" : "no interval proven"))],
    ...(r.undecided.length ? [["undecided on", e(r.undecided.map(iv).join(", "))] as [string, string]] : []),
    ["inflections", e(r.inflectionPoints.map(pointText).join(", ") || (r.undecided.length ? "none proven" : "none"))],
    ["kinks", e(r.kinks.map((k) => `x = ${n(k.x)}: f' jumps by ${k.slopeJump > 0 ? "+" : ""}${k.exactSlopeJump ?? n(k.slopeJump)} (${k.kind})`).join("; ") || "none")],
    ["local minima", e(r.minima.map((m) => (m.to !== undefined ? `${iv([m.x, m.to])} (flat)` : `x = ${n(m.x)} (f = ${n(m.f)})`)).join("; ") || "none inside")]
  ];
  const c = r.certificates.notConvex;
  if (c) {
    rows.push([
      "certificate",
      e(`x1 = ${c.x1}, x2 = ${c.x2}, t = ${c.t}: f(${n(c.midpoint)}) = ${n(c.fMid)} > ${n(c.t * c.f1 + (1 - c.t) * c.f2)} = t·f(x1) + (1−t)·f(x2), checked with ${c.verifiedBy}${c.exactGap ? ` (gap exactly ${c.exactGap.length > 40 ? `${c.exactGap.slice(0, 37)}…` : c.exactGap})` : ""}`)
    ]);
  }
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join("")}</table>`;
}

function curvatureSection(title: string, expression: string, domain: [number, number], intro: string): Section & { result: CurvatureResult } {
  const r = analyzeCurvature(expression, { domain, samples: 801 });
  return { title, result: r, body: `<p>${intro}</p>${figure(curvaturePlot(r, { width: 760 }), `f, f′ and f″ of ${r.canonical} on [${domain[0]}, ${domain[1]}]`)}${curvatureFacts(r)}` };
}

/** The asker's R expression for σ'' on [−100, 100]: its sign proven (losscape sign), then its own curvature. */
export function askerExpressionSection(): Section {
  const g = analyzeSign(R_SIGMA2, { domain: [-100, 100], samples: 801 });
  const c = analyzeCurvature(R_SIGMA2, { domain: [-100, 100], samples: 801 });
  const list = (xs: readonly (readonly [number, number])[]): string => e(xs.map(iv).join(", ") || "no interval proven");
  const rows: [string, string][] = [
    ["g ≥ 0 on", list(g.nonnegative)],
    ["g ≤ 0 on", list(g.nonpositive)],
    ["zeros", e(g.zeros.map(pointText).join(", ") || "none")],
    ["undecided", e(g.undecided.map(iv).join(", ") || "nothing: every point is decided")]
  ];
  const curv: [string, string][] = [
    ["g convex on", list(c.convexIntervals)],
    ["g concave on", list(c.concaveIntervals)],
    ["inflections of g", e(c.inflectionPoints.map(pointText).join(", ") || "none")]
  ];
  const table = (rs: [string, string][]): string => `<table class="facts">${rs.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join("")}</table>`;
  return {
    title: "The asker's own R expression",
    body:
      `<p>The question computed σ″ by hand and plotted it in R: <code>${e(R_SIGMA2)}</code> on −100…100, reading its sign off the picture. ` +
      `<code>losscape sign</code> proves it instead: σ″ ≥ 0 (σ convex) up to 0, ≤ 0 (σ concave) after, with the zero exactly at 0.</p>` +
      figure(signPlot(g, { width: 760 }), "the asker's σ″ with its proven signs shaded") +
      table(rows) +
      `<p>The same expression as a function in its own right has four curvature regions; <code>losscape curvature</code> isolates its inflections:</p>` +
      figure(curvaturePlot(c, { width: 760 }), "curvature of the asker's σ″ on [−100, 100]") +
      table(curv)
  };
}

async function seedCertificateSection(ex: Executor): Promise<Section> {
  const spec = parseModelSpec(SEED_RELU.spec, "seed example");
  const dataset = resolveData(spec);
  const theta1 = Float64Array.from(SEED_RELU.params!["theta1"]!);
  const r = await analyzeNetworkConvexity(mlpProblem(spec, dataset, "seed example"), { seed: 0, budgetSeconds: 5, params: theta1, specInput: SEED_RELU.spec, profileSamples: 201, executor: ex });
  const c = r.certificate;
  if (!c || !r.profile) {
    return { title: "The answer's counterexample, verified exactly", body: `<p class="missing">The search did not return a certificate (verdict ${e(r.verdict)}): ${e(r.explanation)}</p>` };
  }
  const check = verifyNetworkCertificate(c);
  const values = c.exact ? `L(θa) = ${c.exact.a}, L(θb) = ${c.exact.b}, L((θa + θb)/2) = ${c.exact.mid}, gap = ${c.exact.gap}` : `gap ≈ ${n(c.gap)}`;
  const blocks = r.blocks.map((b) => `<tr><th>${e(b.params)}</th><td>${e(b.verdict)}</td></tr>`).join("");
  return {
    title: "The answer's counterexample, verified exactly",
    body:
      `<p>The accepted answer's 1-2-1 ReLU network N(x) = b₂ + A₂·relu(A₁x + b₁) with square loss on (1, 1) and (−1, −1). ` +
      `losscape starts from θ₁ and finds θ₂ itself, then re-checks the claim in exact rational arithmetic with an independent verifier.</p>` +
      `<p class="verdict">Verdict: <b>${r.verdict === "nonconvex" ? "NOT convex" : e(r.verdict)}</b> in all ${r.parameters} parameters. ${e(values)}. ` +
      `Independent re-check: <b>${check.valid ? "valid" : `INVALID (${e(check.problems.join("; "))})`}</b> (${e(check.verification?.method ?? c.verifiedBy)}).</p>` +
      `<p>${e(r.explanation)}</p>` +
      figure(jensenPlot(r.profile, c, { width: 760 }), "the loss along θa → θb rises above the chord between its ends") +
      `<p>Per parameter block (the other parameters fixed): the output layer alone is convex — the non-convexity lives in the hidden layer.</p><table class="facts">${blocks}</table>` +
      `<details><summary>certificate JSON (re-check it with <code>losscape verify</code>)</summary><pre>${e(JSON.stringify(c, null, 2))}</pre></details>`
  };
}

async function trainedNetworkSections(ex: Executor, seed: number): Promise<Section[]> {
  const raw = { model: { type: "mlp", layers: [2, 8, 8, 2], activation: "relu" }, loss: "cross_entropy", data: { name: "moons", n: 200, noise: 0.1 } };
  const spec = parseModelSpec(raw, "demo network");
  const dataset = resolveData(spec);
  const p = mlpProblem(spec, dataset, "demo network");
  const train: TrainSettings = { optimizer: "adam", lr: 0.02, momentum: 0, epochs: 300, batchSize: 0, seed };
  const runA = await trainRun(p, train, ex);
  const runB = await trainRun(p, { ...train, seed: seed + 1 }, ex);
  const surface = await pcaSurface(p, runA, 41, ex);
  const plots = pcaSurfacePlots(surface, spec.loss);
  const line = await lineProfile(p, runA.theta, runB.theta, 61, ex);
  const curve = lineProfilePlot(line, spec.loss);
  const { peak, ends } = lineBarrier(line);
  const fa = runA.history[runA.history.length - 1]!, fb = runB.history[runB.history.length - 1]!;
  const hess = await analyzeHessian({ problem: p, theta: runA.theta, executor: ex, exact: true, top: 3, bottom: 3, density: { runs: 4, steps: 60 }, seed });
  const hp = Object.fromEntries(hessianPlots(hess).map((pl) => [pl.name, pl.svg]));
  const negatives = hess.eigenvalues ? Array.from(hess.eigenvalues).filter((v) => v < -1e-10 * Math.abs(hess.top?.[0]?.value ?? 1)).length : 0;
  const acc = (v: number | undefined): string => (v === undefined ? "" : `, accuracy ${(100 * v).toFixed(1)}%`);
  return [
    {
      title: "The landscape of a small trained ReLU network",
      body:
        `<p>A 2-8-8-2 ReLU network (${p.layout.size} parameters) trained on 200 points of the two-moons data with full-batch Adam, twice: seed ${seed} ` +
        `(final loss ${n(fa.trainLoss)}${acc(fa.trainAccuracy)}) and seed ${seed + 1} (final loss ${n(fb.trainLoss)}${acc(fb.trainAccuracy)}). ` +
        `The first run's path is drawn on the plane of the two principal directions of its checkpoints (PC1 ${(100 * surface.explainedVarianceRatio[0]).toFixed(1)}%, ` +
        `PC2 ${(100 * surface.explainedVarianceRatio[1]).toFixed(1)}% of the variance), as in Li et al. 2018 — the pictures the question ends with, computed here.</p>` +
        figure(plots["trajectory"]!, "loss contours on the PCA plane with the training trajectory") +
        figure(plots["surface"]!, "the same surface in 3-D") +
        `<p>On the straight line between the two trained minima the loss rises to ${n(peak)}, above both ends (${n(ends[0])} and ${n(ends[1])}): ` +
        `a convex loss could not do that, since every point of a segment between two minimisers of a convex function is a minimiser too.</p>` +
        figure(curve, "loss (and accuracy) on the line θ(t) = θA + t·(θB − θA); t = 0 and t = 1 are the two trained networks")
    },
    {
      title: "Its Hessian spectrum",
      body:
        `<p>The exact Hessian of the trained network's loss at θA (${hess.n} × ${hess.n}, from ${hess.totalHvps} Hessian-vector products through autodiff): ` +
        `λmax = ${n(hess.top?.[0]?.value ?? NaN)}, λmin = ${n(hess.bottom?.[0]?.value ?? NaN)}, ${negatives} negative eigenvalue${negatives === 1 ? "" : "s"}. ` +
        `${negatives > 0 ? "A negative eigenvalue is a direction in which the loss bends down: a local proof that it is not convex. " : ""}` +
        `Most eigenvalues are close to zero — flat directions, many of them from ReLU units that are inactive on all the data.</p>` +
        (hp["spectrum"] ? figure(hp["spectrum"], "all eigenvalues, ascending") : "") +
        (hp["density"] ? figure(hp["density"], "spectral density by stochastic Lanczos quadrature (log scale)") : "")
    }
  ];
}

/** Digits in the CNN section: enough for a real picture, few enough that the demo stays a few seconds. */
const DEMO_CNN_SAMPLES = 300;

/**
 * A LeNet-5 as users bring their own models: an ONNX file (written by losscape's ONNX writer, so the
 * demo needs no PyTorch), imported into the same loss problem as the MLP above, trained, and drawn.
 * It runs in float32 on ONNX Runtime, the fast choice for CNNs.
 */
async function onnxModelSection(seed: number): Promise<Section> {
  const bytes = writeLenetOnnx(seed);
  const data = loadDataset("mnist", { n: DEMO_CNN_SAMPLES });
  const p = onnxProblem(importOnnxModel(bytes, { path: "lenet.onnx", dir: "." }), data, {
    source: "lenet.onnx", loss: "cross_entropy", l2: 0, spec: { model: { type: "onnx", path: "lenet.onnx" }, loss: "cross_entropy" }, modelHash: "demo", bytes, dir: "."
  });
  const ex = createOnnxExecutor({ dtype: "float32" });
  try {
    const info = inspectProblem(p);
    const run = await trainRun(p, { optimizer: "adam", lr: 0.003, momentum: 0, epochs: 4, batchSize: 100, seed }, ex);
    // 31 points on [−0.25, 1.25]: t = 0 and t = 1 are samples 5 and 25 exactly.
    const line = await lineProfile(p, p.theta0!, run.theta, 31, ex);
    const surface = await pcaSurface(p, run, 11, ex);
    const plots = pcaSurfacePlots(surface, "cross_entropy");
    const last = run.history[run.history.length - 1]!;
    const rows = info.parameters.map((b) => `<tr><th>${e(b.name)}</th><td>[${b.shape.join(", ")}] at ${b.offset}, ${b.count} values</td></tr>`).join("");
    return {
      title: "Your own model: a CNN from an ONNX file",
      body:
        `<p>Everything above works on networks people actually train. A LeNet-5 saved as ONNX (the format <code>torch.onnx.export</code> writes; ` +
        `ops ${e(info.ops.join(", "))}) is imported into the same loss problem: θ is its ${info.parameterCount} trainable weights in file order.</p>` +
        `<table class="facts">${rows}</table>` +
        `<p>Trained from the file's own weights with Adam on ${data.n} MNIST digits (${run.totalSteps} steps): loss ${n(line.values.loss![5]!)} → ` +
        `${n(last.trainLoss)}${last.trainAccuracy !== undefined ? `, accuracy ${(100 * last.trainAccuracy).toFixed(1)}%` : ""}. ` +
        `Below, the loss on the line from the file's weights (t = 0) to the trained ones (t = 1), and on the PCA plane of the training path.</p>` +
        figure(lineProfilePlot(line, "cross_entropy"), "loss (and accuracy) on θ(t) = θfile + t·(θtrained − θfile)") +
        figure(plots["trajectory"]!, "loss contours on the PCA plane of the CNN's training trajectory") +
        `<p class="muted">The same on your model: <code>losscape inspect net.json</code>, <code>losscape train net.json --out run</code> (writes <code>run/model.onnx</code>), ` +
        `<code>losscape landscape net.json --to run/model.onnx</code>.</p>`
    };
  } finally {
    await ex.dispose();
  }
}

const CSS = `
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1d1d1f; max-width: 900px; margin: 0 auto; padding: 24px; line-height: 1.5; }
h1 { font-size: 26px; margin-bottom: 4px; } h2 { font-size: 20px; margin-top: 36px; border-top: 1px solid #ddd; padding-top: 18px; }
figure { margin: 14px 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; } figcaption { font-size: 13px; color: #666; }
table.facts { border-collapse: collapse; font-size: 14px; margin: 8px 0; } table.facts th { text-align: left; font-weight: normal; color: #666; padding: 3px 14px 3px 0; vertical-align: top; white-space: nowrap; }
table.facts td { padding: 3px 0; } code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; } pre { background: #f5f6f8; padding: 10px; overflow: auto; }
.verdict { background: #f5f6f8; border-left: 4px solid #d55e00; padding: 8px 12px; } .missing { color: #8a1c0e; } .muted { color: #666; font-size: 13px; }
`;

export async function buildDemoReport(options: DemoOptions = {}): Promise<DemoReport> {
  const t0 = performance.now();
  const ex = options.executor ?? createOnnxExecutor();
  const seed = options.seed ?? 1;
  try {
    const sections: Section[] = [];
    sections.push(
      curvatureSection(
        "Sigmoid's second derivative, done right",
        "sigmoid(x)",
        [-10, 10],
        "The question plotted sigmoid's f″ in R with e = 2.718 at the integers −100…100. Here f″ comes from automatic differentiation, its sign is " +
          "<em>proven</em> on every subinterval with outward-rounded interval arithmetic, and the inflection point is located exactly at 0: sigmoid is " +
          "convex on (−∞, 0], concave on [0, ∞), hence neither on R — and a chord certifies it."
      )
    );
    sections.push(askerExpressionSection());
    sections.push(curvatureSection("ReLU is convex", "relu(x)", [-10, 10], "ReLU is convex: the DCP rules prove it directly, and its one kink has a positive slope jump."));
    const comp = curvatureSection(
      "Convex ∘ convex need not be convex",
      "abs(abs(x)-1)",
      [-3, 3],
      "The question's premise — “compositions of convex functions are convex” — needs the outer function to be <em>non-decreasing</em>. " +
        "Here both |·| and |x| − 1 are convex, but |·| decreases on negative arguments, and the composition has two minima."
    );
    sections.push(comp);
    const hat = curvatureSection(
      "A linear combination of ReLUs with two local minima",
      "2*relu(x+1) - 3*relu(x) + 2*relu(x-1) + relu(-x)",
      [-3, 3],
      "The comment under the question: mix shifted ReLUs with positive <em>and negative</em> coefficients. f″ is 0 almost everywhere, so plotting it shows " +
        "nothing; the curvature sits in the kinks, where f′ jumps. A negative jump is a concave kink, and one is enough to break convexity."
    );
    sections.push(hat);
    sections.push(await seedCertificateSection(ex));
    let networkSections: Section[];
    try {
      networkSections = await trainedNetworkSections(ex, seed);
    } catch (err) {
      networkSections = [{ title: "The landscape of a small trained ReLU network", body: `<p class="missing">This part could not be computed: ${e(err instanceof Error ? err.message : String(err))}</p>` }];
    }
    sections.push(...networkSections);
    try {
      sections.push(await onnxModelSection(seed));
    } catch (err) {
      sections.push({ title: "Your own model: a CNN from an ONNX file", body: `<p class="missing">This part could not be computed: ${e(err instanceof Error ? err.message : String(err))}</p>` });
    }
    const seconds = (performance.now() - t0) / 1000;
    const toc = sections.map((s, i) => `<li><a href="#s${i + 1}">${e(s.title)}</a></li>`).join("");
    const html =
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
      `<title>losscape demo: is a ReLU network's loss convex?</title><style>${CSS}</style></head><body>` +
      `<h1>Is a ReLU network's loss convex?</h1>` +
      `<p class="muted">A walk through the seed question with losscape ${e(VERSION)}: every number and picture below was computed and checked by the tool (${seconds.toFixed(1)} s).</p>` +
      `<p>The question: sigmoid is not convex, so networks of sigmoids have non-convex losses; ReLU is convex and compositions of convex functions are convex — ` +
      `so is a ReLU network's loss convex? No. The sections show why, each with a proof you can re-check.</p><ol>${toc}</ol>` +
      sections.map((s, i) => `<section id="s${i + 1}"><h2>${i + 1}. ${e(s.title)}</h2>${s.body}</section>`).join("") +
      `<p class="muted">Made by <code>losscape demo</code>. Explore the same analyses interactively with <code>losscape serve</code>.</p></body></html>\n`;
    return { html, seconds, sections: sections.map((s) => s.title) };
  } finally {
    if (!options.executor) await ex.dispose();
  }
}

/** Build the report and write DIR/index.html atomically; returns the file's path. */
export async function writeDemoReport(outDir: string, options: DemoOptions = {}): Promise<{ path: string; report: DemoReport }> {
  const report = await buildDemoReport(options);
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, "index.html");
  writeFileAtomic(path, report.html);
  return { path, report };
}
