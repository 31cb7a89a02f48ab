/**
 * `--orthogonal`: Gram–Schmidt of d2 against d1, then d2 is rescaled by ONE scalar back to its
 * length before the projection. Per-group renormalisation after the projection would undo the
 * orthogonality, so instead the chosen normalisation is applied first (both directions) and the single
 * rescale keeps d2's overall scale; its per-filter norms then only approximately match θ's.
 */
import { field, UserError } from "../../util/errors.js";
import { dot, norm } from "./vector.js";

export function orthogonalize(d1: Float64Array, d2: Float64Array): Float64Array {
  const n11 = dot(d1, d1);
  if (!(n11 > 0)) throw new UserError(`${field("directions.orthogonal")}: the first direction is zero`);
  const c = dot(d2, d1) / n11;
  const out = new Float64Array(d2.length);
  for (let i = 0; i < d2.length; i++) out[i] = d2[i]! - c * d1[i]!;
  const before = norm(d2), after = norm(out);
  if (!(after > 1e-12 * before)) throw new UserError(`${field("directions.orthogonal")}: the second direction is parallel to the first`);
  const s = before / after;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * s;
  // One more projection removes the rounding residue of the first (classical Gram–Schmidt twice).
  const c2 = dot(out, d1) / n11;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! - c2 * d1[i]!;
  return out;
}
