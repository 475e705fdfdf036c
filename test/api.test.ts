// The HTTP API over real loopback HTTP on a SQLite file: the authorisation
// matrix (every route, every role, own and other participant's data, no key),
// attribution of writes, the events stream's per-participant filter, errors for
// malformed, unknown-field and oversized bodies, idempotency replay and
// conflict, rate limits, the OpenAPI document, and a batch's duplicates and query index rows.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, USERS, type ApiFixture } from './support/api.js';
import { BANKS, CB, LP, payment } from './support/platform.js';
import { ROUTES } from '../src/api/routes.js';
import { Webhooks } from '../src/api/webhooks.js';
import { answerChecker, type OpenApiDoc } from './support/openapi.js';
import { newKeyMaterial, UserDirectory } from '../src/http/auth.js';
import { pacs008OfPayment } from '../src/iso20022/mapping.js';
import { buildMessage, cancellationRequest, originalRefs } from '../src/iso20022/messages/index.js';

const [A, B, RU1, RU2] = BANKS;
/** The members of every error answer: RFC 9457's and the project's (src/http/errors.ts). */
const PROBLEM_MEMBERS = ['code', 'detail', 'errors', 'message', 'path', 'request_id', 'status', 'title', 'type'];
const ALL_USERS = Object.keys(USERS);

