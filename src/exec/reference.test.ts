import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../ir/builder.js";
import { evaluate } from "./reference.js";

describe("reference float32 rounding", () => {
  it("rounds a float32 constant given unrounded, on every run, and leaves its tensor untouched", () => {
    const g = new GraphBuilder("float32");
    const data = Float64Array.of(0.1, 1 / 3);
    const c = g.constant({ dtype: "float32", shape: [2], data });
    const graph = g.build({ y: g.identity(c), c });
    for (let run = 0; run < 2; run++) {
      const r = evaluate(graph, {});
      expect([...r["c"]!.data]).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
      expect([...r["y"]!.data]).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    }
    expect([...data]).toEqual([0.1, 1 / 3]);
    expect([...evaluate(graph, {}, { float32Rounding: false })["c"]!.data]).toEqual([0.1, 1 / 3]);
  });
});
