// The typed client (src/client) against the server's contract (issue 19):
// at compile time its answer types and the server's response schemas accept
// each other; its table of operations is the OpenAPI document's (same ids,
// methods and paths, none missing); and against a real `sco-settle serve`
// process its round trips work and every answer it receives validates against
// the document. The examples/ scripts run against the same server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Static, TSchema } from '@sinclair/typebox';
import { ApiProblem, OPERATIONS, ScoSettleClient, type OperationId } from '../src/client/client.js';
import type * as C from '../src/client/types.js';
import type * as R from '../src/api/responses.js';
import { serveTestStore, type Served } from './support/served.js';
import { answerChecker, type OpenApiDoc } from './support/openapi.js';
import { BANKS } from './support/platform.js';

const [A, B] = BANKS;

// ---- compile time: each client type and the server's schema accept each other ----
type Same<X, Y> = [X] extends [Y] ? ([Y] extends [X] ? true : false) : false;
type Check<T extends true> = T;
type S<T extends TSchema> = Static<T>;
export type ClientMatchesServer = [
  Check<Same<C.Payment, S<typeof R.Payment>>>,
  Check<Same<C.PaymentList, S<typeof R.PaymentList>>>,
  Check<Same<C.PaymentsResponse, S<typeof R.PaymentsResponse>>>,
  Check<Same<C.Participant, S<typeof R.Participant>>>,
  Check<Same<C.Balance, S<typeof R.Balance>>>,
  Check<Same<C.FundingResult, S<typeof R.FundingResult>>>,
  Check<Same<C.Facility, S<typeof R.CollateralResult>>>,
  Check<Same<C.BusinessDay, S<typeof R.BusinessDay>>>,
  Check<Same<C.SettlementWindow, S<typeof R.Window>>>,
  Check<Same<C.LsmRun, S<typeof R.LsmRun>>>,
  Check<Same<C.QuoteLock, S<typeof R.QuoteLock>>>,
  Check<Same<C.Quote, S<typeof R.Quote>>>,
  Check<Same<C.User, S<typeof R.User>>>,
  Check<Same<C.ApiKey, S<typeof R.Key>>>,
  Check<Same<C.WebhookSubscription, S<typeof R.Webhook>>>,
  Check<Same<C.WebhookDeliveries, S<typeof R.WebhookDeliveries>>>,
  Check<Same<C.WebhookDelivery, S<typeof R.WebhookDelivery>>>,
  Check<Same<C.PaymentChange, S<typeof R.PaymentChange>>>,
  Check<Same<C.Problem, S<typeof R.Problem>>>,
  Check<Same<C.Me, S<typeof R.Me>>>,
  Check<Same<C.AuditRecord, S<typeof R.AuditList>['audit'][number]>>,
  Check<Same<C.ParticipantList, S<typeof R.ParticipantList>>>,
  // The case and proposal item types are looser on the server's side (an open screening object, member patterns): the page's shape is checked.
  Check<Same<C.CaseList['next_cursor'], S<typeof R.CaseList>['next_cursor']>>,
  Check<Same<C.AuditList, S<typeof R.AuditList>>>,
  Check<Same<C.UserList, S<typeof R.UserList>>>,
  Check<Same<C.KeyList, S<typeof R.KeyList>>>,
  Check<Same<C.WebhookList, S<typeof R.WebhookList>>>,
  Check<Same<C.SchemeProposalList['next_cursor'], S<typeof R.ProposalList>['next_cursor']>>,
];

interface Seen {
  method: string;
  url: string;
  status: number;
  type: string;
  body: unknown;
}

/** A client whose every answer is recorded (to be checked against the document). */
function recordingClient(srv: Served, user: string, seen: Seen[]): ScoSettleClient {
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json') || type.includes('xml')) {
      const text = await res.clone().text();
      seen.push({ method: init?.method ?? 'GET', url: String(input), status: res.status, type, body: type.includes('json') ? JSON.parse(text) : text });
    }
    return res;
  };
  return new ScoSettleClient({ baseUrl: srv.base, apiKey: srv.keys[user]!, fetch: recording });
}

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [resolve('dist/examples', script), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => {
      stdout += d;
    });
    c.stderr.on('data', (d) => {
      stderr += d;
    });
    c.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

