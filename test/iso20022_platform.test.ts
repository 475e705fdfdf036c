// ISO 20022 into and out of the platform, on a real SQLite store: pacs.008/009
// submitted and answered with pacs.002 through settled, queued → settled, queued →
// rejected at the close, duplicate and unknown-agent rejections that never reach
// the ledger, schema-invalid input that leaves no record, returns as pacs.004,
// camt.053 statements that add up to the ledger's balances, camt.054
// notifications; camt.056 cancellation requests answered by camt.029 (CNCL for a
// queued payment, RJCR for a settled one, an unknown one, or one asked by another
// than its payer); pacs.004 returns submitted by the payee (money back to the
// payer) and refused from anyone else, for a wrong amount or when the payee cannot
// fund them (the platform's rule, Platform.authority, worded by the ISO answers);
// every message built validates (built-in always, official XSDs when present); a
// property test of the mapping with non-Latin names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBackend } from './support/backends.js';
import { BANKS, BUSINESS_DATE, CB, openPlatform, setupScheme, type TestClock, uetr as newUetr } from './support/platform.js';
import { HAVE_XSD, SKIP_XSD, XSD_DIR, xsdIssues, nameArb, uetrArb, currencyArb, plain } from './support/iso.js';
import { Platform } from '../src/platform/platform.js';
import { checkInstruction, type SchemeView } from '../src/platform/instruction.js';
import type { Participant, Payment } from '../src/platform/types.js';
import { validateBuiltIn } from '../src/iso20022/validate.js';
import {
  amountOfMinor,
  buildMessage,
  cancellationRequest,
  originalRefs,
  parseMessage,
  returnOf,
  type Camt029,
  type Camt053,
  type Camt054,
  type CustomerCreditTransfer,
  type Pacs002,
  type Pacs004,
  type Pacs008,
  type ReturnInput,
} from '../src/iso20022/messages/index.js';
import { instructionsOfPacs008, isoStatusOf, pacs008OfPayment, bicResolver } from '../src/iso20022/mapping.js';
import { statusReportsFor, submitIsoMessage } from '../src/iso20022/submit.js';
import { notificationXml, statementData, statementXml } from '../src/iso20022/reports.js';

const [A, B, C, D] = BANKS;

async function withPlatform(fn: (p: Platform, clock: TestClock) => Promise<void>): Promise<void> {
  const backend = makeBackend('sqlite');
  const { platform, clock } = await openPlatform(await backend.open());
  try {
    await fn(platform, clock);
  } finally {
    await platform.close().catch(() => undefined);
    await backend.cleanup();
  }
}

interface TxSpec {
  uetr?: string;
  payer?: string;
  payee?: string;
  currency?: string;
  amount?: string;
  date?: string;
  priority?: 'HIGH' | 'NORM';
  debtor?: string;
  creditor?: string;
}

let msgNo = 0;
function pacs008(...txs: TxSpec[]): { xml: string; uetrs: string[] } {
  const transactions: CustomerCreditTransfer[] = txs.map((s, i) => {
    const t: CustomerCreditTransfer = {
      instruction_id: `INS-${i + 1}`,
      end_to_end_id: `E2E-${msgNo}-${i + 1}`,
      uetr: s.uetr ?? newUetr(),
      interbank_settlement_amount: { currency: s.currency ?? 'CNY', value: s.amount ?? '100.00' },
      interbank_settlement_date: s.date ?? BUSINESS_DATE,
      charge_bearer: 'SHAR',
      debtor: { name: s.debtor ?? 'ООО «Сибирский Лес»', postal_address: { town_name: 'Москва', country: 'RU' } },
      debtor_agent: { bic: s.payer ?? `${A}XXX` },
      creditor_agent: { bic: s.payee ?? B },
      creditor: { name: s.creditor ?? '新疆棉花进出口有限公司', postal_address: { town_name: '乌鲁木齐', country: 'CN' } },
      purpose: { code: 'GDDS' },
      remittance_information: ['Invoice 117 & contract 42'],
    };
    if (s.priority !== undefined) t.payment_type = { instruction_priority: s.priority };
    return t;
  });
  const doc: Pacs008 = { group_header: { message_id: `MSG-${++msgNo}`, creation_date_time: '2025-09-01T10:15:30Z', settlement_method: 'CLRG' }, transactions };
  return { xml: buildMessage({ message_type: 'pacs.008.001.08', document: doc }), uetrs: transactions.map((t) => t.uetr!) };
}

/** Every message we build: valid for the built-in validator, and for the official XSDs when they are present. */
async function assertValid(xml: string): Promise<void> {
  const r = validateBuiltIn(xml);
  assert.ok(r.valid, `built-in: ${JSON.stringify(r.errors)}\n${xml}`);
  if (HAVE_XSD) assert.deepEqual(await xsdIssues(xml), [], xml);
}

async function statuses(xmls: string[]): Promise<Array<{ uetr?: string; status?: string; reason?: string }>> {
  const out: Array<{ uetr?: string; status?: string; reason?: string }> = [];
  for (const x of xmls) {
    await assertValid(x);
    const m = parseMessage(x);
    if (m.message_type !== 'pacs.002.001.10') continue;
    for (const t of (m.document as Pacs002).transactions ?? []) {
      const s: { uetr?: string; status?: string; reason?: string } = {};
      if (t.original_uetr !== undefined) s.uetr = t.original_uetr;
      if (t.status !== undefined) s.status = t.status;
      const r = t.reasons?.[0]?.code ?? t.reasons?.[0]?.proprietary;
      if (r !== undefined) s.reason = r;
      out.push(s);
    }
  }
  return out;
}

test('a covered pacs.008 settles and is answered ACSC; the payment keeps the message data', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '600.00', priority: 'HIGH' });
    const r = await submitIsoMessage(p, xml, 'bank:BKCHCNBJ');
    assert.equal(r.message_type, 'pacs.008.001.08');
    assert.ok(r.accepted, JSON.stringify(r.errors));
    assert.deepEqual(await statuses(r.status_reports), [{ uetr: uetrs[0], status: 'ACSC' }]);
    const pay = p.payment(uetrs[0]!)!;
    assert.equal(pay.state, 'settled');
    assert.equal(pay.instruction.payer, A, 'BIC11 with XXX matched to the BIC8 participant');
    assert.equal(pay.instruction.amount_minor, 60_000n);
    assert.equal(pay.instruction.priority, 'urgent');
    assert.equal(pay.instruction.message, 'pacs.008');
    assert.equal(pay.instruction.debtor?.name, 'ООО «Сибирский Лес»');
    assert.equal(pay.instruction.creditor?.country, 'CN');
    assert.equal(pay.instruction.purpose, 'GDDS');
    assert.equal(pay.instruction.remittance, 'Invoice 117 & contract 42');
    const pacs002 = parseMessage(r.status_reports[0]!).document as Pacs002;
    assert.equal(pacs002.transactions![0]!.original_message_id, (parseMessage(xml).document as Pacs008).group_header.message_id);
    assert.equal(pacs002.transactions![0]!.effective_settlement_date, BUSINESS_DATE);
    assert.equal(pacs002.group_header.instructed_agent?.bic, A);
  });
});

