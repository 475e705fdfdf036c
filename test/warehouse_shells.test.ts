// The warehouse as the shells show it (rules version 3): pacs.002 PDNG for a
// warehoused payment, SttlmTmReq/TillTm of a pacs.008 as settle_by, and the API's
// settle_by field, accepted and refused with a stable code and field.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildMessage, parseMessage, type CustomerCreditTransfer, type Pacs002, type Pacs008 } from '../src/iso20022/messages/index.js';
import { instructionsOfPacs008, isoStatusOf, pacs008OfPayment } from '../src/iso20022/mapping.js';
import { statusReportsFor, submitIsoMessage } from '../src/iso20022/submit.js';
import type { Platform } from '../src/platform/platform.js';
import { startApi, type ApiFixture } from './support/api.js';
import { makeBackend } from './support/backends.js';
import { BANKS, BUSINESS_DATE, openPlatform, payment, setupScheme, uetr as newUetr } from './support/platform.js';

const A = BANKS[0];
const B = BANKS[1];

function pacs008(tx: Partial<CustomerCreditTransfer>): { xml: string; uetr: string } {
  const t: CustomerCreditTransfer = {
    end_to_end_id: 'E2E-W-1',
    uetr: newUetr(),
    interbank_settlement_amount: { currency: 'CNY', value: '100.00' },
    interbank_settlement_date: BUSINESS_DATE,
    charge_bearer: 'SHAR',
    debtor: { name: 'Debtor' },
    debtor_agent: { bic: A },
    creditor_agent: { bic: B },
    creditor: { name: 'Creditor' },
    ...tx,
  };
  const doc: Pacs008 = {
    group_header: { message_id: `MSG-W-${t.uetr!.slice(0, 8)}`, creation_date_time: '2025-09-01T10:15:30Z', settlement_method: 'CLRG' },
    transactions: [t],
  };
  return { xml: buildMessage({ message_type: 'pacs.008.001.08', document: doc }), uetr: t.uetr! };
}

function statuses(xmls: string[]): Array<{ uetr?: string; status?: string; reason?: string; info?: string }> {
  const out: Array<{ uetr?: string; status?: string; reason?: string; info?: string }> = [];
  for (const x of xmls) {
    const m = parseMessage(x);
    if (m.message_type !== 'pacs.002.001.10') continue;
    for (const t of (m.document as Pacs002).transactions ?? [])
      out.push({ uetr: t.original_uetr, status: t.status, reason: t.reasons?.[0]?.code, info: t.reasons?.[0]?.additional_information?.join('') });
  }
  return out;
}

async function withPlatform(fn: (p: Platform, clock: { at(hhmm: string): void }) => Promise<void>): Promise<void> {
  const backend = makeBackend('sqlite');
  const { platform, clock } = await openPlatform(await backend.open());
  try {
    await fn(platform, clock);
  } finally {
    await platform.close().catch(() => undefined);
    await backend.cleanup();
  }
}

test('the status of a warehoused change is PDNG with its reason and where it waits', () => {
  assert.deepEqual(isoStatusOf({ state: 'warehoused', reason: 'CUTO', detail: 'after the CNY cut-off: warehoused to the next business day 2025-09-02' }), {
    status: 'PDNG',
    reason_code: 'CUTO',
    additional_information: 'after the CNY cut-off: warehoused to the next business day 2025-09-02',
  });
  assert.deepEqual(isoStatusOf({ state: 'warehoused', detail: 'value date 2025-09-03: warehoused until that business day' }), {
    status: 'PDNG',
    additional_information: 'value date 2025-09-03: warehoused until that business day',
  });
});

test('a pacs.008 after the cut-off is answered PDNG CUTO (not RJCT); queued at the close, PDNG CUTO too', async () => {
  await withPlatform(async (p, clock) => {
    await setupScheme(p, { cutoff: '16:00' });
    const queued = pacs008({ interbank_settlement_amount: { currency: 'CNY', value: '500.00' } });
    const r1 = await submitIsoMessage(p, queued.xml, 'bank');
    assert.deepEqual(
      statuses(r1.status_reports).map((s) => s.status),
      ['PDNG'],
    );
    clock.at('16:30');
    const late = pacs008({});
    const r = await submitIsoMessage(p, late.xml, 'bank');
    const last = statuses(r.status_reports).at(-1)!;
    assert.equal(last.status, 'PDNG');
    assert.equal(last.reason, 'CUTO');
    assert.match(last.info!, /warehoused to the next business day 2025-09-02/);
    assert.equal(r.payments[0]!.state, 'warehoused');
    const close = await p.execute({ type: 'close_day' });
    assert.deepEqual(
      statuses(statusReportsFor(close.changes, p)).map((s) => [s.uetr, s.status, s.reason]),
      [[queued.uetr, 'PDNG', 'CUTO']],
    );
  });
});