test('the typed client: its operations are the document, its round trips against a real server validate against it, and the examples run', {
  timeout: 180_000,
}, async () => {
  const srv = await serveTestStore('client');
  try {
    const doc = (await (await fetch(`${srv.base}/openapi.json`)).json()) as OpenApiDoc;
    // The table of operations is the document's.
    const inDoc = new Map<string, [string, string]>();
    for (const [path, ops] of Object.entries(doc.paths)) for (const [m, op] of Object.entries(ops)) inDoc.set(op.operationId, [m.toUpperCase(), path]);
    assert.deepEqual([...inDoc.keys()].sort(), Object.keys(OPERATIONS).sort(), 'the client has every operation of the document and no other');
    for (const [id, [m, p]] of Object.entries(OPERATIONS)) assert.deepEqual(inDoc.get(id), [m, p], id);

    const seen: Seen[] = [];
    const bank = recordingClient(srv, 'bankA', seen);
    const op = recordingClient(srv, 'op', seen);
    assert.deepEqual(await bank.me(), { name: 'bankA', role: 'participant', participant: A });
    const before = (await bank.getBalances(A!)).balances.find((b) => b.currency === 'CNY')!;
    assert.equal(before.available, '1000000.00');
    assert.equal(before.available_minor, '100000000');

    // Submit (idempotent), read, list with a cursor and updated_since.
    const since = new Date().toISOString();
    const uetrs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const uetr = randomUUID();
      const p = { uetr, end_to_end_id: `CL-${i}`, payer: A!, payee: B!, currency: 'CNY', amount: `1${i}.05` };
      const r = await bank.submitPayment(p, { idempotencyKey: `k-${uetr}` });
      assert.deepEqual(r, { uetr, state: 'settled' });
      assert.deepEqual(await bank.submitPayment(p, { idempotencyKey: `k-${uetr}` }), r, 'a keyed retry gets the same answer');
      uetrs.push(uetr);
    }
    const one = await bank.getPayment(uetrs[2]!);
    assert.equal(one.amount, '12.05');
    assert.equal(one.amount_minor, '1205');
    assert.match(one.history[0]!.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    assert.equal(BigInt(Date.parse(one.history[0]!.at)) * 1_000_000n <= BigInt(one.history[0]!.at_ns), true);
    const page1 = await bank.listPayments({ limit: 2 });
    assert.equal(page1.payments.length, 2);
    assert.notEqual(page1.next_cursor, null);
    const page2 = await bank.listPayments({ limit: 2, cursor: page1.next_cursor! });
    assert.deepEqual(
      [...page1.payments, ...page2.payments].map((p) => p.uetr),
      [...uetrs].reverse().slice(0, 4),
      'pages follow each other, newest first, without overlap',
    );
    const all: string[] = [];
    for await (const p of bank.allPayments({ limit: 2, updated_since: since })) all.push(p.uetr);
    assert.deepEqual(all, [...uetrs].reverse());
    assert.deepEqual((await bank.listPayments({ updated_since: new Date(Date.now() + 60_000).toISOString() })).payments, []);

    // Errors: problem details with every failing field.
    await assert.rejects(
      bank.submitPayment({
        uetr: randomUUID(),
        end_to_end_id: 'x',
        payer: A!,
        payee: B!,
        currency: 'CNY',
        amount: '1',
        purpose: 'x'.repeat(40),
        priority: 'soon' as never,
      }),
      (e: unknown) => {
        assert.ok(e instanceof ApiProblem);
        assert.equal(e.status, 400);
        assert.equal(e.code, 'invalid_field');
        assert.deepEqual(e.problem.errors.map((f) => f.field).sort(), ['priority', 'purpose']);
        assert.equal(e.problem.type, 'urn:sco-settle:error:invalid_field');
        return true;
      },
    );
    await assert.rejects(bank.getPayment(randomUUID()), (e: unknown) => e instanceof ApiProblem && e.status === 404 && e.code === 'not_found');

    // A queued payment cancelled, its messages, the statement, the operator's reads.
    const big = randomUUID();
    assert.equal((await bank.submitPayment({ uetr: big, end_to_end_id: 'BIG', payer: A!, payee: B!, currency: 'CNY', amount: '99999999.00' })).state, 'queued');
    assert.equal((await bank.cancelPayment(big)).state, 'cancelled');
    const msgs = await bank.getPaymentMessages(uetrs[0]!);
    assert.ok(msgs.messages.some((m) => m.name.startsWith('pacs.008')));
    const day = await bank.getBusinessDay();
    const xml = await bank.getStatement(A!, 'CNY', day.date);
    assert.match(xml, /camt\.053/);
    assert.ok((await op.listAudit({ limit: 5 })).audit.length > 0);
    const hook = await bank.createWebhook({ url: 'http://127.0.0.1:9/nowhere', secret: 'client-test-secret-000' });
    assert.equal((await bank.listWebhooks()).webhooks.length, 1);
    assert.equal((await bank.deleteWebhook(hook.id)).disabled, true);
    for (const id of [
      'listParticipants',
      'getRates',
      'listWindows',
      'listUsers',
      'listKeys',
      'listCases',
      'listRateAlerts',
      'listCurrencies',
      'getOverview',
      'getHistory',
    ] as OperationId[])
      await op.call(id);

    // Every answer the client got is what the document says.
    const check = answerChecker(doc);
    const wrong = seen.map((s) => check(s.method, new URL(s.url).pathname, s.status, s.body, s.type)).filter((x) => x !== null);
    assert.deepEqual(wrong, []);
    assert.ok(seen.length >= 30, `${seen.length} answers checked`);

    // The examples, as an integrator would run them.
    const env = { SCO_SETTLE_URL: srv.base, SCO_SETTLE_API_KEY: srv.keys.bankA! };
    const sub = await run('submit_payment.js', [A!, B!, 'CNY', '250.00'], env);
    assert.equal(sub.code, 0, sub.stderr);
    const submitted = JSON.parse(sub.stdout) as { uetr: string; state: string };
    assert.equal(submitted.state, 'settled');
    // Following ends at the final state, not at its timeout (an open feed connection once kept it alive 20 s more).
    const followStart = Date.now();
    const settledFollow = await run('follow_payment.js', [submitted.uetr, '20'], env);
    assert.equal(settledFollow.code, 0, settledFollow.stderr);
    assert.ok(Date.now() - followStart < 15_000, `a settled payment's follow ended after ${Date.now() - followStart} ms`);
    assert.equal((JSON.parse(settledFollow.stdout.trim().split('\n').at(-1)!) as { state: string }).state, 'settled');
    // Following a queued payment until it is cancelled, live.
    const queued = randomUUID();
    await bank.submitPayment({ uetr: queued, end_to_end_id: 'Q', payer: A!, payee: B!, currency: 'CNY', amount: '99999999.00' });
    const liveStart = Date.now();
    const following = run('follow_payment.js', [queued, '30'], env);
    await new Promise((r) => setTimeout(r, 1_500));
    await bank.cancelPayment(queued);
    const followed = await following;
    assert.equal(followed.code, 0, followed.stderr);
    assert.ok(Date.now() - liveStart < 25_000, `the live follow ended after ${Date.now() - liveStart} ms, not at the cancellation`);
    const states = followed.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { state: string }).state);
    assert.equal(states.at(-1), 'cancelled', followed.stdout);
    const out = join(srv.dir, 'statement.xml');
    const st = await run('download_statement.js', [A!, 'CNY', day.date, out], env);
    assert.equal(st.code, 0, st.stderr);
    assert.match(readFileSync(out, 'utf8'), /<BkToCstmrStmt>/);
    const bad = await run('submit_payment.js', [A!, B!, 'CNY', '1.001'], env);
    assert.equal(bad.code, 2, `a rejected payment: exit 2 (${bad.stdout}${bad.stderr})`);
    assert.equal((JSON.parse(bad.stdout) as { state: string }).state, 'rejected');
    const refused = await run('submit_payment.js', [B!, A!, 'CNY', '1.00'], env);
    assert.equal(refused.code, 1, "a refused request (a payer other than the key's participant) fails the example");
    assert.match(refused.stderr, /forbidden/);
  } finally {
    await srv.cleanup();
  }
});