test('every pacs.002 carries the journal head (sequence and hash) that contains its status, as schema-valid supplementary data', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const before = p.journalHead();
    const { xml, uetrs } = pacs008({ amount: '600.00' }, { amount: '900.00' });
    const r = await submitIsoMessage(p, xml, 'bank:BKCHCNBJ');
    const after = p.journalHead();
    assert.ok(after.seq > before.seq);
    assert.equal(r.status_reports.length, 2);
    for (const [i, report] of r.status_reports.entries()) {
      await assertValid(report);
      assert.match(
        report,
        /<SplmtryData><PlcAndNm>JournalHead<\/PlcAndNm><Envlp><JrnlHd xmlns="urn:sco-settle:journal-head:1"><Seq>\d+<\/Seq><Hash>[0-9a-f]{64}<\/Hash><\/JrnlHd><\/Envlp><\/SplmtryData>/,
      );
      const t = (parseMessage(report).document as Pacs002).transactions![0]!;
      assert.equal(t.original_uetr, uetrs[i]);
      // The head that acknowledged the message: it contains the entry that booked the payment.
      assert.deepEqual(t.journal_head, { seq: after.seq, hash: after.head_hash });
    }
  });
});

test('an uncovered pacs.008 is PDNG, then ACSC once its payer is funded (the pacs.002 sequence)', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    const { xml, uetrs } = pacs008({ amount: '500.00' });
    const r = await submitIsoMessage(p, xml, 'bank');
    assert.ok(r.accepted);
    assert.deepEqual(await statuses(r.status_reports), [{ uetr: uetrs[0], status: 'PDNG' }]);
    const pdng = parseMessage(r.status_reports[0]!).document as Pacs002;
    assert.deepEqual(pdng.transactions![0]!.reasons?.[0]?.additional_information, ['waiting for liquidity']);
    const out = await p.execute({ type: 'fund', participant: A, currency: 'CNY', amount: '500.00' });
    assert.deepEqual(await statuses(statusReportsFor(out.changes, p)), [{ uetr: uetrs[0], status: 'ACSC' }]);
    // The whole history, replayed as one change list: ACCP, ACSP, PDNG, ACSC.
    const hist = p.payment(uetrs[0]!)!.history.map((h) => ({ uetr: uetrs[0]!, state: h.state, at_ns: h.at_ns.toString() }));
    assert.deepEqual(
      (await statuses(statusReportsFor(hist, p))).map((s) => s.status),
      ['ACCP', 'ACSP', 'PDNG', 'ACSC'],
    );
  });
});

test('queued at the close of the business day: PDNG CUTO, warehoused to the next business day (rules 3; RJCT CUTO before)', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    const { xml, uetrs } = pacs008({ amount: '500.00' });
    assert.deepEqual(
      (await statuses((await submitIsoMessage(p, xml, 'bank')).status_reports)).map((s) => s.status),
      ['PDNG'],
    );
    const out = await p.execute({ type: 'close_day' });
    assert.ok(out.ok);
    assert.deepEqual(await statuses(statusReportsFor(out.changes, p)), [{ uetr: uetrs[0], status: 'PDNG', reason: 'CUTO' }]);
  });
});

test('a duplicate UETR is RJCT DUPL and nothing reaches the ledger; the original payment is untouched', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '10.00' });
    assert.ok((await submitIsoMessage(p, xml, 'bank')).accepted);
    const transfers = Platform.internals(p).ledger.state.transferCount;
    const history = p.payment(uetrs[0]!)!.history.length;
    const again = await submitIsoMessage(p, xml, 'bank');
    assert.equal(again.accepted, false);
    assert.deepEqual(await statuses(again.status_reports), [{ uetr: uetrs[0], status: 'RJCT', reason: 'DUPL' }]);
    assert.equal(again.errors[0]!.code, 'DUPL');
    assert.match(again.errors[0]!.path, /CdtTrfTxInf\/PmtId\/UETR$/);
    assert.equal(Platform.internals(p).ledger.state.transferCount, transfers);
    assert.equal(p.payment(uetrs[0]!)!.history.length, history);
    assert.equal(p.payment(uetrs[0]!)!.state, 'settled');
    // The rejection is on record.
    assert.ok(Platform.internals(p).state.anonymousRejections.some((r) => r.uetr === uetrs[0] && r.reason === 'DUPL'));
  });
});

test('an agent that is not a participant is RJCT AGNT, with the XPath of the agent; no transfer', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const transfers = Platform.internals(p).ledger.state.transferCount;
    const { xml, uetrs } = pacs008({ amount: '10.00' }, { amount: '10.00', payee: 'NOPECNBJXXX' });
    const r = await submitIsoMessage(p, xml, 'bank');
    assert.equal(r.accepted, false);
    assert.deepEqual(await statuses(r.status_reports), [
      { uetr: uetrs[0], status: 'ACSC' },
      { uetr: uetrs[1], status: 'RJCT', reason: 'AGNT' },
    ]);
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.path]),
      [['AGNT', '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/CdtrAgt/FinInstnId/BICFI']],
    );
    assert.equal(Platform.internals(p).ledger.state.transferCount, transfers + 1);
    assert.equal(p.payment(uetrs[1]!)!.state, 'rejected');
  });
});

test('a schema-invalid message gives errors and leaves no record; unreadable input gets no pacs.002', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    const seq = Platform.internals(p).ledger.journal_seq;
    const { xml, uetrs } = pacs008({ amount: '10.00' });
    const bad = xml.replace('<ChrgBr>SHAR</ChrgBr>', '<ChrgBr>NONE</ChrgBr>');
    const r = await submitIsoMessage(p, bad, 'bank');
    assert.equal(r.accepted, false);
    assert.equal(r.errors[0]!.code, 'FF01');
    assert.match(r.errors[0]!.path, /ChrgBr$/);
    assert.equal(p.payment(uetrs[0]!), undefined);
    assert.equal(Platform.internals(p).ledger.journal_seq, seq, 'nothing journaled');
    // Readable enough to answer: one group-level RJCT FF01.
    assert.equal(r.status_reports.length, 1);
    await assertValid(r.status_reports[0]!);
    const g = (parseMessage(r.status_reports[0]!).document as Pacs002).original_groups![0]!;
    assert.equal(g.group_status, 'RJCT');
    assert.equal(g.reasons![0]!.code, 'FF01');
    // Truncated XML: errors only.
    const t = await submitIsoMessage(p, xml.slice(0, 300), 'bank');
    assert.equal(t.accepted, false);
    assert.equal(t.message_type, null);
    assert.deepEqual(t.status_reports, []);
    assert.ok(t.errors.length > 0);
    // A valid message that is not a payment instruction.
    const s002 = statusReportsFor([{ uetr: uetrs[0]!, state: 'queued', at_ns: '1' }], p);
    const n = await submitIsoMessage(p, s002[0] ?? '', 'bank');
    assert.equal(Platform.internals(p).ledger.journal_seq, seq);
    assert.ok(n.errors.length > 0);
  });
});

