/** The data set + network + training form shared by the Landscape and Hessian pages. */
import type { Meta } from "./api.js";
import { ACTIVATION_NAMES, inputNumber } from "./model-form.js";
import type { Field } from "./url-state.js";

export const DATASETS = ["moons", "circles", "xor", "spirals", "blobs", "iris", "regression1d", "regression2d", "seed"] as const;

export const modelFields = {
  ds: { kind: "enum", default: "moons", values: DATASETS },
  n: { kind: "int", default: 200, min: 4, max: 2000 },
  noise: { kind: "number", default: 0.1, min: 0, max: 2 },
  hidden: { kind: "ints", default: [16, 16], min: 1, max: 128, minLength: 0, maxLength: 6 },
  act: { kind: "enum", default: "relu", values: ACTIVATION_NAMES },
  opt: { kind: "enum", default: "adam", values: ["adam", "sgd"] },
  lr: { kind: "number", default: 0.01, min: 1e-6, max: 10 },
  epochs: { kind: "int", default: 200, min: 1, max: 2000 },
  batch: { kind: "int", default: 0, min: 0, max: 2000 },
  seed: { kind: "int", default: 1, min: 0, max: 2 ** 31 - 1 },
} satisfies Record<string, Field>;

export interface ModelValues {
  ds: string;
  n: number;
  noise: number;
  hidden: readonly number[];
  act: string;
  opt: string;
  lr: number;
  epochs: number;
  batch: number;
  seed: number;
}

const FIXED_SIZE = new Set(["seed", "iris"]);

export function specFor(v: ModelValues, meta: Meta | null): Record<string, unknown> | null {
  const info = meta?.datasets.find((d) => d.name === v.ds) as (Meta["datasets"][number] & { inputDim?: number; outputs?: number }) | undefined;
  if (!info || info.inputDim === undefined || info.outputs === undefined) return null;
  const classification = info.task === "classification";
  const data = FIXED_SIZE.has(v.ds) ? { name: v.ds } : { name: v.ds, n: v.n, noise: v.noise };
  return {
    model: { type: "mlp", layers: [info.inputDim, ...v.hidden, info.outputs], activation: v.act, outputActivation: "linear", bias: true },
    loss: classification ? "cross_entropy" : "mse",
    data,
  };
}

export function trainFor(v: ModelValues): Record<string, unknown> {
  return { optimizer: v.opt, lr: v.lr, epochs: v.epochs, batchSize: v.batch, seed: v.seed };
}

export function ModelForm<V extends ModelValues>(props: { value: V; onChange: (v: V) => void; disabled: boolean }) {
  const v = props.value;
  const set = (patch: Partial<ModelValues>): void => props.onChange({ ...v, ...patch });
  return (
    <fieldset class="controls wrap" disabled={props.disabled}>
      <label>
        data set
        <select name="dataset" value={v.ds} onChange={(e) => set({ ds: (e.currentTarget as HTMLSelectElement).value })}>
          {DATASETS.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </label>
      {FIXED_SIZE.has(v.ds) ? null : (
        <>
          <label>
            samples
            <input name="n" type="number" min={4} max={2000} value={v.n} onChange={(e) => set({ n: Math.max(4, Math.min(2000, Math.round(inputNumber(e)) || 200)) })} />
          </label>
          <label>
            noise
            <input name="noise" type="number" step="0.05" min={0} max={2} value={v.noise} onChange={(e) => set({ noise: Math.max(0, Math.min(2, inputNumber(e) || 0)) })} />
          </label>
        </>
      )}
      <label>
        hidden layers
        <input
          name="hidden"
          value={v.hidden.join("-")}
          onChange={(e) => {
            const t = (e.currentTarget as HTMLInputElement).value.trim();
            const h = t === "" ? [] : t.split(/[-,\s]+/).map(Number);
            if (h.length <= 6 && h.every((x) => Number.isInteger(x) && x >= 1 && x <= 128)) set({ hidden: h });
          }}
        />
      </label>
      <label>
        activation
        <select name="activation" value={v.act} onChange={(e) => set({ act: (e.currentTarget as HTMLSelectElement).value })}>
          {ACTIVATION_NAMES.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <label>
        optimizer
        <select name="optimizer" value={v.opt} onChange={(e) => set({ opt: (e.currentTarget as HTMLSelectElement).value })}>
          <option>adam</option>
          <option>sgd</option>
        </select>
      </label>
      <label>
        lr
        <input name="lr" type="number" step="any" value={v.lr} onChange={(e) => set({ lr: inputNumber(e) > 0 ? Math.min(10, inputNumber(e)) : 0.01 })} />
      </label>
      <label>
        epochs
        <input name="epochs" type="number" min={1} max={2000} value={v.epochs} onChange={(e) => set({ epochs: Math.max(1, Math.min(2000, Math.round(inputNumber(e)) || 1)) })} />
      </label>
      <label>
        batch (0 = all)
        <input name="batch" type="number" min={0} value={v.batch} onChange={(e) => set({ batch: Math.max(0, Math.round(inputNumber(e)) || 0) })} />
      </label>
      <label>
        seed
        <input name="seed" type="number" min={0} value={v.seed} onChange={(e) => set({ seed: Math.max(0, Math.round(inputNumber(e)) || 0) })} />
      </label>
    </fieldset>
  );
}
