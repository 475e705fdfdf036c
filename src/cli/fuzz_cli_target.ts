// Fuzz target `cli`: the CLI's input readers (src/cli/input.ts) on ledger events
// — a JSON array or NDJSON of accounts or transfers, mutated — read, checked and
// cut into batches as `ledger create-transfers` does before anything is
// submitted. Every input must be read or refused with `invalid_input`.

import type { FuzzTarget } from '../fuzz/target.js';
import { mutate, HOSTILE_SCALARS } from '../fuzz/mutate.js';
import { TransferFlags, AccountFlags, parseAccount, parseTransfer } from '../platform/ledger_tools.js';
import { cutBatches, parseEvents } from './input.js';

const TRANSFERS = [
  { id: '1', debit_account_id: '1', credit_account_id: '2', amount: '100', ledger: 156, code: 1, flags: 1 },
  { id: '2', debit_account_id: '2', credit_account_id: '1', amount: '5', ledger: 156, code: 1 },
];
const ACCOUNTS = [{ id: '1', ledger: 156, code: 10, flags: 0 }];
const SEEDS: readonly string[] = [
  JSON.stringify(TRANSFERS),
  TRANSFERS.map((t) => JSON.stringify(t)).join('\n'),
  JSON.stringify(ACCOUNTS),
  ACCOUNTS.map((a) => JSON.stringify(a)).join('\n'),
];
const DICTIONARY = [
  '"',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '\n',
  'null',
  '-1',
  '340282366920938463463374607431768211456',
  '1e3',
  '"flags":65535',
  ...HOSTILE_SCALARS,
];

export function cliTarget(): FuzzTarget {
  return {
    name: 'cli',
    input(rng) {
      const k = rng.below(SEEDS.length);
      return `${k < 2 ? 'T' : 'A'}${mutate(rng, SEEDS[k]!, DICTIONARY)}`;
    },
    run(input) {
      try {
        if (input.startsWith('T')) cutBatches(parseEvents(input.slice(1), 'fuzz', parseTransfer), TransferFlags.linked);
        else cutBatches(parseEvents(input.slice(1), 'fuzz', parseAccount), AccountFlags.linked);
        return { code: 'ok' };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && code.length > 0) return { code };
        throw err;
      }
    },
  };
}
