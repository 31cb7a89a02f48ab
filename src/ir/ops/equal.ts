import { compareOp } from "./compare-op.js";

export const Equal = compareOp("Equal", (x, y) => x === y);
