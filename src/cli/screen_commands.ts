// `sco-settle screen …`: sanctions list loading, name and payment screening, and the
// AML suspicious-transaction report. Results go to stdout as JSON (one document, or
// one line per input line); progress and summaries to stderr.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_THRESHOLD,
  LIST_FORMATS,
  ListError,
  ScreeningIndex,
  activeListVersions,
  buildStr,
  defaultAmlConfig,
  loadActiveSanctionsLists,
  parsePaymentInstruction,
  parseSanctionsList,
  runAmlRules,
  saveSanctionsList,
  screenPayment,
  strToCsv,
  type AmlConfig,
  type ListFormat,
  type PaymentRecord,
} from '../platform/screening_tools.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import { CliInputError, readInput } from './input.js';

/** Lines read by `screen names` / `screen payments` / `screen report`. */
export const SCREEN_INPUT_LINES_MAX = 10_000_000;

class NoListsError extends Error {
  readonly code = 'no_lists';
  constructor() {
    super('no sanctions list is loaded in this store; run: sco-settle screen load FILE... --format ofac-csv|un-xml|opensanctions');
  }
}

async function openIndex(command: Command, lists: string[] | undefined): Promise<ScreeningIndex> {
  const loaded = await loadActiveSanctionsLists(await existingStoreUrl(command), lists);
  if (loaded.length === 0) throw new NoListsError();
  const index = new ScreeningIndex(loaded);
  stderrProgress(
    `screening against ${loaded.map((l) => `${l.version.version_id} (${l.version.entry_count} entries)`).join(', ')}; ${index.nameCount} names indexed`,
  );
  return index;
}

function parseThreshold(v: string | undefined): number {
  if (v === undefined) return DEFAULT_THRESHOLD;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new CliInputError(`--threshold: must be a number in (0, 1], got ${JSON.stringify(v)}`);
  return n;
}

function parseCountry(v: string | undefined): string | null {
  if (v === undefined) return null;
  if (!/^[A-Za-z]{2}$/.test(v)) throw new CliInputError(`--country: expected an ISO 3166 alpha-2 code such as KZ, got ${JSON.stringify(v)}`);
  return v.toUpperCase();
}

