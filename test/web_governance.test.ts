// The governance view in Debian's Chromium (playwright-core, /usr/bin/chromium;
// never downloaded) against a real API server on a seeded SQLite store: a
// central-bank user opens a proposal, reads its diff, runs the what-if of the
// business day, and reserves — signed in the page with WebCrypto Ed25519 — which
// adopts it (the only voter answered); the auditor reads it without buttons.
// Console errors fail the test. Skips without Chromium, saying why, unless
// SCO_SETTLE_REQUIRE_BROWSER=1.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { canonicalJson } from '../src/governance/canonical.js';
import { startApi, type ApiFixture } from './support/api.js';
import { BUSINESS_DATE } from './support/platform.js';
import { keyPair, schemeDocument } from './support/governance.js';

const CHROMIUM = process.env.SCO_SETTLE_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE = process.env.SCO_SETTLE_REQUIRE_BROWSER === '1';
const HAVE = existsSync(CHROMIUM);
const SKIP = HAVE || REQUIRE ? false : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (SCO_SETTLE_REQUIRE_BROWSER=1 makes this a failure)`;
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const T = 20_000;

describe('governance view in Chromium', { skip: SKIP }, () => {
  let fx: ApiFixture;
  let browser: Browser;
  const key = keyPair();

  before(async () => {
    if (!HAVE) throw new Error(`SCO_SETTLE_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    fx = await startApi('sqlite');
    const doc = schemeDocument();
    for (const m of Object.keys(doc.members as object)) if (m !== 'CN') (doc.members as Record<string, { status: string }>)[m]!.status = 'suspended';
    await fx.platform.run({ type: 'scheme_init', document: doc }, 'op');
    await fx.platform.run({ type: 'set_signing_key', user: 'cb', public_key: key.publicPem }, 'op');
    const body = {
      title: 'LSM every 10 minutes',
      rationale: 'shorter queues',
      changes: [{ op: 'replace', path: '/lsm/interval_minutes', value: 10 }],
      window_s: 3600,
      effective: 'next_business_day',
    };
    const signature = sign(null, canonicalBytes(proposeAct({ by: 'cb', ...body })), key.privatePem).toString('base64');
    await fx.platform.run({ type: 'scheme_propose', ...body, signature }, 'cb');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await fx?.close();
  });

  async function open(user: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(T);
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(`${fx.base}/`);
    await page.locator('#key').fill(fx.keys[user]!);
    await page.keyboard.press('Enter');
    await page.locator('#whoami').waitFor();
    await page.goto(`${fx.base}/#/governance`);
    await page.locator('#gov-proposals').waitFor();
    return { context, page, errors };
  }

  test('the page signs what the platform signs', async () => {
    const s = await open('aud');
    const act = answerAct({ by: 'cb', id: 'P-1', answer: 'reserve', reason: 'é "quoted" ∑' });
    const inPage = await s.page.evaluate(async ([a, path]) => ((await import(path as string)) as { canonicalJson(v: unknown): string }).canonicalJson(a), [
      act,
      '/app/views/governance.js',
    ] as const);
    assert.equal(inPage, canonicalJson(act));
    await s.context.close();
  });

  test('a central bank reads the diff, runs the what-if and reserves; the proposal is adopted', async () => {
    const s = await open('cb');
    const { page } = s;
    await page.locator('#open-P-1').click();
    const diff = await page.locator('#gov-diff').innerText();
    assert.match(diff, /\/lsm\/interval_minutes\s+15\s+10/);
    await page.locator('#whatif-day').fill(BUSINESS_DATE);
    await page.locator('#whatif-run').click();
    const cmp = await page.locator('#whatif-table').innerText();
    assert.match(cmp, /Settled count/);
    assert.match(cmp, /In force \(v1\)/);
    await page.locator('#answer-reserve').click();
    await page.locator('#answer-msg', { hasText: 'reason is needed' }).waitFor();
    await page.locator('#sign-key').fill(key.privatePem);
    await page.locator('#answer-reason').fill('we watch the queues');
    await page.locator('#answer-reserve').click();
    await page.locator('#gov-state', { hasText: 'adopted' }).waitFor();
    assert.match(await page.locator('#gov-answers').innerText(), /CN\s+reserve\s+we watch the queues/);
    await page.screenshot({ path: join(ARTIFACTS, 'governance-cb.png'), fullPage: true });
    const p = fx.platform.proposal('P-1');
    assert.deepEqual([p.state, p.version], ['adopted', 2]);
    assert.deepEqual(s.errors, [], 'console errors');
    await s.context.close();
  });

  test('the auditor reads the proposal without answer buttons', async () => {
    const s = await open('aud');
    await s.page.locator('#open-P-1').click();
    await s.page.locator('#gov-diff').waitFor();
    assert.equal(await s.page.locator('#answer-approve').count(), 0);
    assert.deepEqual(s.errors, [], 'console errors');
    await s.context.close();
  });
});
