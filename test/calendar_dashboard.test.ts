// The dashboard with operating calendars, in Chromium: the operator sees each
// currency's hours and cut-off in its home time and in UTC (not one UTC time for
// all), whether it is open now, and today's PvP overlap windows per pair.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startApi, type ApiFixture } from './support/api.js';

const CHROMIUM = process.env.SCO_SETTLE_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE = process.env.SCO_SETTLE_REQUIRE_BROWSER === '1';
const SKIP = existsSync(CHROMIUM) || REQUIRE ? false : `no Chromium at ${CHROMIUM}`;
const CAL_DIR = join(import.meta.dirname, '..', '..', 'calendars');

describe('dashboard: currencies on their calendars', { skip: SKIP }, () => {
  let fx: ApiFixture;
  let browser: Browser;

  before(async () => {
    fx = await startApi('sqlite');
    const calendars = ['CNY', 'RUB', 'KZT'].map((c) => JSON.parse(readFileSync(join(CAL_DIR, `${c}.json`), 'utf8')));
    const out = await fx.platform.execute({ type: 'set_calendars', calendars });
    assert.ok(out.ok, JSON.stringify(out.error));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await fx?.close();
  });

  test('hours and cut-offs in home time and UTC, open or closed now, and the PvP overlaps of today', async () => {
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
    const cals = page.locator('#calendars-table');
    await cals.waitFor();
    const rows = await cals.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 3);
    // 2025-09-01 06:00 UTC: Beijing 14:00 (open), Moscow 09:00 (open); Almaty closed (Constitution Day, moved from Saturday).
    const cny = rows.find((r) => r.startsWith('CNY'))!;
    assert.match(cny, /Asia\/Shanghai/);
    assert.match(cny, /\bopen\b/);
    assert.match(cny, /09:00-17:00/);
    assert.match(cny, /16:30/);
    assert.match(cny, /2025-09-01T08:30Z/);
    const rub = rows.find((r) => r.startsWith('RUB'))!;
    assert.match(rub, /17:30/);
    assert.match(rub, /2025-09-01T14:30Z/);
    const overlaps = await page.locator('#overlaps-table tbody tr').allInnerTexts();
    assert.ok(
      overlaps.some((r) => r.includes('CNY/RUB') && r.includes('2025-09-01T06:00Z/2025-09-01T08:31Z')),
      overlaps.join('\n'),
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
});
