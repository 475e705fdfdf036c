// `sco-settle calendar …`: operating calendars per currency. `show` lists a
// currency's open and closed days with hours in home time and UTC, from the
// repository's calendar file (calendars/<CCY>.json), a given file, or the
// store's scheme (--in-store); `set` journals calendar files into the store
// (set_calendars, rules version 3); `status` says which currencies accept
// payments now and today's PvP overlap windows per pair.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { calendarFromFile, showDays, type CalendarDayView } from '../platform/currency_days.js';
import { CliInputError } from './input.js';
import { collect, print, runAndPrint, withPlatform } from './platform_run.js';

/** The repository's calendar files (dist/src/cli -> the repository root). */
export const CALENDAR_DIR = fileURLToPath(new URL('../../../calendars/', import.meta.url));

const CURRENCY = /^[A-Z]{3}$/;

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliInputError(`${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliInputError(`${path}: not JSON (${(err as Error).message})`);
  }
}

function currencyOption(v: string | undefined): string {
  if (v === undefined || !CURRENCY.test(v)) throw new CliInputError(`--currency: a currency code such as IRR, got ${JSON.stringify(v)}`);
  return v;
}

function table(currency: string, days: CalendarDayView[]): string {
  const lines = [`${currency}: date weekday open hours (home) hours (UTC) cut-off (home/UTC)`];
  for (const d of days) {
    const state = d.open ? (d.half_day ? 'half-day' : 'open') : `closed (${d.closed_because})`;
    const hours = d.open ? `${d.hours_local.join(',')}  ${d.hours_utc.join(',')}  ${d.cutoff_local}/${d.cutoff_utc}` : '';
    lines.push(`${d.date} ${d.weekday} ${state}${d.holidays_known ? '' : ' [holidays not known]'} ${hours}`.trimEnd());
  }
  return lines.join('\n') + '\n';
}

/** The repository's calendar file of `currency`; a currency it has none for is refused naming those it has (not the file system's error). */
function repositoryCalendar(currency: string): string {
  const have = readdirSync(CALENDAR_DIR)
    .filter((f) => /^[A-Z]{3}\.json$/.test(f))
    .map((f) => f.slice(0, 3))
    .sort();
  if (!have.includes(currency))
    throw new CliInputError(`--currency: no calendar file for ${currency}; there are ${have.join(', ')} (or give --file, or --in-store)`);
  return join(CALENDAR_DIR, `${currency}.json`);
}

interface ShowOptions {
  currency?: string;
  from?: string;
  to?: string;
  file?: string;
  inStore?: boolean;
  json?: boolean;
}

async function show(o: ShowOptions, cmd: Command): Promise<void> {
  const currency = currencyOption(o.currency);
  if (o.from === undefined || o.to === undefined) throw new CliInputError('--from and --to: dates YYYY-MM-DD');
  const days = o.inStore
    ? await withPlatform(cmd, async (p) => p.calendarDays(currency, o.from!, o.to!))
    : showDays(calendarFromFile(readJson(o.file ?? repositoryCalendar(currency)), BigInt(Date.now()) * 1_000_000n), o.from, o.to);
  if (o.json) print({ currency, from: o.from, to: o.to, days });
  else process.stdout.write(table(currency, days));
}

function calendarFiles(dir: string, only: string[]): unknown[] {
  const names = only.length > 0 ? only.map((c) => `${currencyOption(c)}.json`) : readdirSync(dir).filter((f) => /^[A-Z]{3}\.json$/.test(f));
  if (names.length === 0) throw new CliInputError(`${dir}: no calendar files (CCY.json)`);
  return names.sort().map((n) => readJson(join(dir, n)));
}

export function registerCalendarCommands(program: Command): void {
  const cal = program.command('calendar').description('operating calendars per currency: open days, hours and cut-offs in home time');
  cal
    .command('show')
    .description('list open and closed days with hours in home time and UTC')
    .requiredOption('--currency <CCY>', 'the currency (IRR, CNY, …)')
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last date, YYYY-MM-DD')
    .option('--file <path>', 'a calendar file (default: the repository calendars/<CCY>.json)')
    .option('--in-store', "the calendar in the store's scheme instead of a file")
    .option('--json', 'JSON output')
    .action((o: ShowOptions, cmd: Command) => show(o, cmd));
  cal
    .command('set')
    .description('journal calendar files into the store (set_calendars; rules version 3)')
    .option('--dir <path>', 'folder of CCY.json files (default: the repository calendars/)')
    .option('--currency <CCY>', 'only this currency (repeatable)', collect)
    .action((o: { dir?: string; currency?: string[] }, cmd: Command) =>
      runAndPrint(cmd, () => ({ type: 'set_calendars', calendars: calendarFiles(o.dir ?? CALENDAR_DIR, o.currency ?? []) })),
    );
  cal
    .command('status')
    .description("which currencies accept payments now, and today's PvP overlap windows per pair")
    .action((_o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        const today = new Date(Number(p.now() / 1_000_000n)).toISOString().slice(0, 10);
        print({ currencies: p.currencyDays(), overlaps_utc_date: today, overlaps: p.calendarOverlaps(today) });
      }),
    );
}
