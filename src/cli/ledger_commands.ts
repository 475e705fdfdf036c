// `sco-settle ledger …`: create and query accounts and transfers on a store.

import type { Command } from 'commander';
import {
  AccountFlags,
  BATCH_EVENTS_MAX,
  RESULT_CODES,
  TransferFlags,
  U128_MAX,
  U64_MAX,
  accountToJson,
  balanceToJson,
  parseAccount,
  parseTransfer,
  parseUnsigned,
  transferToJson,
  type Account,
  type Transfer,
} from '../platform/ledger_codecs.js';
import type { AccountFilter, LedgerTools } from '../platform/ledger_tools.js';
import { CliInputError, cutBatches, parseEvents, readInput } from './input.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import { print } from './output.js';

/** Batches submitted before the first is awaited: lets group commit share an fsync. */
const PIPELINE_BATCHES = 8;

/** The ledger (with the platform's state machine) is loaded here, so `ledger --help` and usage errors never load it (#18). */
async function withLedger<T>(command: Command, fn: (ledger: LedgerTools) => Promise<T>): Promise<T> {
  const { LedgerTools } = await import('../platform/ledger_tools.js');
  const ledger = await LedgerTools.open(await existingStoreUrl(command), stderrProgress);
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

async function createEvents<T extends Account | Transfer>(
  command: Command,
  source: string,
  parse: (v: unknown) => T,
  linkedFlag: number,
  submit: (ledger: LedgerTools, batch: T[]) => Promise<Uint8Array>,
): Promise<void> {
  const name = source === '-' ? 'stdin' : source;
  const events = parseEvents(await readInput(source), name, parse);
  if (events.length === 0) throw new CliInputError(`${name}: no events`);
  const batches = cutBatches(events, linkedFlag);
  await withLedger(command, async (ledger) => {
    const counts = new Map<string, number>();
    const inFlight: Array<Promise<Uint8Array>> = [];
    let next = 0;
    let done = 0;
    for (let b = 0; b < batches.length; b++) {
      while (next < batches.length && inFlight.length < PIPELINE_BATCHES) {
        const p = submit(ledger, batches[next++]!);
        p.catch(() => undefined); // awaited in order below; this only keeps a later failure from going unhandled
        inFlight.push(p);
      }
      const results = await inFlight.shift()!;
      const batch = batches[b]!;
      const lines: string[] = [];
      for (let i = 0; i < batch.length; i++) {
        const code = RESULT_CODES[results[i]!]!;
        counts.set(code, (counts.get(code) ?? 0) + 1);
        lines.push(`{"id":"${batch[i]!.id}","result":"${code}"}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
      done += batch.length;
      if (batches.length > 1) stderrProgress(`${done}/${events.length} events durable`);
    }
    const summary = [...counts].map(([code, n]) => `${n} ${code}`).join(', ');
    stderrProgress(`${events.length} events: ${summary}`);
  });
}

function parseId(value: string, what: string): bigint {
  try {
    return parseUnsigned(value, what, U128_MAX);
  } catch (err) {
    throw new CliInputError(`${what} ${JSON.stringify(value)}: ${(err as Error).message.replace(/^field "[^"]*": /, '')}`);
  }
}

function parseCount(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > BATCH_EVENTS_MAX)
    throw new CliInputError(`${what}: must be an integer from 1 to ${BATCH_EVENTS_MAX}, got ${JSON.stringify(value)}`);
  return n;
}

interface FilterOptions {
  limit: string;
  reverse?: boolean;
  debitsOnly?: boolean;
  creditsOnly?: boolean;
  from?: string;
  to?: string;
}

function filterFrom(id: string, o: FilterOptions): AccountFilter {
  if (o.debitsOnly && o.creditsOnly) throw new CliInputError('--debits-only and --credits-only exclude each other');
  return {
    account_id: parseId(id, 'account id'),
    limit: parseCount(o.limit, '--limit'),
    reversed: o.reverse === true,
    debits: o.creditsOnly !== true,
    credits: o.debitsOnly !== true,
    timestamp_min: o.from === undefined ? 0n : parseUnsigned(o.from, '--from', U64_MAX),
    timestamp_max: o.to === undefined ? 0n : parseUnsigned(o.to, '--to', U64_MAX),
  };
}

/** A result: indented JSON, or under --json one document on one line (./output.ts). */
function printJson(value: unknown): void {
  print(value);
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('create and query accounts and transfers (TigerBeetle semantics; ids and amounts are decimal strings)');

  ledger
    .command('create-accounts')
    .argument('<file>', 'JSON array or NDJSON of accounts, or - for standard input')
    .description('create accounts; prints one {"id","result"} line per event once its batch is durable')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      await createEvents(cmd, file, parseAccount, AccountFlags.linked, (l, b) => l.createAccounts(b));
    });

  ledger
    .command('create-transfers')
    .argument('<file>', 'JSON array or NDJSON of transfers, or - for standard input')
    .description('create transfers (large inputs are cut into batches of 8,189, never inside a linked chain)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      await createEvents(cmd, file, parseTransfer, TransferFlags.linked, (l, b) => l.createTransfers(b));
    });

  ledger
    .command('lookup-accounts')
    .argument('<id...>', 'account ids')
    .description('print the accounts found, as a JSON array (missing ids are named on stderr)')
    .action(async (ids: string[], _o: unknown, cmd: Command) => {
      const wanted = ids.map((id) => parseId(id, 'account id'));
      await withLedger(cmd, async (l) => {
        const found = await l.lookupAccounts(wanted);
        reportMissing(wanted, found, 'account');
        printJson(found.map(accountToJson));
      });
    });

  ledger
    .command('lookup-transfers')
    .argument('<id...>', 'transfer ids')
    .description('print the transfers found, as a JSON array (missing ids are named on stderr)')
    .action(async (ids: string[], _o: unknown, cmd: Command) => {
      const wanted = ids.map((id) => parseId(id, 'transfer id'));
      await withLedger(cmd, async (l) => {
        const found = await l.lookupTransfers(wanted);
        reportMissing(wanted, found, 'transfer');
        printJson(found.map(transferToJson));
      });
    });

  registerFilteredCommand(ledger, 'account-transfers', "print an account's transfers in timestamp order, as a JSON array").action(
    async (id: string, o: FilterOptions, cmd: Command) => {
      const filter = filterFrom(id, o);
      await withLedger(cmd, async (l) => printJson((await l.accountTransfers(filter)).map(transferToJson)));
    },
  );

  registerFilteredCommand(ledger, 'account-balances', 'print the balance history of an account created with the history flag').action(
    async (id: string, o: FilterOptions, cmd: Command) => printBalances(id, o, cmd),
  );

  ledger
    .command('snapshot')
    .description('write a snapshot now, so the next start replays less journal')
    .action(async (_o: unknown, cmd: Command) => {
      await withLedger(cmd, async (l) => {
        await l.snapshot();
        stderrProgress(`snapshot at journal entry ${l.journal_seq}`);
        print({ snapshot_at_journal_seq: l.journal_seq });
      });
    });
}

/** The filter options `account-transfers` and `account-balances` share. */
function registerFilteredCommand(ledger: Command, name: string, description: string): Command {
  return ledger
    .command(name)
    .argument('<account-id>', 'account id')
    .description(description)
    .option('--limit <n>', `at most this many rows (1-${BATCH_EVENTS_MAX})`, '100')
    .option('--reverse', 'newest first')
    .option('--debits-only', 'only where the account is debited')
    .option('--credits-only', 'only where the account is credited')
    .option('--from <timestamp>', 'from this timestamp (ns, inclusive)')
    .option('--to <timestamp>', 'up to this timestamp (ns, inclusive)');
}

async function printBalances(id: string, o: FilterOptions, cmd: Command): Promise<void> {
  const filter = filterFrom(id, o);
  await withLedger(cmd, async (l) => {
    const [account] = await l.lookupAccounts([filter.account_id]);
    if (account === undefined) throw new CliInputError(`account ${filter.account_id} not found`);
    if ((account.flags & AccountFlags.history) === 0) {
      throw new CliInputError(`account ${filter.account_id} was not created with the "history" flag, so no balance history is kept`);
    }
    printJson((await l.accountBalances(filter)).map(balanceToJson));
  });
}

function reportMissing(wanted: readonly bigint[], found: ReadonlyArray<{ id: bigint }>, what: string): void {
  const have = new Set(found.map((x) => x.id));
  const missing = wanted.filter((id) => !have.has(id));
  if (missing.length > 0) stderrProgress(`${what}${missing.length > 1 ? 's' : ''} not found: ${missing.join(' ')}`);
}
