/**
 * Numeric CSV / whitespace-separated text tables. One separator per file, chosen from the first
 * data line: ';' if present, else ',', else runs of whitespace (so numpy.savetxt output, TSV and
 * Excel-style semicolon files all load). `#` starts a comment; blank lines are skipped. The first
 * line is a header when every one of its cells is a non-empty non-number (override with `header`):
 * requiring all cells keeps a first data row with one typo from being silently taken as names.
 */
import { UserError } from "../util/errors.js";
import { readFileBytes } from "./read-file.js";

export interface CsvTable {
  header?: string[];
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  data: Float64Array;
}

export interface CsvOptions {
  /** true: the first line is a header; false: it is data; "auto" (default): a header iff no cell is empty or numeric. */
  header?: boolean | "auto";
}

type Separator = "," | ";" | "whitespace";

interface Line {
  lineNo: number;
  cells: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN, "+nan": NaN, "-nan": NaN,
  inf: Infinity, "+inf": Infinity, "-inf": -Infinity,
  infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity
};

/** The number a cell holds, or undefined when it is not numeric. Stricter than Number(): "", "0x1f", "1_0" are rejected. */
export function parseNumericCell(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  return SPECIAL[cell.toLowerCase()];
}

export function parseCsv(text: string, source = "<csv text>", options: CsvOptions = {}): CsvTable {
  const headerMode = options.header ?? "auto";
  const rawLines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let separator: Separator | undefined;
  const lines: Line[] = [];
  rawLines.forEach((raw, i) => {
    const content = stripComment(raw).trim();
    if (content === "") return;
    separator ??= content.includes(";") ? ";" : content.includes(",") ? "," : "whitespace";
    lines.push({ lineNo: i + 1, cells: splitCells(content, separator) });
  });
  if (lines.length === 0) {
    return { rows: 0, cols: 0, data: new Float64Array(0) };
  }

  const first = lines[0]!;
  const hasHeader = headerMode === "auto"
    ? first.cells.every((c) => c !== "" && parseNumericCell(c) === undefined)
    : headerMode;
  const dataLines = hasHeader ? lines.slice(1) : lines;
  const cols = hasHeader ? first.cells.length : dataLines[0]!.cells.length;
  const colsFrom = first.lineNo;
  const data = new Float64Array(dataLines.length * cols);
  dataLines.forEach((line, r) => {
    if (line.cells.length !== cols) {
      throw new UserError(`${source}: line ${line.lineNo} has ${line.cells.length} columns but line ${colsFrom} has ${cols}`);
    }
    line.cells.forEach((cell, c) => {
      const v = parseNumericCell(cell);
      if (v === undefined) {
        const what = cell === "" ? "an empty cell" : `non-numeric cell ${JSON.stringify(cell)}`;
        const hint = headerMode === "auto" && line === first ? " (if this line is a header, pass the header option)" : "";
        throw new UserError(`${source}: line ${line.lineNo}, column ${c + 1}: ${what}${hint}`);
      }
      data[r * cols + c] = v;
    });
  });
  const table: CsvTable = { rows: dataLines.length, cols, data };
  if (hasHeader) table.header = first.cells;
  return table;
}

export function loadCsv(path: string, options: CsvOptions = {}): CsvTable {
  const bytes = readFileBytes(path);
  return parseCsv(new TextDecoder("utf-8").decode(bytes), path, options);
}

/** Drop a `#` comment, ignoring `#` inside double quotes (a quoted header name may contain one). */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === "#" && !quoted) return line.slice(0, i);
  }
  return line;
}

function splitCells(content: string, separator: Separator): string[] {
  if (separator === "whitespace") return content.split(/\s+/).map(unquote);
  const cells: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i]!;
    if (ch === '"') {
      // RFC 4180: a doubled quote inside a quoted cell is a literal quote.
      if (quoted && content[i + 1] === '"') { current += '"'; i++; } else quoted = !quoted;
    } else if (ch === separator && !quoted) {
      cells.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  cells.push(current.trim());
  return cells;
}

function unquote(cell: string): string {
  return cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1) : cell;
}