test('a pacs.009 without agents settles between the debtor and creditor FIs', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: C, currency: 'RUB', amount: '1000.00' });
    const u = newUetr();
    const xml = buildMessage({
      message_type: 'pacs.009.001.08',
      document: {
        group_header: { message_id: 'FI-1', creation_date_time: '2025-09-01T10:00:00Z', settlement_method: 'CLRG', interbank_settlement_date: BUSINESS_DATE },
        transactions: [
          {
            end_to_end_id: 'FI-E2E-1',
            uetr: u,
            interbank_settlement_amount: { currency: 'RUB', value: '250.5' },
            debtor: { bic: C, name: 'Сбербанк' },
            creditor: { bic: D },
          },
        ],
      },
    });
    const r = await submitIsoMessage(p, xml, 'bank');
    assert.ok(r.accepted, JSON.stringify(r.errors));
    assert.deepEqual(await statuses(r.status_reports), [{ uetr: u, status: 'ACSC' }]);
    const ins = p.payment(u)!.instruction;
    assert.deepEqual(
      [ins.payer, ins.payee, ins.amount_minor, ins.message, ins.debtor?.name, ins.debtor?.country],
      [C, D, 25_050n, 'pacs.009', 'Сбербанк', 'RU'],
    );
  });
});

test('a return is answered with a pacs.004; a held payment is PDNG without screening detail; a cancellation CANC', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '40.00' }, { amount: '5.00' });
    const r = await submitIsoMessage(p, xml, 'bank', { screen: () => [null, { hit: true, score: 0.97, list_version: 'ofac-1', detail: 'IVANOV Ivan' }] });
    assert.deepEqual(await statuses(r.status_reports), [
      { uetr: uetrs[0], status: 'ACSC' },
      { uetr: uetrs[1], status: 'PDNG', reason: 'COMPLIANCE_HOLD' },
    ]);
    assert.ok(!r.status_reports[1]!.includes('IVANOV') && !r.status_reports[1]!.includes('ofac'));
    const ret = await p.execute({ type: 'return_payment', uetr: uetrs[0]!, reason: 'AC04' });
    assert.ok(ret.ok, JSON.stringify(ret.error));
    const [x] = statusReportsFor(ret.changes, p);
    await assertValid(x!);
    const m = parseMessage(x!);
    assert.equal(m.message_type, 'pacs.004.001.09');
    const t = (m.document as Pacs004).transactions[0]!;
    assert.deepEqual([t.original_uetr, t.returned_interbank_settlement_amount, t.reasons?.[0]?.code], [uetrs[0], { currency: 'CNY', value: '40.00' }, 'AC04']);
    const can = await p.execute({ type: 'cancel_payment', uetr: uetrs[1]!, reason: 'DUPL' });
    assert.deepEqual(await statuses(statusReportsFor(can.changes, p)), [{ uetr: uetrs[1], status: 'CANC', reason: 'DUPL' }]);
  });
});

test('camt.053: opening + entries = closing = the ledger balance, over two business days; camt.054 per booking', async () => {
  await withPlatform(async (p, clock) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    await submitIsoMessage(p, pacs008({ amount: '100.00' }).xml, 'bank');
    const waiting = pacs008({ amount: '200.00', payer: B, payee: A });
    await submitIsoMessage(p, waiting.xml, 'bank'); // B has 100.00: queued, then warehoused at the close (rules 3)
    await p.run({ type: 'close_day' });
    await p.run({ type: 'cancel_payment', uetr: waiting.uetrs[0]! }); // out of the warehouse: day 2's entries are this test's subject
    const endDay1 = p.balance(p.participant(A)!, 'CNY').available_minor;
    assert.equal(endDay1, 90_000n);
    clock.now_ns = BigInt(Date.parse('2025-09-02T06:00:00Z')) * 1_000_000n;
    await p.run({ type: 'open_day', date: '2025-09-02', default_cutoff: '17:00' });
    await p.run({ type: 'fund', participant: B, currency: 'CNY', amount: '50.00' });
    const { uetrs } = await (async () => {
      const m = pacs008({ amount: '30.00', payer: B, payee: A, date: '2025-09-02', debtor: 'شرکت بازرگانی پارس' });
      await submitIsoMessage(p, m.xml, 'bank');
      return m;
    })();
    await submitIsoMessage(p, pacs008({ amount: '7.25', date: '2025-09-02', payee: C }).xml, 'bank');
    const now = p.balance(p.participant(A)!, 'CNY');
    const d1 = await statementData(p, A, 'CNY', '2025-09-01');
    assert.deepEqual([d1.opening_minor, d1.closing_minor, d1.credits_minor, d1.debits_minor], [0n, 90_000n, 100_000n, 10_000n]);
    const d2 = await statementData(p, A, 'CNY', '2025-09-02');
    assert.equal(d2.opening_minor, endDay1);
    assert.equal(d2.closing_minor, now.credits_posted_minor - now.debits_posted_minor);
    assert.equal(d2.opening_minor + d2.credits_minor - d2.debits_minor, d2.closing_minor);
    const xml = await statementXml(p, `${A}XXX`, 'CNY', '2025-09-02');
    await assertValid(xml);
    const st = (parseMessage(xml).document as Camt053).statements[0]!;
    const bal = Object.fromEntries(st.balances!.map((b) => [(b.type as { code: string }).code, `${b.credit_debit} ${b.amount.value}`]));
    assert.deepEqual(bal, { OPBD: 'CRDT 900.00', CLBD: `CRDT ${amountOfMinor({ currency: 'CNY', minor: d2.closing_minor }).value}` });
    assert.deepEqual(
      st.entries!.map((e) => `${e.credit_debit} ${e.amount.value}`),
      ['CRDT 30.00', 'DBIT 7.25'],
    );
    const credit = st.entries![0]!.transactions![0]!;
    assert.equal(credit.references?.uetr, uetrs[0]);
    assert.deepEqual(credit.debtor, { party: { name: 'شرکت بازرگانی پارس' } });
    assert.equal(st.summary?.net?.amount, '22.75');
    // The central bank's issuing account is reported too (a debit balance: the money issued).
    await assertValid(await statementXml(p, CB.CNY, 'CNY', '2025-09-02'));
    // camt.054 for the credit, to A; and for the same transfer's debit, to B.
    const tid = p.payment(uetrs[0]!)!.transfer_ids[0]!;
    const n = await notificationXml(p, A, 'CNY', tid);
    await assertValid(n);
    const e = (parseMessage(n).document as Camt054).notifications[0]!.entries![0]!;
    assert.deepEqual([e.credit_debit, e.amount.value, e.transactions![0]!.references?.uetr], ['CRDT', '30.00', uetrs[0]]);
    const nb = (parseMessage(await notificationXml(p, B, 'CNY', tid)).document as Camt054).notifications[0]!.entries![0]!;
    assert.equal(nb.credit_debit, 'DBIT');
    await assert.rejects(notificationXml(p, C, 'CNY', tid), /does not touch/);
  });
});

