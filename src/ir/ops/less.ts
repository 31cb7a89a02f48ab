import { compareOp } from "./compare-op.js";

export const Less = compareOp("Less", (x, y) => x < y);
