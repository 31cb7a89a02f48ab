import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { clipPolyline, insideRect, type Rect } from "./geometry.js";

const rect: Rect = { x: 0, y: 0, width: 10, height: 10 };

describe("clipPolyline", () => {
  it("keeps a line that is fully inside unchanged", () => {
    expect(clipPolyline([1, 2, 3], [1, 5, 2], rect)).toEqual([[[1, 1], [2, 5], [3, 2]]]);
  });
  it("breaks the line at non-finite points", () => {
    const pieces = clipPolyline([1, 2, 3, 4, 5], [1, 2, Number.NaN, 4, 5], rect);
    expect(pieces).toEqual([[[1, 1], [2, 2]], [[4, 4], [5, 5]]]);
  });
  it("cuts segments at the border where they leave and re-enter", () => {
    const pieces = clipPolyline([5, 5, 5], [5, 20, 5], rect);
    expect(pieces).toEqual([[[5, 5], [5, 10]], [[5, 10], [5, 5]]]);
  });
  it("keeps the visible middle of a segment crossing the whole rect", () => {
    expect(clipPolyline([-5, 15], [5, 5], rect)).toEqual([[[0, 5], [10, 5]]]);
  });
  it("returns only points inside the rect, lying on the original segments", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: -20, max: 30, noNaN: true }), fc.double({ min: -20, max: 30, noNaN: true })), { minLength: 2, maxLength: 12 }), (pts) => {
      const pieces = clipPolyline(pts.map((p) => p[0]), pts.map((p) => p[1]), rect);
      for (const piece of pieces) {
        expect(piece.length).toBeGreaterThanOrEqual(2);
        for (const [x, y] of piece) expect(insideRect(x, y, rect, 1e-9)).toBe(true);
      }
    }));
  });
});
