import type { SignResult } from "./analyze-sign.js";
import { enclosureText, pointText } from "./render-curvature.js";

const n = (v: number): string => String(Number(v.toPrecision(6)));

/** The result without plot samples and the raw proof segments, for --json. */
export function signJson(r: SignResult): Omit<SignResult, "samples" | "segments"> {
  const { samples: _s, segments: _g, ...rest } = r;
  return rest;
}

function ivText(r: SignResult, [a, b]: readonly [number, number]): string {
  const l = r.openEnds[0] && a === r.domain[0] ? "(" : "[";
  const h = r.openEnds[1] && b === r.domain[1] ? ")" : "]";
  return `${l}${n(a)}, ${n(b)}${h}`;
}

export function renderSignText(r: SignResult): string {
  const settled = r.undecided.length === 0;
  const list = (xs: readonly (readonly [number, number])[]): string => (xs.length ? xs.map((x) => ivText(r, x)).join(", ") : settled ? "nowhere" : "no interval proven");
  const out = [
    `g(x) = ${r.canonical} on ${ivText(r, r.domain)}`,
    `g >= 0 on:    ${list(r.nonnegative)}`,
    `g <= 0 on:    ${list(r.nonpositive)}`,
    `zeros:        ${r.zeros.length ? r.zeros.map(pointText).join(", ") : settled ? "none (no sign change)" : "none proven"}`
  ];
  if (r.zeroIntervals.length) out.push(`g = 0 on:     ${r.zeroIntervals.map((x) => ivText(r, x)).join(", ")}`);
  if (r.undecided.length) out.push(`undecided on: ${r.undecided.map((x) => (x[0] === x[1] ? `x = ${n(x[0])}` : enclosureText(x))).join(", ")} (no sign proven there)`);
  out.push(`proof:        ${r.proof.method}: ${r.proof.detail}`);
  return `${out.join("\n")}\n`;
}
