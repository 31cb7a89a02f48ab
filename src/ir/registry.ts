import type { OpDef } from "./op.js";
import { ALL_OPS } from "./ops/index.js";

const registry = new Map<string, OpDef>(ALL_OPS.map((op) => [op.name, op]));

export function getOp(name: string): OpDef {
  const op = registry.get(name);
  if (!op) throw new Error(`unknown op "${name}"`);
  return op;
}

export function hasOp(name: string): boolean {
  return registry.has(name);
}

export function allOps(): readonly OpDef[] {
  return ALL_OPS;
}
