// The reference-rate book: units of each currency per 1 USD, by date, each with
// its source. Owns importing rate files (CSV in the shape of
// ../shared/data/fx-reference-2025-08-29.csv, or JSON), history and as-of queries,
// cross rates by triangulation through USD, and the staleness rule.
//
// Import is all or nothing: the whole file is checked first and the first bad row
// refuses it, naming the line, the field and the reason (RateFileError,
// code 'invalid_rate_file'). A book is immutable once built; a new file gives a
// new book.
//
// Cross rates are exact: units of B per unit of A = (B per USD) / (A per USD),
// kept as a rational, never a rounded decimal. A conversion on date D uses, for
// each currency, its latest rate dated on or before D, and refuses it
// ('rate_stale') when that rate is more than max_age_days older than D.

import { PIVOT_CURRENCY, currencyInfo, memberCurrency, type CurrencyInfo } from './iso4217.js';
import { FxError, ONE, compare, div, parseDecimal, ZERO, type FxErrorCode, type Rational } from './rational.js';
import { REFERENCE_FILE, REFERENCE_RATES } from './reference_data.js';

export interface ReferenceRate {
  readonly currency: string;
  /** Units of `currency` (major units) per 1 USD, exact. */
  readonly units_per_usd: Rational;
  /** The decimal string as imported, e.g. "9.5580" (kept for display and audit). */
  readonly units_per_usd_text: string;
  /** YYYY-MM-DD. */
  readonly date: string;
  /** Days since 1970-01-01 (for age arithmetic). */
  readonly day: number;
  readonly source: string;
}

/** One row as read from a file, before validation. */
export interface RateRowInput {
  currency: unknown;
  units_per_usd: unknown;
  date: unknown;
  source: unknown;
  minor_units?: unknown;
}

export interface RateBookOptions {
  /** A rate older than this (days before the conversion date) is refused. Default 30. */
  max_age_days?: number;
  /** Refuse currencies that are not SCO member currencies (default true). */
  members_only?: boolean;
}

/**
 * Why 30 days by default: the embedded reference set spans 2025-08-28 to
 * 2025-09-16, so a tighter default would make it unusable; the scheme should
 * configure what it decides (official rates are daily; a few days covers holidays).
 * The KGS placeholder (2025-01-31) is refused under this default, as it should be.
 */
export const DEFAULT_MAX_AGE_DAYS = 30;

export const RATE_LIMITS = Object.freeze({
  /** Rows in one file / one book. */
  rates_max: 100_000,
  /** Bytes (UTF-16 code units) of one file. */
  file_chars_max: 32 * 1024 * 1024,
  /** Characters of one source citation. */
  source_chars_max: 4096,
  /** Characters of any one CSV field. */
  field_chars_max: 8192,
  /** The largest configurable max_age_days (ten years). */
  max_age_days_max: 3660,
});

/** A refused rate file: `file`, `line` (1-based, the line where the row starts), field and reason. */
export class RateFileError extends FxError {
  readonly file: string;
  readonly line: number;
  /** The specific cause, e.g. 'not_a_member_currency', 'invalid_rate', 'invalid_date'. */
  readonly detail_code: FxErrorCode;
  constructor(file: string, line: number, field: string, reason: string, detail_code: FxErrorCode = 'invalid_rate_file') {
    super('invalid_rate_file', field, reason);
    this.file = file;
    this.line = line;
    this.detail_code = detail_code;
    this.message = `${file}: line ${line}: field "${field}": ${reason}; nothing was imported`;
    this.name = 'RateFileError';
  }
}

// --- dates ------------------------------------------------------------------

const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MS_PER_DAY = 86_400_000;

/** "YYYY-MM-DD" (a real calendar date, years 1900-2999) as days since 1970-01-01. */
export function parseIsoDate(text: unknown, field = 'date'): number {
  // Pricing reads the same few dates for every payment (its value date, the rates' dates): each valid one is parsed once.
  const known = typeof text === 'string' ? parsedDates.get(text) : undefined;
  if (known !== undefined) return known;
  const day = parseIsoDateOnce(text, field);
  if (parsedDates.size >= PARSED_DATES_MAX) parsedDates.clear();
  parsedDates.set(text as string, day);
  return day;
}

/** Valid dates parsed so far and their day numbers; only valid ones (an invalid date throws every time). */
const parsedDates = new Map<string, number>();
/** Dates remembered at most (a hostile stream of distinct dates costs a clear now and then, no memory). */
const PARSED_DATES_MAX = 4096;

