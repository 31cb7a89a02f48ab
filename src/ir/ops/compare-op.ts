import { inferBroadcast, mapBinary } from "../kernels.js";
import { defineOp, type OpDef } from "../op.js";
import { STEP_FACTS } from "../curvature-facts.js";
import type { Rational } from "../../num/rational.js";
import { exactBinary, exactBool } from "../exact-tensor.js";
import { intervalBinary, truth, type Interval } from "../interval-tensor.js";

/** Template for comparisons: bool result, no derivative. */
export function compareOp(
  name: string,
  f: (x: number, y: number) => boolean,
  exact: (x: Rational, y: Rational) => boolean,
  /** [certainly true, certainly false] on a box; NaN (no enclosure) bounds leave it undecided. */
  decide: (x: Interval, y: Interval) => [boolean, boolean]
): OpDef {
  return defineOp({
    name,
    minInputs: 2,
    maxInputs: 2,
    curvature: STEP_FACTS,
    infer: (types) => inferBroadcast(types, "bool"),
    eval: ([a, b], _attrs, type) => mapBinary(a!, b!, type, (x, y) => (f(x, y) ? 1 : 0)),
    vjp: () => [null, null],
    jvp: () => null,
    exact: exactBinary((x, y) => exactBool(exact(x, y))),
    interval: intervalBinary((x, y) => truth(...decide(x, y)))
  });
}
