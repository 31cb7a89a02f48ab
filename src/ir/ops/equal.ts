import { compareOp } from "./compare-op.js";

export const Equal = compareOp(
  "Equal",
  (x, y) => x === y,
  (x, y) => x.eq(y),
  (x, y) => [x.lo === x.hi && y.lo === y.hi && x.lo === y.lo, x.hi < y.lo || y.hi < x.lo]
);