function parseIsoDateOnce(text: unknown, field: string): number {
  const m = typeof text === 'string' ? DATE_RE.exec(text) : null;
  if (m === null)
    throw new FxError('invalid_date', field, `must be a date YYYY-MM-DD, got ${JSON.stringify(typeof text === 'string' ? text.slice(0, 32) : text)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2999) throw new FxError('invalid_date', field, `year ${y} is outside 1900-2999`);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; a round trip catches it.
  if (mo < 1 || mo > 12 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new FxError('invalid_date', field, `${text as string} is not a calendar date`);
  }
  return ms / MS_PER_DAY;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

// --- the book ----------------------------------------------------------------

/** Units of `to` per 1 unit of `from` (major units), with the rates it was built from. */
export interface CrossRate {
  readonly from: string;
  readonly to: string;
  /** The conversion date the legs were chosen for. */
  readonly date: string;
  readonly rate: Rational;
  /** The reference rates used (the USD pivot has none; from === to has none). */
  readonly legs: readonly ReferenceRate[];
  readonly via: typeof PIVOT_CURRENCY;
}

export class RateBook {
  readonly max_age_days: number;
  readonly members_only: boolean;
  /** Per currency, sorted by date ascending, one rate per date. */
  private readonly byCurrency: ReadonlyMap<string, readonly ReferenceRate[]>;
  private readonly count: number;

  private constructor(byCurrency: Map<string, ReferenceRate[]>, max_age_days: number, members_only: boolean) {
    this.byCurrency = byCurrency;
    this.max_age_days = max_age_days;
    this.members_only = members_only;
    let n = 0;
    for (const list of byCurrency.values()) n += list.length;
    this.count = n;
  }

  get size(): number {
    return this.count;
  }

  /** The rates embedded in src/fx/reference_data.ts. */
  static reference(options: RateBookOptions = {}): RateBook {
    return RateBook.fromRows(
      REFERENCE_RATES.map((r, i) => ({ line: i + 2, row: { ...r } })),
      options,
      `embedded ${REFERENCE_FILE}`,
    );
  }

  /** CSV or JSON, told apart by the first non-blank character ("[" is JSON). */
  static parse(text: string, options: RateBookOptions = {}, file = 'rates'): RateBook {
    return /^\s*\[/.test(text) ? RateBook.fromJson(text, options, file) : RateBook.fromCsv(text, options, file);
  }

  /** CSV with header currency,units_per_usd,date,source[,minor_units] (RFC 4180 quoting). */
  static fromCsv(text: string, options: RateBookOptions = {}, file = 'rates.csv'): RateBook {
    checkFileSize(text, file);
    const records = parseCsv(text, file);
    const header = records.shift();
    if (header === undefined)
      throw new RateFileError(file, 1, '(header)', 'the file is empty; expected a header currency,units_per_usd,date,source[,minor_units]');
    const columns = header.fields;
    const required = ['currency', 'units_per_usd', 'date', 'source'];
    const known = new Set([...required, 'minor_units']);
    const seen = new Set<string>();
    for (const c of columns) {
      if (!known.has(c)) throw new RateFileError(file, header.line, c, `unknown column; expected ${[...known].join(',')}`);
      if (seen.has(c)) throw new RateFileError(file, header.line, c, 'column appears twice');
      seen.add(c);
    }
    for (const c of required) if (!seen.has(c)) throw new RateFileError(file, header.line, c, 'required column is missing from the header');
    const rows = records.map((rec) => {
      if (rec.fields.length !== columns.length) {
        throw new RateFileError(
          file,
          rec.line,
          '(row)',
          `has ${rec.fields.length} fields, the header has ${columns.length} (a source containing commas must be "quoted")`,
        );
      }
      const o: Record<string, string> = {};
      columns.forEach((c, i) => {
        o[c] = rec.fields[i]!;
      });
      return { line: rec.line, row: o as unknown as RateRowInput };
    });
    return RateBook.fromRows(rows, options, file);
  }

  /** JSON: an array of {currency, units_per_usd (a decimal STRING), date, source[, minor_units]}. */
  static fromJson(text: string, options: RateBookOptions = {}, file = 'rates.json'): RateBook {
    checkFileSize(text, file);
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (err) {
      const m = /position (\d+)/.exec((err as Error).message);
      const line = m === null ? 1 : lineAt(text, Number(m[1]));
      throw new RateFileError(file, line, '(json)', `malformed JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(values)) throw new RateFileError(file, 1, '(json)', 'expected a JSON array of rates');
    const lines = arrayElementLines(text);
    const known = new Set(['currency', 'units_per_usd', 'date', 'source', 'minor_units']);
    const rows = values.map((v: unknown, i) => {
      const line = lines[i] ?? 1;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RateFileError(file, line, `[${i}]`, 'must be a JSON object');
      for (const k of Object.keys(v)) if (!known.has(k)) throw new RateFileError(file, line, k, `unknown field; known: ${[...known].join(', ')}`);
      const o = v as Record<string, unknown>;
      if (typeof o.units_per_usd === 'number') {
        throw new RateFileError(
          file,
          line,
          'units_per_usd',
          `must be a decimal string such as "${o.units_per_usd}": JSON numbers are binary floating point and cannot carry a rate exactly`,
          'invalid_rate',
        );
      }
      return { line, row: o as unknown as RateRowInput };
    });
    return RateBook.fromRows(rows, options, file);
  }

  /** Validates every row, then builds the book; the first bad row refuses everything. */
  static fromRows(rows: ReadonlyArray<{ line: number; row: RateRowInput }>, options: RateBookOptions = {}, file = 'rates'): RateBook {
    const max_age_days = checkMaxAge(options.max_age_days ?? DEFAULT_MAX_AGE_DAYS);
    const members_only = options.members_only ?? true;
    if (rows.length > RATE_LIMITS.rates_max)
      throw new RateFileError(file, 1, '(file)', `has ${rows.length} rates; at most ${RATE_LIMITS.rates_max}`, 'limit_exceeded');
    const byCurrency = new Map<string, ReferenceRate[]>();
    const firstLine = new Map<string, number>();
    for (const { line, row } of rows) {
      const rate = validateRow(row, members_only, file, line);
      const key = `${rate.currency} ${rate.date}`;
      const earlier = firstLine.get(key);
      if (earlier !== undefined) {
        throw new RateFileError(file, line, 'date', `duplicate rate for ${rate.currency} on ${rate.date} (first given on line ${earlier})`);
      }
      firstLine.set(key, line);
      let list = byCurrency.get(rate.currency);
      if (list === undefined) byCurrency.set(rate.currency, (list = []));
      list.push(rate);
    }
    for (const list of byCurrency.values()) list.sort((a, b) => a.day - b.day);
    return new RateBook(byCurrency, max_age_days, members_only);
  }

  /** A book with the same rates and a different staleness bound. */
  withMaxAge(max_age_days: number): RateBook {
    const copy = new Map<string, ReferenceRate[]>();
    for (const [c, list] of this.byCurrency) copy.set(c, [...list]);
    return new RateBook(copy, checkMaxAge(max_age_days), this.members_only);
  }

  /** Currencies with at least one rate, sorted. */
  currencies(): string[] {
    return [...this.byCurrency.keys()].sort();
  }

  /** Every rate, by currency then date. */
  all(): ReferenceRate[] {
    return this.currencies().flatMap((c) => this.byCurrency.get(c)!);
  }

  /** A currency's rates in date order, optionally within [from, to] (inclusive, YYYY-MM-DD). */
  history(currency: string, range: { from?: string; to?: string } = {}): ReferenceRate[] {
    this.checkCurrency(currency, 'currency');
    const lo = range.from === undefined ? -Infinity : parseIsoDate(range.from, 'from');
    const hi = range.to === undefined ? Infinity : parseIsoDate(range.to, 'to');
    return (this.byCurrency.get(currency) ?? []).filter((r) => r.day >= lo && r.day <= hi);
  }

  /** The latest date of any rate of these currencies (all currencies when none given), or null. */
  latestDate(currencies?: readonly string[]): string | null {
    let best = -Infinity;
    for (const c of currencies ?? this.byCurrency.keys()) {
      const list = this.byCurrency.get(c);
      if (list !== undefined && list.length > 0) best = Math.max(best, list[list.length - 1]!.day);
    }
    return best === -Infinity ? null : formatDay(best);
  }

  /** The latest rate of `currency` dated on or before `date` (no staleness check). */
  rateAsOf(currency: string, date: string, field = 'currency'): ReferenceRate {
    this.checkCurrency(currency, field);
    const day = parseIsoDate(date, 'date');
    const list = this.byCurrency.get(currency);
    if (list === undefined || list.length === 0) throw new FxError('rate_not_found', field, `no reference rate for ${currency} in this rate book`);
    // Binary search for the last rate with r.day <= day.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.day <= day) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) throw new FxError('rate_not_found', field, `no reference rate for ${currency} dated on or before ${date} (the earliest is ${list[0]!.date})`);
    return list[lo - 1]!;
  }

  /** rateAsOf, refused as 'rate_stale' when older than max_age_days before `date`. */
  freshRate(currency: string, date: string, field = 'currency'): ReferenceRate {
    const r = this.rateAsOf(currency, date, field);
    const age = parseIsoDate(date, 'date') - r.day;
    if (age > this.max_age_days) {
      throw new FxError(
        'rate_stale',
        field,
        `the latest ${currency} rate on or before ${date} is dated ${r.date}, ${age} days old; the maximum age is ${this.max_age_days} days`,
      );
    }
    return r;
  }

  /** Units of `to` per 1 unit of `from` on `date`, by triangulation through USD, exact. */
  crossRate(from: string, to: string, date: string): CrossRate {
    this.checkCurrency(from, 'from');
    this.checkCurrency(to, 'to');
    parseIsoDate(date, 'date');
    if (from === to) return { from, to, date, rate: ONE, legs: [], via: PIVOT_CURRENCY };
    const a = from === PIVOT_CURRENCY ? null : this.freshRate(from, date, 'from');
    const b = to === PIVOT_CURRENCY ? null : this.freshRate(to, date, 'to');
    const rate = div(b === null ? ONE : b.units_per_usd, a === null ? ONE : a.units_per_usd);
    const legs = [a, b].filter((r): r is ReferenceRate => r !== null);
    return { from, to, date, rate, legs, via: PIVOT_CURRENCY };
  }

  private checkCurrency(code: string, field: string): CurrencyInfo {
    if (code === PIVOT_CURRENCY && !this.members_only) return currencyInfo(code, field);
    return this.members_only ? memberCurrency(code, field) : currencyInfo(code, field);
  }
}

