/**
 * Stepping a float64 to its neighbours on the IEEE-754 grid.
 *
 * Interval endpoints are widened by whole grid steps rather than by relative epsilons because a
 * step is exact at every magnitude, including subnormals (where a relative epsilon underflows to
 * nothing) and at the overflow threshold (where it would jump straight to Infinity).
 */

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
// Index of the low and high 32-bit words of a float64 in this platform's byte order.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** Smallest float64 strictly greater than x. nextUp(-0) = nextUp(0) = MIN_VALUE; +Infinity and NaN map to themselves; -Infinity maps to -MAX_VALUE. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  if (x === -Infinity) return -Number.MAX_VALUE;
  f64[0] = x;
  // For positive x the bit pattern grows with the value, for negative x it shrinks. The 64-bit
  // increment is done on two 32-bit words (BigInt arithmetic is far slower).
  if (x > 0) {
    if (u32[LO] === 0xffffffff) {
      u32[LO] = 0;
      u32[HI] = u32[HI]! + 1;
    } else u32[LO] = u32[LO]! + 1;
  } else if (u32[LO] === 0) {
    u32[LO] = 0xffffffff;
    u32[HI] = u32[HI]! - 1;
  } else u32[LO] = u32[LO]! - 1;
  return f64[0]!;
}

/** Largest float64 strictly less than x. Mirror image of nextUp. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** nextUp applied k times (k ≥ 0 integer). */
export function stepUp(x: number, k: number): number {
  let y = x;
  for (let i = 0; i < k; i++) y = nextUp(y);
  return y;
}

/** nextDown applied k times (k ≥ 0 integer). */
export function stepDown(x: number, k: number): number {
  let y = x;
  for (let i = 0; i < k; i++) y = nextDown(y);
  return y;
}

/** The biased exponent field (0 for zero and subnormals, 2047 for Infinity/NaN). */
export function exponentField(x: number): number {
  f64[0] = x;
  return (u32[HI]! >>> 20) & 0x7ff;
}

/**
 * Number of grid steps from a to b (b ≥ a both finite or infinite, no NaN), as a bigint so the
 * count is exact across the whole range. Useful for measuring how wide an enclosure is in ulps.
 */
export function ulpDistance(a: number, b: number): bigint {
  return ordinal(b) - ordinal(a);
}

function ordinal(x: number): bigint {
  f64[0] = x === 0 ? 0 : x; // -0 and +0 are the same grid point
  const bits = u64[0]!;
  const sign = bits >> 63n;
  const magnitude = bits & 0x7fffffffffffffffn;
  return sign === 1n ? -magnitude : magnitude;
}
