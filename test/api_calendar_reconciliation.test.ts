// The calendar and reconciliation routes against a real server on a SQLite
// file: a currency's days as the store's calendar has them (a holiday, a
// weekend), and a central bank's reconciliation as `reconcile` computes it —
// for the central bank itself, the operator and auditors, 404 for another
// central bank, refused for banks; every bad query named by its field.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { reconciliation } from '../src/iso20022/reconciliation.js';
import { startApi, type ApiFixture } from './support/api.js';
import { BUSINESS_DATE, CB } from './support/platform.js';

const CAL_DIR = join(import.meta.dirname, '..', '..', 'calendars');

describe('GET /v1/calendars/:currency and /v1/central-banks/:bic/reconciliation', () => {
  let fx: ApiFixture;

  before(async () => {
    fx = await startApi('sqlite');
    const calendars = ['CNY', 'RUB'].map((c) => JSON.parse(readFileSync(join(CAL_DIR, `${c}.json`), 'utf8')));
    const out = await fx.platform.execute({ type: 'set_calendars', calendars });
    assert.ok(out.ok, JSON.stringify(out.error));
  });
  after(async () => {
    await fx?.close();
  });

  test("a currency's days: National Day closed, the weekend closed, hours in home time and UTC", async () => {
    const r = await fx.request('GET', '/v1/calendars/CNY?from=2025-09-30&to=2025-10-04', { user: 'bankA' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.currency, 'CNY');
    assert.deepEqual(
      r.body.days.map((d: { date: string; open: boolean }) => [d.date, d.open]),
      [
        ['2025-09-30', true],
        ['2025-10-01', false],
        ['2025-10-02', false],
        ['2025-10-03', false],
        ['2025-10-04', false],
      ],
    );
    assert.match(r.body.days[1].closed_because, /National Day/);
    assert.equal(r.body.days[4].closed_because, 'weekend');
    assert.deepEqual(r.body.days[0].hours_local, ['09:00-17:00']);
    assert.deepEqual(r.body.days[0].hours_utc, ['2025-09-30T01:00Z/2025-09-30T09:00Z']);
    assert.equal(r.body.days[0].cutoff_utc, '2025-09-30T08:30Z');
    // Before the first year the holiday list covers, a day says its holidays are not known.
    const edge = await fx.request('GET', '/v1/calendars/CNY?from=2024-12-31&to=2025-01-01', { user: 'op' });
    assert.deepEqual(
      edge.body.days.map((d: { holidays_known: boolean; open: boolean }) => [d.holidays_known, d.open]),
      [
        [false, true],
        [true, false],
      ],
    );
    // The same days the platform gives the CLI.
    assert.deepEqual(r.body.days, JSON.parse(JSON.stringify(fx.platform.calendarDays('CNY', '2025-09-30', '2025-10-04'))));
  });

  test('bad calendar queries name their field', async () => {
    const cases: Array<[string, number, string]> = [
      ['/v1/calendars/CNY?from=2025-10-04&to=2025-10-01', 400, 'query.to'],
      ['/v1/calendars/CNY?from=2025-01-01&to=2027-12-31', 422, 'query.to'],
      ['/v1/calendars/CNY?from=2025-02-30&to=2025-03-01', 400, 'query.from'],
      ['/v1/calendars/CNY?from=2025-10-01', 400, 'query.to'],
      ['/v1/calendars/KZT?from=2025-10-01&to=2025-10-02', 404, 'params.currency'],
      ['/v1/calendars/cny?from=2025-10-01&to=2025-10-02', 400, 'params.currency'],
    ];
    for (const [path, status, field] of cases) {
      const r = await fx.request('GET', path, { user: 'bankA' });
      assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
      assert.ok(
        r.body.errors.some((e: { field: string }) => e.field === field),
        `${path}: ${JSON.stringify(r.body.errors)}`,
      );
    }
  });

  test("a central bank's reconciliation equals the report's, and a wrong home balance is named", async () => {
    const path = `/v1/central-banks/${CB.CNY}/reconciliation?date=${BUSINESS_DATE}`;
    const r = await fx.request('GET', path, { user: 'cb' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const expected = await reconciliation(fx.platform, CB.CNY, BUSINESS_DATE);
    assert.equal(r.body.reconciled, true);
    assert.equal(r.body.currency, 'CNY');
    assert.equal(r.body.closing_issued_minor, expected.closing_issued_minor.toString());
    assert.equal(r.body.closing_issued, '3000000.00');
    assert.deepEqual(r.body.funded_in, { count: 3, amount_minor: '300000000', amount: '3000000.00' });
    assert.deepEqual(
      r.body.differences.map((d: { name: string; amount_minor: string }) => [d.name, d.amount_minor]),
      expected.differences.map((d) => [d.name, d.amount_minor.toString()]),
    );
    const wrong = await fx.request('GET', `${path}&home_balance=2999999.99`, { user: 'op' });
    assert.equal(wrong.status, 200);
    assert.equal(wrong.body.reconciled, false);
    assert.equal(wrong.body.home_mirror_minor, '299999999');
    assert.ok(wrong.body.differences.some((d: { amount_minor: string; must_be_zero: boolean }) => d.must_be_zero && d.amount_minor !== '0'));
    const audited = await fx.request('GET', `${path}&day=utc`, { user: 'aud' });
    assert.equal(audited.status, 200);
    assert.equal(audited.body.time_zone, 'UTC');
  });

  test('another central bank, a bank and bad queries', async () => {
    // The CNY central bank's user asks about the RUB central bank: as if it did not exist.
    const other = await fx.request('GET', `/v1/central-banks/${CB.RUB}/reconciliation?date=${BUSINESS_DATE}`, { user: 'cb' });
    assert.equal(other.status, 404);
    assert.equal(other.body.code, 'not_found');
    const bank = await fx.request('GET', `/v1/central-banks/${CB.CNY}/reconciliation?date=${BUSINESS_DATE}`, { user: 'bankA' });
    assert.equal(bank.status, 403);
    const notCb = await fx.request('GET', `/v1/central-banks/BKCHCNBJ/reconciliation?date=${BUSINESS_DATE}`, { user: 'op' });
    assert.equal(notCb.status, 404);
    const cases: Array<[string, string]> = [
      [`/v1/central-banks/${CB.CNY}/reconciliation?date=2025-02-30`, 'query.date'],
      [`/v1/central-banks/${CB.CNY}/reconciliation?date=${BUSINESS_DATE}&home_balance=1.234`, 'query.home_balance'],
      [`/v1/central-banks/${CB.CNY}/reconciliation?date=${BUSINESS_DATE}&home_balance=abc`, 'query.home_balance'],
      [`/v1/central-banks/${CB.CNY}/reconciliation?date=${BUSINESS_DATE}&day=local`, 'query.day'],
      [`/v1/central-banks/${CB.CNY}/reconciliation`, 'query.date'],
    ];
    for (const [path, field] of cases) {
      const r = await fx.request('GET', path, { user: 'op' });
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
      assert.ok(
        r.body.errors.some((e: { field: string }) => e.field === field),
        `${path}: ${JSON.stringify(r.body.errors)}`,
      );
    }
  });
});