function checkMaxAge(max_age_days: number): number {
  if (!Number.isInteger(max_age_days) || max_age_days < 0 || max_age_days > RATE_LIMITS.max_age_days_max) {
    throw new FxError('limit_exceeded', 'max_age_days', `must be an integer from 0 to ${RATE_LIMITS.max_age_days_max}, got ${max_age_days}`);
  }
  return max_age_days;
}

// --- row validation ------------------------------------------------------------

function validateRow(row: RateRowInput, members_only: boolean, file: string, line: number): ReferenceRate {
  const at = (field: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof FxError && !(err instanceof RateFileError)) throw new RateFileError(file, line, field, err.reason, err.code);
      throw err;
    }
  };
  const need = (field: keyof RateRowInput): string => {
    const v = row[field];
    if (v === undefined || v === null) throw new RateFileError(file, line, field, 'is required');
    if (typeof v !== 'string') throw new RateFileError(file, line, field, `must be a string, got ${typeof v}`);
    return v;
  };
  const currency = need('currency');
  let info: CurrencyInfo | undefined;
  at('currency', () => {
    info = members_only ? memberCurrency(currency, 'currency') : currencyInfo(currency, 'currency');
  });
  if (currency === PIVOT_CURRENCY) {
    throw new RateFileError(file, line, 'currency', 'USD is the pivot of every rate (1 by definition); it takes no row', 'invalid_rate');
  }
  const text = need('units_per_usd');
  let value: Rational = ZERO;
  at('units_per_usd', () => {
    value = parseDecimal(text, 'units_per_usd');
  });
  if (compare(value, ZERO) <= 0) {
    throw new RateFileError(file, line, 'units_per_usd', `must be greater than zero, got ${JSON.stringify(text)}`, 'invalid_rate');
  }
  const date = need('date');
  let day = 0;
  at('date', () => {
    day = parseIsoDate(date, 'date');
  });
  const source = need('source').trim();
  if (source.length === 0) throw new RateFileError(file, line, 'source', 'is empty; every rate must say where it comes from');
  if (source.length > RATE_LIMITS.source_chars_max) {
    throw new RateFileError(file, line, 'source', `is ${source.length} characters; at most ${RATE_LIMITS.source_chars_max}`, 'limit_exceeded');
  }
  const mu = row.minor_units;
  if (mu !== undefined && mu !== null && mu !== '') {
    const n = typeof mu === 'number' ? mu : typeof mu === 'string' && /^[0-9]{1,2}$/.test(mu) ? Number(mu) : NaN;
    if (n !== info!.minor_units) {
      throw new RateFileError(
        file,
        line,
        'minor_units',
        `${JSON.stringify(mu)} disagrees with ISO 4217, which gives ${currency} ${info!.minor_units} minor units`,
      );
    }
  }
  return Object.freeze({ currency, units_per_usd: value, units_per_usd_text: text, date, day, source });
}

