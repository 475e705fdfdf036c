// The rest of the adopted scheme's parameters the platform enforces (rules 3),
// each from its version's business day: limits.queue_length_max (a payment that
// would queue behind that many of its payer's is rejected QUEUE_FULL),
// rates.sources (a rate from a source the scheme does not name is refused
// not_in_scheme at the row's source), screening.list_sources (only the named
// lists screen payments), a raised haircut floor lowering the lines of pools
// pledged earlier at the opening (with a governance event), and a calendar the
// scheme drops (its currency follows the platform's day again). Rules 4: the
// admitted participants (register_participant only as listed; a participant the
// new version no longer admits, or whose member state it suspends, is suspended
// at the opening), the rate policy and FIFO bypass settable by proposal only, and
// DNS payments only in dns_windows.currencies.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { Platform, answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { PlatformError } from '../src/platform/errors.js';
import { rateSourceAllowed } from '../src/platform/governance_effect.js';
import { saveSanctionsList } from '../src/platform/screening_tools.js';
import { demoWatchlist } from '../src/demo/watchlist.js';
import { BANKS, CB, payment, setupScheme, TestClock } from './support/platform.js';
import { signingCentralBanks, threeMemberScheme } from './support/governance.js';

const CAL_DIR = join(import.meta.dirname, '..', '..', 'calendars');
const calendarFile = (c: string): Record<string, unknown> => JSON.parse(readFileSync(join(CAL_DIR, `${c}.json`), 'utf8'));

interface World {
  p: Platform;
  url: string;
  clock: TestClock;
  close: () => Promise<void>;
  /** Proposes `changes`, has every member approve, and returns the adopted proposal's id. */
  adopt: (changes: unknown[]) => Promise<string>;
  /** Closes the day and opens the next business day (2025-09-02); the open_day's result. */
  nextDay: () => Promise<Record<string, unknown>>;
  /** Closes the platform, opens the store again (a replay of the journal) and asserts the state digest is unchanged. */
  reopenKeepsDigest: (message?: string) => Promise<void>;
}

