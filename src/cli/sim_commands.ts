// `sco-settle sim …`: the traffic simulator (src/sim) on the command line.
//  - `sim generate` prints one simulated business day as NDJSON, one payment a
//    line, in arrival order; bigint amounts and times as decimal strings.
//  - `sim profile` prints the default scheme profile as JSON; edit it and give
//    it back with `sim generate --profile FILE`.
//  - `sim run --server URL` drives the same day into a running server through
//    the typed client (the HTTP mode, ./sim_http.ts) and prints what it saw.
//  - `sim watchlist` prints the demo's fictitious watch-list for `screen load`,
//    so a served store screens the names `sim run --watchlist-every` sends.
// None touches a store. Bad options or profiles fail with one line naming
// the field (SimInputError), exit 4 (invalid input) whatever the sim's own code.

import type { Command } from 'commander';
import {
  DEFAULT_BANKS,
  DEFAULT_LIQUIDITY_PROVIDERS,
  DEFAULT_SEED,
  DEFAULT_TRAFFIC,
  SIM_LIMITS,
  SimInputError,
  defaultProfile,
  generatePayments,
  parseProfileText,
  paymentToJson,
  profileToJson,
  type SchemeProfile,
  type TrafficOptions,
} from '../sim/index.js';
import { CliInputError, readInput } from './input.js';
import { print } from './output.js';
import { demoWatchlistText } from '../demo/watchlist.js';
import { HTTP_MODE_LIMITS, runOverHttp, type HttpRunReport } from './sim_http.js';

function intOption(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?[0-9]{1,10}$/.test(text)) throw new SimInputError('invalid_value', flag, `must be an integer, got ${JSON.stringify(text)}`, 'options');
  const n = Number(text);
  if (n < 0) throw new SimInputError('negative', flag, `must not be negative, got ${n}`, 'options');
  if (n < min || n > max) throw new SimInputError(n > max ? 'limit_exceeded' : 'out_of_range', flag, `must be from ${min} to ${max}, got ${n}`, 'options');
  return n;
}

function shareOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(text))
    throw new SimInputError('invalid_value', flag, `must be a number from 0 to 1, got ${JSON.stringify(text)}`, 'options');
  const n = Number(text);
  if (n < 0) throw new SimInputError('negative', flag, `a share must not be negative, got ${n}`, 'options');
  if (n > 1) throw new SimInputError('out_of_range', flag, `a share must be at most 1, got ${n}`, 'options');
  return n;
}

/** Writes lines to stdout in chunks, waiting for the pipe to drain; a closed pipe (EPIPE, `| head`) just ends it. */
async function writeLines(lines: Iterable<string>): Promise<void> {
  const out = process.stdout;
  let failed: (Error & { code?: string }) | undefined;
  out.on('error', (e: Error) => {
    failed = e;
  });
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        out.off('error', done);
        resolve();
      };
      out.once('drain', done);
      out.once('error', done);
    });
  let chunk = '';
  for (const line of lines) {
    if (failed !== undefined) break;
    chunk += line + '\n';
    if (chunk.length >= 1 << 16) {
      const ok = out.write(chunk);
      chunk = '';
      if (!ok) await drained();
    }
  }
  if (failed === undefined && chunk.length > 0 && !out.write(chunk)) await drained();
  if (failed !== undefined && failed.code !== 'EPIPE') throw failed;
}

/** A SimInputError as the CLI's invalid input (exit 4); its own code stays in the message. */
class SimOptionError extends Error {
  readonly code = 'invalid_input';
  readonly field: string;
  constructor(e: SimInputError) {
    super(`${e.code}: ${e.message}`);
    this.name = 'SimOptionError';
    this.field = e.field;
  }
}

/** Runs a sim command's action, reporting bad simulator input as invalid input. */
function simAction<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      throw err instanceof SimInputError ? new SimOptionError(err) : err;
    }
  };
}

interface GenerateOptions {
  seed?: string;
  banks?: string;
  payments?: string;
  profile?: string;
  crossCurrencyShare?: string;
  urgentShare?: string;
  interbankShare?: string;
}

