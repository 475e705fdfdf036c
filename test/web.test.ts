// The web app end to end in Debian's Chromium (playwright-core driving
// /usr/bin/chromium; a browser is never downloaded) against a real API server on
// loopback with a seeded SQLite store: sign-in per role; the operator watching a
// payment queue and then settle when the payer is funded, live (no reload); a
// participant's form with a client-side amount error and a server rejection next
// to their fields, downloads of a statement and a payment's messages, and another
// participant's payment answered "not found" by URL; the compliance queue with
// four eyes; the central bank's issued balance and swap lines. Console errors fail
// the test. Screenshots go to test-artifacts/. Without a browser: the static files
// served are exactly the app's modules and stylesheets on disk (each import of a
// module resolves to one of them), and nothing outside them can be asked for.
//
// Without Chromium the suite skips, saying why — unless SCO_SETTLE_REQUIRE_BROWSER=1,
// when it fails. SCO_SETTLE_CHROMIUM overrides the executable path.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import Fastify from 'fastify';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, BUSINESS_DATE, CB, payment } from './support/platform.js';
import { assetsDir, registerStatic } from '../src/web/static.js';

const [A, B, RU1, RU2] = BANKS;
const CHROMIUM = process.env.SCO_SETTLE_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE = process.env.SCO_SETTLE_REQUIRE_BROWSER === '1';
const HAVE = existsSync(CHROMIUM);
const SKIP = HAVE || REQUIRE ? false : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (SCO_SETTLE_REQUIRE_BROWSER=1 makes this a failure)`;
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const T = 15_000;

interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors, as text. */
  errors: string[];
  /** Errors the test provoked on purpose (a 404 it asked for), set aside. */
  expected: string[];
  allow: RegExp | null;
}

/** Every file under dir (relative, with '/'), whatever its name. */
function filesOnDisk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    return e.isDirectory() ? filesOnDisk(dir, rel) : [rel];
  });
}

describe('web app static files', () => {
  const ASSETS = join(process.cwd(), 'src', 'web', 'assets');

  test('the modules served are the files on disk, with their content types', async () => {
    assert.equal(assetsDir(), ASSETS);
    const app = Fastify();
    const served = registerStatic(app);
    try {
      const appUrls = served.map((f) => f.url).filter((u) => u.startsWith('/app/') && u !== '/app/' && !u.startsWith('/app/vendor/'));
      const onDisk = filesOnDisk(ASSETS).filter((f) => f !== 'index.html');
      assert.deepEqual(appUrls.sort(), onDisk.map((f) => `/app/${f}`).sort(), 'every asset but index.html is served, nothing else');
      for (const must of [
        '/app/app.js',
        '/app/app.css',
        '/app/lib/api.js',
        '/app/views/operator.js',
        '/',
        '/app/',
        '/app/vendor/uPlot.iife.min.js',
        '/app/vendor/uPlot.min.css',
      ])
        assert.ok(
          served.some((f) => f.url === must),
          must,
        );
      const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
      for (const url of appUrls) {
        const r = await app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 200, url);
        assert.equal(r.headers['content-type'], types[url.slice(url.lastIndexOf('.') + 1)], url);
        assert.equal(r.headers['cache-control'], 'no-cache', url);
        assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(r.body, readFileSync(join(ASSETS, url.slice('/app/'.length)), 'utf8'), url);
        // A relative import the browser would make must be served too.
        for (const m of r.body.matchAll(/^import [^;]*? from '(\.{1,2}\/[^']+)';$/gm)) {
          const target = posix.join(posix.dirname(url), m[1]!);
          assert.ok(appUrls.includes(target), `${url} imports ${target}, which is not served`);
        }
      }
      const index = await app.inject({ method: 'GET', url: '/' });
      assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(String(index.headers['content-security-policy']), /script-src 'self'/);
    } finally {
      await app.close();
    }
  });

  test('a path outside the assets is refused (404)', async () => {
    const app = Fastify();
    registerStatic(app);
    try {
      const outside = [
        '/app/../package.json',
        '/app/%2e%2e/package.json',
        '/app/..%2f..%2f..%2fpackage.json',
        '/app/lib/../../routes.ts',
        '/app/lib/%2e%2e%2f%2e%2e%2fstatic.ts',
        '/app/lib/..%5c..%5cstatic.ts',
        '/app//etc/passwd',
        '/app/index.html',
        '/app/lib/',
        '/app/lib/api.js.map',
        '/app/vendor/uPlot.esm.js',
        '/app/vendor/../../../package.json',
        '/src/web/assets/app.js',
      ];
      for (const url of outside) assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
    } finally {
      await app.close();
    }
  });
});

describe('web app in Chromium', { skip: SKIP }, () => {
  let fx: ApiFixture;
  let browser: Browser;
  const sessions: Session[] = [];

  before(async () => {
    if (!HAVE) throw new Error(`SCO_SETTLE_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    fx = await startApi('sqlite');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    for (const s of sessions) await s.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await fx?.close();
  });

  async function open(user: string, viewport = { width: 1280, height: 800 }): Promise<Session> {
    const context = await browser.newContext({ viewport, acceptDownloads: true, timezoneId: 'Asia/Almaty', locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(T);
    const s: Session = { context, page, errors: [], expected: [], allow: null };
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() !== 'error') return;
      const text = `${m.text()} @ ${m.location().url}`;
      if (s.allow?.test(text)) s.expected.push(text);
      else s.errors.push(text);
    });
    page.on('pageerror', (e) => s.errors.push(`pageerror: ${e.message}`));
    sessions.push(s);
    await page.goto(`${fx.base}/`);
    await page.locator('#key').fill(fx.keys[user]!);
    await page.keyboard.press('Enter');
    await page.locator('#whoami').waitFor();
    return s;
  }

  function noConsoleErrors(s: Session): void {
    assert.deepEqual(s.errors, [], 'console errors');
  }

  async function shot(s: Session, name: string): Promise<void> {
    await s.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  test('static pages are public, the API behind them is not', async () => {
    for (const path of [
      '/',
      '/app/app.js',
      '/app/app.css',
      '/app/lib/api.js',
      '/app/views/operator.js',
      '/app/vendor/uPlot.iife.min.js',
      '/app/vendor/uPlot.min.css',
    ]) {
      const r = await fetch(fx.base + path);
      assert.equal(r.status, 200, path);
      if (path.endsWith('.js')) assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8', path);
      assert.ok((await r.arrayBuffer()).byteLength > 0, path); // read it all: an unread body holds the connection open past shutdown
    }
    const page = await fetch(fx.base + '/');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.doesNotMatch(await page.text(), /https?:\/\//, 'no external resources');
    for (const path of ['/v1/dashboard/overview', '/v1/dashboard/currencies', `/v1/participants/${A}/statement?currency=CNY&date=${BUSINESS_DATE}`]) {
      assert.equal((await fx.request('GET', path, { user: null })).status, 401, path);
    }
    assert.equal((await fx.request('GET', '/v1/dashboard/overview', { user: 'bankA' })).status, 403);
    assert.equal((await fx.request('GET', `/v1/participants/${A}/statement?currency=CNY&date=${BUSINESS_DATE}`, { user: 'bankB' })).status, 404);
  });

  test('a wrong key is refused next to the field', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const s: Session = { context, page, errors: [], expected: [], allow: /status of 401/ };
    sessions.push(s);
    page.on('console', (m) => m.type() === 'error' && (s.allow!.test(m.text()) ? s.expected : s.errors).push(m.text()));
    await page.goto(`${fx.base}/`);
    await page.locator('#key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#key-msg', { hasText: 'looks like sco_' }).waitFor({ timeout: T });
    await page.locator('#key').fill(`sco_0123456789abcdef_${'a'.repeat(43)}`);
    await page.keyboard.press('Enter');
    await page.locator('#key-msg', { hasText: 'unknown, revoked or wrong' }).waitFor({ timeout: T });
    assert.equal(await page.locator('#key').getAttribute('aria-invalid'), 'true');
    noConsoleErrors(s);
  });

  test('operator: a payment appears in the queue and settles when liquidity arrives, live', async () => {
    const s = await open('op');
    const { page } = s;
    assert.match(await page.locator('#whoami').innerText(), /Operator/);
    await page.locator('#kpi-queued').waitFor();
    await page.evaluate('window.marker = 42');
    // Too large for the payer's 1,000,000.00 CNY: it queues.
    const p = payment(A!, B!, 'CNY', '1500000.00');
    const sub = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p });
    assert.equal(sub.body.payments[0].state, 'queued');
    const row = page.locator(`#queue-oldest tr[data-uetr="${p.uetr}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /1,500,000\.00 CNY/);
    await page.locator(`#activity tr[data-uetr="${p.uetr}"][data-state="queued"]`).waitFor();
    await shot(s, 'operator-queued');
    const fund = await fx.request('POST', `/v1/participants/${A}/funding`, { user: 'op', body: { currency: 'CNY', amount: '2000000.00' } });
    assert.equal(fund.status, 200);
    await page.locator(`#activity tr[data-uetr="${p.uetr}"][data-state="settled"]`).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.locator('#queue-empty').waitFor();
    assert.equal(await page.evaluate('window.marker'), 42, 'no reload');
    assert.match(await page.locator('#settled-currency').innerText(), /1,500,000\.00 CNY/);
    assert.match(await page.locator('#settled-corridor').innerText(), /CN → CN/);
    assert.equal(await page.locator('#live').innerText(), 'live');
    // Times: local zone shown, UTC on hover.
    const title = await page.locator('#activity time').first().getAttribute('title');
    assert.match(title ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} UTC$/);
    // The liquidity chart is drawn.
    await page.locator('#liq-chart canvas').waitFor();
    await page.waitForTimeout(1_500); // let the sampled history catch up for the picture
    await shot(s, 'operator');
    // Keyboard: the skip link comes first and moves focus to the content, keeping the route.
    await page.locator('.brand').focus();
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement.id'), 'main');
    assert.equal(await page.evaluate('location.hash'), '#/operator');
    // Narrow screen: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 1, `page wider than a narrow screen by ${overflow}px`);
    await shot(s, 'operator-narrow');
    noConsoleErrors(s);
  });

  test("participant: form with validation next to the fields, payments, downloads, another participant's payment not found", async () => {
    const other = payment(RU1!, RU2!, 'RUB', '10.00');
    assert.equal((await fx.request('POST', '/v1/payments', { user: 'op', body: other })).status, 200);
    const s = await open('bankA');
    const { page } = s;
    assert.match(await page.locator('#whoami').innerText(), /Participant · BKCHCNBJ/);
    const cny = page.locator('#balances tr[data-currency="CNY"]');
    await cny.waitFor();
    assert.match(await cny.innerText(), /\d{1,3}(,\d{3})*\.\d{2} CNY/);
    await shot(s, 'participant-account');

    // Statement (camt.053).
    const [statement] = await Promise.all([page.waitForEvent('download'), page.locator('#download-statement').click()]);
    const stText = readFileSync((await statement.path())!, 'utf8');
    assert.match(stText, /camt\.053\.001\.08/);
    assert.match(stText, /BKCHCNBJ/);

    // The form: a bad amount is refused next to the field, before any request.
    await page.getByRole('link', { name: 'Send payment' }).click();
    await page.locator('#payee').fill(B!);
    await page.locator('#amount').fill('12.345');
    await page.locator('#send').click();
    const amountMsg = page.locator('#amount-msg');
    await amountMsg.waitFor();
    assert.match(await amountMsg.innerText(), /CNY has 2 decimal places/);
    assert.equal(await page.locator('#amount').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate('document.activeElement.id'), 'amount');
    await shot(s, 'participant-send-invalid');
    // The server's rejection, next to the field it names.
    await page.locator('#payee').fill('ZZZZCNBJ');
    await page.locator('#amount').fill('12.34');
    await page.locator('#send').click();
    await page.locator('#payee-msg', { hasText: 'not a participant' }).waitFor();
    assert.equal(await amountMsg.innerText(), '');
    // A good one.
    await page.locator('#payee').fill(B!);
    await page.locator('#send').click();
    const ok = page.locator('#send-ok');
    await ok.waitFor();
    const uetr = (await ok.getAttribute('data-uetr'))!;
    const stored = await fx.request('GET', `/v1/payments/${uetr}`, { user: 'op' });
    assert.equal(stored.body.amount_minor, '1234');
    assert.equal(stored.body.state, 'settled');
    assert.equal(stored.body.payer, A);

    // Payments: searchable, with the full history and the messages.
    await page.getByRole('link', { name: 'Payments', exact: true }).click();
    await page.locator(`#payments-table tr[data-uetr="${uetr}"]`).waitFor();
    await page.locator('#q-amount').fill('12.34');
    await page.locator('#q-counterparty').fill(B!);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#payments-results', { hasText: '1 payment' }).waitFor();
    await page.locator(`#payments-table tr[data-uetr="${uetr}"]`).waitFor();
    await shot(s, 'participant-payments');
    await page.locator('#q-uetr').fill(uetr);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#payment-state', { hasText: 'settled' }).waitFor();
    assert.ok((await page.locator('#history tbody tr').count()) >= 3, 'status history');
    await page.locator('#load-messages').click();
    const [pacs008] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-file="${uetr}-pacs.008.xml"]`).click()]);
    const xml = readFileSync((await pacs008.path())!, 'utf8');
    assert.match(xml, /pacs\.008\.001\.08/);
    assert.match(xml, new RegExp(uetr));
    assert.ok((await page.locator('[data-file*="pacs.002"]').count()) >= 1, 'pacs.002 status reports');
    await shot(s, 'participant-payment');

    // Another participant's payment, by URL: not found (the API answers 404, which Chromium logs).
    s.allow = new RegExp(`status of 404.*${other.uetr}`);
    await page.goto(`${fx.base}/#/payments/${other.uetr}`);
    await page.locator('#not-found', { hasText: 'Payment not found' }).waitFor();
    assert.equal(await page.locator('#payment-props').count(), 0);
    s.allow = null;
    noConsoleErrors(s);
  });

  test('compliance: a held payment released with four eyes', async () => {
    const held = payment(A!, B!, 'CNY', '3.00');
    await fx.platform.run({
      type: 'submit_payments',
      payments: [held],
      screening: [{ hit: true, score: 0.97, list_version: 'test-1', detail: 'IVANOV I. ~ IVANOFF I.' }],
    });
    const caseId = fx.platform.payment(held.uetr as string)!.case_id!;
    const s1 = await open('comp');
    const row = s1.page.locator(`#cases-open tr[data-case="${caseId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /3\.00 CNY/);
    await shot(s1, 'compliance-queue');
    await row.locator('[data-action="release"]').click();
    await s1.page.locator(`#cases-open tr[data-case="${caseId}"][data-status="proposed"]`).waitFor();
    // The same officer cannot confirm (the app says so; the API would refuse too).
    await s1.page.locator(`#case-own-${caseId}`, { hasText: 'Four eyes' }).waitFor();
    assert.equal(await s1.page.locator(`#cases-open tr[data-case="${caseId}"] [data-action]`).count(), 0);
    const again = await fx.request('POST', `/v1/cases/${caseId}/decision`, { user: 'comp', body: { decision: 'release' } });
    assert.equal(again.body.code, 'four_eyes');
    const s2 = await open('comp2');
    await s2.page.locator(`#cases-open tr[data-case="${caseId}"] [data-action="release"]`).click();
    await s2.page.locator(`#cases-done tr[data-case="${caseId}"][data-status="released"]`).waitFor();
    assert.equal(fx.platform.payment(held.uetr as string)!.state, 'settled');
    noConsoleErrors(s1);
    noConsoleErrors(s2);
  });

  test('central bank: issued balance and swap-line usage; other roles see their start page', async () => {
    await fx.platform.run(
      {
        type: 'open_swap_line',
        id: 'CNY-RUB-1',
        provider: CB.CNY,
        drawer: CB.RUB,
        limit: '1000000.00',
        interest_rate: '0.035',
        day_count: 'ACT/360',
        start_date: BUSINESS_DATE,
        maturity_date: '2025-11-30',
      },
      'op',
    );
    await fx.platform.run({ type: 'draw_swap', line: 'CNY-RUB-1', amount: '250000.00' }, 'op');
    const s = await open('cb');
    const { page } = s;
    assert.match(await page.locator('#whoami').innerText(), /Central bank · PBOCCNBJ/);
    const issued = page.locator('#issued-table');
    await issued.waitFor();
    assert.match(await issued.innerText(), /CNY/);
    assert.doesNotMatch(await issued.innerText(), /RUB/, 'its own currency only');
    await page.locator('#swaps', { hasText: '25.00 %' }).waitFor();
    await shot(s, 'central-bank');
    noConsoleErrors(s);

    for (const [user, heading] of [
      ['aud', 'Business day at a glance'],
      ['lp', 'Account of FXLPCNSH'],
    ] as const) {
      const o = await open(user);
      await o.page.locator('h1', { hasText: heading }).waitFor();
      await shot(o, `start-${user}`);
      noConsoleErrors(o);
    }
  });
});
