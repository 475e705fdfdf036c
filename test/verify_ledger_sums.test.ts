// verify's per-ledger check (src/journal/verify.ts LedgerSums), which keeps the sums from entry to entry,
// against the pass it replaced (written out below): every account added up afresh after every entry. The
// same answer, the same text, for any sequence of appended accounts, changed balances (u128, balanced or
// not), a changed ledger and a list cut short.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LedgerSums } from '../src/journal/verify.js';
import type { Account } from '../src/ledger/types.js';

/** The former check, as it was in src/journal/verify.ts. */
function checkLedgerSums(accounts: readonly Account[]): string | null {
  const sums = new Map<number, [bigint, bigint, bigint, bigint]>();
  for (const a of accounts) {
    const s = sums.get(a.ledger) ?? [0n, 0n, 0n, 0n];
    s[0] += a.debits_pending;
    s[1] += a.credits_pending;
    s[2] += a.debits_posted;
    s[3] += a.credits_posted;
    sums.set(a.ledger, s);
  }
  for (const [ledger, [dp, cp, dpo, cpo]] of sums) {
    if (dp !== cp) return `ledger ${ledger}: pending debits ${dp} != pending credits ${cp}`;
    if (dpo !== cpo) return `ledger ${ledger}: posted debits ${dpo} != posted credits ${cpo}`;
  }
  return null;
}

type Field = 'debits_pending' | 'credits_pending' | 'debits_posted' | 'credits_posted';
const FIELDS: readonly Field[] = ['debits_pending', 'credits_pending', 'debits_posted', 'credits_posted'];

function account(id: number, ledger: number): Account {
  return {
    id: BigInt(id + 1),
    debits_pending: 0n,
    debits_posted: 0n,
    credits_pending: 0n,
    credits_posted: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    ledger,
    code: 1,
    flags: 0,
    timestamp: BigInt(id + 1),
  };
}

const amount = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }));
const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), ledgers: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }) }) },
  // A transfer between two accounts (balanced when both are in one ledger), pending or posted.
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat(), pending: fc.boolean(), by: amount }),
  },
  // One balance set on its own (unbalanced, or back to what balances it).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), field: fc.constantFrom(...FIELDS), to: amount }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ledger' as const), at: fc.nat(), ledger: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), keep: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('none' as const) }) },
);

test('LedgerSums: the same answer as adding up every account after every entry', () => {
  const seen = { ok: 0, broken: 0 };
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
      let accounts: Account[] = [];
      const sums = new LedgerSums();
      let next = 0;
      for (const s of steps) {
        if (s.kind === 'add') for (const l of s.ledgers) accounts.push(account(next++, l));
        else if (s.kind === 'move' && accounts.length > 0) {
          const dr = accounts[s.from % accounts.length]!;
          const cr = accounts[s.to % accounts.length]!;
          if (s.pending) {
            dr.debits_pending += s.by;
            cr.credits_pending += s.by;
          } else {
            dr.debits_posted += s.by;
            cr.credits_posted += s.by;
          }
        } else if (s.kind === 'set' && accounts.length > 0) accounts[s.at % accounts.length]![s.field] = s.to;
        else if (s.kind === 'ledger' && accounts.length > 0) accounts[s.at % accounts.length]!.ledger = s.ledger;
        else if (s.kind === 'cut') accounts = accounts.slice(0, s.keep % (accounts.length + 1));
        const want = checkLedgerSums(accounts);
        assert.equal(sums.check(accounts), want);
        if (want === null) seen.ok++;
        else seen.broken++;
      }
    }),
    { numRuns: 2000 },
  );
  // Both answers were met many times (the moves keep ledgers balanced, the lone settings break them).
  assert.ok(seen.ok > 1000 && seen.broken > 1000, JSON.stringify(seen));
});

test('LedgerSums: a balance changed behind a balanced ledger is named, and so is its repair', () => {
  const accounts = [account(0, 7), account(1, 7), account(2, 9), account(3, 9)];
  const sums = new LedgerSums();
  assert.equal(sums.check(accounts), null);
  accounts[0]!.debits_posted = 5n;
  accounts[1]!.credits_posted = 5n;
  assert.equal(sums.check(accounts), null);
  // An account no transfer names, changed: the check reads every account, not only those an entry touched.
  accounts[3]!.credits_pending = 2n;
  assert.equal(sums.check(accounts), 'ledger 9: pending debits 0 != pending credits 2');
  accounts[2]!.debits_pending = 2n;
  assert.equal(sums.check(accounts), null);
  accounts[1]!.credits_posted = 4n;
  assert.equal(sums.check(accounts), 'ledger 7: posted debits 5 != posted credits 4');
  accounts[1]!.ledger = 9;
  assert.equal(sums.check(accounts), checkLedgerSums(accounts));
});