describe('authorisation matrix', () => {
  let fx: ApiFixture;
  const ids: Record<string, string> = {};
  before(async () => {
    fx = await startApi('sqlite');
    const p = fx.platform;
    const settled = payment(A!, B!, 'CNY', '10.00');
    const queued = payment(A!, B!, 'CNY', '99999999.00');
    const rub = payment(RU1!, RU2!, 'RUB', '5.00');
    const held = payment(A!, B!, 'CNY', '1.00');
    await p.run({ type: 'submit_payments', payments: [settled, queued, rub], screening: [null, null, null] });
    await p.run({ type: 'submit_payments', payments: [held], screening: [{ hit: true, score: 0.99, list_version: 't1' }] });
    await p.run({
      type: 'set_collateral',
      participant: A!,
      currency: 'CNY',
      items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 200 }],
    });
    ids.hook = (await Webhooks.of(p).create({ participant: A!, url: 'http://127.0.0.1:9/matrix', secret: 'matrix-secret-0123456', by: 'op' })).id;
    ids.settled = settled.uetr as string;
    ids.queued = queued.uetr as string;
    ids.rub = rub.uetr as string;
    ids.spareKey = (await (await UserDirectory.load(p)).createKey('aud')).id;
    const m = await newKeyMaterial('matrix-secret');
    ids.newKey = JSON.stringify({ user: 'comp2', key_id: m.id, salt: m.salt, hash: m.hash });
  });
  after(() => fx.close());

  interface Case {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    path: () => string;
    body?: unknown;
    /** Users that get an answer (2xx, or a 4xx refusal that is neither 401, 403 nor 404). */
    ok: string;
    /** Users for whom the data is outside their scope: 404. */
    hidden?: string;
  }
  const cases: Case[] = [
    { method: 'GET', path: () => '/v1/me', ok: 'op cb bankA bankB lp comp aud' },
    { method: 'GET', path: () => '/v1/participants', ok: 'op cb bankA bankB lp comp aud' },
    { method: 'GET', path: () => `/v1/participants/${A}`, ok: 'op cb bankA comp aud', hidden: 'bankB lp' },
    { method: 'GET', path: () => `/v1/participants/${RU2}`, ok: 'op comp aud', hidden: 'cb bankA bankB lp' },
    { method: 'POST', path: () => '/v1/participants', body: { id: 'NEWBCNBJ', kind: 'bank', name: 'New', country: 'CN', currencies: ['CNY'] }, ok: 'op' },
    { method: 'GET', path: () => `/v1/participants/${A}/balances`, ok: 'op cb bankA aud', hidden: 'bankB lp' },
    { method: 'GET', path: () => `/v1/participants/${RU2}/balances`, ok: 'op aud', hidden: 'cb bankA bankB lp' },
    { method: 'POST', path: () => `/v1/participants/${A}/funding`, body: { currency: 'CNY', amount: '1.00' }, ok: 'op cb' },
    { method: 'POST', path: () => `/v1/participants/${RU2}/funding`, body: { currency: 'RUB', amount: '1.00' }, ok: 'op', hidden: 'cb' },
    { method: 'POST', path: () => `/v1/participants/${A}/defunding`, body: { currency: 'CNY', amount: '1.00' }, ok: 'op cb' },
    { method: 'GET', path: () => `/v1/participants/${A}/facilities`, ok: 'op cb bankA aud', hidden: 'bankB lp' },
    {
      method: 'POST',
      path: () => `/v1/participants/${A}/facilities/CNY`,
      body: { items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 200 }] },
      ok: 'op cb',
    },
    { method: 'POST', path: () => `/v1/participants/${A}/facilities/CNY/draw`, body: { amount: '1.00' }, ok: 'op cb bankA', hidden: 'bankB lp' },
    { method: 'POST', path: () => '/v1/payments', body: () => payment(A!, B!, 'CNY', '1.00'), ok: 'op bankA' } as unknown as Case,
    { method: 'GET', path: () => '/v1/payments', ok: 'op cb bankA bankB lp comp aud' },
    { method: 'GET', path: () => `/v1/payments/${ids.settled}`, ok: 'op cb bankA bankB comp aud', hidden: 'lp' },
    { method: 'GET', path: () => `/v1/payments/${ids.rub}`, ok: 'op comp aud', hidden: 'cb bankA bankB lp' },
    { method: 'POST', path: () => `/v1/payments/${ids.queued}/cancel`, body: {}, ok: 'op bankA', hidden: 'lp' },
    { method: 'POST', path: () => `/v1/payments/${ids.rub}/cancel`, body: {}, ok: 'op', hidden: 'bankA bankB lp' },
    { method: 'POST', path: () => `/v1/payments/${ids.settled}/return`, body: { reason: 'NARR' }, ok: 'op bankB', hidden: 'lp' },
    { method: 'GET', path: () => '/v1/day', ok: 'op cb bankA bankB lp comp aud' },
    { method: 'POST', path: () => '/v1/day/open', body: { date: '2025-09-02' }, ok: 'op' },
    { method: 'GET', path: () => '/v1/windows', ok: 'op cb aud' },
    { method: 'POST', path: () => '/v1/windows/CNY/open', body: {}, ok: 'op' },
    { method: 'POST', path: () => '/v1/windows/CNY/close', body: {}, ok: 'op' },
    { method: 'POST', path: () => '/v1/lsm/CNY/run', body: {}, ok: 'op cb' },
    { method: 'POST', path: () => '/v1/lsm/RUB/run', body: {}, ok: 'op' },
    { method: 'POST', path: () => '/v1/config', body: { bypass_fifo: false }, ok: 'op' },
    { method: 'GET', path: () => '/v1/liquidity/proposals', ok: 'op cb' },
    { method: 'GET', path: () => '/v1/liquidity/proposals?currency=RUB', ok: 'op' },
    { method: 'POST', path: () => '/v1/liquidity/proposals/NOPROPSL/execute', body: {}, ok: 'op cb' },
    // No calendar in this store: a query refused by its schema (400) still tells who may ask.
    { method: 'GET', path: () => '/v1/calendars/CNY?from=2025-09-01', ok: 'op cb bankA bankB lp comp aud' },
    { method: 'GET', path: () => `/v1/central-banks/${CB.CNY}/reconciliation?date=2025-09-01`, ok: 'op cb aud' },
    { method: 'GET', path: () => `/v1/central-banks/${CB.RUB}/reconciliation?date=2025-09-01`, ok: 'op aud', hidden: 'cb' },
    { method: 'GET', path: () => '/v1/rates', ok: 'op cb bankA bankB lp comp aud' },
    {
      method: 'POST',
      path: () => '/v1/rates',
      body: { file: 'test.csv', rows: [{ currency: 'CNY', units_per_usd: '7.1', date: '2025-09-01', source: 'test' }] },
      ok: 'op',
    },
    {
      method: 'POST',
      path: () => '/v1/rates/CNY',
      body: { units_per_usd: '7.1', date: '2025-09-01', source: 'test' },
      ok: 'op cb',
    },
    { method: 'POST', path: () => '/v1/rates/RUB', body: { units_per_usd: '80.1', date: '2025-09-01', source: 'test' }, ok: 'op' },
    { method: 'GET', path: () => '/v1/rates/alerts', ok: 'op cb aud' },
    {
      method: 'POST',
      path: () => '/v1/quotes',
      body: { provider: LP, base: 'RUB', quote: 'CNY', valid_s: 600, tiers: [{ min: '1.00', max: '100000.00', bid: '0.085', ask: '0.09' }] },
      ok: 'op lp',
    },
    { method: 'POST', path: () => '/v1/quotes/lock', body: { base: 'RUB', quote: 'CNY', amount: '10.00' }, ok: 'op bankA bankB lp' },
    { method: 'GET', path: () => '/v1/cases', ok: 'op comp aud' },
    { method: 'POST', path: () => '/v1/cases/1/decision', body: { decision: 'release' }, ok: 'comp' },
    { method: 'GET', path: () => '/v1/audit', ok: 'op aud' },
    { method: 'POST', path: () => '/v1/day/close', body: {}, ok: 'op' },
    { method: 'GET', path: () => '/v1/users', ok: 'op aud' },
    { method: 'POST', path: () => '/v1/users', body: { name: 'matrix-user', role: 'auditor' }, ok: 'op' },
    { method: 'PATCH', path: () => '/v1/users/comp2', body: { disabled: false }, ok: 'op' },
    { method: 'GET', path: () => '/v1/keys', ok: 'op aud' },
    { method: 'POST', path: () => '/v1/keys', body: () => JSON.parse(ids.newKey!), ok: 'op' } as unknown as Case,
    { method: 'POST', path: () => `/v1/keys/${ids.spareKey}/revoke`, body: {}, ok: 'op' },
    { method: 'POST', path: () => '/v1/webhooks', body: { url: 'http://127.0.0.1:9/matrix', secret: 'matrix-secret-0123456' }, ok: 'op bankA bankB lp' },
    { method: 'GET', path: () => '/v1/webhooks', ok: 'op bankA bankB lp' },
    { method: 'GET', path: () => `/v1/webhooks/${ids.hook}`, ok: 'op bankA', hidden: 'bankB lp' },
    { method: 'GET', path: () => `/v1/webhooks/${ids.hook}/deliveries`, ok: 'op bankA', hidden: 'bankB lp' },
    { method: 'DELETE', path: () => `/v1/webhooks/${ids.hook}`, ok: 'op bankA', hidden: 'bankB lp' },
    // Governance (no scheme on this store: the answers are no_scheme or not_found, after the role check).
    { method: 'GET', path: () => '/v1/scheme', ok: 'op cb bankA bankB lp comp aud' },
    { method: 'GET', path: () => '/v1/scheme/proposals', ok: 'op cb aud' },
    { method: 'GET', path: () => '/v1/scheme/proposals/P-1', ok: '', hidden: 'op cb aud' },
    {
      method: 'POST',
      path: () => '/v1/scheme/proposals',
      body: {
        title: 't',
        rationale: 'r',
        changes: [{ op: 'replace', path: '/lsm/interval_minutes', value: 10 }],
        window_s: 3600,
        effective: 'next_business_day',
        signature: 'x',
      },
      ok: 'op cb',
    },
    { method: 'POST', path: () => '/v1/scheme/proposals/P-1/answers', body: { answer: 'approve', signature: 'x' }, ok: 'cb' },
    { method: 'POST', path: () => '/v1/scheme/proposals/P-1/withdraw', body: {}, ok: 'op cb' },
    { method: 'GET', path: () => `/v1/scheme/proposals/P-1/what-if?day=2025-09-01`, ok: '', hidden: 'op cb aud' },
    { method: 'GET', path: () => '/v1/scheme/audit', ok: 'op aud' },
  ];

  test('every route is in the matrix', () => {
    const covered = new Set(
      cases.map(
        (c) =>
          `${c.method} ${c
            .path()
            .replace(/\/[A-Z]{8}(?=\/|$)/g, '/:id')
            .replace(/\/central-banks\/:id\//, '/central-banks/:bic/')
            .replace(/\/[0-9a-f-]{36}/, '/:uetr')
            .replace(/\/(CNY|RUB)(?=\/|$|\?)/, '/:currency')
            .replace(/\/cases\/1\//, '/cases/:case_id/')
            .replace(/\/users\/comp2$/, '/users/:name')
            .replace(/\/keys\/[0-9a-f]{16}\//, '/keys/:id/')
            .replace(/\/webhooks\/wh_[0-9a-f]{16}/, '/webhooks/:id')
            .replace(/\/P-1(?=\/|$|\?)/, '/:id')
            .replace(/\?.*$/, '')}`,
      ),
    );
    for (const r of ROUTES) assert.ok(covered.has(`${r.method} ${r.url}`), `${r.method} ${r.url} not in the matrix`);
  });

  test('every route with every role, own and other data, and no key; every answer as the OpenAPI document says', async () => {
    const check = answerChecker((await (await fetch(`${fx.base}/openapi.json`)).json()) as OpenApiDoc);
    const undocumented: string[] = [];
    for (const c of cases) {
      const path = c.path();
      const ok = new Set(c.ok.split(' '));
      const hidden = new Set((c.hidden ?? '').split(' ').filter((s) => s !== ''));
      const bodyOf = (): unknown => (typeof c.body === 'function' ? (c.body as () => unknown)() : c.body);
      const anon = await fx.request(c.method, path, { user: null, body: bodyOf() });
      assert.equal(anon.status, 401, `${c.method} ${path} without a key`);
      assert.equal(anon.body.code, 'unauthenticated');
      for (const u of ALL_USERS.filter((x) => x !== 'comp2')) {
        const res = await fx.request(c.method, path, { user: u, body: bodyOf() });
        const what = `${c.method} ${path} as ${u} (${USERS[u]!.role}): ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        assert.ok(res.status < 500, what);
        if (res.status < 300) {
          const wrong = check(c.method, path, res.status, res.body, res.headers.get('content-type') ?? '');
          if (wrong !== null) undocumented.push(`${what}: ${wrong}`);
        }
        if (res.status >= 400) {
          assert.deepEqual(Object.keys(res.body).sort(), PROBLEM_MEMBERS, what);
          assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8', what);
          assert.equal(res.body.request_id, res.headers.get('x-request-id'), what);
        }
        if (ok.has(u)) assert.ok(![401, 403, 404].includes(res.status), `expected an answer: ${what}`);
        else if (hidden.has(u)) assert.equal(res.status, 404, `expected 404: ${what}`);
        else assert.equal(res.status, 403, `expected 403: ${what}`);
      }
    }
    assert.deepEqual(undocumented, [], 'answers that do not match their schema');
  });

  test('a participant submits as its own participant only, and sees only its own payments', async () => {
    const r = await fx.request('POST', '/v1/payments', { user: 'bankB', body: payment(A!, B!, 'CNY', '1.00') });
    assert.equal(r.status, 403);
    assert.equal(r.body.path, 'payer');
    const batch = await fx.request('POST', '/v1/payments', {
      user: 'bankA',
      body: { payments: [payment(A!, B!, 'CNY', '1.00'), payment(B!, A!, 'CNY', '1.00')] },
    });
    assert.equal(batch.status, 403);
    assert.equal(batch.body.path, 'payments[1].payer');
    const list = await fx.request('GET', '/v1/payments?limit=1000', { user: 'bankB' });
    assert.ok(list.body.payments.length > 0);
    for (const p of list.body.payments) assert.ok(p.payer === B || p.payee === B);
    const cbList = await fx.request('GET', '/v1/payments?currency=RUB', { user: 'cb' });
    assert.deepEqual(cbList.body.payments, []);
  });

  test('every write is attributed to its user in the audit trail', async () => {
    const audit = await fx.request('GET', '/v1/audit?limit=10000', { user: 'aud' });
    const by = new Set(audit.body.audit.map((a: { by: string }) => a.by));
    for (const u of ['op', 'cb', 'bankA', 'bankB', 'comp']) assert.ok(by.has(u), `${u} in the audit trail`);
    const last = fx.platform.auditTrail().filter((a) => a.action === 'submit_payments' && a.by === 'bankA');
    assert.ok(last.length > 0);
  });
});

describe('requests and errors', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApi('sqlite');
  });
  after(() => fx.close());

  test('malformed, unknown-field, wrong-type and oversized bodies', async () => {
    const bad = await fx.request('POST', `/v1/participants/${A}/funding`, { raw: '{"currency":', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'malformed_body');
    const unknown = await fx.request('POST', `/v1/participants/${A}/funding`, { body: { currency: 'CNY', amount: '1.00', extra: 1 } });
    assert.deepEqual([unknown.status, unknown.body.code, unknown.body.path], [400, 'invalid_field', 'extra']);
    const typed = await fx.request('POST', `/v1/participants/${A}/funding`, { body: { currency: 'CNY', amount: 5 } });
    assert.deepEqual([typed.status, typed.body.code, typed.body.path], [400, 'invalid_field', 'amount']);
    const nested = await fx.request('POST', '/v1/payments', {
      body: { payments: [payment(A!, B!, 'CNY', '1.00'), { ...payment(A!, B!, 'CNY', '1.00'), bogus: true }] },
    });
    assert.equal(nested.status, 400);
    assert.equal(nested.body.code, 'invalid_field');
    const big = await fx.request('POST', `/v1/participants/${A}/funding`, { body: { currency: 'CNY', amount: '1'.repeat(70_000) } });
    assert.deepEqual([big.status, big.body.code], [413, 'body_too_large']);
    const many = await fx.request('POST', '/v1/payments', {
      raw: JSON.stringify({ payments: [payment(A!, B!, 'CNY', '1.00', { remittance: 'x'.repeat(999) })] }).padEnd(11 * 1024 * 1024, ' '),
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual([many.status, many.body.code], [413, 'body_too_large']);
    const tooMany = await fx.request('POST', '/v1/payments', { body: { payments: Array.from({ length: 8190 }, () => payment(A!, B!, 'CNY', '1.00')) } });
    assert.deepEqual([tooMany.status, tooMany.body.code, tooMany.body.path], [400, 'invalid_field', 'payments']);
    const xml = await fx.request('POST', '/v1/payments', { raw: '<Document/>', headers: { 'content-type': 'application/xml' } });
    // The ISO 20022 seam (src/iso20022/submit.ts) answers; without it the API says 415.
    assert.ok([400, 422, 415].includes(xml.status), JSON.stringify(xml.body));
    assert.ok(['invalid_message', 'unsupported_media_type'].includes(xml.body.code));
    const text = await fx.request('POST', `/v1/participants/${A}/funding`, { raw: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    const q = await fx.request('GET', '/v1/payments?limit=0');
    assert.deepEqual([q.status, q.body.path], [400, 'query.limit']);
    const q2 = await fx.request('GET', '/v1/payments?colour=red');
    assert.deepEqual([q2.status, q2.body.path], [400, 'query.colour']);
    const nf = await fx.request('GET', '/v1/nothing');
    assert.deepEqual([nf.status, nf.body.code], [404, 'not_found']);
    const refused = await fx.request('POST', `/v1/participants/${A}/defunding`, { body: { currency: 'CNY', amount: '99999999999.00' } });
    assert.deepEqual([refused.status, refused.body.code, refused.body.path], [422, 'insufficient_funds', 'amount']);
    const badKey = await fx.request('GET', '/v1/me', { user: null, headers: { authorization: `Bearer ${fx.keys.op!.slice(0, -2)}xx` } });
    assert.equal(badKey.status, 401);
  });

  test('a payment: submitted, listed with filters, read with its history; amounts in minor units as strings', async () => {
    const p = payment(A!, B!, 'CNY', '12.34', { end_to_end_id: 'E2E-FILTER-1' });
    const r = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.payments, [{ uetr: p.uetr, state: 'settled' }]);
    const one = await fx.request('GET', `/v1/payments/${p.uetr}`, { user: 'bankB' });
    assert.equal(one.body.amount_minor, '1234');
    assert.deepEqual(
      one.body.history.map((h: { state: string }) => h.state),
      ['received', 'validated', 'screened', 'settled'],
    );
    const f = await fx.request('GET', `/v1/payments?end_to_end_id=E2E-FILTER-1&state=settled&currency=CNY&counterparty=${B}&limit=5`, { user: 'bankA' });
    assert.deepEqual(
      f.body.payments.map((x: { uetr: string }) => x.uetr),
      [p.uetr],
    );
    const bal = await fx.request('GET', `/v1/participants/${A}/balances`, { user: 'bankA' });
    assert.equal(typeof bal.body.balances[0].available_minor, 'string');
  });

  test('Idempotency-Key: same request replays the same answer; another request with the key is 409', async () => {
    const p = payment(A!, B!, 'CNY', '1.00');
    const h = { 'idempotency-key': 'pay-1' };
    const r1 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p, headers: h });
    const r2 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p, headers: h });
    assert.equal(r1.status, 200);
    assert.deepEqual([r2.status, r2.body], [r1.status, r1.body]);
    assert.equal(r2.headers.get('idempotent-replayed'), 'true');
    const r3 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: { ...p, amount: '2.00' }, headers: h });
    assert.deepEqual([r3.status, r3.body.code], [409, 'idempotency_conflict']);
    // Keys are per user: another user's same key is a different key.
    const other = await fx.request('POST', '/v1/payments', { user: 'op', body: payment(A!, B!, 'CNY', '1.00'), headers: h });
    assert.equal(other.status, 200);
    // A non-idempotent command runs once.
    const before = fx.platform.balance(fx.platform.participant(A!)!, 'CNY').available_minor;
    const f1 = await fx.request('POST', `/v1/participants/${A}/funding`, {
      body: { currency: 'CNY', amount: '5.00' },
      headers: { 'idempotency-key': 'fund-1' },
    });
    const f2 = await fx.request('POST', `/v1/participants/${A}/funding`, {
      body: { currency: 'CNY', amount: '5.00' },
      headers: { 'idempotency-key': 'fund-1' },
    });
    assert.deepEqual(f2.body, f1.body);
    assert.equal(fx.platform.balance(fx.platform.participant(A!)!, 'CNY').available_minor, before + 500n);
    // Concurrent requests with one key: one runs, the others wait and replay it.
    const q = payment(A!, B!, 'CNY', '1.00');
    const all = await Promise.all(
      Array.from({ length: 5 }, () => fx.request('POST', '/v1/payments', { user: 'bankA', body: q, headers: { 'idempotency-key': 'pay-concurrent' } })),
    );
    for (const x of all) assert.deepEqual(x.body, { payments: [{ uetr: q.uetr, state: 'settled' }] });
    // A refusal is replayed as well.
    const d1 = await fx.request('POST', `/v1/participants/${A}/defunding`, {
      body: { currency: 'CNY', amount: '99999999999.00' },
      headers: { 'idempotency-key': 'defund-1' },
    });
    const d2 = await fx.request('POST', `/v1/participants/${A}/defunding`, {
      body: { currency: 'CNY', amount: '99999999999.00' },
      headers: { 'idempotency-key': 'defund-1' },
    });
    assert.deepEqual([d2.status, d2.body], [422, d1.body]);
    const badKey = await fx.request('POST', '/v1/payments', { body: payment(A!, B!, 'CNY', '1.00'), headers: { 'idempotency-key': 'with space' } });
    assert.deepEqual([badKey.status, badKey.body.path], [400, 'Idempotency-Key']);
  });

  test('Idempotency-Key: the same JSON body with its fields in another order replays, not 409', async () => {
    const reversed = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).reverse());
    const p = payment(A!, B!, 'CNY', '1.00') as unknown as Record<string, unknown>;
    const h = { 'idempotency-key': 'pay-reordered' };
    const r1 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p, headers: h });
    const r2 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: reversed(p), headers: h });
    assert.equal(r1.status, 200);
    assert.deepEqual([r2.status, r2.body], [r1.status, r1.body]);
    assert.equal(r2.headers.get('idempotent-replayed'), 'true');
    // Nested objects too; arrays keep their order, so another order is another request.
    const items = [
      { id: 'i1', kind: 'government_bond', currency: 'CNY', market_value: '10.00', haircut_bp: 200 },
      { id: 'i2', kind: 'government_bond', currency: 'CNY', market_value: '20.00', haircut_bp: 200 },
    ];
    const k = { 'idempotency-key': 'facility-reordered' };
    const path = `/v1/participants/${A}/facilities/CNY`;
    const f1 = await fx.request('POST', path, { body: { items }, headers: k });
    const f2 = await fx.request('POST', path, { body: { items: items.map(reversed) }, headers: k });
    assert.deepEqual([f2.status, f2.body], [f1.status, f1.body]);
    const f3 = await fx.request('POST', path, { body: { items: [...items].reverse() }, headers: k });
    assert.deepEqual([f3.status, f3.body.code], [409, 'idempotency_conflict']);
  });

  test('the events stream shows a participant its own payments only', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${fx.base}/v1/events`, { headers: { authorization: `Bearer ${fx.keys.bankB}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const mine = payment(A!, B!, 'CNY', '1.00');
    const other = payment(RU1!, RU2!, 'RUB', '1.00');
    await fx.request('POST', '/v1/payments', { body: { payments: [other, mine] } });
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('"settled"') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctrl.abort();
    assert.ok(text.includes(mine.uetr as string), text);
    assert.ok(!text.includes(other.uetr as string), "another participant's payment leaked");
  });

  test('OpenAPI 3.1 document, docs page, health, readiness and metrics', async () => {
    const doc = await fx.request('GET', '/openapi.json', { user: null });
    assert.equal(doc.body.openapi, '3.1.0');
    for (const r of ROUTES) {
      const op = doc.body.paths[r.url.replace(/:([a-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      assert.ok(op !== undefined, `${r.method} ${r.url} documented`);
      assert.deepEqual(op['x-roles'], [...r.roles]);
    }
    const payments = doc.body.paths['/v1/payments'].post.requestBody.content['application/json'].schema;
    assert.deepEqual([payments.then.title, payments.else.title], ['PaymentBatch', 'PaymentInstruction']);
    const docs = await fetch(`${fx.base}/docs`);
    assert.match(await docs.text(), /\/v1\/payments/);
    assert.equal((await fx.request('GET', '/healthz', { user: null })).status, 200);
    assert.equal((await fx.request('GET', '/readyz', { user: null })).status, 200);
    const m = await fetch(`${fx.base}/metrics`);
    const text = await m.text();
    for (const name of [
      'sco_settle_http_request_duration_seconds',
      'sco_settle_payments',
      'sco_settle_rtgs_queue_depth',
      'sco_settle_payment_batch_commit_seconds',
    ])
      assert.ok(text.includes(name), name);
  });
});

test('rate limit per key: 429 with Retry-After', async () => {
  const fx = await startApi('sqlite', { rateLimit: { rate: 1, burst: 3 }, seed: false });
  try {
    const codes: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await fx.request('GET', '/v1/me', { user: 'aud' });
      codes.push(r.status);
      if (r.status === 429) {
        retry = r.headers.get('retry-after');
        assert.equal(r.body.code, 'rate_limited');
      }
    }
    assert.deepEqual(codes.slice(0, 3), [200, 200, 200]);
    assert.equal(codes[4], 429);
    assert.ok(Number(retry) >= 1);
    // Another key has its own bucket.
    assert.equal((await fx.request('GET', '/v1/me', { user: 'op' })).status, 200);
  } finally {
    await fx.close();
  }
});

test('central bank users are scoped to their currency; LP users to their own participant', async () => {
  const fx = await startApi('sqlite');
  try {
    const parts = await fx.request('GET', '/v1/participants', { user: 'cb' });
    for (const p of parts.body.participants) assert.ok(p.currencies.includes('CNY'));
    const bal = await fx.request('GET', `/v1/participants/${LP}/balances`, { user: 'cb' });
    assert.deepEqual(
      bal.body.balances.map((b: { currency: string }) => b.currency),
      ['CNY'],
    );
    const lp = await fx.request('GET', '/v1/participants', { user: 'lp' });
    assert.deepEqual(
      lp.body.participants.map((p: { id: string }) => p.id),
      [LP],
    );
    const fund = await fx.request('POST', `/v1/participants/${LP}/funding`, { user: 'cb', body: { currency: 'RUB', amount: '1.00' } });
    assert.equal(fund.status, 403);
    assert.equal(CB.CNY, USERS.cb!.participant);
  } finally {
    await fx.close();
  }
});

test('a liquidity provider publishes a quote, a bank locks it and pays PvP at that price', async () => {
  const fx = await startApi('sqlite');
  try {
    const other = await fx.request('POST', '/v1/quotes', {
      user: 'lp',
      body: { provider: A, base: 'RUB', quote: 'CNY', valid_s: 600, tiers: [{ min: '1.00', max: '1000.00', bid: '0.08', ask: '0.09' }] },
    });
    assert.equal(other.status, 404, 'an LP user quotes for its own participant only');
    const pub = await fx.request('POST', '/v1/quotes', {
      user: 'lp',
      body: { provider: LP, base: 'RUB', quote: 'CNY', valid_s: 600, tiers: [{ min: '1.00', max: '100000.00', bid: '0.0850', ask: '0.0900' }] },
    });
    assert.equal(pub.status, 200, JSON.stringify(pub.body));
    // Rules 3: a lock is the payer's (and its user's): the operator locks for RU1 and pays as RU1.
    const lock = await fx.request('POST', '/v1/quotes/lock', { user: 'op', body: { base: 'RUB', quote: 'CNY', amount: '100.00', participant: RU1 } });
    assert.equal(lock.status, 200, JSON.stringify(lock.body));
    assert.equal(lock.body.price, '0.0850');
    const pay = await fx.request('POST', '/v1/payments', {
      user: 'op',
      body: payment(RU1!, A!, 'RUB', '100.00', { payee_currency: 'CNY', quote_id: lock.body.quote_id }),
    });
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    const uetr = pay.body.payments[0].uetr as string;
    const got = await fx.request('GET', `/v1/payments/${uetr}`, { user: 'op' });
    assert.equal(got.body.state, 'settled', JSON.stringify(got.body).slice(0, 300));
    assert.equal(got.body.payee_amount_minor, '850');
    assert.match(got.body.fx.source, /quote Q[A-Za-z0-9_-]{16} /);
  } finally {
    await fx.close();
  }
});

describe('no tipping-off: a held payment as each role sees it (issue 20)', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApi('sqlite');
  });
  after(() => fx.close());

  /** Reads an event stream until `until` appears in it (or 5 s pass). */
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean): Promise<string> {
    let text = '';
    const deadline = Date.now() + 5000;
    while (!until(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return text;
  }

  async function stream(user: string): Promise<{ reader: ReadableStreamDefaultReader<Uint8Array>; ctrl: AbortController }> {
    const ctrl = new AbortController();
    const res = await fetch(`${fx.base}/v1/events`, { headers: { authorization: `Bearer ${fx.keys[user]}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    return { reader: res.body!.getReader(), ctrl };
  }

  test('banks see held without screening detail, case or the other bank user; compliance sees it all', async () => {
    const toB = await stream('bankB');
    const toComp = await stream('comp');
    const held = payment(A!, B!, 'CNY', '3.00');
    const uetr = held.uetr as string;
    const out = await fx.platform.execute({ type: 'submit_payments', payments: [held], screening: [{ hit: true, score: 1, list_version: 'L7' }] }, 'bankA');
    assert.ok(out.ok);
    const bStream = await readUntil(toB.reader, (t) => t.includes('"held"'));
    const compStream = await readUntil(toComp.reader, (t) => t.includes('"held"'));
    toB.ctrl.abort();
    toComp.ctrl.abort();
    assert.ok(bStream.includes(uetr) && bStream.includes('"held"'), bStream);
    for (const secret of ['screening hit', 'L7', 'case ']) assert.ok(!bStream.includes(secret), `${secret} in the bank's stream: ${bStream}`);
    assert.ok(compStream.includes('screening hit 1.000 (list L7)'), compStream);
    // The payment as the payee bank sees it, alone and in the list: held, no detail, no case, no other bank's user.
    const asB = await fx.request('GET', `/v1/payments/${uetr}`, { user: 'bankB' });
    const listB = await fx.request('GET', '/v1/payments?state=held', { user: 'bankB' });
    for (const view of [asB.body, listB.body.payments.find((x: { uetr: string }) => x.uetr === uetr)]) {
      assert.equal(view.state, 'held');
      assert.equal(view.case_id, null);
      assert.equal(view.submitted_by, undefined);
      const text = JSON.stringify(view);
      for (const secret of ['screening hit', 'L7', 'case ', 'bankA']) assert.ok(!text.includes(secret), `${secret} shown to the payee bank: ${text}`);
      assert.equal(view.history.at(-1).detail, 'held for compliance review');
    }
    // The payer bank sees its own user, still no screening detail.
    const asA = await fx.request('GET', `/v1/payments/${uetr}`, { user: 'bankA' });
    assert.equal(asA.body.submitted_by, 'bankA');
    assert.ok(!JSON.stringify(asA.body).includes('screening hit'));
    // The dashboard's messages download carries no detail either.
    const msgs = await fx.request('GET', `/v1/payments/${uetr}/messages`, { user: 'bankB' });
    assert.equal(msgs.status, 200);
    assert.ok(!/screening hit|case \d/.test(JSON.stringify(msgs.body)));
    // Compliance, the operator and the auditor see the full record.
    for (const user of ['comp', 'op', 'aud']) {
      const v = (await fx.request('GET', `/v1/payments/${uetr}`, { user })).body;
      assert.equal(typeof v.case_id, 'number', user);
      assert.equal(v.submitted_by, 'bankA', user);
      assert.match(v.history.at(-1).detail, /^screening hit 1\.000 \(list L7\); case \d+$/, user);
    }
    // Released by two officers: the bank does not see who decided, nor the case.
    const caseId = (await fx.request('GET', `/v1/payments/${uetr}`, { user: 'comp' })).body.case_id;
    for (const user of ['comp', 'comp2']) await fx.request('POST', `/v1/cases/${caseId}/decision`, { user, body: { decision: 'release' } });
    const after = await fx.request('GET', `/v1/payments/${uetr}`, { user: 'bankB' });
    assert.notEqual(after.body.state, 'held');
    assert.ok(!/compliance case|comp2|case \d/.test(JSON.stringify(after.body)), JSON.stringify(after.body));
    const full = await fx.request('GET', `/v1/payments/${uetr}`, { user: 'aud' });
    assert.ok(JSON.stringify(full.body).includes(`compliance case ${caseId}: released by`), JSON.stringify(full.body));
    // Still held at the close of the day: under rules 3 it stays held (the case carries over to the
    // next business day); the bank's view and its pacs.002 name no case, nor does the journaled outcome.
    const late = payment(A!, B!, 'CNY', '4.00');
    await fx.platform.execute({ type: 'submit_payments', payments: [late], screening: [{ hit: true, score: 1, list_version: 'L7' }] }, 'bankA');
    assert.equal((await fx.request('POST', '/v1/day/close', { user: 'op' })).status, 200);
    const closed = await fx.request('GET', `/v1/payments/${late.uetr}`, { user: 'bankB' });
    assert.equal(closed.body.state, 'held');
    const lateMsgs = await fx.request('GET', `/v1/payments/${late.uetr}/messages`, { user: 'bankB' });
    for (const text of [JSON.stringify(closed.body), JSON.stringify(lateMsgs.body)]) assert.ok(!/case \d|screening hit/.test(text), text);
    const lateFull = await fx.request('GET', `/v1/payments/${late.uetr}`, { user: 'comp' });
    assert.match(lateFull.body.history.at(-1).detail, /^still held at the close of 2025-09-01: value date moved to 2025-09-02$/);
    assert.equal(typeof lateFull.body.case_id, 'number', 'officers see the case through the case views');
  });
});

test("a bank's XML cancellation of another bank's payment is answered as for an unknown payment (issue 20)", async () => {
  const fx = await startApi('sqlite');
  try {
    const queued = payment(A!, B!, 'CNY', '99999999.00');
    await fx.platform.run({ type: 'submit_payments', payments: [queued], screening: [null] });
    const p = fx.platform.payment(queued.uetr as string)!;
    assert.equal(p.state, 'queued');
    const original = pacs008OfPayment(p, { message_id: 'ORIG-1', creation_date_time: '2025-09-01T10:00:00Z' });
    const doc = cancellationRequest({
      assignment_id: 'CXL-1',
      creation_date_time: '2025-09-01T11:00:00Z',
      assigner_bic: A!, // B's user names the payer as the asker
      assignee_bic: 'SCOSCNBJ',
      payments: originalRefs(original),
      reason: 'DUPL',
    });
    const real = buildMessage({ message_type: 'camt.056.001.08', document: doc });
    const ghostUetr = crypto.randomUUID();
    const ghost = real.split(p.instruction.uetr).join(ghostUetr);
    const ask = async (xml: string, uetr: string) => {
      const r = await fx.request('POST', '/v1/payments', { user: 'bankB', raw: xml, headers: { 'content-type': 'application/xml' } });
      return {
        status: r.status,
        text: JSON.stringify(r.body)
          .split(uetr)
          .join('UETR')
          .replace(/\b[0-9a-z]{30,}\b/g, 'ID'),
      };
    };
    const mine = await ask(real, p.instruction.uetr);
    const unknown = await ask(ghost, ghostUetr);
    assert.deepEqual(mine, unknown);
    assert.equal(mine.status, 200);
    assert.match(mine.text, /"reason":"NOOR"/);
    assert.equal(fx.platform.payment(p.instruction.uetr)!.state, 'queued');
  } finally {
    await fx.close();
  }
});

test('a batch over HTTP: duplicates within it and of an earlier batch answered DUPL, the rest settled; the query index holds their transfers and balances as the ledger does (issue 18)', async () => {
  const fx = await startApi('sqlite');
  try {
    const first = Array.from({ length: 20 }, (_, i) => payment(A!, B!, 'CNY', `${i + 1}.00`));
    const r1 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: { payments: first } });
    assert.equal(r1.status, 200);
    assert.deepEqual(
      r1.body.payments.map((p: { state: string }) => p.state),
      first.map(() => 'settled'),
    );
    const fresh = Array.from({ length: 10 }, (_, i) => payment(A!, B!, 'CNY', `0.${String(i + 1).padStart(2, '0')}`));
    const second = [fresh[0]!, first[3]!, fresh[1]!, fresh[0]!, ...fresh.slice(2)];
    const r2 = await fx.request('POST', '/v1/payments', { user: 'bankA', body: { payments: second } });
    assert.equal(r2.status, 200);
    assert.deepEqual(
      r2.body.payments.map((p: { state: string; reason?: string }) => p.reason ?? p.state),
      ['settled', 'DUPL', 'settled', 'DUPL', ...fresh.slice(2).map(() => 'settled')],
    );
    const all = [...first, ...fresh].map((p) => fx.platform.payment(p.uetr as string)!);
    assert.ok(all.every((p) => p.state === 'settled'));
    // Each at its own position, newest first.
    const list = await fx.request('GET', '/v1/payments?limit=100', { user: 'bankA' });
    assert.deepEqual(
      list.body.payments.map((p: { uetr: string }) => p.uetr),
      [...first, ...fresh].map((p) => p.uetr).reverse(),
    );
    const ids = all.flatMap((p) => p.transfer_ids.map((id) => BigInt(id)));
    const indexed = await fx.platform.transfers(ids);
    assert.deepEqual(
      indexed.map((t) => t.id),
      ids,
    );
    const accounts = new Set(indexed.flatMap((t) => [t.debit_account_id, t.credit_account_id]));
    let histories = 0;
    for (const id of accounts) {
      const now = fx.platform.ledgerAccount(id)!;
      const h = await fx.platform.accountBalanceAt(id, 1n << 62n);
      if (h === null) continue; // no balance history kept for this account
      histories++;
      assert.deepEqual([h.debits_posted, h.credits_posted], [now.debits_posted, now.credits_posted]);
    }
    assert.ok(histories > 0, 'an account with a balance history');
  } finally {
    await fx.close();
  }
});
