/**
 * Splits a flat parameter input θ into a variable block θ[offset, offset+size) and the rest, as two
 * separate graph inputs. Slices of θ that fall entirely inside the rest become slices of the "rest"
 * input, so an analysis that treats "rest" as constant (DCP with respect to the block) sees those
 * parameters as constants for every value they may take — a block proof then holds whatever the other
 * blocks are.
 */
import type { GraphBuilder, Value } from "../../ir/builder.js";
import { attrInts } from "../../ir/op.js";
import { inputNode, type Graph, type Node } from "../../ir/graph.js";
import { rewriteGraph } from "../../ir/rewrite.js";

export const BLOCK_INPUT = "block";
export const REST_INPUT = "rest";

export interface BlockRange {
  readonly offset: number;
  readonly size: number;
}

/** Unit-step slices of a 1-D input along axis 0, as [start, end); null for anything else. */
function flatSliceRange(node: Node, length: number): [number, number] | null {
  if (node.op !== "Slice") return null;
  const starts = attrInts(node.attrs, "starts") ?? [];
  const ends = attrInts(node.attrs, "ends") ?? [];
  const axes = attrInts(node.attrs, "axes") ?? [0];
  const steps = attrInts(node.attrs, "steps") ?? [1];
  if (starts.length !== 1 || axes[0] !== 0 && axes[0] !== -1 || steps[0] !== 1) return null;
  const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + length : v, 0), length);
  const s = norm(starts[0]!), e = norm(ends[0]!);
  return e > s ? [s, e] : null;
}

export function restrictToBlock(graph: Graph, input: string, range: BlockRange): Graph {
  const theta = inputNode(graph, input);
  if (theta.shape.length !== 1) throw new Error(`restrictToBlock: input "${input}" must be 1-D`);
  const n = theta.shape[0]!;
  const { offset, size } = range;
  if (!(offset >= 0 && size > 0 && offset + size <= n)) throw new Error(`restrictToBlock: block [${offset}, ${offset + size}) is outside [0, ${n})`);
  const restSize = n - size;
  let block: Value | undefined, rest: Value | undefined;
  const getBlock = (g: GraphBuilder): Value => (block ??= g.input(BLOCK_INPUT, [size], theta.dtype));
  const getRest = (g: GraphBuilder): Value => (rest ??= g.input(REST_INPUT, [restSize], theta.dtype));
  // θ[s, e) in terms of block and rest, piece by piece
  const piece = (g: GraphBuilder, s: number, e: number): Value => {
    const parts: Value[] = [];
    if (s < offset) parts.push(g.slice(getRest(g), [s], [Math.min(e, offset)], [0]));
    if (e > offset && s < offset + size) {
      const bs = Math.max(s, offset) - offset, be = Math.min(e, offset + size) - offset;
      parts.push(bs === 0 && be === size ? getBlock(g) : g.slice(getBlock(g), [bs], [be], [0]));
    }
    if (e > offset + size) {
      const rs = Math.max(s, offset + size) - size, re = e - size;
      parts.push(g.slice(getRest(g), [rs], [re], [0]));
    }
    if (parts.length === 1) return parts[0]!;
    return g.concat(parts, 0);
  };
  return rewriteGraph(graph, (g, node) => {
    if (node.inputs.length === 1 && node.inputs[0] === theta.id) {
      const r = flatSliceRange(node, n);
      if (r) return piece(g, r[0], r[1]);
    }
    if (node.id === theta.id) {
      // any other use of θ sees the whole vector reassembled (restSize may be 0)
      return restSize === 0 ? getBlock(g) : piece(g, 0, n);
    }
    return undefined;
  });
}

/** θ with the block replaced: the inverse of splitting θ into (block, rest). */
export function splitTheta(theta: Float64Array, range: BlockRange): { block: Float64Array; rest: Float64Array } {
  const block = theta.slice(range.offset, range.offset + range.size);
  const rest = new Float64Array(theta.length - range.size);
  rest.set(theta.subarray(0, range.offset), 0);
  rest.set(theta.subarray(range.offset + range.size), range.offset);
  return { block, rest };
}

export function joinTheta(block: Float64Array, rest: Float64Array, range: BlockRange): Float64Array {
  const theta = new Float64Array(block.length + rest.length);
  theta.set(rest.subarray(0, range.offset), 0);
  theta.set(block, range.offset);
  theta.set(rest.subarray(range.offset), range.offset + range.size);
  return theta;
}
