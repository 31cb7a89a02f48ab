/**
 * A parser for the small subset of Python literal syntax used in .npy headers: dicts, tuples,
 * lists, strings, integers, floats, True/False/None. Parsing (rather than eval or regex) means odd
 * but valid headers — double quotes, no trailing comma, Python 2 "3L" longs — still load.
 */

export type PyValue =
  | { kind: "str"; value: string }
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "none" }
  | { kind: "tuple"; items: PyValue[] }
  | { kind: "list"; items: PyValue[] }
  | { kind: "dict"; entries: [PyValue, PyValue][] };

export class PyLiteralError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at character ${position}`);
    this.name = "PyLiteralError";
  }
}

export function parsePythonLiteral(text: string): PyValue {
  let pos = 0;

  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };

  const expect = (ch: string): void => {
    skipSpace();
    if (text[pos] !== ch) throw new PyLiteralError(`expected '${ch}' but found ${describe()}`, pos);
    pos++;
  };

  const describe = (): string => (pos < text.length ? `'${text[pos]}'` : "end of text");

  const parseString = (): PyValue => {
    const quote = text[pos]!;
    pos++;
    let out = "";
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === "\\") {
        const next = text[pos + 1];
        if (next === undefined) break;
        out += next === "n" ? "\n" : next === "t" ? "\t" : next;
        pos += 2;
      } else {
        out += text[pos];
        pos++;
      }
    }
    if (pos >= text.length) throw new PyLiteralError("unterminated string", pos);
    pos++;
    return { kind: "str", value: out };
  };

  const parseNumber = (): PyValue => {
    const m = /^[+-]?(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[lL]?/.exec(text.slice(pos));
    if (m === null) throw new PyLiteralError(`unexpected ${describe()}`, pos);
    pos += m[0].length;
    const body = m[0].replace(/[lL]$/, "");
    const isInt = /^[+-]?\d+$/.test(body);
    return isInt ? { kind: "int", value: Number(body) } : { kind: "float", value: Number(body) };
  };

  const parseSequence = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    skipSpace();
    while (text[pos] !== close) {
      items.push(parseValue());
      skipSpace();
      if (text[pos] === ",") { pos++; skipSpace(); continue; }
      if (text[pos] !== close) throw new PyLiteralError(`expected ',' or '${close}' but found ${describe()}`, pos);
    }
    pos++;
    return items;
  };

  const parseValue = (): PyValue => {
    skipSpace();
    const ch = text[pos];
    if (ch === undefined) throw new PyLiteralError("unexpected end of text", pos);
    if (ch === "'" || ch === '"') return parseString();
    if (ch === "(") {
      pos++;
      return { kind: "tuple", items: parseSequence(")") };
    }
    if (ch === "[") {
      pos++;
      return { kind: "list", items: parseSequence("]") };
    }
    if (ch === "{") {
      pos++;
      const entries: [PyValue, PyValue][] = [];
      skipSpace();
      while (text[pos] !== "}") {
        const key = parseValue();
        expect(":");
        const value = parseValue();
        entries.push([key, value]);
        skipSpace();
        if (text[pos] === ",") { pos++; skipSpace(); continue; }
        if (text[pos] !== "}") throw new PyLiteralError(`expected ',' or '}' but found ${describe()}`, pos);
      }
      pos++;
      return { kind: "dict", entries };
    }
    for (const [word, value] of [["True", true], ["False", false]] as const) {
      if (text.startsWith(word, pos)) { pos += word.length; return { kind: "bool", value }; }
    }
    if (text.startsWith("None", pos)) { pos += 4; return { kind: "none" }; }
    return parseNumber();
  };

  const value = parseValue();
  skipSpace();
  if (pos !== text.length) throw new PyLiteralError(`unexpected ${describe()} after the literal`, pos);
  return value;
}
