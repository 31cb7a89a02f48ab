import { inferBroadcast, mapBinary } from "../kernels.js";
import { defineOp, type OpDef } from "../op.js";

/** Template for comparisons: bool result, no derivative. */
export function compareOp(name: string, f: (x: number, y: number) => boolean): OpDef {
  return defineOp({
    name,
    minInputs: 2,
    maxInputs: 2,
    infer: (types) => inferBroadcast(types, "bool"),
    eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => (f(x, y) ? 1 : 0)),
    vjp: () => [null, null],
    jvp: () => null
  });
}
