/**
 * The 3-D surface's painter's order (web/src/components/surface-scene.ts): a path behind a ridge is
 * painted before the ridge, which covers it on screen; a path in front of the ridge is painted after it.
 */
import { describe, expect, it } from "vitest";
import { surfaceScene, type Projection, type SceneItem } from "../../web/src/components/surface-scene.js";

// Seen from the +v side at elevation e (the explorer's projection at azimuth 0): depth grows toward the viewer.
const e = 0.3;
const project: Projection = (u, v, w) => [u, v * Math.sin(e) - w * Math.cos(e), v * Math.cos(e) + w * Math.sin(e)];
const grid = [-1, -0.5, 0, 0.5, 1];
// A ridge along v = 0 (row 2), low elsewhere.
const w = (_i: number, j: number): number => (j === 2 ? 0.6 : -0.6);

function inside(p: [number, number], poly: [number, number][]): boolean {
  let hit = false;
  for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
    const [xa, ya] = poly[a]!, [xb, yb] = poly[b]!;
    if (ya > p[1] !== yb > p[1] && p[0] < ((xb - xa) * (p[1] - ya)) / (yb - ya) + xa) hit = !hit;
  }
  return hit;
}

describe("surface scene order", () => {
  const behind = [-0.6, -0.75, 0.6, -0.75];
  const front = [-0.6, 0.75, 0.6, 0.75];
  const scene = surfaceScene({ xs: grid, ys: grid, w, path: [...behind], project });
  const sceneFront = surfaceScene({ xs: grid, ys: grid, w, path: [...front], project });
  const ridge = (s: SceneItem[]): number[] => s.flatMap((it, k) => (it.kind === "quad" && (it.j === 1 || it.j === 2) ? [k] : []));
  const pieces = (s: SceneItem[]): number[] => s.flatMap((it, k) => (it.kind === "path" ? [k] : []));

  it("paints a path behind the ridge first, so the ridge's quads cover it", () => {
    expect(pieces(scene).length).toBeGreaterThan(4);
    expect(Math.max(...pieces(scene))).toBeLessThan(Math.min(...ridge(scene)));
    // And the ridge really is over it on screen: some ridge quad contains each piece's start.
    for (const k of pieces(scene)) {
      const piece = scene[k] as Extract<SceneItem, { kind: "path" }>;
      expect(ridge(scene).some((q) => inside(piece.a, (scene[q] as Extract<SceneItem, { kind: "quad" }>).pts))).toBe(true);
    }
  });

  it("paints a path in front of the ridge after it, and every piece after the quad it lies on", () => {
    expect(Math.min(...pieces(sceneFront))).toBeGreaterThan(Math.max(...ridge(sceneFront)));
    for (const s of [scene, sceneFront]) {
      for (const k of pieces(s)) {
        const under = s.findIndex((it) => it.kind === "quad" && it.j === (s === scene ? 0 : 3) && it.i === 1);
        if (under >= 0 && (s[k] as Extract<SceneItem, { kind: "path" }>).a[0] >= -0.5 && (s[k] as Extract<SceneItem, { kind: "path" }>).b[0] <= 0) expect(k).toBeGreaterThan(under);
      }
    }
  });
});
