/**
 * The permutation symmetries of a loss problem's network: groups of hidden units (or conv channels)
 * that can be reordered together without changing the function, each with every tensor axis it
 * acts on, and a graph that exposes each group's activations. Producers: an MLP's hidden layers
 * (mlp-structure.ts) and a traced ONNX graph (onnx-structure.ts).
 */
import type { GraphBuilder, Value } from "../ir/builder.js";

/** One tensor axis a group permutes. */
export interface AxisMember {
  tensor: string;
  kind: "param" | "buffer";
  axis: number;
  /**
   * Consecutive entries of the axis per unit: 1 for a weight's row or column, H·W where a Flatten
   * feeds a dense layer (channel c owns columns c·H·W … (c+1)·H·W − 1).
   */
  stride: number;
  /**
   * A grouped Conv's weight read along its input-channel axis (1): with G row blocks, output channel o
   * (block b = o / (rows / G)) sees only input channels b·k … b·k + k − 1, numbered from 0 on axis 1.
   */
  rowBlocks?: number;
  /** The tensor reads the group's units (a next layer's incoming axis), rather than computing them. */
  reads?: boolean;
}

export interface UnitGroup {
  /** e.g. "layer1" (an MLP's first hidden layer) or the ONNX value the group's activations are read at. */
  name: string;
  size: number;
  members: AxisMember[];
  /** The permutation must keep each of this many equal consecutive blocks of units in place (grouped convolutions). */
  blocks?: number;
}

export interface GroupTap {
  /** The group's activations: batch on axis 0, the unit on `axis`, every other axis a further sample. */
  value: Value;
  axis: number;
}

export interface SymmetryStructure {
  groups: UnitGroup[];
  /** Unit sets that look permutable but are left alone, with the reason. */
  unpermuted: { group: string; reason: string }[];
  /** Shapes of every tensor a member may name (θ blocks and buffers). */
  shapes: ReadonlyMap<string, readonly number[]>;
  /** The problem's own buffer values (BatchNormalization running statistics); empty for an MLP. */
  buffers: Readonly<Record<string, Float64Array>>;
  /** The network at θ with the given buffers on data x: its output and every group's activations. */
  build(g: GraphBuilder, theta: Value, x: Value, buffers: ReadonlyMap<string, Value>): { out: Value; taps: Map<string, GroupTap> };
}
