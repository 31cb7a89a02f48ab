import { compareOp } from "./compare-op.js";

export const Less = compareOp("Less", (x, y) => x < y, (x, y) => x.lt(y), (x, y) => [x.hi < y.lo, x.lo >= y.hi]);
