import { describe, expect, it } from "vitest";
import { linePlot, MAX_LANE_ROWS } from "./line-plot.js";

const xs = Array.from({ length: 201 }, (_, i) => i / 200);

describe("line plot annotations", () => {
  it("draws every marker line but at most MAX_LANE_ROWS rows of their labels, and says how many it left out", () => {
    const vlines = Array.from({ length: 2000 }, (_, i) => ({ x: (i + 0.5) / 2000, label: `kink ${i}` }));
    const one = linePlot({ panels: [{ series: [{ x: xs, y: xs }], yLabel: "f" }] });
    const many = linePlot({ vlines, panels: [{ series: [{ x: xs, y: xs }], yLabel: "f" }] });
    const height = (svg: string): number => Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]);
    expect(height(many)).toBeLessThanOrEqual(height(one) + (MAX_LANE_ROWS + 1) * 15 + 2);
    const labels = [...many.matchAll(/>kink \d+</g)].length;
    expect(labels).toBeGreaterThan(0);
    expect(labels).toBeLessThan(200);
    expect(many).toContain(`${2000 - labels} more marker labels not drawn`);
  });

  it("records each panel's scales so a viewer can map the pointer back to data", () => {
    const svg = linePlot({ panels: [{ series: [{ x: xs, y: xs.map((x) => 10 ** x) }], yLabel: "f", yLog: true }] });
    const m = /data-x="linear 0 1 ([\d.]+) ([\d.]+)" data-y="log ([\d.e-]+) ([\d.e-]+) ([\d.]+) ([\d.]+)"/.exec(svg);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(Number(m![2]));
    // The y pixel range runs bottom to top.
    expect(Number(m![5])).toBeGreaterThan(Number(m![6]));
  });
});
