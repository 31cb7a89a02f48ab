/**
 * A form field that keeps what is typed as a draft: a valid draft is committed at once, an invalid
 * one is marked at the field (aria-invalid and a message with the allowed range) and committed
 * never. A new value from outside (the URL, a reset, a loaded certificate) replaces the draft only
 * when it differs from what the draft already says, so a reply never overwrites typing.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { checkNumber, type Checked, type Limit } from "../limits.js";

export type ReportError = (name: string, message: string | null) => void;

interface FieldProps<T> {
  name: string;
  label: ComponentChildren;
  value: T;
  check: (text: string) => Checked<T>;
  format: (v: T) => string;
  onCommit: (v: T) => void;
  onError?: ReportError | undefined;
  disabled?: boolean | undefined;
  multiline?: boolean;
  class?: string;
  inputClass?: string;
  type?: string;
  children?: ComponentChildren;
  /** A key of what the check allows; the draft is checked again when it changes. */
  rules?: string;
}

export function CheckedField<T>(p: FieldProps<T>) {
  const [text, setText] = useState(() => p.format(p.value));
  // A value that arrives out of range (from the URL) is marked at once, not only after typing.
  const verdict = (t: string): string | null => {
    const r = p.check(t);
    return r.ok ? null : r.message;
  };
  const [message, setMessage] = useState<string | null>(() => verdict(p.format(p.value)));
  const committed = useRef(p.format(p.value));

  // Outside changes only: a value equal to the draft's own reading leaves the draft alone.
  useEffect(() => {
    const shown = p.format(p.value);
    if (shown === committed.current) return;
    committed.current = shown;
    const mine = p.check(text);
    if (mine.ok && p.format(mine.value) === shown) return;
    setText(shown);
    setMessage(verdict(shown));
  }, [p.format(p.value)]);

  // When what is allowed changes (the other end of a domain moved), the draft is judged again.
  useEffect(() => {
    const r = p.check(text);
    if (!r.ok) return setMessage(r.message);
    setMessage(null);
    const shown = p.format(r.value);
    if (shown !== committed.current) {
      committed.current = shown;
      p.onCommit(r.value);
    }
  }, [p.rules]);

  useEffect(() => p.onError?.(p.name, message), [message]);
  useEffect(() => () => p.onError?.(p.name, null), []);

  const onInput = (e: Event): void => {
    const t = (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    setText(t);
    const r = p.check(t);
    if (r.ok) {
      setMessage(null);
      committed.current = p.format(r.value);
      p.onCommit(r.value);
    } else setMessage(r.message);
  };
  const id = `field-${p.name}`;
  const common = {
    name: p.name,
    value: text,
    onInput,
    disabled: p.disabled,
    "aria-invalid": message ? ("true" as const) : ("false" as const),
    "aria-describedby": message ? `${id}-error` : undefined,
    class: p.inputClass,
  };
  return (
    <label class={p.class}>
      {p.label}
      {p.multiline ? <textarea rows={2} spellcheck={false} {...common} /> : <input type={p.type ?? "text"} spellcheck={false} {...common} />}
      {p.children}
      {message ? (
        <span class="field-error" id={`${id}-error`} data-testid={`${p.name}-error`}>
          {message}
        </span>
      ) : null}
    </label>
  );
}

const formatNumber = (v: number): string => String(v);

interface NumberProps {
  name: string;
  label: ComponentChildren;
  value: number;
  limit: Limit;
  onCommit: (v: number) => void;
  onError?: ReportError | undefined;
  disabled?: boolean | undefined;
  /** A slider beside the box, over a playful range (the box still takes anything in the limit). */
  slider?: { min: number; max: number; step?: number; log?: boolean };
}

export function NumberField(p: NumberProps) {
  const s = p.slider;
  const toSlider = (v: number): number => (s?.log ? Math.log10(v) : v);
  const fromSlider = (x: number): number => (s?.log ? Number((10 ** x).toPrecision(2)) : x);
  return (
    <CheckedField
      name={p.name}
      label={p.label}
      value={p.value}
      check={(t) => checkNumber(t, p.limit)}
      format={formatNumber}
      onCommit={p.onCommit}
      onError={p.onError}
      disabled={p.disabled}
      inputClass="number"
      type="text"
      rules={`${p.limit.min},${p.limit.max},${p.limit.int ? 1 : 0}${p.limit.above ? 1 : 0}${p.limit.below ? 1 : 0}`}
    >
      {s ? (
        <input
          type="range"
          aria-label={`${typeof p.label === "string" ? p.label : p.name} slider`}
          data-testid={`${p.name}-slider`}
          min={toSlider(s.min)}
          max={toSlider(s.max)}
          step={s.log ? 0.1 : (s.step ?? "any")}
          value={toSlider(Math.min(s.max, Math.max(s.min, p.value)))}
          disabled={p.disabled}
          onInput={(e) => p.onCommit(fromSlider(Number((e.currentTarget as HTMLInputElement).value)))}
        />
      ) : null}
    </CheckedField>
  );
}

/** The messages of the fields that are invalid now, by field name. */
export function useFieldErrors(): { errors: Readonly<Record<string, string>>; report: ReportError } {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const report = useRef<ReportError>((name, message) =>
    setErrors((e) => {
      if ((e[name] ?? null) === message) return e;
      const next = { ...e };
      if (message === null) delete next[name];
      else next[name] = message;
      return next;
    })
  ).current;
  return { errors, report };
}
