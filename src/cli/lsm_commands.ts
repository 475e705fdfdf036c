// `sco-settle lsm solve <scenario.json>`: runs the liquidity-saving mechanism on
// its own, for checking the algorithm. The whole scenario is read and checked
// before anything is solved; a bad input is one error naming the field and why.
//
// Input: {"participants":[{"id":"A","balance":"1000","limit":"0"}],
//         "payments":[{"id":"p1","from":"A","to":"B","amount":"700","priority":0}],
//         "fifo":false}
// Amounts are decimal strings in minor units; `limit` defaults to "0", `priority`
// to 0, `fifo` to false. Output, one JSON document on stdout:
//   {"settled":["p1",…],"settled_value":"…","elapsed_ms":…}

import type { Command } from 'commander';
import { InputError, parseUnsigned, U128_MAX } from '../platform/ledger_codecs.js';
import {
  LSM_PARTICIPANTS_MAX,
  LSM_PAYMENTS_MAX,
  LSM_TIME_BUDGET_MS_DEFAULT,
  LsmInputError,
  solveLsm,
  type LsmParticipant,
  type LsmPayment,
  type LsmProblem,
} from '../platform/lsm_tools.js';
import { PlatformError } from '../platform/errors.js';
import { CliInputError, readInput } from './input.js';
import { print, withPlatform } from './platform_run.js';

const SCENARIO_FIELDS = new Set(['participants', 'payments', 'fifo']);
const PARTICIPANT_FIELDS = new Set(['id', 'balance', 'limit']);
const PAYMENT_FIELDS = new Set(['id', 'from', 'to', 'amount', 'priority']);
const PRIORITY_MAX = 255;

function describe(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
}

function object(value: unknown, place: string, known: Set<string>): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliInputError(`${place}: must be a JSON object, got ${describe(value)}`);
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!known.has(key)) throw new CliInputError(`${place}.${key}: unknown field; known: ${[...known].join(', ')}`);
  }
  return o;
}

function text(o: Record<string, unknown>, field: string, place: string): string {
  const v = o[field];
  if (v === undefined) throw new CliInputError(`${place}.${field}: is required`);
  if (typeof v !== 'string' || v.length === 0) throw new CliInputError(`${place}.${field}: must be a non-empty string, got ${describe(v)}`);
  return v;
}

function amount(o: Record<string, unknown>, field: string, place: string, dflt: bigint | null): bigint {
  const v = o[field];
  if (v === undefined) {
    if (dflt === null) throw new CliInputError(`${place}.${field}: is required`);
    return dflt;
  }
  try {
    return parseUnsigned(v, field, U128_MAX);
  } catch (err) {
    if (err instanceof InputError)
      throw new CliInputError(`${place}.${field}: ${err.reason} (amounts are unsigned integers in minor units, as decimal strings)`);
    throw err;
  }
}

/** Parses and checks a scenario; every error names the place, the field and the reason. */
export function parseLsmScenario(source: string, name: string): LsmProblem {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (err) {
    throw new CliInputError(`${name}: malformed JSON: ${(err as Error).message}`);
  }
  const top = object(doc, name, SCENARIO_FIELDS);
  if (!Array.isArray(top.participants)) throw new CliInputError(`${name}.participants: is required, as an array`);
  if (!Array.isArray(top.payments)) throw new CliInputError(`${name}.payments: is required, as an array`);
  if (top.participants.length > LSM_PARTICIPANTS_MAX) {
    throw new CliInputError(`${name}.participants: at most ${LSM_PARTICIPANTS_MAX} participants, got ${top.participants.length}`);
  }
  if (top.payments.length > LSM_PAYMENTS_MAX) {
    throw new CliInputError(`${name}.payments: at most ${LSM_PAYMENTS_MAX} payments, got ${top.payments.length}`);
  }
  if (top.fifo !== undefined && typeof top.fifo !== 'boolean') throw new CliInputError(`${name}.fifo: must be true or false, got ${describe(top.fifo)}`);

  const participants: LsmParticipant[] = [];
  const known = new Set<string>();
  top.participants.forEach((v, i) => {
    const place = `${name}.participants[${i}]`;
    const o = object(v, place, PARTICIPANT_FIELDS);
    const id = text(o, 'id', place);
    if (known.has(id)) throw new CliInputError(`${place}.id: duplicate participant id ${JSON.stringify(id)}`);
    known.add(id);
    participants.push({ id, balance: amount(o, 'balance', place, null), limit: amount(o, 'limit', place, 0n) });
  });

  const payments: LsmPayment[] = [];
  const ids = new Set<string>();
  top.payments.forEach((v, i) => {
    const o = object(v, `${name}.payments[${i}]`, PAYMENT_FIELDS);
    const id = text(o, 'id', `${name}.payments[${i}]`);
    const place = `${name}.payments[${i}] (id ${JSON.stringify(id)})`;
    if (ids.has(id)) throw new CliInputError(`${place}.id: duplicate payment id`);
    ids.add(id);
    const from = text(o, 'from', place);
    const to = text(o, 'to', place);
    if (!known.has(from)) throw new CliInputError(`${place}.from: unknown participant ${JSON.stringify(from)}`);
    if (!known.has(to)) throw new CliInputError(`${place}.to: unknown participant ${JSON.stringify(to)}`);
    if (from === to) throw new CliInputError(`${place}.to: a payment to oneself (from and to are both ${JSON.stringify(from)})`);
    const amt = amount(o, 'amount', place, null);
    if (amt === 0n) throw new CliInputError(`${place}.amount: must be greater than zero`);
    const priority = o.priority === undefined ? 0 : o.priority;
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > PRIORITY_MAX) {
      throw new CliInputError(`${place}.priority: must be an integer from 0 to ${PRIORITY_MAX}, got ${JSON.stringify(priority)}`);
    }
    payments.push({ id, from, to, amount: amt, priority });
  });
  return { participants, payments, fifo: top.fifo === true };
}

