import { createRng } from "../../util/random.js";

/** `count` independent standard Gaussian vectors of length size, from one seeded stream (d1 first). */
export function gaussianDirections(size: number, count: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  const out: Float64Array[] = [];
  for (let c = 0; c < count; c++) {
    const d = new Float64Array(size);
    for (let k = 0; k < size; k++) d[k] = rng.normal();
    out.push(d);
  }
  return out;
}
