// Operating calendars inside the scheme document (rules 3): the scheme's
// calendars are what the platform enforces from scheme_init; set_calendars is
// refused for a currency the scheme holds (and stays for the others); a
// proposal adding a holiday changes the calendar only once its version is in
// force; the zone tables are journaled with the acts, so replay reproduces it;
// a bad calendar in a proposal is refused at its JSON Pointer, nothing journaled.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { Platform, answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { PlatformError } from '../src/platform/errors.js';
import { setupScheme, TestClock } from './support/platform.js';
import { signingCentralBanks, threeMemberScheme } from './support/governance.js';

const CAL_DIR = join(import.meta.dirname, '..', '..', 'calendars');
const calendarFile = (c: string): Record<string, unknown> => JSON.parse(readFileSync(join(CAL_DIR, `${c}.json`), 'utf8'));
describe('calendars in the scheme', () => {
  it('the scheme sets them, set_calendars cannot, a proposal changes them from its business day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gov-cal-'));
    const url = `sqlite:${join(dir, 'p.db')}`;
    const clock = new TestClock();
    let p = await Platform.open(url, { clock: clock.read });
    try {
      await setupScheme(p);
      const keys = await signingCentralBanks(p);
      const doc = threeMemberScheme();
      doc.calendars = { CNY: calendarFile('CNY') };
      await p.run({ type: 'scheme_init', document: doc }, 'operator');
      // In force at once: CNY on Beijing's calendar (06:00 UTC = 14:00 there, open).
      assert.deepEqual(
        p.currencyDays().map((d) => [d.currency, d.time_zone, d.accepting]),
        [['CNY', 'Asia/Shanghai', true]],
      );
      // The scheme holds CNY's calendar: set_calendars may not change it; RUB's it may.
      const refused = await p.execute({ type: 'set_calendars', calendars: [calendarFile('CNY')] }, 'operator');
      assert.equal(refused.ok, false);
      assert.match(JSON.stringify(refused.error), /the scheme holds CNY's calendar/);
      const rub = await p.execute({ type: 'set_calendars', calendars: [calendarFile('RUB')] }, 'operator');
      assert.equal(rub.ok, true, JSON.stringify(rub.error));

      const proposeSigned = async (changes: unknown[]): Promise<{ id: string }> => {
        const body = { title: 'a holiday', rationale: 'decree', changes, window_s: 3600, effective: 'next_business_day' };
        const signature = sign(null, canonicalBytes(proposeAct({ by: 'cn', ...body })), keys.cn!).toString('base64');
        return p.run<{ id: string }>({ type: 'scheme_propose', ...body, signature }, 'cn');
      };
      // A calendar that is not one: refused at its pointer, nothing journaled.
      const head = p.journalHead();
      await assert.rejects(
        proposeSigned([{ op: 'replace', path: '/calendars/CNY/cutoff', value: '25:00' }]),
        (e: unknown) => e instanceof PlatformError && e.code === 'scheme_invalid' && e.field.startsWith('/calendars/CNY'),
      );
      assert.deepEqual(p.journalHead(), head);

      const holiday = { date: '2025-09-03', name: 'A day of remembrance' };
      const opened = await proposeSigned([{ op: 'add', path: '/calendars/CNY/overrides/add/-', value: holiday }]);
      for (const u of ['cn', 'ru', 'kz']) {
        const act = answerAct({ by: u, id: opened.id, answer: 'approve', reason: '' });
        await p.run(
          { type: 'scheme_answer', id: opened.id, answer: 'approve', reason: '', signature: sign(null, canonicalBytes(act), keys[u]!).toString('base64') },
          u,
        );
      }
      assert.equal(p.proposal(opened.id).state, 'adopted');
      // Adopted, not in force: 3 September is still an open day.
      assert.equal(p.calendarDays('CNY', '2025-09-03', '2025-09-03')[0]!.open, true);

      await p.run({ type: 'close_day' }, 'operator');
      clock.now_ns = BigInt(Date.parse('2025-09-02T06:00:00Z')) * 1_000_000n;
      await p.run({ type: 'open_day', date: '2025-09-02' }, 'operator');
      assert.equal(p.scheme().version, 2);
      const day = p.calendarDays('CNY', '2025-09-03', '2025-09-03')[0]!;
      assert.equal(day.open, false);
      assert.match(day.closed_because ?? '', /A day of remembrance/);
      // RUB keeps the operator's calendar.
      assert.ok(p.currencyDays().some((d) => d.currency === 'RUB' && d.time_zone === 'Europe/Moscow'));

      // Replay from the journal reproduces the state exactly.
      const digest = p.stateDigest();
      await p.close();
      p = await Platform.open(url, { clock: clock.read });
      assert.equal(p.stateDigest(), digest);
      assert.equal(p.calendarDays('CNY', '2025-09-03', '2025-09-03')[0]!.open, false);
    } finally {
      await p.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
