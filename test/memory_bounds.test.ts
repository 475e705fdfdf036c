// What the long soak found growing with every payment, and its bounds: the
// durable ledger's index backlog (indexed once its oldest batch waits
// index_lag_max_ms, even when the ledger is never idle), the state's audit trail
// under rules 3 (the latest audit_recent_max commands; rules 2 replays as before),
// and idempotency records past their TTL. Counts, not RSS: a count that grows
// with the payments fails here whatever the machine's memory does.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IDEMPOTENCY_LIMITS, IdempotencyStore } from '../src/api/idempotency.js';
import { RecordingLedger } from '../src/journal/command.js';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { Platform } from '../src/platform/platform.js';
import { PLATFORM_LIMITS, PlatformStateMachine } from '../src/platform/state_machine.js';
import { openStore } from '../src/store/open.js';
import { BANKS, BUSINESS_DATE, CB, DAY_START_NS, payment, setupScheme, TestClock } from './support/platform.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sco-settle-memory-'));
}

test('under steady load (never idle) the index backlog stays about index_lag_max_ms of batches, and the index stays exact', async () => {
  const dir = tempDir();
  let t = DAY_START_NS;
  const clock = (): bigint => (t += 1_000n);
  try {
    // index_idle_ms far beyond the run: only the lag bound can index.
    const ledger = await DurableLedger.open(await openStore(`sqlite:${join(dir, 'l.db')}`), { clock, index_idle_ms: 600_000, index_lag_max_ms: 40 });
    try {
      await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
      let worst = 0;
      const batches = 150;
      for (let i = 0; i < batches; i++) {
        const r = await ledger.createTransfers([
          { ...emptyTransfer(BigInt(100 + i)), debit_account_id: 1n, credit_account_id: 2n, amount: 5n, ledger: 156, code: 1 },
        ]);
        assert.equal(r[0], 0);
        worst = Math.max(worst, ledger.backlogSize.batches);
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
      // 40 ms at one batch per >= 4 ms is at most ~11 batches; without the bound it is all 151.
      assert.ok(worst <= 40, `backlog peaked at ${worst} batches of ${batches + 1}`);
      const found = await ledger.lookupTransfers(Array.from({ length: batches }, (_, i) => BigInt(100 + i)));
      assert.equal(found.length, batches);
    } finally {
      await ledger.close();
    }
    const v = await Platform.verify(await openStore(`sqlite:${join(dir, 'l.db')}`));
    assert.equal(v.ok, true, JSON.stringify(v));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `n` cheap commands (a failing fund is journaled and audited too) on a state machine under one rules version. */
function auditRun(rules_version: number, n: number): PlatformStateMachine {
  const sm = new PlatformStateMachine();
  const ledger = new LedgerStateMachine();
  let now = DAY_START_NS;
  const run = (c: Record<string, unknown>): void => {
    now += 1_000n;
    sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version);
  };
  run({ type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] });
  for (let i = 0; i < n; i++) run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1.00' });
  return sm;
}

test('rules 3: the audit trail in the state keeps the latest commands only; rules 2 keeps them all; both deterministic', () => {
  const n = PLATFORM_LIMITS.audit_recent_max + PLATFORM_LIMITS.audit_trim + 10;
  const v3 = auditRun(3, n);
  assert.ok(v3.audit.length >= PLATFORM_LIMITS.audit_recent_max, `kept ${v3.audit.length}`);
  assert.ok(v3.audit.length < PLATFORM_LIMITS.audit_recent_max + PLATFORM_LIMITS.audit_trim, `kept ${v3.audit.length}`);
  // The newest record is the last command; the oldest kept is not the first.
  assert.equal(v3.audit.at(-1)!.action, 'fund');
  assert.notEqual(v3.audit[0]!.action, 'register_participant');
  assert.equal(v3.commands, n + 1);
  const v2 = auditRun(2, n);
  assert.equal(v2.audit.length, n + 1);
  assert.equal(v2.audit[0]!.action, 'register_participant');
  // The same commands give the same bytes, and the bytes read back to the same state.
  const bytes = v3.encodeState();
  assert.deepEqual(auditRun(3, n).encodeState(), bytes);
  const back = new PlatformStateMachine();
  back.restoreState(bytes);
  assert.deepEqual(back.encodeState(), bytes);
});

test('several business days of payments on a real SQLite file (indexed on the commit path): a replay gives the same state digest', async () => {
  const dir = tempDir();
  const url = `sqlite:${join(dir, 'p.db')}`;
  const clock = new TestClock();
  try {
    const platform = await Platform.open(url, { clock: clock.read });
    let digest: string;
    try {
      await setupScheme(platform);
      await platform.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1000000.00' });
      const dates = [BUSINESS_DATE, '2025-09-02', '2025-09-03'];
      for (const [d, date] of dates.entries()) {
        if (d > 0) {
          clock.now_ns = BigInt(Date.parse(`${date}T06:00:00Z`)) * 1_000_000n;
          await platform.run({ type: 'open_day', date, default_cutoff: '17:00' });
        }
        for (let i = 0; i < 40; i++) {
          const out = await platform.run<{ payments: Array<{ state: string }> }>({
            type: 'submit_payments',
            payments: [payment(BANKS[0], BANKS[1], 'CNY', '1.25', { value_date: date })],
          });
          assert.equal(out.payments[0]!.state, 'settled');
        }
        await platform.run({ type: 'close_day' });
      }
      assert.equal(platform.paymentCount(), 120);
      digest = platform.stateDigest();
    } finally {
      await platform.close();
    }
    const reopened = await Platform.open(url, { clock: clock.read });
    try {
      assert.equal(reopened.stateDigest(), digest);
    } finally {
      await reopened.close();
    }
    const v = await Platform.verify(await openStore(url));
    assert.equal(v.ok, true, JSON.stringify(v));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('idempotency records past their TTL leave memory as new ones arrive', async () => {
  const idem = new IdempotencyStore(null);
  for (let i = 0; i < 50; i++) await idem.save(IdempotencyStore.scoped('u', `k${i}`), 'h', { status: 201, body: '{}' });
  assert.equal(idem.size, 50);
  assert.equal(idem.expire(Date.now() + IDEMPOTENCY_LIMITS.ttl_ms - 60_000), 0);
  assert.equal(idem.size, 50);
  assert.equal(idem.expire(Date.now() + IDEMPOTENCY_LIMITS.ttl_ms + 1), 50);
  assert.equal(idem.size, 0);
});
