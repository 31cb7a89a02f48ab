/** Shape arithmetic shared by inference, kernels and autodiff. Shapes are static. */
export type Shape = readonly number[];

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function fmtShape(s: Shape): string {
  return `[${s.join(",")}]`;
}

/** numpy multidirectional broadcasting. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const k = rank - s.length + i;
      const d = s[i]!;
      if (out[k] === 1) out[k] = d;
      else if (d !== 1 && d !== out[k]) {
        throw new ShapeError(`shapes ${shapes.map(fmtShape).join(" and ")} do not broadcast (axis ${k}: ${out[k]} vs ${d})`);
      }
    }
  }
  return out;
}

/** Normalise a possibly negative axis against a rank, with a clear error. */
export function normAxis(axis: number, rank: number, what = "axis"): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) {
    throw new ShapeError(`${what} ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

/**
 * For each flat index of `out`, the flat index of the broadcast operand of shape `s`.
 * Returns null when no remapping is needed (same shape).
 */
export function broadcastIndexMap(s: Shape, out: Shape): Int32Array | null {
  if (sameShape(s, out)) return null;
  const n = sizeOf(out);
  const map = new Int32Array(n);
  const rank = out.length;
  const sStr = stridesOf(s);
  // stride 0 on broadcast axes
  const eff = new Array<number>(rank).fill(0);
  for (let i = 0; i < s.length; i++) {
    const k = rank - s.length + i;
    eff[k] = s[i] === 1 ? 0 : sStr[i]!;
  }
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let f = 0; f < n; f++) {
    map[f] = off;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      off += eff[k]!;
      if (idx[k]! < out[k]!) break;
      off -= eff[k]! * out[k]!;
      idx[k] = 0;
    }
  }
  return map;
}
