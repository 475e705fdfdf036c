// `scheme what-if` may start its replays from the store's snapshot when it
// precedes the day: its report is the same byte for byte as a replay from the
// first entry, its current side is what the day did, and a proposal is weighed
// against the version in force that day.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { Platform, answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { schemeWhatIf } from '../src/platform/governance_whatif.js';
import { BANKS, payment, setupScheme, TestClock } from './support/platform.js';
import { signingCentralBanks, threeMemberScheme } from './support/governance.js';

async function traffic(p: Platform, n: number): Promise<void> {
  const payments = [];
  for (let i = 0; i < n; i++) payments.push(payment(BANKS[i % 2]!, BANKS[(i + 1) % 2]!, 'CNY', `${100 + i}.00`));
  await p.run({ type: 'submit_payments', payments });
  await p.run({ type: 'run_lsm', currency: 'CNY' }, 'operator');
}

describe('what-if from the snapshot before the day', () => {
  it('gives the report a replay from entry 1 gives, and weighs the proposal against the day version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-whatif-snap-'));
    const url = `sqlite:${join(dir, 'p.db')}`;
    const clock = new TestClock();
    let p = await Platform.open(url, { clock: clock.read, snapshot_min_events: 0 });
    try {
      await setupScheme(p);
      const keys = await signingCentralBanks(p);
      await p.run({ type: 'scheme_init', document: threeMemberScheme() }, 'operator');
      await p.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '500.00' });
      await traffic(p, 20);
      await p.run({ type: 'close_day' }, 'operator');
      await p.close();
      // Closed with a snapshot at the end of 2025-09-01; the next day runs after it.
      p = await Platform.open(url, { clock: clock.read, snapshot_min_events: 1_000_000 });
      const snapshotSeq = (await Platform.internals(p).store.loadSnapshot())!.seq;
      clock.now_ns = BigInt(Date.parse('2025-09-02T06:00:00Z')) * 1_000_000n;
      await p.run({ type: 'open_day', date: '2025-09-02' }, 'operator');
      await traffic(p, 30);
      await p.run({ type: 'close_day' }, 'operator');
      assert.ok(snapshotSeq > 0 && snapshotSeq < p.journalHead().seq);

      const body = {
        title: 'two queued at most',
        rationale: 'a test',
        changes: [{ op: 'replace', path: '/limits/queue_length_max', value: 2 }],
        window_s: 86_400,
        effective: 'next_business_day',
      };
      const signature = sign(null, canonicalBytes(proposeAct({ by: 'cn', ...body })), keys.cn!).toString('base64');
      const { id } = await p.run<{ id: string }>({ type: 'scheme_propose', ...body, signature }, 'cn');

      const { store, state } = Platform.internals(p);
      const fromSnapshot = JSON.stringify(await schemeWhatIf(store, state, id, '2025-09-02', 'always'));
      const fromStart = JSON.stringify(await schemeWhatIf(store, state, id, '2025-09-02', 'never'));
      assert.equal(JSON.stringify(await p.schemeWhatIf(id, '2025-09-02')), fromStart, 'and as the platform chooses');
      assert.equal(fromSnapshot, fromStart, 'the same report from the snapshot as from entry 1');
      const report = JSON.parse(fromSnapshot) as { current: Record<string, unknown>; proposed: Record<string, unknown> };
      const { scheme_version: _v, ...current } = report.current;
      assert.deepEqual(current, JSON.parse(JSON.stringify(await p.dayFigures('2025-09-02'))), 'the current side is what the day did');
      assert.ok((report.proposed.rejections_by_reason as Record<string, number>).QUEUE_FULL! > 0, 'the proposal would have rejected payments');
      // A day before the snapshot replays from entry 1.
      const first = await p.schemeWhatIf(id, '2025-09-01');
      assert.equal(JSON.stringify(first), JSON.stringify(await schemeWhatIf(store, state, id, '2025-09-01', 'never')));

      // Adopted, the live version (2) differs from the day's (1): the proposal is weighed against version 1.
      for (const u of ['cn', 'ru', 'kz']) {
        const act = answerAct({ by: u, id, answer: 'approve', reason: '' });
        await p.run({ type: 'scheme_answer', id, answer: 'approve', reason: '', signature: sign(null, canonicalBytes(act), keys[u]!).toString('base64') }, u);
      }
      clock.now_ns = BigInt(Date.parse('2025-09-03T06:00:00Z')) * 1_000_000n;
      await p.run({ type: 'open_day', date: '2025-09-03' }, 'operator');
      assert.equal(p.scheme().version, 2);
      const later = await p.schemeWhatIf(id, '2025-09-02');
      assert.equal(later.proposed.scheme_version, `${id} on version 1`);
    } finally {
      await p.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
