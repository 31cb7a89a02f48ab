/**
 * Rigorous interval matrix products in midpoint-radius form (after Rump): three ordinary float64
 * products plus an a-priori rounding-error bound, instead of one directed-rounding interval product
 * per term. Verifying a certificate for an MNIST-sized network needs ~10⁹ interval products; this
 * form makes that a few float matmuls.
 *
 * For A ∈ [Am ± Ar], B ∈ [Bm ± Br] and each output entry with k terms:
 *   |Σ a_p b_p − Σ am_p bm_p| ≤ Σ (ar_p |bm_p| + |am_p| br_p + ar_p br_p) =: R*
 * s = fl(Σ am bm), t = fl(Σ |am bm|), r = fl(Σ |am| br + ar (|bm| + br)) are computed with
 * round-to-nearest in any summation order. With u = 2⁻⁵³, γ_j = j u / (1 − j u) and η = 2⁻¹⁰⁷⁴
 * (Higham, Accuracy and Stability of Numerical Algorithms, §3.1, with gradual underflow):
 *   |Σ am bm − s| ≤ γ_k Σ|am bm| + k η,   Σ|am bm| ≤ (1 + γ_k) t + k η,   R* ≤ (1 + γ_{k+3}) r + 3k η
 * so with c ≥ γ_{k+3} (here c = 1.02 (k+3) u) the exact sum lies within s ± ((1 + c)(c t + r) + 6k η), evaluated with
 * upward rounding. Any non-finite intermediate means the bound does not apply: the caller falls
 * back to the term-by-term kernel.
 */
import { addDown, addUp, mulUp, subUp } from "../num/interval/index.js";
import type { MatmulPlan } from "./kernels.js";
import { checkpoint } from "../util/checkpoint.js";

const U = 2 ** -53;
const ETA = Number.MIN_VALUE;

interface MidRad {
  mid: Float64Array;
  rad: Float64Array;
  point: boolean;
}

/** Midpoints and upward-rounded radii; null when an endpoint is not finite. */
function midRad(lo: Float64Array, hi: Float64Array): MidRad | null {
  const mid = new Float64Array(lo.length), rad = new Float64Array(lo.length);
  let point = true;
  for (let i = 0; i < lo.length; i++) {
    const l = lo[i]!, h = hi[i]!;
    if (!Number.isFinite(l) || !Number.isFinite(h)) return null;
    if (l === h) {
      mid[i] = l;
      continue;
    }
    point = false;
    const m = 0.5 * l + 0.5 * h;
    mid[i] = m;
    rad[i] = Math.max(subUp(h, m), subUp(m, l));
  }
  return { mid, rad, point };
}

/** Enclosure of the batched product, or null when the a-priori bound cannot be used. */
export function midRadMatmul(
  a: { lo: Float64Array; hi: Float64Array },
  b: { lo: Float64Array; hi: Float64Array },
  plan: MatmulPlan
): { lo: Float64Array; hi: Float64Array } | null {
  const { m, k, n, batches, aOffset, bOffset } = plan;
  // γ_j = ju/(1 − ju) ≤ 1.0102·ju while ju ≤ 0.01; 1.02 leaves room for the rounding of c itself.
  if ((k + 3) * U > 0.01) return null;
  const c = 1.02 * (k + 3) * U;
  const A = midRad(a.lo, a.hi), B = midRad(b.lo, b.hi);
  if (!A || !B) return null;
  const size = batches * m * n;
  const s = new Float64Array(size), t = new Float64Array(size), r = new Float64Array(size);
  const withRadius = !A.point || !B.point;
  for (let bt = 0; bt < batches; bt++) {
    const ao = aOffset(bt), bo = bOffset(bt), ro = bt * m * n;
    for (let i = 0; i < m; i++) {
      if ((i & 31) === 0) checkpoint();
      const row = ro + i * n;
      for (let p = 0; p < k; p++) {
        const am = A.mid[ao + i * k + p]!, ar = A.rad[ao + i * k + p]!;
        const aabs = Math.abs(am);
        const brow = bo + p * n;
        if (withRadius) {
          for (let j = 0; j < n; j++) {
            const bm = B.mid[brow + j]!, br = B.rad[brow + j]!;
            s[row + j]! += am * bm;
            t[row + j]! += aabs * Math.abs(bm);
            r[row + j]! += aabs * br + ar * (Math.abs(bm) + br);
          }
        } else {
          if (am === 0) continue;
          for (let j = 0; j < n; j++) {
            const bm = B.mid[brow + j]!;
            s[row + j]! += am * bm;
            t[row + j]! += aabs * Math.abs(bm);
          }
        }
      }
    }
  }
  const lo = new Float64Array(size), hi = new Float64Array(size);
  const underflow = mulUp(6 * k, ETA);
  for (let q = 0; q < size; q++) {
    const sq = s[q]!, tq = t[q]!, rq = r[q]!;
    if (!Number.isFinite(sq) || !Number.isFinite(tq) || !Number.isFinite(rq)) return null;
    const rad = addUp(mulUp(addUp(1, c), addUp(mulUp(c, tq), rq)), underflow);
    lo[q] = addDown(sq, -rad);
    hi[q] = addUp(sq, rad);
  }
  return { lo, hi };
}
