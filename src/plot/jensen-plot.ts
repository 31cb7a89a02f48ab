/**
 * The picture of a Jensen certificate: the loss along the segment θa -> θb against the chord between
 * its ends; where the loss lies above the chord (shaded) the loss is not convex, and the
 * certificate's point is marked.
 */
import type { SegmentProfile } from "../model/network-convexity.js";
import type { NetworkCertificate } from "../model/network-certificate.js";
import { SEMANTIC } from "./colors.js";
import { linePlot, type FillBetween } from "./line-plot.js";

/** x-ranges where the sampled loss is above the chord, merged, with the crossings interpolated. */
function aboveChord(s: readonly number[], gap: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  let from: number | null = null;
  const cross = (i: number): number => {
    const g0 = gap[i - 1]!, g1 = gap[i]!;
    return s[i - 1]! + ((s[i]! - s[i - 1]!) * g0) / (g0 - g1);
  };
  for (let i = 0; i < s.length; i++) {
    const up = gap[i]! > 0;
    if (up && from === null) from = i === 0 ? s[0]! : cross(i);
    if (!up && from !== null) {
      ranges.push([from, cross(i)]);
      from = null;
    }
  }
  if (from !== null) ranges.push([from, s[s.length - 1]!]);
  return ranges;
}

export function jensenPlot(profile: SegmentProfile, cert: NetworkCertificate, options: { width?: number; title?: string } = {}): string {
  const { s, loss } = profile;
  const la = loss[0]!, lb = loss[loss.length - 1]!;
  const chord = s.map((x) => (1 - x) * la + x * lb);
  // Shade only where the loss rises above the chord: that area is the violation of convexity.
  const above = Float64Array.from(loss, (v, i) => Math.max(v, chord[i]!));
  const fills: FillBetween[] = aboveChord(s, loss.map((v, i) => v - chord[i]!)).length
    ? [{ x: s, y1: above, y2: chord, color: SEMANTIC.concave, opacity: 0.35, label: "loss above the chord: not convex" }]
    : [];
  const sc = profile.sCertificate;
  const mid = cert.losses.mid;
  return linePlot({
    title: options.title ?? `Jensen certificate: gap ${Number(cert.gap.toPrecision(4))} at s = ${Number(sc.toPrecision(4))} (${cert.verifiedBy})`,
    xLabel: "s along the segment θ(s) = (1 − s)·θa + s·θb",
    ...(options.width ? { width: options.width } : {}),
    panels: [
      {
        series: [{ x: s, y: loss, label: "loss L(θ(s))", color: SEMANTIC.positive }],
        segments: [{ x1: 0, y1: la, x2: 1, y2: lb, label: "chord between L(θa) and L(θb)", color: SEMANTIC.axis, dash: true, endpoints: true }],
        points: [{ x: sc, y: mid, label: "certificate point", color: SEMANTIC.negative, shape: "diamond" }],
        fills,
        yLabel: "loss"
      }
    ]
  });
}
