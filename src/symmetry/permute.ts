/**
 * Applying unit permutations to tensors. Convention throughout: perm[i] = the unit of B that becomes
 * unit i of the aligned network, so new[…, i, …] = old[…, perm[i], …] along every member axis.
 */
import type { ParamLayout } from "../model/layout.js";
import type { AxisMember, SymmetryStructure, UnitGroup } from "./structure.js";

/** `data` (of `shape`) with `axis` permuted in units of `stride` entries. */
export function permuteAxis(data: Float64Array, shape: readonly number[], axis: number, stride: number, perm: readonly number[]): Float64Array {
  const len = shape[axis]!;
  if (len !== perm.length * stride) throw new Error(`permuteAxis: axis ${axis} has ${len} entries, the permutation covers ${perm.length}×${stride}`);
  let outer = 1, inner = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k]!;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k]!;
  const out = new Float64Array(data.length);
  const unit = stride * inner;
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    for (let i = 0; i < perm.length; i++) {
      const from = base + perm[i]! * unit, to = base + i * unit;
      out.set(data.subarray(from, from + unit), to);
    }
  }
  return out;
}

/** A grouped Conv weight [rows, k, …] read along axis 1: each row block permutes its own k input channels. */
export function permuteGroupedIn(data: Float64Array, shape: readonly number[], rowBlocks: number, perm: readonly number[]): Float64Array {
  const rows = shape[0]!, k = shape[1]!;
  if (perm.length !== rowBlocks * k) throw new Error(`permuteGroupedIn: ${rowBlocks} blocks of ${k} channels, the permutation covers ${perm.length}`);
  let inner = 1;
  for (let d = 2; d < shape.length; d++) inner *= shape[d]!;
  const out = new Float64Array(data.length);
  const perBlock = rows / rowBlocks;
  for (let o = 0; o < rows; o++) {
    const b = Math.floor(o / perBlock);
    for (let i = 0; i < k; i++) {
      const from = perm[b * k + i]! - b * k;
      if (from < 0 || from >= k) throw new Error("permuteGroupedIn: the permutation moves a channel out of its convolution group");
      out.set(data.subarray((o * k + from) * inner, (o * k + from + 1) * inner), (o * k + i) * inner);
    }
  }
  return out;
}

export function permuteMember(data: Float64Array, shape: readonly number[], m: AxisMember, perm: readonly number[]): Float64Array {
  return m.rowBlocks ? permuteGroupedIn(data, shape, m.rowBlocks, perm) : permuteAxis(data, shape, m.axis, m.stride, perm);
}

export function isIdentity(perm: readonly number[]): boolean {
  return perm.every((j, i) => j === i);
}

/** A named tensor view of θ and the buffers, permuted group by group. */
export interface NamedTensors {
  get(name: string): Float64Array;
}

export function blockOf(layout: ParamLayout, theta: Float64Array, name: string): Float64Array {
  const b = layout.blocks.find((x) => x.name === name);
  if (!b) throw new Error(`no parameter block ${name}`);
  return theta.subarray(b.offset, b.offset + b.size);
}

/** θ and buffers with each group's permutation applied to its members (groups listed in `skip` left out). */
export function applyPermutations(
  s: SymmetryStructure,
  layout: ParamLayout,
  theta: Float64Array,
  buffers: Readonly<Record<string, Float64Array>>,
  perms: ReadonlyMap<string, readonly number[]>,
  skip?: string
): { theta: Float64Array; buffers: Record<string, Float64Array> } {
  const tensors = new Map<string, Float64Array>();
  const current = (m: AxisMember): Float64Array => {
    const t = tensors.get(m.tensor);
    if (t) return t;
    if (m.kind === "param") return blockOf(layout, theta, m.tensor);
    const b = buffers[m.tensor];
    if (!b) throw new Error(`no buffer ${m.tensor}`);
    return b;
  };
  for (const g of s.groups) {
    if (g.name === skip) continue;
    const perm = perms.get(g.name);
    if (!perm || isIdentity(perm)) continue;
    for (const m of g.members) tensors.set(m.tensor, permuteMember(current(m), s.shapes.get(m.tensor)!, m, perm));
  }
  const out = theta.slice();
  const outBuffers: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(buffers)) outBuffers[name] = v.slice();
  for (const [name, t] of tensors) {
    const b = layout.blocks.find((x) => x.name === name);
    if (b) out.set(t, b.offset);
    else outBuffers[name] = t;
  }
  return { theta: out, buffers: outBuffers };
}

/** "layer1.weight axis 0", for reports. */
export function describeMembers(g: UnitGroup): string[] {
  return g.members.map(
    (m) => `${m.tensor} axis ${m.axis}${m.stride > 1 ? ` (${m.stride} per unit)` : ""}${m.rowBlocks ? ` (${m.rowBlocks} conv groups)` : ""}${m.kind === "buffer" ? " (buffer)" : ""}`
  );
}
