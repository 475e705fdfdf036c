// Public statistics: a page and exports for anyone (no API key), with no
// participant in them — checked on the JSON, the CSV and the page as Chromium
// renders it. Value and count by corridor and currency per day and month, the
// share of cross-border value settled in members' own currencies, PvP volume;
// small cells folded into "other" or left out.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, BUSINESS_DATE, payment } from './support/platform.js';

const [A, B, RU1, RU2] = BANKS;
const CHROMIUM = process.env.SCO_SETTLE_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE = process.env.SCO_SETTLE_REQUIRE_BROWSER === '1';
const HAVE = existsSync(CHROMIUM);

interface Period {
  period: string;
  settled_count: number;
  settled_usd_cents: string;
  cross_border_usd_cents: string;
  own_currency_usd_cents: string;
  own_currency_share_bp: number | null;
  pvp_count: number;
  pvp_usd_cents: string;
}
interface Cell {
  period: string;
  corridor: string;
  currency: string;
  count: number;
  value_minor: string;
  usd_cents: string;
}

/** Every participant's id and name: none may appear in what is published. */
function identifiers(fx: ApiFixture): string[] {
  return fx.platform.participants().flatMap((p) => [p.id, p.name]);
}

function noParticipant(fx: ApiFixture, text: string, where: string): void {
  for (const id of identifiers(fx)) assert.equal(text.includes(id), false, `${where} names ${id}`);
}

describe('public statistics', () => {
  let fx: ApiFixture;
  let browser: Browser | null = null;

  before(async () => {
    fx = await startApi('sqlite');
    const pays = [
      ...[1, 2, 3, 4].map((i) => payment(A, B, 'CNY', `${i}00.00`)), // CN-CN in CNY
      ...[1, 2, 3].map(() => payment(RU2, A, 'RUB', '1150.00', { payee_currency: 'CNY' })), // RU-CN PvP, own currencies both sides
      ...[1, 2, 3].map(() => payment(RU1, A, 'CNY', '50.00')), // RU-CN in CNY: a third country's currency for the payer
      payment(RU1, RU2, 'RUB', '10.00'), // RU-RU once: too small a cell to publish
    ];
    await fx.platform.run({ type: 'fund', participant: RU1, currency: 'CNY', amount: '1000.00' });
    const r = await fx.platform.run<{ payments: Array<{ state: string }> }>({ type: 'submit_payments', payments: pays });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      pays.map(() => 'settled'),
    );
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await fx?.close();
  });

  test('JSON without a key: counts, corridors, own-currency share, PvP volume, the small cell folded away', async () => {
    const res = await fx.request('GET', '/v1/public/statistics', { user: null });
    assert.equal(res.status, 200);
    const st = res.body as { months: Period[]; days: Period[]; monthly: Cell[]; daily: Cell[]; suppressed_payments: { daily: number; monthly: number } };
    assert.equal(st.months.length, 1);
    const m = st.months[0]!;
    assert.equal(m.period, BUSINESS_DATE.slice(0, 7));
    assert.equal(m.settled_count, 11);
    assert.equal(m.pvp_count, 3);
    const cross = BigInt(m.cross_border_usd_cents);
    const own = BigInt(m.own_currency_usd_cents);
    assert.equal(own, BigInt(m.pvp_usd_cents), 'the own-currency cross-border value is the RUB->CNY PvP here');
    assert.ok(own > 0n && own < cross);
    assert.equal(m.own_currency_share_bp, Number((own * 10_000n) / cross));
    // CNY 50 at ~7.1 CNY/USD is ~$7.0 each; RUB 1,150 at ~80 RUB/USD ~ $14: the share is about two thirds.
    assert.ok(m.own_currency_share_bp! > 5_000 && m.own_currency_share_bp! < 8_000, String(m.own_currency_share_bp));
    const cells = st.monthly.map((c) => `${c.corridor} ${c.currency} ${c.count} ${c.value_minor}`).sort();
    assert.deepEqual(cells, ['CN-CN CNY 4 100000', 'RU-CN CNY 3 15000', 'RU-CN RUB 3 345000']);
    assert.deepEqual(st.suppressed_payments, { daily: 1, monthly: 1 });
    assert.deepEqual(
      st.days.map((d) => d.period),
      [BUSINESS_DATE],
    );
    noParticipant(fx, JSON.stringify(st), 'the JSON');
  });

  test('CSV without a key: one line per published cell, nobody named', async () => {
    const res = await fetch(`${fx.base}/v1/public/statistics.csv`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/csv/);
    const text = await res.text();
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'granularity,period,corridor,currency,count,value_minor,usd_cents');
    assert.equal(lines.length, 1 + 3 + 3);
    noParticipant(fx, text, 'the CSV');
  });

  test('the page in Chromium, without a key: the figures are there and no participant identifier is', {
    skip: HAVE || REQUIRE ? false : `no Chromium at ${CHROMIUM}`,
  }, async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.headers().authorization !== undefined) requests.push(r.url());
    });
    const res = await page.goto(`${fx.base}/public/statistics`);
    assert.equal(res?.status(), 200);
    const text = await page.locator('body').innerText();
    assert.match(text, /By month/);
    assert.match(text, /RU-CN/);
    assert.match(text, /PvP/);
    noParticipant(fx, text, 'the page as shown');
    noParticipant(fx, await page.content(), 'the page source');
    assert.deepEqual(requests, [], 'no request carried a key');
    await context.close();
  });
});