test('every pacs.002 status the platform can report validates against the official XSD', { skip: SKIP_XSD }, async () => {
  assert.ok(HAVE_XSD, `XSDs in ${XSD_DIR}`);
  await withPlatform(async (p) => {
    await setupScheme(p);
    const u = newUetr();
    const { xml } = pacs008({ uetr: u, amount: '5.00' });
    await submitIsoMessage(p, xml, 'bank');
    const states = ['validated', 'screened', 'queued', 'held', 'settled', 'rejected', 'cancelled'] as const;
    const events = states.map((state, i) => ({
      uetr: u,
      state,
      at_ns: String(1_756_700_000_000_000_000n + BigInt(i)),
      reason: state === 'rejected' ? 'AM04' : undefined,
      detail: 'x'.repeat(300),
    }));
    const xmls = statusReportsFor(
      events.map((e) =>
        e.reason === undefined
          ? { uetr: e.uetr, state: e.state, at_ns: e.at_ns, detail: e.detail }
          : (e as { uetr: string; state: 'rejected'; at_ns: string; reason: string; detail: string }),
      ),
      p,
    );
    assert.equal(xmls.length, states.length);
    for (const x of xmls) assert.deepEqual(await xsdIssues(x), [], x);
  });
});

test('property: random valid pacs.008s (non-Latin names) map to instructions the platform accepts, and back to the same UETR, amount and currency', () => {
  const banks = ['SABRRUMM', 'ICBKCNBJ', 'HSBKKZKX', 'SBININBB'];
  const participants = new Map<string, Participant>(
    banks.map((id, i) => [
      id,
      {
        id,
        no: i + 1,
        kind: 'bank',
        name: id,
        country: id.slice(4, 6),
        currencies: ['CNY', 'RUB', 'INR', 'PKR', 'IRR', 'KZT', 'KGS', 'TJS', 'UZS', 'BYN'],
        issues: null,
        suspended: false,
      },
    ]),
  );
  const scheme: SchemeView = { participant: (id) => participants.get(id), currencyActive: () => true, business_date: BUSINESS_DATE };
  const resolveBic = bicResolver((id) => participants.has(id));
  const txArb = fc.record({
    uetr: uetrArb,
    currency: currencyArb,
    minor: fc.bigInt({ min: 1n, max: 10n ** 15n }),
    debtor: nameArb(140),
    creditor: nameArb(140),
    pair: fc.tuple(fc.constantFrom(...banks), fc.constantFrom(...banks)).filter(([a, b]) => a !== b),
    bic11: fc.boolean(),
    high: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.uniqueArray(txArb, { minLength: 1, maxLength: 4, selector: (t) => t.uetr }), (specs) => {
      const doc: Pacs008 = {
        group_header: { message_id: 'PROP-1', creation_date_time: '2025-09-01T10:00:00Z', settlement_method: 'CLRG', interbank_settlement_date: BUSINESS_DATE },
        transactions: specs.map((s, i) => {
          const t: CustomerCreditTransfer = {
            end_to_end_id: `E${i}`,
            uetr: s.uetr,
            interbank_settlement_amount: amountOfMinor({ currency: s.currency, minor: s.minor }),
            charge_bearer: 'SLEV',
            debtor: { name: s.debtor },
            debtor_agent: { bic: s.bic11 ? `${s.pair[0]}XXX` : s.pair[0] },
            creditor_agent: { bic: s.pair[1] },
            creditor: { name: s.creditor },
          };
          if (s.high) t.payment_type = { instruction_priority: 'HIGH' };
          return t;
        }),
      };
      const xml = buildMessage({ message_type: 'pacs.008.001.08', document: doc });
      const v = validateBuiltIn(xml);
      assert.ok(v.valid, JSON.stringify(v.errors));
      const parsed = parseMessage(xml);
      const mapped = instructionsOfPacs008(parsed.document as Pacs008, { resolveBic });
      mapped.forEach((m, i) => {
        const s = specs[i]!;
        const check = checkInstruction(m.instruction as unknown as Record<string, unknown>, scheme, `payments[${i}]`);
        if (!check.ok) assert.fail(JSON.stringify(check.rejection));
        const ins = check.instruction;
        assert.deepEqual(
          [ins.uetr, ins.currency, ins.amount_minor, ins.payer, ins.payee, ins.priority],
          [s.uetr, s.currency, s.minor, s.pair[0], s.pair[1], s.high ? 'urgent' : 'normal'],
        );
        assert.equal(ins.debtor?.name, s.debtor);
        assert.equal(ins.creditor?.name, s.creditor);
        // And back: the payment as a pacs.008 again.
        const pay = { instruction: ins, history: [] } as unknown as Payment;
        const back = buildMessage(pacs008OfPayment(pay, { message_id: 'BACK-1', creation_date_time: '2025-09-01T10:00:01Z' }));
        assert.ok(validateBuiltIn(back).valid);
        const t = (parseMessage(back).document as Pacs008).transactions[0]!;
        assert.deepEqual(
          plain([t.uetr, t.interbank_settlement_amount, t.debtor.name, t.creditor.name]),
          plain([s.uetr, amountOfMinor({ currency: s.currency, minor: s.minor }), s.debtor, s.creditor]),
        );
      });
    }),
    { numRuns: 150 },
  );
});

test('isoStatusOf: the status table', () => {
  const t = (state: Parameters<typeof isoStatusOf>[0]['state'], reason?: string) => {
    const ev: Parameters<typeof isoStatusOf>[0] = { state };
    if (reason !== undefined) ev.reason = reason;
    const s = isoStatusOf(ev);
    return s === null
      ? null
      : `${s.status}${s.reason_code !== undefined ? ` ${s.reason_code}` : s.reason_proprietary !== undefined ? ` ${s.reason_proprietary}` : ''}`;
  };
  assert.deepEqual(
    [
      t('received'),
      t('validated'),
      t('screened'),
      t('queued'),
      t('held'),
      t('settled'),
      t('rejected', 'AM04'),
      t('rejected', 'RR04'),
      t('cancelled', 'CUST'),
      t('returned', 'AC04'),
    ],
    [null, 'ACCP', 'ACSP', 'PDNG', 'PDNG COMPLIANCE_HOLD', 'ACSC', 'RJCT AM04', 'RJCT RR04', 'CANC CUST', null],
  );
});