/** The profile and traffic options that `sim generate` and `sim run` share. */
async function dayOf(o: GenerateOptions): Promise<{ profile: SchemeProfile; options: TrafficOptions }> {
  const seed = intOption(o.seed, '--seed', 0, 2 ** 32 - 1);
  const banks = intOption(o.banks, '--banks', 10, SIM_LIMITS.banks_max);
  const payments = intOption(o.payments, '--payments', 0, SIM_LIMITS.payments_max);
  let profile: SchemeProfile;
  if (o.profile !== undefined) {
    if (banks !== undefined) throw new SimInputError('invalid_value', '--banks', 'not with --profile (the profile lists its banks)', 'options');
    profile = parseProfileText(await readInput(o.profile), o.profile === '-' ? 'stdin' : o.profile);
  } else {
    profile = defaultProfile({ banks: banks ?? DEFAULT_BANKS, ...(payments === undefined ? {} : { traffic: { payments } }) });
  }
  const options: TrafficOptions = {};
  if (seed !== undefined) options.seed = seed;
  if (payments !== undefined) options.payments = payments;
  const x = shareOption(o.crossCurrencyShare, '--cross-currency-share');
  if (x !== undefined) options.cross_currency_share = x;
  const urgent = shareOption(o.urgentShare, '--urgent-share');
  if (urgent !== undefined) options.urgent_share = urgent;
  const interbank = shareOption(o.interbankShare, '--interbank-share');
  if (interbank !== undefined) options.interbank_share = interbank;
  return { profile, options };
}

export function registerSimCommands(program: Command): void {
  const sim = program.command('sim').description('simulated traffic from the SCO trade matrix: scheme profile and one business day of payments');

  sim
    .command('generate')
    .description('print one simulated business day as NDJSON (one payment a line, in arrival order; amounts in minor units as decimal strings)')
    .option('--seed <n>', `uint32 seed; the same seed gives the same day (default ${DEFAULT_SEED})`)
    .option('--banks <n>', `banks in the default profile (default ${DEFAULT_BANKS}; not with --profile)`)
    .option(
      '--payments <n>',
      `payments in the day (default: the profile's, ${DEFAULT_TRAFFIC.payments} in the default profile; max ${SIM_LIMITS.payments_max})`,
    )
    .option('--profile <file>', 'scheme profile JSON (as printed by `sim profile`), or - for stdin')
    .option('--cross-currency-share <x>', 'share of cross-currency (PvP) payments, 0..1')
    .option('--urgent-share <x>', 'share of urgent payments, 0..1')
    .option('--interbank-share <x>', 'share of interbank pacs.009 payments, 0..1')
    .action(
      simAction(async (o: GenerateOptions) => {
        const { profile, options } = await dayOf(o);
        const day = generatePayments(profile, options);
        await writeLines(
          (function* () {
            for (const p of day) yield JSON.stringify(paymentToJson(p));
          })(),
        );
      }),
    );

  registerSimRun(sim);

  sim
    .command('watchlist')
    .description(
      "print the demo's fictitious watch-list as OpenSanctions JSON lines, for `screen load --format opensanctions --store URL FILE` before `sim run --watchlist-every`",
    )
    .action(() => {
      process.stdout.write(demoWatchlistText());
    });

  sim
    .command('profile')
    .description('print the default scheme profile as JSON (banks, liquidity providers, starting liquidity, traffic parameters)')
    .option('--banks <n>', `banks across the ten members (default ${DEFAULT_BANKS})`)
    .option('--liquidity-providers <n>', `liquidity providers (default ${DEFAULT_LIQUIDITY_PROVIDERS}, max ${SIM_LIMITS.liquidity_providers_max})`)
    .option('--payments <n>', 'payments of the day the starting liquidity is sized for')
    .action(
      simAction((o: { banks?: string; liquidityProviders?: string; payments?: string }) => {
        const banks = intOption(o.banks, '--banks', 10, SIM_LIMITS.banks_max);
        const lps = intOption(o.liquidityProviders, '--liquidity-providers', 0, SIM_LIMITS.liquidity_providers_max);
        const payments = intOption(o.payments, '--payments', 0, SIM_LIMITS.payments_max);
        const profile = defaultProfile({
          ...(banks === undefined ? {} : { banks }),
          ...(lps === undefined ? {} : { liquidity_providers: lps }),
          ...(payments === undefined ? {} : { traffic: { payments } }),
        });
        process.stdout.write(JSON.stringify(profileToJson(profile), null, 2) + '\n');
      }),
    );
}