function parseDob(v: string | undefined): string | null {
  if (v === undefined) return null;
  if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) throw new CliInputError(`--dob: expected YYYY, YYYY-MM or YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v;
}

function splitLines(text: string, name: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > SCREEN_INPUT_LINES_MAX) throw new CliInputError(`${name}: more than ${SCREEN_INPUT_LINES_MAX} lines; split the input`);
  return lines;
}

/** Every non-blank line of an NDJSON input parsed by `parse`; an error names the file and line. */
function readNdjson<T>(text: string, file: string, parse: (value: unknown, where: string) => T): T[] {
  const lines = splitLines(text, file);
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new CliInputError(`${file} line ${i + 1}: not JSON: ${(err as Error).message}`);
    }
    out.push(parse(v, `${file} line ${i + 1}`));
  }
  return out;
}

function parseRecord(v: unknown, where: string): PaymentRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliInputError(`${where}: expected a JSON object`);
  const o = v as Record<string, unknown>;
  const s = (k: string, optional = false): string | undefined => {
    const x = o[k];
    if (x === undefined && optional) return undefined;
    if (typeof x !== 'string' || x.length === 0 || x.length > 256) throw new CliInputError(`${where}: field "${k}" must be a non-empty string`);
    return x;
  };
  const amount = o.amount;
  if (typeof amount !== 'string' || !/^[0-9]{1,39}$/.test(amount))
    throw new CliInputError(`${where}: field "amount" must be a string of digits (minor units), e.g. "150000"`);
  const ts = o.timestamp;
  const ms = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (!Number.isFinite(ms)) throw new CliInputError(`${where}: field "timestamp" must be ISO 8601 or milliseconds since the epoch`);
  const rec: PaymentRecord = {
    id: s('id')!,
    timestamp_ms: ms,
    debtor: s('debtor')!,
    creditor: s('creditor')!,
    debtor_country: s('debtor_country')!,
    creditor_country: s('creditor_country')!,
    currency: s('currency')!,
    amount: BigInt(amount),
  };
  const da = s('debtor_agent', true);
  const ca = s('creditor_agent', true);
  if (da !== undefined) rec.debtor_agent = da;
  if (ca !== undefined) rec.creditor_agent = ca;
  return rec;
}

/** Reads an AML configuration file: defaultAmlConfig() with its fields overridden; amounts as digit strings. */
async function readAmlConfig(path: string | undefined): Promise<AmlConfig> {
  const config = defaultAmlConfig();
  if (path === undefined) return config;
  let raw: unknown;
  try {
    raw = JSON.parse(await readInput(path));
  } catch (err) {
    if (err instanceof CliInputError) throw err;
    throw new CliInputError(`${path}: not JSON: ${(err as Error).message}`);
  }
  const amounts = (v: unknown, field: string): Record<string, bigint> => {
    if (typeof v !== 'object' || v === null) throw new CliInputError(`${path}: ${field} must be an object of currency -> "minor units"`);
    const out: Record<string, bigint> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== 'string' || !/^[0-9]{1,39}$/.test(x)) throw new CliInputError(`${path}: ${field}.${k} must be a string of digits`);
      out[k] = BigInt(x);
    }
    return out;
  };
  const o = raw as Record<string, Record<string, unknown>>;
  const num = (v: unknown, field: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new CliInputError(`${path}: ${field} must be a non-negative integer`);
    return v;
  };
  if (o.structuring !== undefined) {
    const s = o.structuring;
    if (s.threshold !== undefined) config.structuring.threshold = amounts(s.threshold, 'structuring.threshold');
    config.structuring.band_bp = num(s.band_bp, 'structuring.band_bp', config.structuring.band_bp);
    config.structuring.window_ms = num(s.window_ms, 'structuring.window_ms', config.structuring.window_ms);
    config.structuring.min_count = num(s.min_count, 'structuring.min_count', config.structuring.min_count);
  }
  if (o.velocity !== undefined) {
    const v = o.velocity;
    config.velocity.window_ms = num(v.window_ms, 'velocity.window_ms', config.velocity.window_ms);
    config.velocity.max_count = num(v.max_count, 'velocity.max_count', config.velocity.max_count);
    config.velocity.corridor_max_count = num(v.corridor_max_count, 'velocity.corridor_max_count', config.velocity.corridor_max_count);
    if (v.max_amount !== undefined) config.velocity.max_amount = amounts(v.max_amount, 'velocity.max_amount');
  }
  if (o.round_amount !== undefined) {
    const r = o.round_amount;
    if (r.unit !== undefined) config.round_amount.unit = amounts(r.unit, 'round_amount.unit');
    config.round_amount.window_ms = num(r.window_ms, 'round_amount.window_ms', config.round_amount.window_ms);
    config.round_amount.min_count = num(r.min_count, 'round_amount.min_count', config.round_amount.min_count);
  }
  if (o.high_risk !== undefined) {
    const h = o.high_risk;
    if (Array.isArray(h.countries)) config.high_risk.countries = h.countries.map(String);
    if (Array.isArray(h.parties)) config.high_risk.parties = h.parties.map(String);
  }
  return config;
}

/** Registration order is the order `screen --help` lists the subcommands in. */
export function registerScreenCommands(program: Command): void {
  const screen = program.command('screen').description('sanctions screening: load lists, screen names and payments, AML report');
  registerLoadCommand(screen);
  registerListsCommand(screen);
  registerNameCommand(screen);
  registerNamesCommand(screen);
  registerPaymentsCommand(screen);
  registerReportCommand(screen);
}

function registerLoadCommand(screen: Command): void {
  screen
    .command('load')
    .description('store a new version of a sanctions list (replaces the active version atomically)')
    .argument('<files...>', 'list files (OFAC: sdn.csv, with alt.csv / add.csv / sdn_comments.csv when given; cons_*.csv likewise)')
    .requiredOption('--format <format>', `one of ${LIST_FORMATS.join(', ')}`)
    .option('--list <name>', 'the list name (default: ofac-sdn, ofac-cons, un-sc or opensanctions)')
    .action(async (files: string[], o: { format: string; list?: string }, command: Command) => loadLists(files, o, command));
}

async function loadLists(files: string[], o: { format: string; list?: string }, command: Command): Promise<void> {
  if (!(LIST_FORMATS as readonly string[]).includes(o.format)) {
    throw new CliInputError(
      `--format: expected one of ${LIST_FORMATS.join(', ')}${o.format === 'ofac-xml' ? ' (OFAC XML is not supported yet; load the CSV set)' : ''}, got ${JSON.stringify(o.format)}`,
    );
  }
  const named = [];
  for (const f of files) {
    try {
      named.push({ name: basename(f), bytes: await readFile(f) });
    } catch (err) {
      throw new ListError('list_unreadable', f, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const list = parseSanctionsList(o.format as ListFormat, named, new Date(), o.list);
  await saveSanctionsList(await existingStoreUrl(command), list);
  stderrProgress(`${list.version.list}: ${list.version.entry_count} entries, ${list.version.name_count} names, now active as ${list.version.version_id}`);
  process.stdout.write(JSON.stringify(list.version) + '\n');
}

function registerListsCommand(screen: Command): void {
  screen
    .command('lists')
    .description('the active version of every loaded list')
    .action(async (_o: unknown, command: Command) => {
      const versions = await activeListVersions(await existingStoreUrl(command));
      process.stdout.write(JSON.stringify({ lists: versions }) + '\n');
    });
}

/** The options every screening command shares: the hit threshold and which lists. */
function screeningOptions(c: Command): Command {
  return c
    .option('--threshold <score>', `hit threshold in (0, 1] (default ${DEFAULT_THRESHOLD})`)
    .option('--list <names...>', 'screen only against these lists (default: all loaded)');
}

interface ScreeningOptions {
  threshold?: string;
  list?: string[];
}

function registerNameCommand(screen: Command): void {
  screeningOptions(
    screen
      .command('name')
      .description('screen one name; prints {"name","hit","score","matches":[…]}')
      .argument('<name>', 'the name, in any script')
      .option('--country <XX>', 'ISO 3166 alpha-2 country of the party')
      .option('--dob <date>', 'date of birth, YYYY[-MM[-DD]]'),
  ).action(async (name: string, o: ScreeningOptions & { country?: string; dob?: string }, command: Command) => {
    const threshold = parseThreshold(o.threshold);
    const query = { name, country: parseCountry(o.country), dob: parseDob(o.dob) };
    const index = await openIndex(command, o.list);
    process.stdout.write(JSON.stringify(index.screenName(query, threshold)) + '\n');
  });
}

function registerNamesCommand(screen: Command): void {
  screeningOptions(
    screen
      .command('names')
      .description('screen one name per line (UTF-8; "-" for stdin); one JSON line per name, in order')
      .argument('<file>', 'names, one per line'),
  ).action(async (file: string, o: ScreeningOptions, command: Command) => screenNames(file, o, command));
}

async function screenNames(file: string, o: ScreeningOptions, command: Command): Promise<void> {
  const threshold = parseThreshold(o.threshold);
  const lines = splitLines(await readInput(file), file);
  const index = await openIndex(command, o.list);
  let hits = 0;
  const out: string[] = [];
  for (const line of lines) {
    const r = index.screenName({ name: line }, threshold);
    if (r.hit) hits++;
    out.push(JSON.stringify(r));
    if (out.length >= 1000) process.stdout.write(out.splice(0).join('\n') + '\n');
  }
  if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
  stderrProgress(`${lines.length} names screened, ${hits} hits`);
}

function registerPaymentsCommand(screen: Command): void {
  screeningOptions(
    screen
      .command('payments')
      .description('screen payment instructions (NDJSON: uetr, debtor{name,country}, creditor{name,country}, debtor_agent_bic, creditor_agent_bic, remittance)')
      .argument('<file>', 'NDJSON file ("-" for stdin)'),
  ).action(async (file: string, o: ScreeningOptions, command: Command) => screenPayments(file, o, command));
}

async function screenPayments(file: string, o: ScreeningOptions, command: Command): Promise<void> {
  const threshold = parseThreshold(o.threshold);
  // Check every line before screening any, so a bad line is reported without partial output.
  const instructions = readNdjson(await readInput(file), file, (v, where) => {
    try {
      return parsePaymentInstruction(v);
    } catch (err) {
      throw new CliInputError(`${where}: ${(err as Error).message}`);
    }
  });
  const index = await openIndex(command, o.list);
  let hits = 0;
  for (const p of instructions) {
    const r = screenPayment(index, p, threshold);
    if (r.hit) hits++;
    process.stdout.write(JSON.stringify(r) + '\n');
  }
  stderrProgress(`${instructions.length} payments screened, ${hits} with hits (to be held for review)`);
}

interface ReportOptions {
  format: string;
  config?: string;
  reportingEntity: string;
  recipient: string;
}

function registerReportCommand(screen: Command): void {
  screen
    .command('report')
    .description('run the AML rules over payment records (NDJSON) and print the suspicious-transaction report')
    .argument('<file>', 'NDJSON records: id, timestamp, debtor, creditor, debtor_country, creditor_country, currency, amount ("minor units")')
    .option('--format <format>', 'json or csv', 'json')
    .option('--config <file>', 'AML rule configuration (JSON; amounts as digit strings)')
    .option('--reporting-entity <name>', 'who files the report', 'sco-settle operator')
    .option('--recipient <name>', 'the financial intelligence unit', 'national FIU')
    .action(async (file: string, o: ReportOptions) => amlReport(file, o));
}

async function amlReport(file: string, o: ReportOptions): Promise<void> {
  if (o.format !== 'json' && o.format !== 'csv') throw new CliInputError(`--format: expected json or csv, got ${JSON.stringify(o.format)}`);
  const config = await readAmlConfig(o.config);
  const records = readNdjson(await readInput(file), file, parseRecord);
  const alerts = runAmlRules(records, config);
  const report = buildStr(alerts, records, { reporting_entity: o.reportingEntity, recipient: o.recipient, generated_at: new Date().toISOString() });
  process.stdout.write(o.format === 'csv' ? strToCsv(report) : JSON.stringify(report) + '\n');
  stderrProgress(`${records.length} payments, ${alerts.length} alerts`);
}