async function world(edit: (doc: Record<string, unknown>) => void = () => {}, before: (url: string) => Promise<void> = async () => {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gov-enf2-'));
  const clock = new TestClock();
  const url = `sqlite:${join(dir, 'p.db')}`;
  const first = await Platform.open(url, { clock: clock.read });
  await first.close();
  await before(url);
  const p = await Platform.open(url, { clock: clock.read });
  await setupScheme(p);
  const keys = await signingCentralBanks(p);
  const doc = threeMemberScheme();
  edit(doc);
  await p.run({ type: 'scheme_init', document: doc }, 'operator');
  const w: World = {
    p,
    url,
    clock,
    close: async () => {
      await w.p.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    adopt: async (changes) => {
      const body = { title: 'a change', rationale: 'a test', changes, window_s: 3600, effective: 'next_business_day' };
      const signature = sign(null, canonicalBytes(proposeAct({ by: 'cn', ...body })), keys.cn!).toString('base64');
      const { id, voters } = await w.p.run<{ id: string; voters: string[] }>({ type: 'scheme_propose', ...body, signature }, 'cn');
      // Every voter approves (a member a suspension concerns has no voice).
      for (const u of ['cn', 'ru', 'kz'].filter((x) => voters.includes(x.toUpperCase()))) {
        const act = answerAct({ by: u, id, answer: 'approve', reason: '' });
        const sig = sign(null, canonicalBytes(act), keys[u]!).toString('base64');
        await w.p.run({ type: 'scheme_answer', id, answer: 'approve', reason: '', signature: sig }, u);
      }
      assert.equal(w.p.proposal(id).state, 'adopted');
      return id;
    },
    nextDay: async () => {
      await w.p.run({ type: 'close_day' }, 'operator');
      clock.now_ns = BigInt(Date.parse('2025-09-02T06:00:00Z')) * 1_000_000n;
      return w.p.run<Record<string, unknown>>({ type: 'open_day', date: '2025-09-02' }, 'operator');
    },
    reopenKeepsDigest: async (message) => {
      const digest = w.p.stateDigest();
      await w.p.close();
      w.p = await Platform.open(url, { clock: clock.read });
      assert.equal(w.p.stateDigest(), digest, message);
    },
  };
  return w;
}

const rate = (source: string, date: string): Record<string, unknown> => ({
  type: 'import_rates',
  file: 'rates.csv',
  rows: [{ currency: 'CNY', units_per_usd: '7.1', date, source }],
});

async function submitFrom(p: Platform, payer: string, amount: string): Promise<{ state: string; reason?: string }> {
  const r = await p.run<{ payments: Array<{ state: string; reason?: string }> }>({
    type: 'submit_payments',
    payments: [payment(payer, BANKS[0], 'CNY', amount)],
  });
  return r.payments[0]!;
}

describe('the adopted scheme is enforced: queue length, rate sources, list sources, haircut floors, dropped calendars', () => {
  it('queue_length_max and rates.sources change with the version in force, not at adoption; replay reproduces them', async () => {
    const w = await world();
    try {
      const { p } = w;
      // Version 1: 100,000 queued a payer; rates from "central bank official rates" only.
      await assert.rejects(
        p.run(rate('ECB euro foreign exchange reference rates', '2025-08-25')),
        (e: unknown) => e instanceof PlatformError && e.code === 'not_in_scheme' && e.field === 'rows[0].source' && /rates\.sources/.test(e.message),
      );
      await p.run(rate('Central bank official rates, 2025-08-25', '2025-08-25'));
      await w.adopt([
        { op: 'replace', path: '/limits/queue_length_max', value: 2 },
        { op: 'replace', path: '/rates/sources', value: ['PBOC'] },
      ]);
      // Adopted, not yet in force: a third queued payment still queues.
      for (let i = 0; i < 3; i++) assert.equal((await submitFrom(p, BANKS[1], '10.00')).state, 'queued');
      await p.run(rate('Central bank official rates, again', '2025-08-26'));

      await w.nextDay();
      // Version 2: BANKS[1]'s three CNY payments were warehoused at the close and came back queued at the opening.
      assert.equal((await submitFrom(p, BANKS[1], '10.00')).state, 'rejected');
      const full = p.payments({ limit: 1000 }).filter((x) => x.history.at(-1)?.reason === 'QUEUE_FULL');
      assert.ok(full.length >= 1, 'a payment beyond two queued is rejected QUEUE_FULL');
      assert.match(full[0]!.history.at(-1)!.detail ?? '', /2 CNY payments queued, the most the scheme allows/);
      assert.equal((await submitFrom(p, BANKS[0], '1.00')).reason === 'QUEUE_FULL', false, 'another payer is not affected');
      await assert.rejects(p.run(rate('Central bank official rates', '2025-08-27')), (e: unknown) => e instanceof PlatformError && e.code === 'not_in_scheme');
      await p.run(rate('PBOC/CFETS central parity', '2025-08-27'));

      await w.reopenKeepsDigest('replay reproduces every refusal');
    } finally {
      await w.close();
    }
  });

  it('a rate source matches by its beginning, letter case aside; an empty list allows any', () => {
    assert.equal(rateSourceAllowed(['PBOC'], 'pboc/CFETS parity'), true);
    assert.equal(rateSourceAllowed(['PBOC'], 'The PBOC parity'), false);
    assert.equal(rateSourceAllowed([], 'anything'), true);
  });

  it('a raised haircut floor lowers the lines of pools pledged earlier when its version comes into force, with an event', async () => {
    const w = await world();
    try {
      const { p } = w;
      await p.run({
        type: 'set_collateral',
        participant: BANKS[0],
        currency: 'CNY',
        items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 300 }],
      });
      const line = (): bigint => p.facilities().find((f) => f.participant === BANKS[0] && f.currency === 'CNY')!.line_minor;
      assert.equal(line(), 97_000n, 'pledged at 3 %, above the 2 % floor');
      await w.adopt([{ op: 'replace', path: '/limits/credit_haircuts_bp/government_bond', value: 2500 }]);
      assert.equal(line(), 97_000n, 'adopted, not in force');
      const events: unknown[] = [];
      p.events.on('governance', (g) => events.push(g));
      const opened = await w.nextDay();
      assert.equal(line(), 75_000n, 'the floor (25 %) applies to the pool pledged before');
      assert.deepEqual(opened.scheme, {
        version: 2,
        replaced: 1,
        credit_lines_lowered: [{ participant: BANKS[0], currency: 'CNY', line_before: '97000', line: '75000' }],
        calendars_dropped: [],
        participants: { suspended: [], reinstated: [] },
      });
      assert.deepEqual(events, [{ kind: 'version_in_force', date: '2025-09-02', ...(opened.scheme as object) }]);
      await w.reopenKeepsDigest();
    } finally {
      await w.close();
    }
  });

  it('a calendar the scheme drops leaves the platform with its version: the currency follows the platform day again', async () => {
    const w = await world((doc) => {
      doc.calendars = { CNY: calendarFile('CNY'), RUB: calendarFile('RUB') };
    });
    try {
      const { p } = w;
      assert.deepEqual(
        p.currencyDays().map((d) => d.currency),
        ['CNY', 'RUB'],
      );
      await w.adopt([{ op: 'remove', path: '/calendars/RUB' }]);
      assert.deepEqual(
        p.currencyDays().map((d) => d.currency),
        ['CNY', 'RUB'],
        'adopted, not in force',
      );
      const opened = await w.nextDay();
      assert.deepEqual((opened.scheme as { calendars_dropped: string[] }).calendars_dropped, ['RUB']);
      assert.deepEqual(
        p.currencyDays().map((d) => d.currency),
        ['CNY'],
      );
      // No longer the scheme's: set_calendars may give RUB one again.
      const rub = await p.execute({ type: 'set_calendars', calendars: [calendarFile('RUB')] }, 'operator');
      assert.equal(rub.ok, true, JSON.stringify(rub.error));
      await w.reopenKeepsDigest();
    } finally {
      await w.close();
    }
  });

  it('only the lists screening.list_sources names screen payments, from its version on', async () => {
    const w = await world(
      () => {},
      (url) => saveSanctionsList(url, demoWatchlist(new Date('2025-08-01T00:00:00Z'))),
    );
    try {
      const { p } = w;
      assert.equal(await p.screener(), null, 'version 1 names ofac-sdn and un-consolidated: the demo list does not screen');
      await w.adopt([{ op: 'add', path: '/screening/list_sources/-', value: 'demo-watchlist' }]);
      assert.equal(await p.screener(), null, 'adopted, not in force');
      await w.nextDay();
      const s = await p.screener();
      assert.ok(s?.list_version.startsWith('demo-watchlist@') === true, 'the list the scheme names screens');
    } finally {
      await w.close();
    }
  });
});