test('SttlmTmReq/TillTm maps to settle_by on the value date, and a missed one is RJCT CUTO', async () => {
  const m = parseMessage(pacs008({ settlement_time_request: { till_time: '15:00:00+03:00' } }).xml);
  const ins = instructionsOfPacs008(m.document as Pacs008)[0]!.instruction;
  assert.equal(ins.settle_by, `${BUSINESS_DATE}T15:00:00+03:00`);
  const utc = instructionsOfPacs008(parseMessage(pacs008({ settlement_time_request: { till_time: '12:00:00' } }).xml).document as Pacs008)[0]!;
  assert.equal(utc.instruction.settle_by, `${BUSINESS_DATE}T12:00:00Z`);
  await withPlatform(async (p, clock) => {
    await setupScheme(p);
    const msg = pacs008({ settlement_time_request: { till_time: '12:00:00Z' } });
    const r = await submitIsoMessage(p, msg.xml, 'bank');
    assert.equal(r.payments[0]?.state, 'queued', JSON.stringify(r.errors));
    const pay = p.payment(msg.uetr)!;
    assert.equal(pay.instruction.settle_by_ns, BigInt(Date.parse(`${BUSINESS_DATE}T12:00:00Z`)) * 1_000_000n);
    // The payment rebuilt as a pacs.008 carries the TillTm back.
    const back = pacs008OfPayment(pay, { message_id: 'X', creation_date_time: '2025-09-01T10:00:00Z' });
    assert.equal(back.document.transactions[0]!.settlement_time_request?.till_time, '12:00:00.000Z');
    clock.at('12:05');
    const out = await p.execute({ type: 'run_lsm', currency: 'CNY' });
    assert.deepEqual(
      statuses(statusReportsFor(out.changes, p)).map((s) => [s.uetr, s.status, s.reason]),
      [[msg.uetr, 'RJCT', 'CUTO']],
    );
    // A TillTm that is not an ISOTime fails the message's validation, naming the element.
    const bad = pacs008({ settlement_time_request: { till_time: '25:00:00Z' } });
    const rb = await submitIsoMessage(p, bad.xml, 'bank');
    assert.equal(rb.accepted, false);
    assert.match(JSON.stringify(rb.errors), /TillTm/);
  });
});

describe('the API and settle_by', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApi('sqlite');
  });
  after(() => fx.close());

  test('a payment with settle_by is accepted and shows it; bad ones are refused with a stable code and field', async () => {
    fx.clock.at('10:00');
    const ok = payment(A, B, 'CNY', '1.00', { settle_by: '2025-09-01T18:00:00+03:00' });
    const r = await fx.request('POST', '/v1/payments', { user: 'bankA', body: ok });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.payments[0].state, 'settled');
    const view = await fx.request('GET', `/v1/payments/${ok.uetr}`, { user: 'bankA' });
    assert.equal(view.body.settle_by, '2025-09-01T15:00:00Z');
    const bad = await fx.request('POST', '/v1/payments', {
      user: 'bankA',
      body: {
        payments: [
          payment(A, B, 'CNY', '1.00', { settle_by: 'tomorrow noon' }),
          payment(A, B, 'CNY', '1.00', { settle_by: '2025-09-01T09:00:00Z' }),
          payment(A, B, 'CNY', '1.00', { settle_by: '2025-10-01T09:00:00Z' }),
        ],
      },
    });
    assert.equal(bad.status, 200);
    assert.deepEqual(
      bad.body.payments.map((x: { state: string; reason: string; field: string }) => [x.state, x.reason, x.field]),
      [
        ['rejected', 'FF01', 'payments[0].settle_by'],
        ['rejected', 'DT01', 'payments[1].settle_by'],
        ['rejected', 'DT01', 'payments[2].settle_by'],
      ],
    );
    const long = await fx.request('POST', '/v1/payments', { user: 'bankA', body: payment(A, B, 'CNY', '1.00', { settle_by: 'x'.repeat(36) }) });
    assert.equal(long.status, 400, 'longer than the schema allows');
    const listed = await fx.request('GET', '/v1/payments?state=warehoused', { user: 'op' });
    assert.equal(listed.status, 200);
  });
});
