// The library in a few lines: trace a loss into a graph, differentiate it, and run it.
// From a clone (npm install builds dist/): node examples/library.mjs
import { GraphBuilder, grad, hvp, evaluate, tensor, printGraph } from "losscape";

// L(w) = Σ (X w - y)², traced into a graph
const g = new GraphBuilder();
const w = g.input("w", [2]);
const X = g.constant(tensor([3, 2], [1, 0, 0, 1, 1, 1]));
const y = g.constant(tensor([3], [1, 2, 3]));
const e = g.sub(g.matmul(X, w), y);
const loss = g.build({ L: g.reduceSum(g.mul(e, e)) });

const dL = grad(loss, { wrt: ["w"] }); // outputs L and grad:w, itself a graph
console.log(printGraph(dL));
const at = { w: tensor([2], [0.5, 0.5]) };
console.log("L =", evaluate(dL, at)["L"].data[0], " ∇L =", Array.from(evaluate(dL, at)["grad:w"].data));

const H = hvp(loss, { wrt: ["w"] }); // inputs w, tangent:w; output hvp:w = H·tangent
console.log("H·[1, 0] =", Array.from(evaluate(H, { ...at, "tangent:w": tensor([2], [1, 0]) })["hvp:w"].data));
