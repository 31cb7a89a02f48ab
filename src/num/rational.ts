/**
 * Exact rational numbers on BigInt. The exact interpreter uses them to re-check certificates for
 * piecewise-linear / polynomial graphs, so every operation here is exact and every conversion
 * from or to float64 is either exact (fromFloat) or correctly rounded (toNumber).
 */
import { UserError } from "../util/errors.js";

const TWO_POW_53 = 2n ** 53n;
/** Beyond this, `parse` would build absurdly large integers from a short string ("1e999999999"). */
const MAX_PARSE_EXPONENT = 100_000;
/** powInt refuses results that would need more bits than this (a user-sized absurdity, not a bug). */
const MAX_POW_BITS = 1 << 24;

// One shared scratch buffer: fromFloat is hot and JS is single-threaded.
const scratch = new DataView(new ArrayBuffer(8));

function absBig(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** gcd of |a| and |b|; gcd(0, 0) = 0. */
export function gcdBig(a: bigint, b: bigint): bigint {
  let x = absBig(a);
  let y = absBig(b);
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Number of bits of n > 0 (1n -> 1). Hex avoids a per-bit string for big values. */
export function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * The double nearest to num/den (den > 0), ties to even, overflowing to ±Infinity exactly where
 * IEEE-754 does. Works on the exact integers: the quotient is cut at the double's quantum and the
 * remainder decides the rounding, so there is no double rounding and no intermediate overflow.
 * Exported for tests; prefer `Rational.toNumber`.
 */
export function roundRatioToDouble(num: bigint, den: bigint): number {
  if (den <= 0n) throw new Error(`roundRatioToDouble: denominator must be positive, got ${den}`);
  if (num === 0n) return 0;
  const negative = num < 0n;
  const p = negative ? -num : num;
  // e = floor(log2(p / den)); the bit-length difference is right or one too large.
  let e = bitLength(p) - bitLength(den);
  if (e >= 0 ? p < den << BigInt(e) : p << BigInt(-e) < den) e -= 1;
  if (e > 1023) return negative ? -Infinity : Infinity;
  // Quantum of the result: 53 significant bits for normals, fixed 2^-1074 for subnormals.
  const quantum = Math.max(e - 52, -1074);
  let n = p;
  let d = den;
  if (quantum >= 0) d <<= BigInt(quantum);
  else n <<= BigInt(-quantum);
  let m = n / d;
  const twiceRemainder = (n - m * d) << 1n;
  if (twiceRemainder > d || (twiceRemainder === d && (m & 1n) === 1n)) m += 1n;
  // m <= 2^53 and 2^quantum is a double, so this product is exact (or overflows exactly at 2^1024).
  const magnitude = Number(m) * 2 ** quantum;
  return negative ? -magnitude : magnitude;
}

function describe(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

const FRACTION_RE = /^([+-]?)(\d+)\/(\d+)$/;
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  /** Callers guarantee den > 0 and gcd(num, den) = 1 (zero as 0/1). */
  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static readonly ZERO: Rational = new Rational(0n, 1n);
  static readonly ONE: Rational = new Rational(1n, 1n);

  /** num/den in lowest terms; throws on a zero denominator. */
  static of(num: bigint, den: bigint = 1n): Rational {
    if (den === 0n) throw new UserError(`Rational: zero denominator in ${num}/0`);
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    if (den === 1n) return new Rational(num, 1n);
    if (num === 0n) return Rational.ZERO;
    const g = gcdBig(num, den);
    return g === 1n ? new Rational(num, den) : new Rational(num / g, den / g);
  }

  static fromBigInt(n: bigint): Rational {
    return new Rational(n, 1n);
  }

  /** An integer-valued number; anything that is not a safe integer is refused (use fromFloat). */
  static fromInt(n: number): Rational {
    if (!Number.isSafeInteger(n)) {
      throw new UserError(`Rational.fromInt: ${n} is not a safe integer (use Rational.fromFloat for arbitrary doubles)`);
    }
    return new Rational(BigInt(n), 1n);
  }

  /** The exact value of a finite double, decoded from its IEEE-754 bits (subnormals included; -0 -> 0). */
  static fromFloat(x: number): Rational {
    if (!Number.isFinite(x)) {
      throw new UserError(`Rational.fromFloat: ${x} is not a finite number; exact arithmetic needs finite inputs`);
    }
    if (Number.isSafeInteger(x)) return new Rational(BigInt(x), 1n);
    scratch.setFloat64(0, x);
    const bits = scratch.getBigUint64(0);
    const negative = bits >> 63n === 1n;
    const biased = Number((bits >> 52n) & 0x7ffn);
    let mantissa = bits & 0xfffffffffffffn;
    let exponent: number;
    if (biased === 0) {
      exponent = -1074;
    } else {
      mantissa |= 1n << 52n;
      exponent = biased - 1075;
    }
    if (mantissa === 0n) return Rational.ZERO;
    // Strip trailing zero bits so the power-of-two denominator is already in lowest terms.
    while ((mantissa & 1n) === 0n) {
      mantissa >>= 1n;
      exponent += 1;
    }
    const signed = negative ? -mantissa : mantissa;
    return exponent >= 0
      ? new Rational(signed << BigInt(exponent), 1n)
      : new Rational(signed, 1n << BigInt(-exponent));
  }

  /**
   * Parses "3", "-3/4", "0.1" (exactly 1/10), ".5", "1e-3", "-2.5E+2". Surrounding whitespace is
   * ignored; anything else (hex, Infinity, NaN, spaces inside) is a UserError.
   */
  static parse(s: string): Rational {
    const text = s.trim();
    const fraction = FRACTION_RE.exec(text);
    if (fraction) {
      const den = BigInt(fraction[3]!);
      if (den === 0n) throw new UserError(`Rational.parse: zero denominator in ${describe(s)}`);
      const num = BigInt(fraction[2]!);
      return Rational.of(fraction[1] === "-" ? -num : num, den);
    }
    const decimal = DECIMAL_RE.exec(text);
    const intDigits = decimal?.[2] ?? "";
    const fracDigits = decimal?.[3] ?? "";
    if (!decimal || intDigits.length + fracDigits.length === 0) {
      throw new UserError(
        `Rational.parse: ${describe(s)} is not a rational number (expected forms like "3", "-3/4", "0.1", "-2.5e+2")`
      );
    }
    const exponentText = decimal[4];
    const written = exponentText === undefined ? 0 : Number(exponentText);
    if (Math.abs(written) > MAX_PARSE_EXPONENT) {
      throw new UserError(`Rational.parse: exponent of ${describe(s)} exceeds ±${MAX_PARSE_EXPONENT}`);
    }
    let num = BigInt(intDigits + fracDigits);
    if (decimal[1] === "-") num = -num;
    const exponent = written - fracDigits.length;
    return exponent >= 0 ? new Rational(num * 10n ** BigInt(exponent), 1n) : Rational.of(num, 10n ** BigInt(-exponent));
  }

  /** Smallest of the arguments (the first one on ties). */
  static min(first: Rational, ...rest: Rational[]): Rational {
    let best = first;
    for (const r of rest) if (r.lt(best)) best = r;
    return best;
  }

  /** Largest of the arguments (the first one on ties). */
  static max(first: Rational, ...rest: Rational[]): Rational {
    let best = first;
    for (const r of rest) if (r.gt(best)) best = r;
    return best;
  }

  add(other: Rational): Rational {
    return Rational.combine(this, other, 1n);
  }

  sub(other: Rational): Rational {
    return Rational.combine(this, other, -1n);
  }

  mul(other: Rational): Rational {
    if (this.num === 0n || other.num === 0n) return Rational.ZERO;
    // Cancel across before multiplying: the result is then in lowest terms with no final gcd.
    const g1 = gcdBig(this.num, other.den);
    const g2 = gcdBig(other.num, this.den);
    return new Rational((this.num / g1) * (other.num / g2), (this.den / g2) * (other.den / g1));
  }

  div(other: Rational): Rational {
    if (other.num === 0n) throw new UserError(`Rational: division by zero (${this.toString()} / 0)`);
    return this.mul(other.inv());
  }

  /** 1/x; throws for x = 0. */
  inv(): Rational {
    if (this.num === 0n) throw new UserError("Rational: division by zero (1 / 0)");
    return this.num < 0n ? new Rational(-this.den, -this.num) : new Rational(this.den, this.num);
  }

  neg(): Rational {
    return this.num === 0n ? this : new Rational(-this.num, this.den);
  }

  abs(): Rational {
    return this.num < 0n ? new Rational(-this.num, this.den) : this;
  }

  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than other. */
  cmp(other: Rational): -1 | 0 | 1 {
    const s = this.sign();
    const t = other.sign();
    if (s !== t) return s < t ? -1 : 1;
    if (this.den === other.den) return this.num < other.num ? -1 : this.num > other.num ? 1 : 0;
    const left = this.num * other.den;
    const right = other.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  eq(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }

  lt(other: Rational): boolean {
    return this.cmp(other) < 0;
  }

  le(other: Rational): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: Rational): boolean {
    return this.cmp(other) > 0;
  }

  ge(other: Rational): boolean {
    return this.cmp(other) >= 0;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  isInteger(): boolean {
    return this.den === 1n;
  }

  /** this^k for any safe integer k; 0^0 = 1, 0^negative throws. */
  powInt(k: number): Rational {
    if (!Number.isSafeInteger(k)) throw new UserError(`Rational.powInt: exponent ${k} is not a safe integer`);
    if (k === 0) return Rational.ONE;
    if (this.num === 0n) {
      if (k < 0) throw new UserError(`Rational.powInt: division by zero (0 ^ ${k})`);
      return Rational.ZERO;
    }
    const base = k < 0 ? this.inv() : this;
    const e = Math.abs(k);
    if (base.den === 1n && (base.num === 1n || base.num === -1n)) {
      return base.num === 1n || e % 2 === 0 ? Rational.ONE : base;
    }
    const bits = Math.max(bitLength(absBig(base.num)), bitLength(base.den));
    if (bits * e > MAX_POW_BITS) {
      throw new UserError(`Rational.powInt: result of (${this.toString()}) ^ ${k} would need over ${MAX_POW_BITS} bits`);
    }
    // Powers of coprime integers stay coprime, so no normalisation is needed.
    const big = BigInt(e);
    return new Rational(base.num ** big, base.den ** big);
  }

  /** Largest integer <= this. */
  floor(): bigint {
    const q = this.num / this.den; // truncates toward zero
    return this.num < 0n && q * this.den !== this.num ? q - 1n : q;
  }

  /** Smallest integer >= this. */
  ceil(): bigint {
    const q = this.num / this.den;
    return this.num > 0n && q * this.den !== this.num ? q + 1n : q;
  }

  /** The nearest double, ties to even (±Infinity beyond the double range, ±0 below half the least subnormal). */
  toNumber(): number {
    const n = this.num;
    // Both operands exact as doubles: one IEEE division is already correctly rounded.
    if (this.den <= TWO_POW_53 && n <= TWO_POW_53 && n >= -TWO_POW_53) return Number(n) / Number(this.den);
    return roundRatioToDouble(n, this.den);
  }

  /** "p/q", or "p" for integers; `Rational.parse` reads it back. */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }

  /**
   * Fixed-point decimal with `digits` digits after the point, rounded to nearest with ties away from
   * zero — the exact-value semantics of Number.prototype.toFixed, including "-0.00" for small negatives.
   */
  toDecimalString(digits: number): string {
    if (!Number.isSafeInteger(digits) || digits < 0) {
      throw new UserError(`Rational.toDecimalString: digits must be a non-negative integer, got ${digits}`);
    }
    const scaled = absBig(this.num) * 10n ** BigInt(digits);
    let q = scaled / this.den;
    if ((scaled - q * this.den) * 2n >= this.den) q += 1n;
    let text = q.toString();
    if (digits > 0) {
      text = text.padStart(digits + 1, "0");
      text = `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
    }
    return this.num < 0n ? `-${text}` : text;
  }

  /** JSON keeps the exact value as a string ("p/q"), since JSON numbers are doubles. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * a + sign*b with Knuth's gcd trick: only gcds of denominator-sized numbers, and the result is
   * already in lowest terms, so it skips the normalising constructor.
   */
  private static combine(a: Rational, b: Rational, sign: 1n | -1n): Rational {
    const bNum = sign === 1n ? b.num : -b.num;
    if (a.den === 1n && b.den === 1n) return new Rational(a.num + bNum, 1n);
    if (b.num === 0n) return a;
    if (a.num === 0n) return new Rational(bNum, b.den);
    const g = gcdBig(a.den, b.den);
    // Coprime denominators: (ad + bc, bd) is coprime too, and nonzero since not both are integers.
    if (g === 1n) return new Rational(a.num * b.den + bNum * a.den, a.den * b.den);
    const t = a.num * (b.den / g) + bNum * (a.den / g);
    if (t === 0n) return Rational.ZERO;
    const g2 = gcdBig(t, g);
    return new Rational(t / g2, (a.den / g) * (b.den / g2));
  }
}
