import type { DcpTree } from "../dcp/analyze-dcp.js";
import type { CurvatureResult, Extremum, ProvenPoint } from "./analyze-curvature.js";
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

/** An enclosure with just enough digits that its ends differ (up to 12). */
export function enclosureText([lo, hi]: readonly [number, number]): string {
  let p = 6;
  while (p < 12 && Number(lo.toPrecision(p)) === Number(hi.toPrecision(p))) p++;
  return `[${Number(lo.toPrecision(p))}, ${Number(hi.toPrecision(p))}]`;
}

/** "at 0 (exactly)" or "in [a, b]". */
export function pointText(p: ProvenPoint): string {
  return p.exact ? `at ${p.x} (exactly)` : `in ${enclosureText(p.enclosure)}`;
}

function extremumText(e: Extremum): string {
  if (e.to !== undefined) return `f = ${n(e.f)} on ${iv([e.x, e.to])} (flat)`;
  const where = e.enclosure && e.enclosure[0] !== e.enclosure[1] ? ` in ${enclosureText(e.enclosure)}` : "";
  return `x = ${n(e.x)}${where} (f = ${n(e.f)}${e.at === "kink" ? ", at a kink" : ""})`;
}

/** An interval, with "(" or ")" where it ends at an open end of the domain. */
function domainIv(r: CurvatureResult, [a, b]: readonly [number, number]): string {
  const l = r.openEnds[0] && a === r.domain[0] ? "(" : "[";
  const h = r.openEnds[1] && b === r.domain[1] ? ")" : "]";
  return `${l}${n(a)}, ${n(b)}${h}`;
}

function regionLine(r: CurvatureResult, list: readonly (readonly [number, number])[], nowhere: boolean): string {
  if (list.length) return list.map((x) => domainIv(r, x)).join(", ");
  return nowhere ? "nowhere (proven)" : "no interval proven";
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
  out.push(`${r.canonical} on ${domainIv(r, r.domain)}${open}`);
  out.push(`verdict: ${r.verdict.toUpperCase()}`);
  out.push(`reason:  ${r.reason}`);
  out.push(`proof:   ${r.proof.method}: ${r.proof.detail}${r.proof.rigorous === false ? " (some switching points located by bisection only)" : ""}`);
  if (r.tried) for (const t of r.tried) out.push(`  tried: ${t}`);
  out.push("");
  out.push(`DCP analysis: ${r.dcp.curvature}`);
  treeLines(r.dcp.tree, 0, out);
  if (r.dcp.broken.length) out.push(`  where the rules break: ${r.dcp.broken[0]}`);
  if (r.dcp.stableForm) out.push(`  on the exact stable form ${r.dcp.stableForm.expr}: ${r.dcp.stableForm.curvature}`);
  out.push("");
  out.push(`convex on:    ${regionLine(r, r.convexIntervals, r.convexNowhere)}`);
  out.push(`concave on:   ${regionLine(r, r.concaveIntervals, r.concaveNowhere)}`);
  if (r.undecided.length) out.push(`undecided on: ${r.undecided.map((x) => (x[0] === x[1] ? `x = ${n(x[0])}` : domainIv(r, x))).join(", ")} (neither convexity nor concavity proven there)`);
  const settled = r.undecided.length === 0;
  out.push(`inflections:  ${r.inflectionPoints.length ? r.inflectionPoints.map(pointText).join(", ") : settled ? "none" : "none proven"}`);
  if (r.kinks.length === 0) out.push("kinks:        none");
  else {
    out.push("kinks:        (jump of f' = f'(x+) − f'(x−); negative is a concave kink)");
    for (const k of r.kinks) {
      const jump = k.exactSlopeJump ?? n(k.slopeJump);
      out.push(`  x = ${n(k.x)}: f' jumps ${n(k.leftSlope)} -> ${n(k.rightSlope)}, by ${Number(k.slopeJump) > 0 ? "+" : ""}${jump} (${k.kind} kink; location ${k.isolation})`);
    }
  }
  const none = r.extremaSettled ? "none inside the domain" : "none proven";
  out.push(`minima:       ${r.minima.length ? r.minima.map(extremumText).join("; ") : none}`);
  out.push(`maxima:       ${r.maxima.length ? r.maxima.map(extremumText).join("; ") : none}`);
  const certs = [r.certificates.notConvex, r.certificates.notConcave].filter((c): c is JensenCertificate => !!c);
  if (certs.length) {
    out.push("certificates: (points where the graph crosses a chord)");
    for (const c of certs) out.push(...certText(c));
  }
  return `${out.join("\n")}\n`;
}

export { describeCert };
