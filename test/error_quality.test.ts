// Error quality (issue 20, defect 7): every bad input gets the project's error body
// {code,message,path} with a stable code and the field at fault. Over real loopback
// HTTP (raw sockets where fetch cannot send the request) on a SQLite store:
// schema errors of a single JSON payment name the field, the payment amount
// grammar (no sign, no exponent, at most 18 digits), and the rejections fastify
// and Node's HTTP parser make before a route runs.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { formatScaled } from '../src/fx/rational.js';
import { AMOUNT_DIGITS_MAX, readAmount } from '../src/platform/amounts.js';
import { RecordingLedger } from '../src/journal/command.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { PlatformStateMachine } from '../src/platform/state_machine.js';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, BUSINESS_DATE, CB, DAY_START_NS, payment } from './support/platform.js';

const [A, B] = BANKS;

/** Sends raw bytes to the server and reads the whole answer (the server closes, or 2 s pass). */
function rawRequest(base: string, bytes: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const done = (): void => {
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      const head = at < 0 ? text : text.slice(0, at);
      let body = at < 0 ? '' : text.slice(at + 4);
      if (/transfer-encoding: chunked/i.test(head)) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      resolve({ status: m === null ? 0 : Number(m[1]), headers: head, body });
    };
    const timer = setTimeout(() => {
      sock.destroy();
      done();
    }, 2_000);
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => (chunks.length > 0 ? undefined : reject(e)));
    sock.on('close', () => {
      clearTimeout(timer);
      done();
    });
    sock.write(bytes);
  });
}

/** The members of every error answer: RFC 9457's and the project's (src/http/errors.ts). */
const PROBLEM_MEMBERS = ['code', 'detail', 'errors', 'message', 'path', 'request_id', 'status', 'title', 'type'];

/** The project's error body (RFC 9457 problem details), parsed, with a stable snake_case code and a string path. */
function projectError(body: string): { code: string; message: string; path: string } {
  let e: { code?: unknown; message?: unknown; path?: unknown };
  try {
    e = JSON.parse(body);
  } catch {
    assert.fail(`not JSON: ${JSON.stringify(body.slice(0, 200))}`);
  }
  assert.deepEqual(Object.keys(e).sort(), PROBLEM_MEMBERS, body);
  const p = e as { detail?: unknown; type?: unknown; errors?: Array<{ field: string }> };
  assert.equal(p.detail, e.message, body);
  assert.equal(p.type, `urn:sco-settle:error:${String(e.code)}`, body);
  assert.equal(p.errors?.[0]?.field, e.path, 'the first of errors[] is the path');
  assert.match(String(e.code), /^[a-z][a-z_]*$/, body);
  assert.equal(typeof e.message, 'string');
  assert.equal(typeof e.path, 'string');
  return e as { code: string; message: string; path: string };
}

