/** Pieces the model pages share: building a spec from form values, counting parameters, parsing data text. */

import { downloadBlob } from "./components/download.js";

export const ACTIVATION_NAMES = ["linear", "relu", "leaky_relu", "abs", "sigmoid", "tanh", "softplus", "elu", "gelu", "silu"] as const;
export const LOSS_NAMES = ["sse_half", "mse", "mae", "cross_entropy", "bce", "hinge"] as const;

export function parameterCount(layers: readonly number[], bias: boolean): number {
  let n = 0;
  for (let i = 1; i < layers.length; i++) n += layers[i]! * layers[i - 1]! + (bias ? layers[i]! : 0);
  return n;
}

/** The data field as typed: JSON (inline arrays or {"name": ...}), or a bare built-in name. */
export function parseDataText(text: string): { ok: true; data: unknown } | { ok: false; message: string } {
  const t = text.trim();
  if (/^[a-z][a-z0-9]*$/i.test(t)) return { ok: true, data: t };
  try {
    return { ok: true, data: JSON.parse(t) as unknown };
  } catch (e) {
    return { ok: false, message: `data is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function buildSpec(o: { layers: readonly number[]; activation: string; loss: string; bias: boolean; data: unknown }): Record<string, unknown> {
  return { model: { type: "mlp", layers: [...o.layers], activation: o.activation, outputActivation: "linear", bias: o.bias }, loss: o.loss, data: o.data };
}

/** Seeded values for a fresh θ when the architecture changes (a small LCG: only for filling the form). */
export function seededVector(n: number, seed: number, scale = 1): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Number((((s / 2 ** 32) * 2 - 1) * scale).toFixed(3));
  });
}

/** The number typed into an <input> (NaN when it is not one; callers clamp and fall back). */
export function inputNumber(e: Event): number {
  return Number((e.currentTarget as HTMLInputElement).value);
}

export function parseNumberList(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  const vs = parts.map(Number);
  return vs.every(Number.isFinite) ? vs : null;
}

export function downloadJson(name: string, value: unknown): void {
  downloadBlob(name, new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" }));
}
