// The dashboard's day, in Chromium, from the store: the charts draw each
// currency's business day from the store's history (a server restart loses
// nothing), with times in the currency's home zone and UTC; the cut-offs read
// in each currency's home time (not one browser time for all); and the value
// tables carry a USD equivalent at the day's reference rates and sort by it
// (50,000 RUB is more units than 10,000 CNY but fewer dollars).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, BUSINESS_DATE, payment } from './support/platform.js';

const CHROMIUM = process.env.SCO_SETTLE_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE = process.env.SCO_SETTLE_REQUIRE_BROWSER === '1';
const SKIP = existsSync(CHROMIUM) || REQUIRE ? false : `no Chromium at ${CHROMIUM}`;
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** Floor of `amount` major units / `unitsPerUsd` (a decimal text) in cents, with bigints: the documented rounding, computed independently. */
function usdCentsOf(amountMajor: bigint, unitsPerUsd: string): bigint {
  const [i, f = ''] = unitsPerUsd.split('.');
  const num = BigInt(i! + f);
  const den = 10n ** BigInt(f.length);
  return (amountMajor * 100n * den) / num;
}

function usdText(cents: bigint): string {
  return `${(cents / 100n).toLocaleString('en-GB')}.${String(cents % 100n).padStart(2, '0')} USD`;
}

describe('dashboard: the day from the store, home times, USD equivalents', { skip: SKIP }, () => {
  let fx: ApiFixture;
  let browser: Browser;

  before(async () => {
    fx = await startApi('sqlite');
    fx.clock.at('06:30');
    const cny = await fx.request('POST', '/v1/payments', { user: 'bankA', body: payment(BANKS[0], BANKS[1], 'CNY', '10000.00') });
    assert.equal(cny.body.payments[0].state, 'settled', JSON.stringify(cny.body));
    fx.clock.at('07:00');
    const rub = await fx.request('POST', '/v1/payments', { user: 'op', body: payment(BANKS[2], BANKS[3], 'RUB', '50000.00') });
    assert.equal(rub.body.payments?.[0]?.state, 'settled', JSON.stringify(rub.body));
    fx.clock.at('07:30');
    // More than the payer holds: it waits in the queue.
    const big = await fx.request('POST', '/v1/payments', { user: 'bankA', body: payment(BANKS[0], BANKS[1], 'CNY', '2000000.00') });
    assert.equal(big.body.payments[0].state, 'queued');
    fx.clock.at('08:00');
    // Nothing the charts draw may live in the server's memory.
    await fx.restart();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await fx?.close();
  });

  async function operatorPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    // A browser far from every member's zone: nothing may be shown in its time by accident.
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${fx.base}/`);
    await page.locator('#key').fill(fx.keys.op!);
    await page.keyboard.press('Enter');
    await page.locator('#whoami').waitFor();
    await page.goto(`${fx.base}/#/operator`);
    return { page, errors, close: () => context.close() };
  }

  test('the API answers the day from the store after a restart', async () => {
    const r = await fx.request('GET', '/v1/dashboard/history?currency=CNY');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.time_zone, 'Asia/Shanghai');
    assert.equal(r.body.business_date, BUSINESS_DATE);
    const last = r.body.times.length - 1;
    assert.ok(last >= 2, JSON.stringify(r.body.times));
    assert.equal(r.body.settled.count[last], 1);
    assert.equal(r.body.settled.value_minor[last], '1000000');
    assert.equal(r.body.queue.depth[last], 1);
    assert.equal(r.body.queue.value_minor[last], '200000000');
    // The payer's balance from the ledger's history: nothing at the opening, funded, then paid.
    const a = r.body.balances[BANKS[0]] as string[];
    assert.equal(a[0], '0');
    assert.ok(a.includes('100000000'), a.join());
    assert.equal(a[last], '99000000');
    // A currency outside the caller's scope is not found; a central bank charts its own.
    assert.equal((await fx.request('GET', '/v1/dashboard/history?currency=RUB', { user: 'cb' })).status, 404);
    assert.equal((await fx.request('GET', '/v1/dashboard/history', { user: 'cb' })).body.currency, 'CNY');
  });

  test('charts of the business day in home time and UTC, drawn from the store', async () => {
    const { page, errors, close } = await operatorPage();
    const caption = page.locator('#history-caption');
    await caption.filter({ hasText: 'points from the store' }).waitFor();
    const text = await caption.innerText();
    // The platform day opened at 06:00 UTC: 14:00 in Beijing.
    assert.match(text, /CNY business day 2025-09-01/);
    assert.match(text, /14:00 Asia\/Shanghai \(06:00 UTC\)/);
    await page.locator('#liq-chart canvas').waitFor();
    await page.locator('#queue-chart canvas').waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#liquidity-chart').screenshot({ path: join(ARTIFACTS, 'dashboard-store-history.png') });
    await page.locator('#history-details summary').click();
    const rows = await page.locator('#history-points tbody tr').allInnerTexts();
    // Latest first: 16:00 Beijing = 08:00 UTC, one settled, one queued.
    assert.match(rows[0]!, /^16:00\t08:00\t1\t2,000,000\.00 CNY\t1\t10,000\.00 CNY$/);
    assert.ok(
      rows.some((r) => /^14:30\t06:30\t0\t0\.00 CNY\t1\t10,000\.00 CNY$/.test(r)),
      rows.join('\n'),
    );
    // Another currency: its own home zone.
    await page.locator('#history-currency').selectOption('RUB');
    await caption.filter({ hasText: 'RUB business day' }).waitFor();
    assert.match(await caption.innerText(), /09:00 Europe\/Moscow \(06:00 UTC\)/);
    assert.deepEqual(errors, []);
    await close();
  });

  test("cut-offs in each currency's home time, and value tables in USD sorted by it", async () => {
    const { page, errors, close } = await operatorPage();
    const cut = page.locator('#kpi-cutoffs');
    await cut.waitFor();
    const t = await cut.innerText();
    // One 17:00 UTC cut-off for all, read where each currency lives.
    assert.match(t, /CNY 01:00 Asia\/Shanghai \(17:00 UTC\)/);
    assert.match(t, /RUB 20:00 Europe\/Moscow \(17:00 UTC\)/);
    assert.match(t, /KZT 22:00 Asia\/Almaty \(17:00 UTC\)/);

    const rates = fx.platform.referenceRates(BUSINESS_DATE).rates;
    const per = (c: string): string => (rates.find((r) => r.currency === c) as { units_per_usd: string }).units_per_usd;
    const cnyUsd = usdCentsOf(10_000n, per('CNY'));
    const rubUsd = usdCentsOf(50_000n, per('RUB'));
    assert.ok(cnyUsd > rubUsd, 'the fixture: fewer RUB dollars');
    const table = page.locator('#settled-currency table');
    await table.waitFor();
    assert.match(await table.locator('thead').innerText(), /USD equivalent \(rates of 2025-09-01\)/);
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^CNY\t1\t10,000\.00 CNY\t/);
    assert.ok(rows[0]!.endsWith(usdText(cnyUsd)), `${rows[0]} vs ${usdText(cnyUsd)}`);
    assert.match(rows[1]!, /^RUB\t1\t50,000\.00 RUB\t/);
    assert.ok(rows[1]!.endsWith(usdText(rubUsd)), `${rows[1]} vs ${usdText(rubUsd)}`);
    const corridors = await page.locator('#settled-corridor table tbody tr').allInnerTexts();
    assert.match(corridors[0]!, /^CN → CN\tCNY/);
    assert.match(corridors[1]!, /^RU → RU\tRUB/);
    assert.deepEqual(errors, []);
    await close();
  });
});