function checkFileSize(text: string, file: string): void {
  if (text.length > RATE_LIMITS.file_chars_max) {
    throw new RateFileError(file, 1, '(file)', `is larger than ${RATE_LIMITS.file_chars_max} characters`, 'limit_exceeded');
  }
}

// --- RFC 4180 CSV ---------------------------------------------------------------

interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180: fields separated by ",", records by CRLF or LF; a field in double
 * quotes may hold commas, line breaks and doubled quotes (""). Wholly blank lines
 * are skipped. A stray quote inside an unquoted field, text after a closing quote
 * or an unterminated quote refuses the file, naming the line.
 */
export function parseCsv(text: string, file = 'csv'): CsvRecord[] {
  const records: CsvRecord[] = [];
  const c: CsvCursor = { text, n: text.length, line: 1, i: text.charCodeAt(0) === 0xfeff ? 1 : 0 }; // a UTF-8 BOM is not part of the first column name
  while (c.i < c.n) {
    const start = c.line;
    // A blank line (just a line break) is skipped, not read as one empty field.
    if (text[c.i] === '\n' || (text[c.i] === '\r' && text[c.i + 1] === '\n')) {
      c.i += text[c.i] === '\r' ? 2 : 1;
      c.line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      const column = `column ${fields.length + 1}`;
      fields.push(text[c.i] === '"' ? readQuoted(c, file, start, column) : readPlain(c, file, start, column));
      if (c.i < c.n && text[c.i] === ',') {
        c.i++;
        continue;
      }
      break;
    }
    // End of record: a line break or the end of the text.
    if (c.i < c.n) {
      c.i += text[c.i] === '\r' ? 2 : 1;
      c.line++;
    }
    records.push({ line: start, fields });
    if (records.length > RATE_LIMITS.rates_max + 1) throw new RateFileError(file, start, '(file)', `more than ${RATE_LIMITS.rates_max} rows`, 'limit_exceeded');
  }
  return records;
}