interface RunOptions extends GenerateOptions {
  server: string;
  apiKey?: string;
  setup?: boolean;
  batch?: string;
  lsmEvery?: string;
  closeDay?: boolean;
  watchlistEvery?: string;
  treasury?: boolean;
  json?: boolean;
}

/** `sim run`: the HTTP mode (./sim_http.ts). */
function registerSimRun(sim: Command): void {
  sim
    .command('run')
    .description("drive one simulated business day into a running server through the typed API client (the HTTP mode) and print the day's counts")
    .requiredOption('--server <url>', 'the server, e.g. http://127.0.0.1:8080')
    .option('--api-key <key>', "an API key (env SCO_SETTLE_API_KEY); an operator's for --setup, LSM runs and --close-day")
    .option('--setup', "first import reference rates, register and fund the profile's participants and open today's day, where missing")
    .option('--batch <n>', 'payments per request (default 500, max 8189)')
    .option('--lsm-every <n>', 'a liquidity-saving run per queued currency after every n payments, and at the end (default 1000; 0: only at the end)')
    .option('--close-day', 'close the business day after the last payment')
    .option('--watchlist-every <n>', "rename every n-th payment's debtor to a variant of the demo's watch-list (load it first: sim watchlist)")
    .option('--treasury', "banks top up queued shortfalls from home after each LSM round, within 4x their starting liquidity (an operator's key)")
    .option('--seed <n>', `uint32 seed; the same seed gives the same day (default ${DEFAULT_SEED})`)
    .option('--banks <n>', `banks in the default profile (default ${DEFAULT_BANKS}; not with --profile)`)
    .option('--payments <n>', `payments in the day (max ${SIM_LIMITS.payments_max})`)
    .option('--profile <file>', 'scheme profile JSON (as printed by `sim profile`), or - for stdin')
    .option('--cross-currency-share <x>', 'share of cross-currency (PvP) payments, 0..1')
    .option('--urgent-share <x>', 'share of urgent payments, 0..1')
    .option('--interbank-share <x>', 'share of interbank pacs.009 payments, 0..1')
    .option('--json', 'the report as one JSON document on one line')
    .addHelpText(
      'after',
      `\nWhat the in-process demo models and this mode does not (also in the report's "limits"):\n${HTTP_MODE_LIMITS.map((l) => `  - ${l}`).join('\n')}\n`,
    )
    .action(
      simAction(async (o: RunOptions) => {
        const api_key = o.apiKey ?? process.env.SCO_SETTLE_API_KEY;
        if (api_key === undefined || api_key === '') throw new CliInputError('--api-key: required (or env SCO_SETTLE_API_KEY)');
        if (!/^https?:\/\/[^\s/]+/.test(o.server)) throw new CliInputError(`--server: an http:// or https:// URL, got ${JSON.stringify(o.server)}`);
        const { profile, options } = await dayOf(o);
        const report: HttpRunReport = await runOverHttp({
          server: o.server,
          api_key,
          profile,
          traffic: options,
          setup: o.setup === true,
          batch: intOption(o.batch, '--batch', 1, 8_189) ?? 500,
          lsm_every: intOption(o.lsmEvery, '--lsm-every', 0, SIM_LIMITS.payments_max) ?? 1_000,
          close_day: o.closeDay === true,
          watchlist_every: intOption(o.watchlistEvery, '--watchlist-every', 0, SIM_LIMITS.payments_max) ?? 0,
          treasury: o.treasury === true,
          progress: (m) => process.stderr.write(`${m}\n`),
        });
        print(report);
      }),
    );
}
