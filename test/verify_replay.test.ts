// What verify's replay leaves out and what it must still catch (issue #18, src/journal/verify.ts):
// a ledger batch run without balance rows (EffectsSink.history null, verify's sink) changes
// nothing else the ledger does; and a command entry whose recorded output digest differs from
// the replay's is named, checksums and hash chain made consistent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LedgerStateMachine, RecordedEffects } from '../src/ledger/state_machine.js';
import { TallyEffects } from '../src/journal/verify.js';
import { AccountFlags, emptyAccount, emptyTransfer, RESULT_CODES, TransferFlags, type Account, type Transfer } from '../src/ledger/types.js';
import { buildCommandEntry, commandOutputDigest, commandRulesVersion, isCommand } from '../src/journal/entry.js';
import { Database } from '../src/store/sqlite_driver.js';
import { Platform } from '../src/platform/platform.js';
import { makeBackend } from './support/backends.js';
import { BANKS, openPlatform, payment, setupScheme } from './support/platform.js';

const [A, B] = BANKS;

function xfer(id: number, dr: number, cr: number, amount: bigint, extra: Partial<Transfer> = {}): Transfer {
  return { ...emptyTransfer(BigInt(id)), debit_account_id: BigInt(dr), credit_account_id: BigInt(cr), amount, ledger: 156, code: 1, ...extra };
}

test('a batch run without balance rows gives the same results, balances and transfers as one with them', () => {
  const batches: Array<['create_accounts', Account[]] | ['create_transfers', Transfer[]]> = [
    [
      'create_accounts',
      [
        emptyAccount(1n, 156, 1, AccountFlags.history),
        emptyAccount(2n, 156, 1, AccountFlags.history | AccountFlags.debits_must_not_exceed_credits),
        emptyAccount(3n, 156, 1, 0),
      ],
    ],
    ['create_transfers', [xfer(10, 1, 2, 500n), xfer(11, 3, 1, 40n)]],
    [
      'create_transfers',
      [
        // A linked chain that fails: its balance rows (made before the failure) are taken back.
        xfer(20, 2, 3, 100n, { flags: TransferFlags.linked }),
        xfer(21, 2, 3, 10_000n),
        xfer(22, 1, 2, 7n, { flags: TransferFlags.pending }),
        { ...emptyTransfer(23n), pending_id: 22n, flags: TransferFlags.post_pending_transfer, amount: 5n },
      ],
    ],
  ];
  const withRows = new LedgerStateMachine();
  const without = new LedgerStateMachine();
  let rowsMade = 0;
  for (const [op, events] of batches) {
    const recorded = new RecordedEffects(withRows.transfers);
    const a = withRows.executeInto(op, events, 1_000n, recorded);
    const sink = new TallyEffects();
    const b = without.executeInto(op, events, 1_000n, sink);
    assert.deepEqual(
      [...b].map((r) => RESULT_CODES[r]),
      [...a].map((r) => RESULT_CODES[r]),
    );
    rowsMade += recorded.history.length;
    assert.deepEqual(sink.accounts_created, recorded.accounts_created);
    assert.equal(
      sink.rows.reduce((n, x, i) => n + (i % 2 === 1 ? x - sink.rows[i - 1]! : 0), 0),
      recorded.transfer_count,
    );
  }
  assert.ok(rowsMade > 0, 'the batches made balance rows where they were asked for');
  assert.deepEqual(without.accountLog, withRows.accountLog);
  assert.deepEqual(without.transfers.slice(), withRows.transfers.slice());
});

test("verify names a command entry whose recorded output digest is not the replay's (checksum and chain consistent)", async () => {
  const backend = makeBackend('sqlite');
  try {
    const { platform: p } = await openPlatform(await backend.open());
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
    await p.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '20.00'), payment(A, B, 'CNY', '1.00')] });
    await p.close();
    const honest = await backend.open();
    const before = await Platform.verify(honest);
    const last = (await honest.readJournal(before.entries - 1, 1))[0]!;
    await honest.close();
    assert.equal(before.ok, true, before.problem ?? '');
    assert.ok(isCommand(last));
    // The last entry (the payments) re-written with one bit of its output digest flipped: a valid entry, a wrong output.
    const digest = Buffer.from(commandOutputDigest(last));
    digest[7] = digest[7]! ^ 0x10;
    const forged = buildCommandEntry(last.seq, last.clock_ns, last.body, digest, commandRulesVersion(last), last.prev_hash);
    const db = new Database(backend.url!.slice('sqlite:'.length));
    try {
      db.prepare('UPDATE journal SET op = ?, results = ?, checksum = ?, hash = ? WHERE seq = ?').run(
        forged.op,
        forged.results,
        forged.checksum,
        forged.hash,
        last.seq,
      );
    } finally {
      db.close();
    }
    const store = await backend.open();
    const after = await Platform.verify(store);
    await store.close();
    assert.equal(after.ok, false);
    assert.equal(after.first_bad_seq, last.seq);
    assert.match(after.problem ?? '', /^replay of the command under rules version \d+ gives a different output than recorded$/);
  } finally {
    await backend.cleanup();
  }
});
