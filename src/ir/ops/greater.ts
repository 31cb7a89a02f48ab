import { compareOp } from "./compare-op.js";

export const Greater = compareOp("Greater", (x, y) => x > y, (x, y) => x.gt(y), (x, y) => [x.lo > y.hi, x.hi <= y.lo]);
