/** The data set + network + training form shared by the Landscape and Hessian pages. */
import type { Meta } from "./api.js";
import { CheckedField, NumberField, type ReportError } from "./components/checked-field.js";
import { checkWidths, modelLimits, type Caps } from "./limits.js";
import { ACTIVATION_NAMES, parameterCount } from "./model-form.js";
import type { Field } from "./url-state.js";

export const DATASETS = ["moons", "circles", "xor", "spirals", "blobs", "iris", "regression1d", "regression2d", "seed"] as const;

// Only the type is checked when the URL is read: the allowed ranges (the server's caps from meta.caps,
// see limits.ts) are checked at the field, which marks a value out of range instead of dropping it.
const ANY = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
const ANY_INT = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

export const modelFields = {
  ds: { kind: "enum", default: "moons", values: DATASETS },
  n: { kind: "int", default: 200, ...ANY_INT },
  noise: { kind: "number", default: 0.1, ...ANY },
  hidden: { kind: "ints", default: [16, 16], min: 1, max: Number.MAX_SAFE_INTEGER, minLength: 0, maxLength: 64 },
  act: { kind: "enum", default: "relu", values: ACTIVATION_NAMES },
  opt: { kind: "enum", default: "adam", values: ["adam", "sgd"] },
  lr: { kind: "number", default: 0.01, ...ANY },
  epochs: { kind: "int", default: 200, ...ANY_INT },
  batch: { kind: "int", default: 0, ...ANY_INT },
  seed: { kind: "int", default: 1, ...ANY_INT },
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

/** Parameters and samples of the form's model, for the estimate shown before a run (null until meta is known). */
export function sizeOf(v: ModelValues, meta: Meta | null): { parameters: number; samples: number } | null {
  const info = meta?.datasets.find((d) => d.name === v.ds) as (Meta["datasets"][number] & { inputDim?: number; outputs?: number; samples?: number }) | undefined;
  if (!info || info.inputDim === undefined || info.outputs === undefined) return null;
  return { parameters: parameterCount([info.inputDim, ...v.hidden, info.outputs], true), samples: FIXED_SIZE.has(v.ds) ? (info.samples ?? v.n) : v.n };
}

/** The first value of the form outside its allowed range, in words (the fields mark it too). */
export function formProblem(v: ModelValues, caps: Caps): string | null {
  const l = modelLimits(caps);
  for (const k of ["n", "noise", "lr", "epochs", "batch", "seed"] as const) {
    const lim: { min: number; max: number; int?: boolean; above?: boolean } = l[k];
    const x = v[k];
    if ((lim.int && !Number.isInteger(x)) || x < lim.min || x > lim.max || (lim.above && x <= lim.min)) return `${k} = ${x} is out of range`;
  }
  const h = checkWidths(v.hidden.join("-"), { minLength: 0, maxLength: caps["layers"] ?? Infinity, maxWidth: caps["width"] ?? Infinity });
  return h.ok ? null : `hidden layers: ${h.message}`;
}

export function trainFor(v: ModelValues): Record<string, unknown> {
  return { optimizer: v.opt, lr: v.lr, epochs: v.epochs, batchSize: v.batch, seed: v.seed };
}

export function ModelForm<V extends ModelValues>(props: { value: V; onChange: (v: V) => void; disabled: boolean; caps: Caps; onError: ReportError; trainingOnly?: boolean }) {
  const v = props.value;
  const set = (patch: Partial<ModelValues>): void => props.onChange({ ...v, ...patch });
  const l = modelLimits(props.caps);
  const common = { onError: props.onError, disabled: props.disabled };
  return (
    <fieldset class="controls wrap" disabled={props.disabled}>
      {props.trainingOnly ? null : (
        <>
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
              <NumberField name="n" label="samples" value={v.n} limit={l.n} onCommit={(n) => set({ n })} slider={{ min: 20, max: 1000, step: 10 }} {...common} />
              <NumberField name="noise" label="noise" value={v.noise} limit={l.noise} onCommit={(noise) => set({ noise })} slider={{ min: 0, max: 1, step: 0.05 }} {...common} />
            </>
          )}
          <CheckedField
            name="hidden"
            label="hidden layers"
            value={v.hidden}
            check={(t) => checkWidths(t, { minLength: 0, maxLength: props.caps["layers"] ?? Infinity, maxWidth: props.caps["width"] ?? Infinity })}
            format={(h) => h.join("-")}
            onCommit={(hidden) => set({ hidden })}
            {...common}
          />
          <label>
            activation
            <select name="activation" value={v.act} onChange={(e) => set({ act: (e.currentTarget as HTMLSelectElement).value })}>
              {ACTIVATION_NAMES.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
        </>
      )}
      <label>
        optimizer
        <select name="optimizer" value={v.opt} onChange={(e) => set({ opt: (e.currentTarget as HTMLSelectElement).value })}>
          <option>adam</option>
          <option>sgd</option>
        </select>
      </label>
      <NumberField name="lr" label="lr" value={v.lr} limit={l.lr} onCommit={(lr) => set({ lr })} slider={{ min: 1e-4, max: 1, log: true }} {...common} />
      <NumberField name="epochs" label="epochs" value={v.epochs} limit={l.epochs} onCommit={(epochs) => set({ epochs })} slider={{ min: 10, max: 1000, step: 10 }} {...common} />
      <NumberField name="batch" label="batch (0 = all)" value={v.batch} limit={l.batch} onCommit={(batch) => set({ batch })} {...common} />
      <NumberField name="seed" label="random start" value={v.seed} limit={l.seed} onCommit={(seed) => set({ seed })} {...common} />
    </fieldset>
  );
}
