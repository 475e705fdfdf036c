// The scheme's timetable on a running platform: the LSM runs every
// lsm.interval_minutes of the version in force for currencies with queued
// payments, and the DNS windows of dns_windows.currencies open at open_at and
// close at close_at, once a day; an adopted change of the interval takes effect
// from its business day. Every run is an ordinary journaled command, so a
// replay reaches the same state.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { Platform, answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { dueTimetable, utcTimeOn } from '../src/platform/timetable.js';
import { BANKS, BUSINESS_DATE, payment, setupScheme, TestClock } from './support/platform.js';
import { signingCentralBanks, threeMemberScheme } from './support/governance.js';

const kinds = (ran: readonly { type: string; currency: string }[]): string[] => ran.map((c) => `${c.type} ${c.currency}`).sort();

async function world(): Promise<{ p: Platform; clock: TestClock; url: string; keys: Record<string, string>; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-timetable-'));
  const clock = new TestClock();
  const url = `sqlite:${join(dir, 'p.db')}`;
  const p = await Platform.open(url, { clock: clock.read });
  await setupScheme(p);
  const keys = await signingCentralBanks(p);
  await p.run({ type: 'scheme_init', document: threeMemberScheme() }, 'operator');
  return { p, clock, url, keys, dir };
}

describe("the scheme's timetable", () => {
  it('runs the LSM every interval for queued currencies and the DNS windows at their times, once a day', async () => {
    const w = await world();
    try {
      const { p, clock } = w;
      clock.at('06:10');
      assert.deepEqual(await p.runTimetable(), [], 'nothing is due before the interval or the window');
      // BANKS[0] holds nothing: its CNY payment queues.
      await p.run({ type: 'submit_payments', payments: [payment(BANKS[0], BANKS[1], 'CNY', '100.00')] }, 'operator');
      clock.at('06:16');
      assert.deepEqual(kinds(await p.runTimetable()), ['run_lsm CNY']);
      clock.at('06:25');
      assert.deepEqual(await p.runTimetable(), [], 'the last run is under 15 minutes old');
      clock.at('06:32');
      assert.deepEqual(kinds(await p.runTimetable()), ['run_lsm CNY']);
      assert.equal(p.lsmRuns().filter((r) => r.currency === 'CNY').length, 2);

      clock.at('08:00');
      assert.deepEqual(kinds(await p.runTimetable()), ['open_window CNY', 'open_window RUB', 'run_lsm CNY']);
      assert.deepEqual(
        p
          .windows()
          .filter((x) => x.state === 'open')
          .map((x) => x.currency)
          .sort(),
        ['CNY', 'RUB'],
      );
      clock.at('15:00');
      assert.deepEqual(kinds(await p.runTimetable()), ['close_window CNY', 'close_window RUB', 'run_lsm CNY']);
      clock.at('15:30');
      assert.ok(!kinds(await p.runTimetable()).some((k) => k.startsWith('open_window')), 'a window is not opened twice a day');
      assert.equal(p.windows().filter((x) => x.state === 'open').length, 0);

      // Every run was journaled: a replay reaches the same state.
      const digest = p.stateDigest();
      await p.close();
      w.p = await Platform.open(w.url, { clock: clock.read });
      assert.equal(w.p.stateDigest(), digest);
    } finally {
      await w.p.close().catch(() => undefined);
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it('an adopted interval takes effect from its business day, not before', async () => {
    const w = await world();
    try {
      const { p, clock, keys } = w;
      const body = {
        title: 'LSM every 5 minutes',
        rationale: 'shorter queues',
        changes: [{ op: 'replace', path: '/lsm/interval_minutes', value: 5 }],
        window_s: 3600,
        effective: 'next_business_day',
      };
      const signature = sign(null, canonicalBytes(proposeAct({ by: 'cn', ...body })), keys.cn!).toString('base64');
      const { id } = await p.run<{ id: string }>({ type: 'scheme_propose', ...body, signature }, 'cn');
      for (const u of ['cn', 'ru', 'kz']) {
        const sig = sign(null, canonicalBytes(answerAct({ by: u, id, answer: 'approve', reason: '' })), keys[u]!).toString('base64');
        await p.run({ type: 'scheme_answer', id, answer: 'approve', reason: '', signature: sig }, u);
      }
      assert.equal(p.proposal(id).state, 'adopted');
      await p.run({ type: 'submit_payments', payments: [payment(BANKS[0], BANKS[1], 'CNY', '100.00')] }, 'operator');
      clock.at('06:07');
      assert.deepEqual(await p.runTimetable(), [], 'today still runs the 15-minute interval');

      await p.run({ type: 'close_day' }, 'operator');
      clock.now_ns = utcTimeOn('2025-09-02', '06:00');
      await p.run({ type: 'open_day', date: '2025-09-02' }, 'operator');
      await p.run({ type: 'submit_payments', payments: [payment(BANKS[0], BANKS[1], 'CNY', '100.00', { value_date: '2025-09-02' })] }, 'operator');
      clock.now_ns = utcTimeOn('2025-09-02', '06:06');
      assert.deepEqual(kinds(await p.runTimetable()), ['run_lsm CNY'], 'the new version runs every 5 minutes');
    } finally {
      await w.p.close().catch(() => undefined);
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it('asks for nothing without a scheme or an open day, and reads window times as UTC on the business date', () => {
    assert.equal(utcTimeOn(BUSINESS_DATE, '08:00'), BigInt(Date.parse(`${BUSINESS_DATE}T08:00:00Z`)) * 1_000_000n);
    assert.throws(() => utcTimeOn(BUSINESS_DATE, '25:99'), /not a time/);
    const empty = { day: null, lsm_runs: [], windows: [], openWindowOf: new Map() } as unknown as Parameters<typeof dueTimetable>[0];
    assert.deepEqual(dueTimetable(empty, null, 0n), []);
  });
});
