import { describe, expect, it } from "vitest";
import { jensenPlot } from "./jensen-plot.js";
import { svgProblems } from "./svg-lint.js";
import type { NetworkCertificate } from "../model/network-certificate.js";

const cert = {
  type: "losscape/jensen-certificate", version: 1, specHash: "sha256:x", thetaA: [1], thetaB: [-1], t: 0.5,
  losses: { a: 0, b: 0, mid: 1 }, gap: 1, verifiedBy: "exact rationals"
} as NetworkCertificate;

describe("jensenPlot", () => {
  it("shades where the loss is above the chord and marks the certificate point", () => {
    const s = Array.from({ length: 11 }, (_, i) => i / 10);
    const svg = jensenPlot({ s, loss: s.map((x) => 4 * x * (1 - x)), sCertificate: 0.5 }, cert);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toMatch(/loss above the chord: not convex/);
    expect(svg).toMatch(/certificate point/);
    expect(svgProblems(svg)).toEqual([]);
  });

  it("draws no shading when the loss lies on or below the chord", () => {
    const s = Array.from({ length: 11 }, (_, i) => i / 10);
    const svg = jensenPlot({ s, loss: s.map((x) => (x - 0.5) ** 2), sCertificate: 0.5 }, cert);
    expect(svg).not.toMatch(/loss above the chord/);
  });
});