const notInScheme =
  (field: string) =>
  (e: unknown): boolean =>
    e instanceof PlatformError && e.code === 'not_in_scheme' && e.field === field;

describe('rules 4: admitted participants, member status, operator settings and DNS currencies follow the version in force', () => {
  it('only admitted participants register; a suspended member state suspends its participants at the next opening', async () => {
    const w = await world();
    try {
      const bank = { type: 'register_participant', id: 'KASPKZKA', kind: 'bank', name: 'Kaspi Bank', country: 'KZ', currencies: ['KZT'] };
      await assert.rejects(w.p.run(bank), notInScheme('id'));
      await assert.rejects(w.p.run({ ...bank, id: BANKS[4], kind: 'liquidity_provider' }), (e: unknown) => e instanceof PlatformError);
      const listed = { kind: 'bank', country: 'KZ', currencies: ['KZT'] };
      await w.adopt([{ op: 'add', path: '/participants/KASPKZKA', value: listed }]);
      await assert.rejects(w.p.run(bank), notInScheme('id'), 'not before the version is in force');
      await w.nextDay();
      await assert.rejects(w.p.run({ ...bank, kind: 'liquidity_provider' }), notInScheme('kind'));
      await assert.rejects(w.p.run({ ...bank, currencies: ['KZT', 'CNY'] }), notInScheme('currencies[1]'));
      await w.p.run(bank);

      await w.adopt([{ op: 'replace', path: '/members/KZ/status', value: 'suspended' }]);
      const kzt = async (): Promise<{ state: string; reason?: string }> =>
        (
          await w.p.run<{ payments: Array<{ state: string; reason?: string }> }>({
            type: 'submit_payments',
            payments: [payment(BANKS[4], CB.KZT, 'KZT', '1.00')],
          })
        ).payments[0]!;
      assert.notEqual((await kzt()).reason, 'AG01', 'adopted, not yet in force: KZ banks still pay');
      await w.p.run({ type: 'close_day' }, 'operator');
      w.clock.now_ns = BigInt(Date.parse('2025-09-03T06:00:00Z')) * 1_000_000n;
      const opened = await w.p.run<{ scheme: { participants: { suspended: string[]; reinstated: string[] } } }>(
        { type: 'open_day', date: '2025-09-03' },
        'operator',
      );
      assert.deepEqual(opened.scheme.participants, { suspended: [CB.KZT, BANKS[4], 'KASPKZKA'], reinstated: [] });
      const refused = await kzt();
      assert.deepEqual([refused.state, refused.reason], ['rejected', 'AG01'], 'a suspended participant pays no more');
      await assert.rejects(w.p.run({ ...bank, id: 'HCSKKZKA' }), notInScheme('id'));
      await w.reopenKeepsDigest('replay suspends the same participants');
    } finally {
      await w.close();
    }
  });

  it('the operator may not set the rate policy or the FIFO bypass alone; DNS payments only in the currencies the scheme names', async () => {
    const w = await world();
    try {
      const policy = { type: 'set_rate_policy', max_age_business_days: 1, extended_age_business_days: 1, quote_tolerance_bp: 0 };
      await assert.rejects(w.p.run(policy, 'operator'), notInScheme(''));
      await assert.rejects(w.p.run({ type: 'set_config', bypass_fifo: true }, 'operator'), notInScheme('bypass_fifo'));
      assert.equal(w.p.ratePolicy().max_age_business_days, 3);
      const dns = async (): Promise<{ state: string; reason?: string }> =>
        (
          await w.p.run<{ payments: Array<{ state: string; reason?: string }> }>({
            type: 'submit_payments',
            payments: [payment(BANKS[4], CB.KZT, 'KZT', '1.00', { settlement: 'dns' })],
          })
        ).payments[0]!;
      const before = await dns();
      assert.deepEqual([before.state, before.reason], ['rejected', 'AG01'], 'no KZT windows in version 1');
      await w.adopt([
        { op: 'replace', path: '/rates/max_age_business_days', value: 1 },
        { op: 'add', path: '/dns_windows/currencies/-', value: 'KZT' },
      ]);
      assert.equal((await dns()).state, 'rejected', 'adopted, not yet in force');
      await w.nextDay();
      assert.equal(w.p.ratePolicy().max_age_business_days, 1, 'the version in force sets the policy');
      assert.equal((await dns()).state, 'queued', 'a KZT window from the opening');
      await w.reopenKeepsDigest('replay refuses and accepts the same');
    } finally {
      await w.close();
    }
  });

  it('a payment in a currency the scheme does not hold is rejected AM03', async () => {
    const w = await world((doc) => {
      const d = doc as { members: Record<string, unknown>; currencies: Record<string, unknown>; participants: Record<string, { currencies: string[] }> };
      delete d.members.KZ;
      delete d.currencies.KZT;
      delete d.participants[CB.KZT];
      delete d.participants[BANKS[4]];
      for (const x of Object.values(d.participants)) x.currencies = x.currencies.filter((c) => c !== 'KZT');
    });
    try {
      const r = await w.p.run<{ payments: Array<{ state: string; reason?: string }> }>({
        type: 'submit_payments',
        payments: [payment(BANKS[4], CB.KZT, 'KZT', '1.00'), payment(BANKS[1], BANKS[0], 'CNY', '1.00')],
      });
      assert.deepEqual([r.payments[0]!.state, r.payments[0]!.reason], ['rejected', 'AM03']);
      assert.notEqual(r.payments[1]!.reason, 'AM03', 'a scheme currency is not affected');
    } finally {
      await w.close();
    }
  });
});
