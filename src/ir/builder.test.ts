import { describe, expect, it } from "vitest";
import { GraphBuilder, trace } from "./builder.js";
import { printGraph } from "./printer.js";
import { tensor } from "./tensor.js";
import { evaluate } from "../exec/reference.js";

describe("the graph builder", () => {
  it("traces a TypeScript function into a graph with named inputs and outputs", () => {
    const graph = trace({ w: { shape: [2] }, x: { shape: [3, 2] } }, (g, { w, x }) => {
      const e = g.sub(g.matmul(x!, w!), 1);
      return { L: g.reduceSum(g.mul(e, e)) };
    });
    expect(graph.inputs.map((i) => i.name)).toEqual(["w", "x"]);
    expect(graph.outputs.map((o) => o.name)).toEqual(["L"]);
    const r = evaluate(graph, { w: tensor([2], [1, 2]), x: tensor([3, 2], [1, 0, 0, 1, 1, 1]) });
    expect(r["L"]!.data[0]).toBe(0 + 1 + 4); // residuals 0, 1, 2
  });

  it("shares identical nodes (hash-consing) and drops what the outputs do not need", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [3]);
    const a = g.exp(x), b = g.exp(x);
    expect(a.id).toBe(b.id);
    g.sin(x); // dead
    const graph = g.build({ y: g.add(a, b) });
    expect(graph.nodes.map((n) => n.op)).toEqual(["Input", "Exp", "Add"]);
  });

  it("reports shape and dtype errors naming the op and the shapes", () => {
    const g = new GraphBuilder();
    const a = g.input("a", [2, 3]);
    const b = g.input("b", [4]);
    expect(() => g.add(a, b)).toThrow(/Add: shapes \[2,3\] and \[4\] do not broadcast/);
    expect(() => g.matmul(a, g.input("c", [2, 2]))).toThrow(/MatMul: inner dimensions differ: \[2,3\] @ \[2,2\]/);
    expect(() => g.reshape(a, [4, 2])).toThrow(/Reshape: cannot reshape \[2,3\]/);
    expect(() => g.transpose(a, [0, 0])).toThrow(/Transpose: perm \[0,0\] is not a permutation/);
    expect(() => g.reduceSum(a, [2])).toThrow(/reduction axis 2 is out of range for rank 2/);
    const i = g.input("i", [3], "int64");
    expect(() => g.exp(i)).toThrow(/Exp: input must be float32 or float64, got int64/);
    expect(() => g.where(a, a, a)).toThrow(/Where: condition must be bool/);
    expect(() => g.input("a", [1])).toThrow(/duplicate graph input "a"/);
  });
});

describe("printGraph", () => {
  it("shows one node per line with types, attributes and named outputs", () => {
    const g = new GraphBuilder();
    const x = g.input("x", [2, 3]);
    const graph = g.build({ y: g.softmax(g.mul(x, 2), 1) });
    expect(printGraph(graph)).toBe(
      [
        "graph(x: float64[2,3]) {",
        "  %1 = Constant 2 : float64[]",
        "  %2 = Mul(x, %1) : float64[2,3]",
        "  %3 = Softmax(%2) {axis=1} : float64[2,3]",
        "  return y = %3",
        "}"
      ].join("\n")
    );
  });
});