/** Where parseCsv is: offset i in text, on line `line`. */
interface CsvCursor {
  readonly text: string;
  readonly n: number;
  i: number;
  line: number;
}

function atFieldEnd(c: CsvCursor): boolean {
  const { text, i } = c;
  return text[i] === ',' || text[i] === '\n' || (text[i] === '\r' && text[i + 1] === '\n');
}

/** A quoted field from its opening quote: "" is a quote, line breaks are kept. */
function readQuoted(c: CsvCursor, file: string, start: number, column: string): string {
  const { text, n } = c;
  let value = '';
  c.i++;
  for (;;) {
    if (c.i >= n) throw new RateFileError(file, start, column, 'unterminated quoted field');
    const ch = text[c.i]!;
    if (ch === '"') {
      if (text[c.i + 1] === '"') {
        value += '"';
        c.i += 2;
        continue;
      }
      c.i++;
      break;
    }
    if (ch === '\n') c.line++;
    value += ch;
    c.i++;
    if (value.length > RATE_LIMITS.field_chars_max)
      throw new RateFileError(file, start, column, `field longer than ${RATE_LIMITS.field_chars_max} characters`, 'limit_exceeded');
  }
  if (c.i < n && !atFieldEnd(c)) {
    throw new RateFileError(file, c.line, column, 'text after a closing quote (a quote inside a field must be doubled: "")');
  }
  return value;
}

/** An unquoted field: up to the next comma or line break; no quote inside. */
function readPlain(c: CsvCursor, file: string, start: number, column: string): string {
  const { text, n } = c;
  const s = c.i;
  while (c.i < n && !atFieldEnd(c)) {
    if (text[c.i] === '"')
      throw new RateFileError(file, c.line, column, 'a double quote inside an unquoted field (quote the whole field and double the quote)');
    c.i++;
  }
  const value = text.slice(s, c.i);
  if (value.length > RATE_LIMITS.field_chars_max)
    throw new RateFileError(file, start, column, `field longer than ${RATE_LIMITS.field_chars_max} characters`, 'limit_exceeded');
  return value;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** For a JSON array text, the line on which each top-level element starts. */
function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (depth === 1 && expectElement && ch !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectElement = true;
  }
  return lines;
}
