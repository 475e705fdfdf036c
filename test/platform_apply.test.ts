// Tests of CommandContext.applyPlan, the one owner of platform transfer ids: how
// many ids a plan uses when the ledger accepts or refuses it. Journaled stores
// depend on these counts (a window's reservations use their ids even when refused).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ledgerTransfer, PLATFORM_TRANSFER_ID_BASE } from '../src/clearing/accounts.js';
import type { LedgerAccess } from '../src/journal/command.js';
import { RESULT_CODES, type Transfer } from '../src/ledger/types.js';
import { CommandContext } from '../src/platform/context.js';
import { PlatformState } from '../src/platform/state.js';

const EXCEEDS = RESULT_CODES.indexOf('exceeds_credits');

/** A ledger that answers each batch with the next scripted results and records what it was sent. */
function scriptedLedger(answers: number[][]): { access: LedgerAccess; sent: Transfer[][] } {
  const sent: Transfer[][] = [];
  const access = {
    machine: null as unknown as LedgerAccess['machine'],
    createAccounts: () => new Uint8Array(0),
    createTransfers: (ts: readonly Transfer[]) => {
      sent.push([...ts]);
      return Uint8Array.from(answers.shift()!);
    },
  };
  return { access, sent };
}

const plan =
  (n: number) =>
  (ids: () => bigint): Transfer[] =>
    Array.from({ length: n }, () => ledgerTransfer(ids(), 1n, 2n, 1n, 156, 1, 0));

test('ids count only when the ledger accepts the whole plan, unless the plan says always', () => {
  const s = new PlatformState();
  const { access, sent } = scriptedLedger([[0, 0], [EXCEEDS, 0], [0, EXCEEDS, 0], [0]]);
  const cx = new CommandContext(s, access, 5n, 1);
  assert.equal(cx.rules_version, 1);
  const a = cx.applyTransfers(plan(2));
  assert.deepEqual(
    a.plan.map((t) => t.id - PLATFORM_TRANSFER_ID_BASE),
    [1n, 2n],
  );
  assert.equal(a.accepted, true);
  assert.equal(s.nextTransferNo, 3n);
  const b = cx.applyTransfers(plan(2));
  assert.equal(b.accepted, false);
  assert.equal(s.nextTransferNo, 3n, 'a refused plan leaves no gap');
  const c = cx.applyTransfers(plan(3), 'always');
  assert.deepEqual(
    c.plan.map((t) => t.id - PLATFORM_TRANSFER_ID_BASE),
    [3n, 4n, 5n],
  );
  assert.equal(s.nextTransferNo, 6n, "'always' uses the ids of refused transfers too");
  const d = cx.applyTransfers(plan(1));
  assert.equal(d.plan[0]!.id - PLATFORM_TRANSFER_ID_BASE, 6n);
  assert.equal(sent.length, 4);
});

test('an empty plan reaches no ledger and uses no id', () => {
  const s = new PlatformState();
  const { access, sent } = scriptedLedger([]);
  const cx = new CommandContext(s, access, 0n, 1);
  const r = cx.applyPlan(
    () => ({ note: 'nothing' }),
    () => [],
    'always',
  );
  assert.equal(r.accepted, true);
  assert.equal(r.results.length, 0);
  assert.equal(sent.length, 0);
  assert.equal(s.nextTransferNo, 1n);
});

test('a plan that throws while it is built submits nothing and uses no id', () => {
  const s = new PlatformState();
  const { access, sent } = scriptedLedger([]);
  const cx = new CommandContext(s, access, 0n, 1);
  assert.throws(
    () =>
      cx.applyTransfers((ids) => {
        ids();
        throw new Error('refused by the rule');
      }),
    /refused by the rule/,
  );
  assert.equal(sent.length, 0);
  assert.equal(s.nextTransferNo, 1n);
});