describe('API error quality', () => {
  let fx: ApiFixture;
  let host: string;
  let auth: string;
  before(async () => {
    fx = await startApi('sqlite');
    host = new URL(fx.base).host;
    auth = `Bearer ${fx.keys.op}`;
  });
  after(() => fx.close());

  test('a schema error in a single JSON payment names its field, as the batch form does', async () => {
    const wrongType = await fx.request('POST', '/v1/payments', { body: { ...payment(A!, B!, 'CNY', '1.00'), amount: 5 } });
    assert.deepEqual([wrongType.status, wrongType.body.code, wrongType.body.path], [400, 'invalid_field', 'amount'], JSON.stringify(wrongType.body));
    const { currency: _c, ...noCurrency } = payment(A!, B!, 'CNY', '1.00');
    const missing = await fx.request('POST', '/v1/payments', { body: noCurrency });
    assert.deepEqual([missing.status, missing.body.code, missing.body.path], [400, 'invalid_field', 'currency'], JSON.stringify(missing.body));
    const unknown = await fx.request('POST', '/v1/payments', { body: { ...payment(A!, B!, 'CNY', '1.00'), colour: 'red' } });
    assert.deepEqual([unknown.status, unknown.body.path, unknown.body.message], [400, 'colour', 'unknown field']);
    const batch = await fx.request('POST', '/v1/payments', { body: { payments: [{ ...payment(A!, B!, 'CNY', '1.00'), amount: 5 }] } });
    assert.deepEqual([batch.status, batch.body.code, batch.body.path], [400, 'invalid_field', 'payments[0].amount']);
    const empty = await fx.request('POST', '/v1/payments', { body: { payments: [] } });
    assert.deepEqual([empty.status, empty.body.path], [400, 'payments']);
    const good = await fx.request('POST', '/v1/payments', { body: payment(A!, B!, 'CNY', '1.00') });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal(good.body.payments[0].state, 'settled');
  });

  test('payment amounts: no sign, exponent or whitespace; too many digits says so', async () => {
    const cases: Array<[string, RegExp]> = [
      ['+1', /not an amount/],
      ['-1', /not an amount/],
      ['1e3', /not an amount/],
      [' 1', /not an amount/],
      ['1 ', /not an amount/],
      ['1.', /not an amount/],
      ['.5', /not an amount/],
      ['1.234', /3 decimals.*2 minor units/],
      ['1'.repeat(39), /too many digits.*41 digits.*at most 18/],
      ['1'.repeat(17), /too many digits.*19 digits.*at most 18/],
      ['0.00', /greater than zero/],
    ];
    for (const [amount, why] of cases) {
      const r = await fx.request('POST', '/v1/payments', { body: { payments: [payment(A!, B!, 'CNY', amount)] } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const out = r.body.payments[0];
      assert.deepEqual([out.state, out.reason, out.field], ['rejected', 'AM12', 'payments[0].amount'], `${JSON.stringify(amount)}: ${JSON.stringify(out)}`);
      assert.match(out.detail, why, `${JSON.stringify(amount)}: ${out.detail}`);
    }
    // 18 digits in minor units is the most ISO 20022 carries, and it reads.
    const most = await fx.request('POST', '/v1/payments', { body: payment(A!, B!, 'CNY', '9'.repeat(16) + '.99') });
    assert.notEqual(most.body.payments[0].reason, 'AM12', JSON.stringify(most.body));
  });

  test('a funding amount of 39 digits is refused for its digits, not its decimals', async () => {
    const r = await fx.request('POST', `/v1/participants/${A}/funding`, { body: { currency: 'CNY', amount: '1'.repeat(39) } });
    assert.deepEqual([r.status, r.body.code, r.body.path], [400, 'invalid_field', 'amount'], JSON.stringify(r.body));
    assert.match(r.body.message, /too many digits.*41 digits.*at most 18/);
    const plus = await fx.request('POST', `/v1/participants/${A}/funding`, { body: { currency: 'CNY', amount: '+1' } });
    assert.deepEqual([plus.status, plus.body.code, plus.body.path], [400, 'invalid_field', 'amount']);
  });

  test('bad URL encoding', async () => {
    const r = await rawRequest(fx.base, `GET /v1/payments/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${auth}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 400);
    assert.equal(projectError(r.body).code, 'bad_url');
  });

  test('414: a path parameter or a request line too long', async () => {
    const long = await fx.request('GET', `/v1/payments/${'a'.repeat(500)}`);
    assert.equal(long.status, 414);
    assert.equal(projectError(JSON.stringify(long.body)).code, 'uri_too_long');
    const huge = await rawRequest(fx.base, `GET /v1/payments?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    assert.equal(huge.status, 414);
    assert.equal(projectError(huge.body).code, 'uri_too_long');
  });

  test('431: headers too large', async () => {
    const r = await rawRequest(fx.base, `GET /v1/me HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    assert.equal(r.status, 431);
    assert.equal(projectError(r.body).code, 'headers_too_large');
  });

  test('a NUL in a header, and a request Node cannot parse', async () => {
    const nul = await rawRequest(fx.base, `GET /v1/me HTTP/1.1\r\nHost: ${host}\r\nX-Bad: a\u0000b\r\n\r\n`);
    assert.equal(nul.status, 400);
    assert.equal(projectError(nul.body).code, 'malformed_request');
    const garbage = await rawRequest(fx.base, 'NOT HTTP AT ALL\r\n\r\n');
    assert.equal(garbage.status, 400);
    assert.equal(projectError(garbage.body).code, 'malformed_request');
  });

  test('bad JSON, wrong content type, empty JSON body, body too large', async () => {
    const bad = await fx.request('POST', '/v1/payments', { raw: '{"payments": [', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([bad.status, projectError(JSON.stringify(bad.body)).code], [400, 'malformed_body']);
    const type = await fx.request('POST', '/v1/payments', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.deepEqual([type.status, projectError(JSON.stringify(type.body)).code], [415, 'unsupported_media_type']);
    const noType = await rawRequest(
      fx.base,
      `POST /v1/payments HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(noType.status, 400);
    projectError(noType.body);
    const big = await fx.request('POST', `/v1/participants/${A}/funding`, { body: { currency: 'CNY', amount: '1'.repeat(70_000) } });
    assert.deepEqual([big.status, projectError(JSON.stringify(big.body)).code], [413, 'body_too_large']);
    const badLength = await rawRequest(
      fx.base,
      `POST /v1/payments HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{}`,
    );
    assert.equal(badLength.status, 413);
    assert.equal(projectError(badLength.body).code, 'body_too_large');
  });
});

/** Runs commands on a fresh platform state machine under one rules version; returns each output. */
function runUnder(
  rules_version: number,
  commands: Record<string, unknown>[],
): Array<{ ok: boolean; result?: unknown; error?: { code: string; field: string; message: string } }> {
  const sm = new PlatformStateMachine();
  const ledger = new LedgerStateMachine();
  let now = DAY_START_NS;
  return commands.map((c) => {
    now += 1_000n;
    return JSON.parse(sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version).text);
  });
}

const SCHEME = [
  { type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] },
  { type: 'register_participant', id: A, kind: 'bank', name: 'Bank of China', country: 'CN', currencies: ['CNY'] },
  { type: 'register_participant', id: B, kind: 'bank', name: 'ICBC', country: 'CN', currencies: ['CNY'] },
  { type: 'open_day', date: BUSINESS_DATE, default_cutoff: '17:00' },
  { type: 'fund', participant: A, currency: 'CNY', amount: '100.00' },
];

describe('amount grammar by rules version', () => {
  test('rules 3 refuses "+1" and 19 digits; rules 1 and 2 replay them as they ran', () => {
    const plus = payment(A!, B!, 'CNY', '+1');
    const long = payment(A!, B!, 'CNY', '1'.repeat(17));
    const submit = { type: 'submit_payments', payments: [plus, long] };
    for (const v of [1, 2]) {
      const out = runUnder(v, [...SCHEME, submit]).at(-1)!;
      const [p, l] = (out.result as { payments: Array<{ state: string; reason?: string; detail?: string }> }).payments;
      assert.equal(p!.state, 'settled', `rules ${v}: ${JSON.stringify(p)}`);
      // 17 integer digits: within 128 bits, so it was read and queued for lack of funds.
      assert.equal(l!.state, 'queued', `rules ${v}: ${JSON.stringify(l)}`);
    }
    const out = runUnder(3, [...SCHEME, submit]).at(-1)!;
    const [p, l] = (out.result as { payments: Array<{ state: string; reason?: string; detail?: string }> }).payments;
    assert.deepEqual([p!.state, p!.reason], ['rejected', 'AM12']);
    assert.deepEqual([l!.state, l!.reason], ['rejected', 'AM12']);
    assert.match(l!.detail!, /too many digits.*19 digits/);
  });

  test('a 39-digit amount: the old wording under rules 2, the digits under rules 3', () => {
    const long = payment(A!, B!, 'CNY', '1'.repeat(39));
    const fund = { type: 'fund', participant: A, currency: 'CNY', amount: '1'.repeat(39) };
    const v2 = runUnder(2, [...SCHEME, { type: 'submit_payments', payments: [long] }, fund]);
    assert.match((v2.at(-2)!.result as { payments: Array<{ detail: string }> }).payments[0]!.detail, /at most 2 decimals/);
    assert.match(v2.at(-1)!.error!.message, /at most 2 decimals/);
    const v3 = runUnder(3, [...SCHEME, { type: 'submit_payments', payments: [long] }, fund]);
    assert.match((v3.at(-2)!.result as { payments: Array<{ detail: string }> }).payments[0]!.detail, /too many digits.*41 digits.*at most 18/);
    assert.deepEqual([v3.at(-1)!.error!.code, v3.at(-1)!.error!.field], ['invalid_field', 'amount']);
    assert.match(v3.at(-1)!.error!.message, /too many digits.*41 digits.*at most 18/);
  });
});

describe('the amount grammar (src/platform/amounts.ts)', () => {
  test('every amount of at most 18 digits in minor units reads back exactly, written with any decimals up to the minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 3 }), (mu, minor, zeros) => {
        const text = '0'.repeat(zeros) + formatScaled(minor, mu);
        const r = readAmount(text, mu, 'XXX');
        assert.deepEqual(r, { ok: true, minor }, text);
      }),
    );
  });

  test('a sign, an exponent, spaces or one digit too many: refused, saying which', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.constantFrom('+', '-', ' ', 'e2', '\u00a0', '_'), fc.boolean(), (n, junk, front) => {
        const text = front ? junk + String(n) : String(n) + junk;
        const r = readAmount(text, 0, 'JPY');
        assert.equal(r.ok, false, text);
        assert.equal(r.ok === false && r.kind, 'format', text);
      }),
    );
    const long = readAmount('1'.repeat(AMOUNT_DIGITS_MAX - 1), 2, 'CNY');
    assert.equal(long.ok === false && long.kind, 'digits');
    assert.deepEqual(readAmount('1'.repeat(AMOUNT_DIGITS_MAX), 0, 'JPY'), { ok: true, minor: BigInt('1'.repeat(AMOUNT_DIGITS_MAX)) });
  });
});