function budgetMs(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600_000)
    throw new CliInputError(`--time-budget-ms: must be a number of milliseconds from 1 to 600000, got ${JSON.stringify(value)}`);
  return n;
}

export function registerLsmCommands(program: Command): void {
  registerLiquidityCommands(program);
  const lsm = program.command('lsm').description('the liquidity-saving mechanism on its own');
  lsm
    .command('solve')
    .argument('<scenario>', 'scenario JSON file, or - for standard input')
    .description('choose the largest-value set of queued payments that can settle together within every limit; prints {"settled","settled_value","elapsed_ms"}')
    .option('--time-budget-ms <n>', 'search time budget', String(LSM_TIME_BUDGET_MS_DEFAULT))
    .action(async (file: string, o: { timeBudgetMs: string }) => {
      const name = file === '-' ? 'stdin' : file;
      const problem = parseLsmScenario(await readInput(file), name);
      const time_budget_ms = budgetMs(o.timeBudgetMs);
      const t0 = performance.now();
      let result: ReturnType<typeof solveLsm>;
      try {
        result = solveLsm(problem, { clock: () => performance.now(), time_budget_ms });
      } catch (err) {
        // The parser checks everything the solver does; this keeps any gap a clear input error.
        if (err instanceof LsmInputError) throw new CliInputError(`${name}: ${err.message}`);
        throw err;
      }
      const elapsed_ms = Math.round((performance.now() - t0) * 100) / 100;
      process.stdout.write(JSON.stringify({ settled: result.settled, settled_value: result.settled_value.toString(), elapsed_ms }) + '\n');
    });
}

/** USD of micro-USD, for display only. */
function usd(micro: bigint): string {
  return `$${(Number(micro) / 1e6).toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}

/**
 * `sco-settle liquidity optimise [--currency C] [--json]`: the cross-currency
 * liquidity optimiser's proposals for gridlocked queues, each with an id
 * (read-only); `sco-settle liquidity execute ID`: the journaled
 * `execute_liquidity_proposal` command of a listed proposal that is still
 * proposed, where the scheme allows it.
 */
function registerLiquidityCommands(program: Command): void {
  const liquidity = program.command('liquidity').description('cross-currency liquidity for gridlocked queues');
  liquidity
    .command('optimise')
    .description('propose PvP conversions or swap-line drawings that release the most queued value per unit of liquidity moved (read-only)')
    .option('--currency <ccy>', 'one currency (default: every currency with queued payments)')
    .option('--json', 'print the proposals as JSON')
    .action(async (o: { currency?: string; json?: boolean }, cmd: Command) =>
      withPlatform(cmd, async (p) => {
        const results = p.liquidityProposals(o.currency);
        if (o.json === true) {
          print({ execution_allowed: p.liquidityExecutionAllowed(), results });
          return;
        }
        for (const r of results) {
          process.stdout.write(
            `${r.currency}: ${r.queued_items} queued, the LSM settles ${usd(r.baseline_usd_micro)} now; ${r.proposals.length} proposals${r.note === null ? '' : ` (${r.note})`}\n`,
          );
          for (const x of r.proposals) {
            process.stdout.write(
              `  ${x.id}: ${x.participant} buys ${x.buy_minor} ${x.buy_currency} minor units for ${x.sell_minor} ${x.sell_currency} via ${x.kind} ${x.via}: moves ${usd(x.moved_usd_micro)}, releases ${usd(x.released_usd_micro)} (${x.released_payments} payments)\n`,
            );
          }
        }
      }),
    );
  liquidity
    .command('execute <id>')
    .description('execute a proposal listed by `liquidity optimise` by its id, if it is still proposed (the scheme must allow execution)')
    .action(async (id: string, _o: unknown, cmd: Command) =>
      withPlatform(cmd, async (p, by) => {
        // A stale or unknown id is refused here, before anything is journaled.
        const out = await p.execute(p.liquidityProposalCommand(id), by);
        if (!out.ok)
          throw new PlatformError(
            out.error!.code as PlatformError['code'],
            out.error!.field,
            `${out.error!.field === '' ? '' : `${out.error!.field}: `}${out.error!.message}`,
          );
        print(out.result);
      }),
    );
}
