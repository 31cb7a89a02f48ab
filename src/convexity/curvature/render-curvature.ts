import type { DcpTree } from "../dcp/analyze-dcp.js";
import type { CurvatureResult, Extremum } from "./analyze-curvature.js";
import { describeCert } from "./analyze-curvature.js";
import type { JensenCertificate } from "./jensen-certificate.js";

const n = (v: number): string => String(Number(v.toPrecision(6)));
const iv = ([a, b]: readonly [number, number]): string => `[${n(a)}, ${n(b)}]`;

/** The result without plot samples, for --json. */
export function curvatureJson(r: CurvatureResult): Omit<CurvatureResult, "samples"> {
  const { samples: _samples, ...rest } = r;
  return rest;
}

function treeLines(t: DcpTree, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth + 1);
  const range = t.range ? ` on ${iv(t.range)}` : "";
  const tail = t.seeAbove ? " (shown above)" : ` — ${t.rule}`;
  out.push(`${pad}${t.expr}: ${t.curvature}, sign ${t.sign}${range}${tail}`);
  if (t.broken && !t.seeAbove) out.push(`${pad}  ✗ ${t.broken}`);
  for (const c of t.children) if (c.op !== "Constant") treeLines(c, depth + 1, out);
}

function extremumText(e: Extremum): string {
  if (e.to !== undefined) return `every x in ${iv([e.x, e.to])} (f = ${n(e.f)}, flat)`;
  return `x = ${n(e.x)} (f = ${n(e.f)}${e.at === "kink" ? ", at a kink" : ""})`;
}

function certText(c: JensenCertificate): string[] {
  const rel = c.kind === "notConvex" ? ">" : "<";
  const lines = [
    `  ${c.kind === "notConvex" ? "not convex" : "not concave"}: x1 = ${c.x1}, x2 = ${c.x2}, t = ${c.t}`,
    `    f(t·x1 + (1−t)·x2) = f(${n(c.midpoint)}) = ${n(c.fMid)} ${rel} t·f(x1) + (1−t)·f(x2) = ${n(c.t * c.f1 + (1 - c.t) * c.f2)}`,
    `    gap ${n(c.gap)}, checked with ${c.verifiedBy}${c.exactGap ? ` (exact gap ${c.exactGap.length > 60 ? `${c.exactGap.slice(0, 57)}...` : c.exactGap})` : ` (gap in ${iv(c.gapEnclosure)})`}`
  ];
  return lines;
}

/** The human-readable report: verdict, reason, DCP tree, intervals, kinks, inflections, extrema, certificates. */
export function renderCurvatureText(r: CurvatureResult): string {
  const out: string[] = [];
  const open = r.openEnds[0] || r.openEnds[1] ? ` (f undefined at ${[r.openEnds[0] ? r.domain[0] : undefined, r.openEnds[1] ? r.domain[1] : undefined].filter((v) => v !== undefined).join(" and ")}: that end is open)` : "";
  out.push(`${r.canonical} on [${r.domain[0]}, ${r.domain[1]}]${open}`);
  out.push(`verdict: ${r.verdict.toUpperCase()}`);
  out.push(`reason:  ${r.reason}`);
  out.push(`proof:   ${r.proof.method}: ${r.proof.detail}${r.proof.rigorous === false ? " (some switching points located by bisection only)" : ""}`);
  if (r.tried) for (const t of r.tried) out.push(`  tried: ${t}`);
  out.push("");
  out.push(`DCP analysis: ${r.dcp.curvature}`);
  treeLines(r.dcp.tree, 0, out);
  if (r.dcp.broken.length) out.push(`  where the rules break: ${r.dcp.broken[0]}`);
  out.push("");
  out.push(`convex on:    ${r.convexIntervals.length ? r.convexIntervals.map(iv).join(", ") : "nowhere (no interval)"}`);
  out.push(`concave on:   ${r.concaveIntervals.length ? r.concaveIntervals.map(iv).join(", ") : "nowhere (no interval)"}`);
  out.push(`inflections:  ${r.inflections.length ? r.inflections.map(n).join(", ") : "none"}`);
  if (r.kinks.length === 0) out.push("kinks:        none");
  else {
    out.push("kinks:        (jump of f' = f'(x+) − f'(x−); negative is a concave kink)");
    for (const k of r.kinks) {
      const jump = k.exactSlopeJump ?? n(k.slopeJump);
      out.push(`  x = ${n(k.x)}: f' jumps ${n(k.leftSlope)} -> ${n(k.rightSlope)}, by ${Number(k.slopeJump) > 0 ? "+" : ""}${jump} (${k.kind} kink; location ${k.isolation})`);
    }
  }
  out.push(`minima:       ${r.minima.length ? r.minima.map(extremumText).join("; ") : "none inside the domain"}`);
  out.push(`maxima:       ${r.maxima.length ? r.maxima.map(extremumText).join("; ") : "none inside the domain"}`);
  const certs = [r.certificates.notConvex, r.certificates.notConcave].filter((c): c is JensenCertificate => !!c);
  if (certs.length) {
    out.push("certificates: (points where the graph crosses a chord)");
    for (const c of certs) out.push(...certText(c));
  }
  return `${out.join("\n")}\n`;
}

export { describeCert };
