import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mlpLayout } from "../../model/layout.js";
import { parseModelSpec } from "../../model/spec.js";
import { createRng } from "../../util/random.js";
import { normalizeDirection } from "./normalize.js";
import { gaussianDirections } from "./random.js";

function setup(layers: number[], bias: boolean, seed: number) {
  const spec = parseModelSpec({ model: { type: "mlp", layers, bias }, loss: "mse", data: { x: [[0]], y: [[0]] } });
  const layout = mlpLayout(spec);
  const rng = createRng(seed);
  const theta = Float64Array.from({ length: layout.size }, () => rng.normal() * 3);
  const [d] = gaussianDirections(layout.size, 1, seed + 1);
  return { layout, theta, d: d! };
}

const norm = (xs: number[]): number => Math.sqrt(xs.reduce((s, v) => s + v * v, 0));
const shapes = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 });

describe("filter normalization (Li et al.): each output unit's row of d has the norm of the same row of θ", () => {
  it("holds row by row, keeps each row's direction, and zeroes biases when they are ignored", () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1e6 }), (layers, seed) => {
        const { layout, theta, d } = setup(layers, true, seed);
        const out = normalizeDirection(d, theta, layout, { normalization: "filter", ignoreBias: true });
        for (const b of layout.blocks) {
          if (b.kind === "bias") {
            for (let k = 0; k < b.size; k++) expect(out[b.offset + k]).toBe(0);
            continue;
          }
          const [rows, cols] = b.shape as [number, number];
          for (let r = 0; r < rows; r++) {
            const at = (v: Float64Array) => Array.from(v.subarray(b.offset + r * cols, b.offset + (r + 1) * cols));
            const o = at(out), raw = at(d), th = at(theta);
            expect(norm(o)).toBeCloseTo(norm(th), 10);
            // same direction: o = c · raw with c = ‖θ_r‖/‖d_r‖ > 0
            const c = norm(th) / norm(raw);
            o.forEach((v, k) => expect(v).toBeCloseTo(c * raw[k]!, 10));
          }
        }
      })
    );
  });

  it("with biases included, a unit's bias joins its row: ‖(d_r, db_r)‖ = ‖(θ_r, θb_r)‖", () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1e6 }), (layers, seed) => {
        const { layout, theta, d } = setup(layers, true, seed);
        const out = normalizeDirection(d, theta, layout, { normalization: "filter", ignoreBias: false });
        for (const w of layout.blocks.filter((b) => b.kind === "weight")) {
          const bias = layout.blocks.find((b) => b.kind === "bias" && b.layer === w.layer)!;
          const [rows, cols] = w.shape as [number, number];
          for (let r = 0; r < rows; r++) {
            const unit = (v: Float64Array) => [...Array.from(v.subarray(w.offset + r * cols, w.offset + (r + 1) * cols)), v[bias.offset + r]!];
            expect(norm(unit(out))).toBeCloseTo(norm(unit(theta)), 10);
          }
        }
      })
    );
  });

  it("matches a hand-computed 1-2-1 example", () => {
    const { layout } = setup([1, 2, 1], true, 0);
    // θ = (A1 = [3, 4]ᵀ, b1 = [1, 1], A2 = [[0, 5]], b2 = [2])
    const theta = Float64Array.from([3, 4, 1, 1, 0, 5, 2]);
    const d = Float64Array.from([1, -2, 7, 7, 3, 4, 9]);
    const out = normalizeDirection(d, theta, layout, { normalization: "filter", ignoreBias: true });
    // rows of A1 are 1-element: |d_r| scaled to |θ_r|, sign kept; A2's row [3,4] (norm 5) scaled to norm 5
    expect(Array.from(out)).toEqual([3, -4, 0, 0, 3, 4, 0]);
  });
});

describe("layer normalization and none", () => {
  it("layer: each layer's weight matrix of d has the Frobenius norm of θ's", () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 1e6 }), (layers, seed) => {
        const { layout, theta, d } = setup(layers, true, seed);
        const out = normalizeDirection(d, theta, layout, { normalization: "layer", ignoreBias: true });
        for (const b of layout.blocks.filter((x) => x.kind === "weight")) {
          const seg = (v: Float64Array) => Array.from(v.subarray(b.offset, b.offset + b.size));
          expect(norm(seg(out))).toBeCloseTo(norm(seg(theta)), 10);
          const c = norm(seg(theta)) / norm(seg(d));
          seg(out).forEach((v, k) => expect(v).toBeCloseTo(c * seg(d)[k]!, 10));
        }
      })
    );
  });

  it("none leaves weights as drawn (biases still follow --ignore-bias)", () => {
    const { layout, theta, d } = setup([2, 3, 1], true, 5);
    const kept = normalizeDirection(d, theta, layout, { normalization: "none", ignoreBias: false });
    expect(Array.from(kept)).toEqual(Array.from(d));
    const zeroed = normalizeDirection(d, theta, layout, { normalization: "none", ignoreBias: true });
    for (const b of layout.blocks) {
      for (let k = 0; k < b.size; k++) expect(zeroed[b.offset + k]).toBe(b.kind === "bias" ? 0 : d[b.offset + k]);
    }
  });

  it("a row where θ is zero gets a zero direction (nothing to scale to)", () => {
    const { layout } = setup([2, 2, 1], false, 0);
    const theta = Float64Array.from([0, 0, 1, 1, 1, 1]);
    const d = Float64Array.from([1, 1, 1, 0, 2, 2]);
    const out = normalizeDirection(d, theta, layout, { normalization: "filter", ignoreBias: true });
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 0]);
    expect(norm(Array.from(out.subarray(2, 4)))).toBeCloseTo(Math.SQRT2, 12);
  });

  it("random directions are reproducible from the seed and differ between seeds", () => {
    const a = gaussianDirections(50, 2, 9), b = gaussianDirections(50, 2, 9), c = gaussianDirections(50, 2, 10);
    expect(Array.from(a[0]!)).toEqual(Array.from(b[0]!));
    expect(Array.from(a[1]!)).toEqual(Array.from(b[1]!));
    expect(Array.from(a[0]!)).not.toEqual(Array.from(c[0]!));
    expect(Array.from(a[0]!)).not.toEqual(Array.from(a[1]!));
  });
});
