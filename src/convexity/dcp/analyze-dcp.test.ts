import { describe, it, expect } from "vitest";
import { GraphBuilder } from "../../ir/builder.js";
import { tensor } from "../../ir/tensor.js";
import { expressionGraph } from "../expr/expression-graph.js";
import { analyzeDcp, dcpTree } from "./analyze-dcp.js";

const curv = (src: string): string => analyzeDcp(expressionGraph(src).graph).curvature;

describe("DCP over expression graphs", () => {
  const cases: [string, string][] = [
    ["x", "affine"],
    ["3 * x - 2", "affine"],
    ["exp(x)", "convex"],
    ["relu(2*x - 1) + abs(x)", "convex"],
    ["-relu(x)", "concave"],
    ["log(1 + x^2)", "unknown"],
    ["exp(relu(x))", "convex"],
    ["softplus(x) + max(x, -x, 0)", "convex"],
    ["min(x, 1 - x)", "concave"],
    ["relu(x) * relu(x)", "convex"], // square of a nonneg convex argument
    ["log(exp(x) + exp(2 - x))", "convex"], // log-sum-exp
    ["log(1 + exp(x))", "convex"],
    ["log(exp(x^2) + exp(-x^2))", "unknown"],
    ["x*x", "convex"],
    ["x^4", "convex"],
    ["x / 2", "affine"],
    ["sin(x)", "unknown"],
    ["2", "constant"]
  ];
  for (const [src, want] of cases) it(`${src} is ${want}`, () => expect(curv(src)).toBe(want));

  it("square(square(x)): the inner square is nonneg, so the outer one is increasing and the result convex", () => {
    const r = analyzeDcp(expressionGraph("square(square(x))").graph);
    expect(r.curvature).toBe("convex");
    expect(r.nodes[r.root]!.rule).toMatch(/square/);
  });

  it("ranges decide signs: sqrt(x)^3 and 1/x are convex on a positive range", () => {
    const { graph } = expressionGraph("1/x");
    const xId = graph.inputs[0]!.id;
    const ranges = graph.nodes.map((n) => (n.id === xId ? { lo: 1, hi: 4 } : undefined));
    expect(analyzeDcp(graph, { ranges }).curvature).toBe("convex");
    expect(analyzeDcp(graph).curvature).toBe("unknown");
  });

  it("the explanation names the broken clause", () => {
    const r = analyzeDcp(expressionGraph("sqrt(1 + x^2)").graph);
    const t = dcpTree(r);
    expect(t.curvature).toBe("unknown");
    expect(t.broken).toMatch(/concave outer function sqrt.*increasing.*applied to a convex argument \(1 \+ x\^2\)/);
    expect(t.children[0]!.curvature).toBe("convex");
  });
});

describe("DCP over network-style graphs", () => {
  it("a least-squares loss is convex in the weights, and a relu layer breaks it", () => {
    const g = new GraphBuilder();
    const w = g.input("w", [3, 1]);
    const X = g.constant(tensor([4, 3], [1, 2, 3, -1, 0, 2, 0.5, 1, -1, 2, 2, 2]));
    const y = g.constant(tensor([4, 1], [1, 0, -1, 2]));
    const r = g.sub(g.matmul(X, w), y);
    const ls = g.reduceMean(g.mul(r, r));
    const hidden = g.relu(g.matmul(X, w));
    const v = g.input("v", [1, 1]);
    const net = g.reduceMean(g.square(g.sub(g.matmul(hidden, v), y)));
    const graph = g.build({ ls, net, logsm: g.reduceSum(g.logSoftmax(g.matmul(X, w), 0)) });
    expect(analyzeDcp(graph, { wrt: ["w"], of: "ls" }).curvature).toBe("convex");
    // With v held constant of unknown sign, relu(Xw)·v is not DCP.
    expect(analyzeDcp(graph, { wrt: ["w"], of: "net" }).curvature).toBe("unknown");
    // In v alone (w held constant) the same loss is a convex quadratic.
    expect(analyzeDcp(graph, { wrt: ["v"], of: "net" }).curvature).toBe("convex");
    expect(analyzeDcp(graph, { wrt: ["w"], of: "logsm" }).curvature).toBe("concave");
  });
});