test('CLI: iso submit prints valid pacs.002s and a summary per file; iso statement prints a camt.053 that validates', async () => {
  const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));
  const backend = makeBackend('sqlite');
  const today = new Date().toISOString().slice(0, 10);
  try {
    // The CLI runs on the wall clock: a business day of today, funded.
    const p = await Platform.open(backend.url!);
    await setupScheme(p, { cutoff: '23:59' });
    await p.run({ type: 'close_day' });
    if (today > BUSINESS_DATE) await p.run({ type: 'open_day', date: today, default_cutoff: '23:59' });
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    await p.close();
    const dir = dirname(backend.url!.slice('sqlite:'.length));
    const f1 = join(dir, 'ok.xml');
    const f2 = join(dir, 'bad.xml');
    writeFileSync(f1, pacs008({ amount: '12.34', date: today }).xml);
    writeFileSync(f2, '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFI');
    const r = spawnSync(process.execPath, [BIN, '--store', backend.url!, 'iso', 'submit', f1, f2], { encoding: 'utf8' });
    assert.equal(r.status, 4, r.stderr); // a message not accepted: invalid input
    const lines = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { file: string; accepted: boolean; payments: Array<{ status: string; reason?: string }> });
    assert.deepEqual(
      lines.map((l) => l.file),
      [f1, f2],
    );
    assert.equal(lines[1]!.accepted, false);
    const st = lines[0]!.payments[0]!;
    // ACSC unless the test ran past 23:59 UTC.
    assert.ok(st.status === 'ACSC' || st.reason === 'CUTO', JSON.stringify(st));
    const reports = r.stdout.split('\n').filter((l) => l.includes('<Document'));
    assert.equal(reports.length, 1);
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${reports[0]}`;
    await assertValid(xml);
    const s = spawnSync(process.execPath, [BIN, '--store', backend.url!, 'iso', 'statement', '--participant', A, '--currency', 'CNY', '--date', today], {
      encoding: 'utf8',
    });
    assert.equal(s.status, 0, s.stderr);
    await assertValid(s.stdout.trim());
    const bad = spawnSync(
      process.execPath,
      [BIN, '--store', backend.url!, 'iso', 'statement', '--participant', 'NOPECNBJ', '--currency', 'CNY', '--date', today],
      { encoding: 'utf8' },
    );
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown_participant/);
  } finally {
    await backend.cleanup();
  }
});

// --- camt.056 cancellation requests and pacs.004 returns ------------------------------

let caseNo = 0;
/** A camt.056 from `assigner` asking to cancel the payments of `xml` (all, or those with the given UETRs); `noUetr` quotes the end-to-end id only. */
function camt056(xml: string, assigner: string, opts: { uetrs?: string[]; reason?: string; noUetr?: boolean } = {}): string {
  const original = parseMessage(xml) as { message_type: 'pacs.008.001.08'; document: Pacs008 };
  const refs = originalRefs(original).filter((r) => opts.uetrs === undefined || opts.uetrs.includes(r.original_uetr!));
  const payments = refs.map((r) => {
    if (opts.noUetr !== true) return r;
    const { original_uetr: _drop, ...rest } = r;
    return rest;
  });
  const doc = cancellationRequest({
    assignment_id: `CXL-${++caseNo}`,
    creation_date_time: '2025-09-01T11:00:00Z',
    assigner_bic: assigner,
    assignee_bic: 'SCOSCNBJ',
    payments,
    reason: opts.reason ?? 'DUPL',
  });
  return buildMessage({ message_type: 'camt.056.001.08', document: doc });
}

/** A pacs.004 returning the payments of `xml` (all, or the one with `uetr`). */
function pacs004(xml: string, extra: Partial<ReturnInput> = {}): string {
  const original = parseMessage(xml) as { message_type: 'pacs.008.001.08'; document: Pacs008 };
  const input: ReturnInput = {
    message_id: `RTR-${++caseNo}`,
    creation_date_time: '2025-09-01T12:00:00Z',
    reason: 'AC04',
    interbank_settlement_date: BUSINESS_DATE,
    ...extra,
  };
  return buildMessage({ message_type: 'pacs.004.001.09', document: returnOf(original, input) });
}

/** The camt.029s: each validated, as [confirmation, per-transaction status, reason, UETR]. */
async function resolutions(xmls: string[]): Promise<Array<[string, string | undefined, string | undefined, string | undefined]>> {
  const out: Array<[string, string | undefined, string | undefined, string | undefined]> = [];
  for (const x of xmls) {
    await assertValid(x);
    const m = parseMessage(x);
    assert.equal(m.message_type, 'camt.029.001.09');
    const d = m.document as Camt029;
    const conf = 'confirmation' in d.status ? d.status.confirmation : JSON.stringify(d.status);
    for (const t of d.transactions ?? []) out.push([conf, t.status, t.reasons?.[0]?.code, t.original_uetr]);
  }
  return out;
}

function ledgerSnapshot(p: Platform): string {
  const bal = [A, B, C].map((id) => {
    const b = p.balance(p.participant(id)!, 'CNY');
    return `${id}:${b.debits_posted_minor}/${b.credits_posted_minor}/${b.debits_pending_minor}`;
  });
  return `${Platform.internals(p).ledger.state.transferCount} ${bal.join(' ')}`;
}

test('camt.056 for a queued payment: cancelled, camt.029 CNCL and pacs.002 CANC; nothing on the ledger', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    const { xml, uetrs } = pacs008({ amount: '500.00' }); // A has nothing: queued
    assert.deepEqual(
      (await statuses((await submitIsoMessage(p, xml, 'bank')).status_reports)).map((s) => s.status),
      ['PDNG'],
    );
    const before = ledgerSnapshot(p);
    const r = await submitIsoMessage(p, camt056(xml, `${A}XXX`, { reason: 'FRAD' }), 'bank');
    assert.equal(r.message_type, 'camt.056.001.08');
    assert.ok(r.accepted, JSON.stringify(r.errors));
    assert.deepEqual(await resolutions(r.resolutions), [['CNCL', 'ACCR', undefined, uetrs[0]]]);
    const camt029 = parseMessage(r.resolutions[0]!).document as Camt029;
    assert.equal(
      camt029.assignment.assignee && 'agent' in camt029.assignment.assignee ? camt029.assignment.assignee.agent.bic : undefined,
      `${A}XXX`,
      'the answer goes to who asked',
    );
    assert.equal(camt029.resolved_case?.id, `CXL-${caseNo}`);
    assert.deepEqual(await statuses(r.status_reports), [{ uetr: uetrs[0], status: 'CANC', reason: 'FRAD' }]);
    assert.deepEqual(r.payments, [
      { uetr: uetrs[0], end_to_end_id: (parseMessage(xml).document as Pacs008).transactions[0]!.end_to_end_id, state: 'cancelled', status: 'CNCL' },
    ]);
    assert.equal(p.payment(uetrs[0]!)!.state, 'cancelled');
    assert.equal(ledgerSnapshot(p), before, 'nothing moved');
    // Funding A later settles nothing: the payment is gone from the queue.
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    assert.equal(p.payment(uetrs[0]!)!.state, 'cancelled');
    assert.equal(p.balance(p.participant(B)!, 'CNY').credits_posted_minor, 0n);
    // Asked again: CNCL again, nothing runs.
    const seq = Platform.internals(p).ledger.journal_seq;
    const again = await submitIsoMessage(p, camt056(xml, A), 'bank');
    assert.deepEqual(await resolutions(again.resolutions), [['CNCL', 'ACCR', undefined, uetrs[0]]]);
    assert.deepEqual(again.status_reports, []);
    assert.equal(Platform.internals(p).ledger.journal_seq, seq);
  });
});

test('camt.056 for a settled payment: camt.029 RJCR PTNA, the payment stays settled and nothing moves', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '300.00' });
    assert.ok((await submitIsoMessage(p, xml, 'bank')).accepted);
    assert.equal(p.payment(uetrs[0]!)!.state, 'settled');
    const before = ledgerSnapshot(p);
    const r = await submitIsoMessage(p, camt056(xml, A, { reason: 'CUST' }), 'bank', { platformBic: 'SCOSCNBJXXX' });
    assert.equal(r.accepted, false);
    assert.deepEqual(await resolutions(r.resolutions), [['RJCR', 'RJCR', 'PTNA', uetrs[0]]]);
    const d = parseMessage(r.resolutions[0]!).document as Camt029;
    assert.match(d.transactions![0]!.reasons![0]!.additional_information!.join(''), /settlement is final.*ICBKCNBJ/);
    assert.deepEqual('agent' in d.assignment.assigner ? d.assignment.assigner.agent.bic : undefined, 'SCOSCNBJXXX');
    assert.deepEqual(r.status_reports, []);
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.path]),
      [['PTNA', '/Document/FIToFIPmtCxlReq/Undrlyg/TxInf']],
    );
    assert.deepEqual([r.payments[0]!.state, r.payments[0]!.status, r.payments[0]!.reason], ['settled', 'RJCR', 'PTNA']);
    assert.equal(p.payment(uetrs[0]!)!.state, 'settled');
    assert.equal(ledgerSnapshot(p), before);
    // Once returned, a cancellation request is refused ARDT.
    assert.ok((await p.execute({ type: 'return_payment', uetr: uetrs[0]!, reason: 'AC04' })).ok);
    const r2 = await submitIsoMessage(p, camt056(xml, A), 'bank');
    assert.deepEqual(await resolutions(r2.resolutions), [['RJCR', 'RJCR', 'ARDT', uetrs[0]]]);
  });
});

test('camt.056 by end-to-end id, for an unknown payment, and from another than the payer: CNCL, NOOR, NOOR (as unknown)', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    const { xml, uetrs } = pacs008({ amount: '70.00' }, { amount: '80.00' }); // both queued
    await submitIsoMessage(p, xml, 'bank');
    // The first by its end-to-end id alone (the payer A asks).
    const byE2e = await submitIsoMessage(p, camt056(xml, A, { uetrs: [uetrs[0]!], noUetr: true }), 'bank');
    assert.ok(byE2e.accepted, JSON.stringify(byE2e.errors));
    assert.deepEqual(
      (await resolutions(byE2e.resolutions)).map((x) => x.slice(0, 3)),
      [['CNCL', 'ACCR', undefined]],
    );
    assert.equal(p.payment(uetrs[0]!)!.state, 'cancelled');
    // The second asked by C, which is not its payer: refused as if the payment did not exist, the payment stays queued.
    const seq = Platform.internals(p).ledger.journal_seq;
    const byOther = await submitIsoMessage(p, camt056(xml, C, { uetrs: [uetrs[1]!] }), 'bank');
    assert.deepEqual(await resolutions(byOther.resolutions), [['RJCR', 'RJCR', 'NOOR', uetrs[1]]]);
    assert.deepEqual([byOther.payments[0]!.state, byOther.errors[0]!.code], ['not_found', 'NOOR']);
    assert.equal(p.payment(uetrs[1]!)!.state, 'queued');
    assert.equal(Platform.internals(p).ledger.journal_seq, seq, 'nothing journaled');
    // A payment the platform never had.
    const other = pacs008({ amount: '1.00' });
    const unknown = await submitIsoMessage(p, camt056(other.xml, A), 'bank');
    assert.deepEqual(await resolutions(unknown.resolutions), [['RJCR', 'RJCR', 'NOOR', other.uetrs[0]]]);
    assert.deepEqual([unknown.payments[0]!.state, unknown.errors[0]!.code], ['not_found', 'NOOR']);
    assert.equal(Platform.internals(p).ledger.journal_seq, seq);
    // The authorize hook sees the payer before anything runs; throwing refuses the message.
    const seen: unknown[] = [];
    await assert.rejects(
      submitIsoMessage(p, camt056(xml, A, { uetrs: [uetrs[1]!] }), 'bank', {
        authorize: (req) => {
          seen.push(req);
          throw new Error('not yours');
        },
      }),
      /not yours/,
    );
    assert.deepEqual(seen, [{ action: 'cancel', participant: A, uetr: uetrs[1] }]);
    assert.equal(p.payment(uetrs[1]!)!.state, 'queued');
    assert.equal(Platform.internals(p).ledger.journal_seq, seq);
  });
});

test('pacs.004 from the payee returns a settled payment: money back to the payer, state returned, pacs.002 ACSC and the pacs.004 on to the payer', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '250.00' });
    assert.ok((await submitIsoMessage(p, xml, 'bank')).accepted);
    const a0 = p.balance(p.participant(A)!, 'CNY').available_minor;
    const b0 = p.balance(p.participant(B)!, 'CNY').available_minor;
    assert.deepEqual([a0, b0], [75_000n, 25_000n]);
    const ret = pacs004(xml, { reason: 'AC04' }); // InstgAgt defaults to the original creditor agent, B
    const r = await submitIsoMessage(p, ret, 'bank');
    assert.equal(r.message_type, 'pacs.004.001.09');
    assert.ok(r.accepted, JSON.stringify(r.errors));
    assert.equal(p.payment(uetrs[0]!)!.state, 'returned');
    assert.equal(p.payment(uetrs[0]!)!.history.at(-1)!.reason, 'AC04');
    assert.equal(p.balance(p.participant(A)!, 'CNY').available_minor, 100_000n, 'money back on the payer');
    assert.equal(p.balance(p.participant(B)!, 'CNY').available_minor, 0n);
    assert.deepEqual(await statuses(r.status_reports), [{ uetr: uetrs[0], status: 'ACSC' }]);
    const ack = parseMessage(r.status_reports[0]!).document as Pacs002;
    const rtr = parseMessage(ret).document as Pacs004;
    assert.deepEqual(
      [
        ack.transactions![0]!.original_message_id,
        ack.transactions![0]!.original_message_name_id,
        ack.transactions![0]!.original_instruction_id,
        ack.group_header.instructed_agent?.bic,
      ],
      [rtr.group_header.message_id, 'pacs.004.001.09', rtr.transactions[0]!.return_id, B],
    );
    assert.deepEqual(r.payments, [{ uetr: uetrs[0], end_to_end_id: rtr.transactions[0]!.original_end_to_end_id, state: 'returned', status: 'ACSC' }]);
    // The platform's pacs.004 to the payer.
    assert.equal(r.returns.length, 1);
    await assertValid(r.returns[0]!);
    const fwd = parseMessage(r.returns[0]!).document as Pacs004;
    assert.deepEqual(
      [fwd.transactions[0]!.original_uetr, fwd.transactions[0]!.returned_interbank_settlement_amount.value, fwd.transactions[0]!.reasons?.[0]?.code],
      [uetrs[0], '250.00', 'AC04'],
    );
    // The same return again: RJCT FF12 (already returned), nothing moves.
    const before = ledgerSnapshot(p);
    const again = await submitIsoMessage(p, pacs004(xml), 'bank');
    assert.deepEqual(await statuses(again.status_reports), [{ uetr: uetrs[0], status: 'RJCT', reason: 'FF12' }]);
    assert.equal(ledgerSnapshot(p), before);
  });
});

test('pacs.004 from a participant that was not the payee is refused AG09 (as unknown); a partial amount AM09; an unfunded payee AM04; nothing moves', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    await p.run({ type: 'fund', participant: C, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '400.00' });
    assert.ok((await submitIsoMessage(p, xml, 'bank')).accepted);
    const before = ledgerSnapshot(p);
    const seq = Platform.internals(p).ledger.journal_seq;
    // C sends it: not the payee, answered as for a payment the platform never had.
    const byC = await submitIsoMessage(p, pacs004(xml, { instructing_agent: { bic: C } }), 'bank');
    assert.equal(byC.accepted, false);
    assert.deepEqual(await statuses(byC.status_reports), [{ uetr: uetrs[0], status: 'RJCT', reason: 'AG09' }]);
    assert.deepEqual(
      byC.errors.map((e) => [e.code, e.path]),
      [['AG09', '/Document/PmtRtr/TxInf']],
    );
    assert.equal(byC.payments[0]!.state, 'not_found');
    assert.equal((parseMessage(byC.status_reports[0]!).document as Pacs002).group_header.instructed_agent?.bic, C, 'the refusal goes to who sent it');
    assert.deepEqual(byC.returns, []);
    assert.equal(p.payment(uetrs[0]!)!.state, 'settled');
    assert.equal(ledgerSnapshot(p), before);
    assert.equal(Platform.internals(p).ledger.journal_seq, seq, 'nothing journaled');
    // A partial return: the platform returns in full only.
    const partial = await submitIsoMessage(p, pacs004(xml, { amount_minor: 10_000n }), 'bank');
    assert.deepEqual(await statuses(partial.status_reports), [{ uetr: uetrs[0], status: 'RJCT', reason: 'AM09' }]);
    assert.equal(ledgerSnapshot(p), before);
    // B pays the 400.00 on before returning: it cannot fund the return.
    assert.ok((await submitIsoMessage(p, pacs008({ amount: '400.00', payer: B, payee: C }).xml, 'bank')).accepted);
    const mid = ledgerSnapshot(p);
    const unfunded = await submitIsoMessage(p, pacs004(xml), 'bank');
    assert.deepEqual(await statuses(unfunded.status_reports), [{ uetr: uetrs[0], status: 'RJCT', reason: 'AM04' }]);
    assert.equal(p.payment(uetrs[0]!)!.state, 'settled');
    assert.equal(ledgerSnapshot(p), mid);
    // A return of a payment the platform never had: AG09.
    const ghost = pacs008({ amount: '1.00' });
    const g = await submitIsoMessage(p, pacs004(ghost.xml), 'bank');
    assert.deepEqual(await statuses(g.status_reports), [{ uetr: ghost.uetrs[0], status: 'RJCT', reason: 'AG09' }]);
    assert.equal(g.payments[0]!.state, 'not_found');
  });
});

test('the platform decides who may cancel or return a payment (Platform.authority); camt.029 and pacs.002 word its refusals', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '400.00' });
    assert.ok((await submitIsoMessage(p, xml, 'bank')).accepted);
    const uetr = uetrs[0]!;
    const rule = (d: ReturnType<Platform['authority']>): string => (d.allowed ? (d.already_done ? 'already_done' : 'allowed') : d.rule);
    const full = { currency: 'CNY', minor: 40_000n };
    // Cancel: the payer only; to anyone else the payment does not exist.
    assert.equal(rule(p.authority({ action: 'cancel', uetr, participant: A })), 'allowed');
    assert.equal(rule(p.authority({ action: 'cancel', uetr, participant: B })), 'no_such_payment');
    assert.equal(rule(p.authority({ action: 'cancel', uetr, participant: undefined })), 'no_such_payment');
    assert.equal(rule(p.authority({ action: 'cancel', uetr, participant: A, caller: A })), 'allowed');
    assert.equal(rule(p.authority({ action: 'cancel', uetr, participant: A, caller: C })), 'no_such_payment');
    // Return: the payee only, back to the payer only, in full only.
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, amount: full })), 'allowed');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, to: A, amount: full })), 'allowed');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: C, amount: full })), 'no_such_payment');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, caller: C, amount: full })), 'no_such_payment');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, to: C, amount: full })), 'back_to_payer');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, amount: { currency: 'CNY', minor: 10_000n } })), 'full_amount_only');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, amount: { currency: 'RUB', minor: 40_000n } })), 'full_amount_only');
    assert.equal(rule(p.authority({ action: 'return', uetr, participant: B, amount: { currency: 'CNY', minor: null } })), 'full_amount_only');
    assert.equal(rule(p.authority({ action: 'cancel', uetr: newUetr(), participant: A })), 'no_such_payment');
    // The ISO answers word them; a request from another than the party as for an unknown payment.
    const byC = await submitIsoMessage(p, camt056(xml, C), 'bank');
    assert.deepEqual(
      byC.errors.map((e) => [e.code, e.message]),
      [['NOOR', `no payment with UETR ${uetr}`]],
    );
    const retByC = await submitIsoMessage(p, pacs004(xml, { instructing_agent: { bic: C } }), 'bank');
    assert.deepEqual(
      retByC.errors.map((e) => [e.code, e.message]),
      [['AG09', `no payment with UETR ${uetr}`]],
    );
    const partial = await submitIsoMessage(p, pacs004(xml, { amount_minor: 10_000n }), 'bank');
    assert.deepEqual(
      partial.errors.map((e) => [e.code, e.message]),
      [['AM09', 'returned 100.00 CNY; the platform returns the full 400.00 CNY only']],
    );
    assert.equal(p.payment(uetr)!.state, 'settled');
  });
});

/** A submit result as text, with the given ids (UETRs, end-to-end and message ids), the platform's message ids and every timestamp replaced by placeholders. */
function anonymised(r: unknown, ids: Record<string, string>): string {
  let text = JSON.stringify(r);
  for (const [id, as] of Object.entries(ids)) text = text.split(id).join(as);
  return text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, 'TIME').replace(/\b[0-9a-z]{30,}\b/g, 'ID');
}

test("a camt.056 or pacs.004 about another participant's payment is answered exactly as about an unknown one (issue 20)", async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const real = pacs008({ amount: '400.00' });
    const ghost = pacs008({ amount: '400.00' });
    assert.ok((await submitIsoMessage(p, real.xml, 'bank')).accepted);
    const ids = (x: { xml: string; uetrs: string[] }) => {
      const d = parseMessage(x.xml).document as Pacs008;
      return { [x.uetrs[0]!]: 'UETR', [d.transactions[0]!.end_to_end_id]: 'E2E', [d.group_header.message_id]: 'MSG' };
    };
    const asked = async (x: { xml: string; uetrs: string[] }, make: (xml: string) => string) => {
      const request = make(x.xml);
      const reqId = /<(?:MsgId|Id)>((?:CXL|RTR)-\d+)</.exec(request)![1]!;
      return anonymised(await submitIsoMessage(p, request, 'bank'), { ...ids(x), [reqId]: 'REQ' });
    };
    const seq = Platform.internals(p).ledger.journal_seq;
    // C asks to cancel A's payment, then returns it (B is its payee): the answers of an unknown payment, byte for byte.
    const cancel = (xml: string) => camt056(xml, C);
    assert.equal(await asked(real, cancel), await asked(ghost, cancel));
    const ret = (xml: string) => pacs004(xml, { instructing_agent: { bic: C } });
    assert.equal(await asked(real, ret), await asked(ghost, ret));
    assert.ok(!(await asked(real, ret)).includes('settled'), 'no state of the payment');
    // A caller scoped to C naming A as the asker: the same.
    const scoped = async (x: { xml: string; uetrs: string[] }) => anonymised(await submitIsoMessage(p, camt056(x.xml, A), 'bank', { caller: C }), ids(x));
    assert.equal((await scoped(real)).replace(/CXL-\d+/g, 'REQ'), (await scoped(ghost)).replace(/CXL-\d+/g, 'REQ'));
    assert.equal(Platform.internals(p).ledger.journal_seq, seq, 'nothing journaled');
    assert.equal(p.payment(real.uetrs[0]!)!.state, 'settled');
  });
});

test('a schema-invalid pacs.004 gets a group-level pacs.002 RJCT and runs nothing; a pacs.002 is still not submittable', async () => {
  await withPlatform(async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const { xml, uetrs } = pacs008({ amount: '10.00' });
    await submitIsoMessage(p, xml, 'bank');
    const seq = Platform.internals(p).ledger.journal_seq;
    const bad = pacs004(xml).replace('<SttlmMtd>CLRG</SttlmMtd>', '<SttlmMtd>NOPE</SttlmMtd>');
    const r = await submitIsoMessage(p, bad, 'bank');
    assert.equal(r.accepted, false);
    assert.equal(r.errors[0]!.code, 'FF01');
    assert.equal(r.status_reports.length, 1);
    await assertValid(r.status_reports[0]!);
    assert.equal((parseMessage(r.status_reports[0]!).document as Pacs002).original_groups![0]!.original_message_name_id, 'pacs.004.001.09');
    assert.equal(p.payment(uetrs[0]!)!.state, 'settled');
    assert.equal(Platform.internals(p).ledger.journal_seq, seq);
    const s002 = statusReportsFor([{ uetr: uetrs[0]!, state: 'settled', at_ns: '1' }], p)[0]!;
    const n = await submitIsoMessage(p, s002, 'bank');
    assert.equal(n.errors[0]!.code, 'MESSAGE_NOT_SUBMITTABLE');
    assert.deepEqual([n.resolutions, n.returns], [[], []]);
  });
});

test('every camt.029 the platform builds (CNCL and each refusal) validates against the official XSD', { skip: SKIP_XSD }, async () => {
  assert.ok(HAVE_XSD, `XSDs in ${XSD_DIR}`);
  await withPlatform(async (p) => {
    await setupScheme(p);
    const queued = pacs008({ amount: '900.00' }, { amount: '5.00', debtor: 'Иван Петров', creditor: '上海丝绸' });
    await submitIsoMessage(p, queued.xml, 'bank');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' }); // both settle: 95.00 left
    const settled = pacs008({ amount: '50.00' });
    await submitIsoMessage(p, settled.xml, 'bank');
    const later = pacs008({ amount: '5000.00' }); // 45.00 left: queued
    await submitIsoMessage(p, later.xml, 'bank');
    const xmls: string[] = [];
    for (const [xml, by, opts] of [
      [later.xml, A, {}],
      [settled.xml, A, {}],
      [settled.xml, C, {}],
      [pacs008({ amount: '1.00' }).xml, A, {}],
      [queued.xml, A, { noUetr: true }],
    ] as const) {
      const r = await submitIsoMessage(p, camt056(xml, by, opts), 'bank', { platformBic: 'SCOSCNBJ' });
      xmls.push(...r.resolutions);
    }
    const codes = new Set<string>();
    for (const x of xmls) {
      assert.deepEqual(await xsdIssues(x), [], x);
      assert.ok(validateBuiltIn(x).valid, JSON.stringify(validateBuiltIn(x).errors));
      const t = (parseMessage(x).document as Camt029).transactions![0]!;
      codes.add(`${t.status}${t.reasons?.[0]?.code === undefined ? '' : ` ${t.reasons[0].code}`}`);
    }
    // C asking about A's payment is answered NOOR, as for an unknown payment (issue 20; it was AGNT).
    for (const c of ['ACCR', 'RJCR PTNA', 'RJCR NOOR']) assert.ok(codes.has(c), `${c} in ${[...codes].join(', ')}`);
  });
});

test('CLI: iso submit of a camt.056 prints its camt.029', async () => {
  const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));
  const backend = makeBackend('sqlite');
  const today = new Date().toISOString().slice(0, 10);
  try {
    const p = await Platform.open(backend.url!);
    await setupScheme(p, { cutoff: '23:59' });
    await p.run({ type: 'close_day' });
    if (today > BUSINESS_DATE) await p.run({ type: 'open_day', date: today, default_cutoff: '23:59' });
    const { xml, uetrs } = pacs008({ amount: '12.34', date: today }); // A unfunded: queued
    await submitIsoMessage(p, xml, 'bank');
    await p.close();
    const f = join(dirname(backend.url!.slice('sqlite:'.length)), 'cxl.xml');
    writeFileSync(f, camt056(xml, A));
    const r = spawnSync(process.execPath, [BIN, '--store', backend.url!, 'iso', 'submit', '--json', f], { encoding: 'utf8' });
    const line = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!) as {
      accepted: boolean;
      resolutions: string[];
      payments: Array<{ state: string }>;
    };
    // CNCL unless the day ended (past 23:59 UTC) between the two steps.
    if (line.payments[0]!.state === 'cancelled') {
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(
        (await resolutions(line.resolutions)).map((x) => x[0]),
        ['CNCL'],
      );
    } else {
      assert.equal(line.resolutions.length, 1);
    }
    const q = await Platform.open(backend.url!);
    assert.equal(q.payment(uetrs[0]!)!.state, line.payments[0]!.state);
    await q.close();
  } finally {
    await backend.cleanup();
  }
});
