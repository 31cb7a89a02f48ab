import { compareOp } from "./compare-op.js";

export const Greater = compareOp("Greater", (x, y) => x > y);
