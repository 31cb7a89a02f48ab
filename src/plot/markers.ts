/** Point-marker glyphs (minima, maxima, trajectory ends) drawn as small filled shapes. */
import { el, fmt } from "./svg.js";

/** "ring" is hollow: a point drawn on top of another marker (θ over the trajectory's end) leaves it visible. */
export type MarkerShape = "circle" | "square" | "diamond" | "triangle-up" | "triangle-down" | "star" | "cross" | "ring";

function polygon(points: readonly (readonly [number, number])[], fill: string, stroke: string): string {
  const d = points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${fmt(x)} ${fmt(y)}`).join("") + "Z";
  return el("path", { d, fill, stroke, "stroke-width": 1 });
}

/** A marker of radius r centred at (cx, cy); the white outline keeps it visible on any background. */
export function marker(shape: MarkerShape, cx: number, cy: number, r: number, fill: string, stroke = "#ffffff"): string {
  switch (shape) {
    case "circle":
      return el("circle", { cx: fmt(cx), cy: fmt(cy), r: fmt(r), fill, stroke, "stroke-width": 1 });
    case "square":
      return el("rect", {
        x: fmt(cx - r * 0.85), y: fmt(cy - r * 0.85), width: fmt(r * 1.7), height: fmt(r * 1.7), fill, stroke, "stroke-width": 1,
      });
    case "diamond":
      return polygon([[cx, cy - r * 1.2], [cx + r, cy], [cx, cy + r * 1.2], [cx - r, cy]], fill, stroke);
    case "triangle-up":
      return polygon([[cx, cy - r * 1.2], [cx + r * 1.1, cy + r * 0.8], [cx - r * 1.1, cy + r * 0.8]], fill, stroke);
    case "triangle-down":
      return polygon([[cx, cy + r * 1.2], [cx + r * 1.1, cy - r * 0.8], [cx - r * 1.1, cy - r * 0.8]], fill, stroke);
    case "star": {
      const pts: [number, number][] = [];
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? r * 1.35 : r * 0.6;
        pts.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
      }
      return polygon(pts, fill, stroke);
    }
    case "ring":
      // a white halo under the coloured ring keeps it readable on dark and light cells alike
      return (
        el("circle", { cx: fmt(cx), cy: fmt(cy), r: fmt(r * 1.6), fill: "none", stroke: stroke, "stroke-width": 4.5 }) +
        el("circle", { cx: fmt(cx), cy: fmt(cy), r: fmt(r * 1.6), fill: "none", stroke: fill, "stroke-width": 2 })
      );
    case "cross": {
      const d = `M${fmt(cx - r)} ${fmt(cy - r)}L${fmt(cx + r)} ${fmt(cy + r)}M${fmt(cx - r)} ${fmt(cy + r)}L${fmt(cx + r)} ${fmt(cy - r)}`;
      return el("path", { d, stroke: fill, "stroke-width": 2, fill: "none" });
    }
  }
}
