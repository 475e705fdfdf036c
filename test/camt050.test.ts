// Liquidity from home (issue #17, item 3): a camt.050.001.05 liquidity transfer
// from the central bank's mirror account funds a bank's settlement account and is
// answered by a pacs.002; the mirror account stays equal to what the central bank
// issued through camt.050 fundings and pacs.009 defundings, and the day reconciles
// to zero difference against the home RTGS's figures. Bad input — a non-participant,
// a currency the bank does not hold, the amount's grammar, a debtor that is not the
// mirror account, a repeated id, the structure — is refused with its code and XPath,
// nothing journaled. The reader is structural (no official camt.050 XSD).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CAMT050_NS, readCamt050, validateCamt050 } from '../src/iso20022/camt050.js';
import { defundingPacs009, reconciliation } from '../src/iso20022/reconciliation.js';
import { parseMessage, type Pacs002, type Pacs009 } from '../src/iso20022/messages/index.js';
import { submitIsoMessage } from '../src/iso20022/submit.js';
import { validateBuiltIn } from '../src/iso20022/validate.js';
import { Platform } from '../src/platform/platform.js';
import { makeBackend } from './support/backends.js';
import { BANKS, BUSINESS_DATE, CB, setupScheme, TestClock } from './support/platform.js';
import { accountOf, camt050, cnyFunding } from './support/camt050.js';

const [A, B, RU1] = BANKS;
const NS = CAMT050_NS;
const TX = '/Document/LqdtyCdtTrf/LqdtyCdtTrf';

async function scheme(backend: 'memory' | 'sqlite' = 'memory') {
  const b = makeBackend(backend);
  const clock = new TestClock();
  const platform = await Platform.open(await b.open(), { clock: clock.read });
  await setupScheme(platform);
  return { b, platform, clock };
}

test('the reader: exactly the elements the platform uses, in order, with their ISO data types', () => {
  const xml = camt050({
    e2e: 'E1',
    creditor: A,
    creditorAccount: '281475110748161',
    ccy: 'CNY',
    amount: '1000.00',
    debtorAccount: '65537',
    date: BUSINESS_DATE,
  });
  const r = readCamt050(xml);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.transfer, {
    message_id: 'M-E1',
    creation_date_time: `${BUSINESS_DATE}T06:00:00Z`,
    instruction_id: 'I-E1',
    end_to_end_id: 'E1',
    creditor_bic: A,
    creditor_account: '281475110748161',
    amount: { currency: 'CNY', value: '1000.00' },
    debtor_account: '65537',
    settlement_date: BUSINESS_DATE,
  });
  assert.equal(validateCamt050(xml).valid, true);
  const problem = (x: string) => readCamt050(x).errors[0];
  // An element the standard allows but the platform does not read: refused by name.
  assert.deepEqual(problem(xml.replace('</Id></Othr></Id></CdtrAcct>', '</Id></Othr></Id><Nm>Settlement</Nm></CdtrAcct>'))?.path, `${TX}/CdtrAcct/Nm`);
  assert.match(problem(xml.replace('</Id></Othr></Id></CdtrAcct>', '</Id></Othr></Id><Nm>x</Nm></CdtrAcct>'))!.message, /not one this platform reads/);
  // Out of order, missing, a wrong data type, another namespace version.
  assert.deepEqual(problem(xml.replace(/<SttlmDt>.*<\/SttlmDt>/, '').replace('<TrfdAmt>', `<SttlmDt>${BUSINESS_DATE}</SttlmDt><TrfdAmt>`)), {
    path: `${TX}/TrfdAmt`,
    code: 'AM12',
    message: 'missing required element TrfdAmt in LqdtyCdtTrf',
  });
  assert.equal(problem(xml.replace(/<DbtrAcct>.*<\/DbtrAcct>/, ''))?.code, 'AC02');
  assert.equal(problem(xml.replace(/<CdtrAcct>.*<\/CdtrAcct>/, ''))?.code, 'AC03');
  assert.deepEqual(problem(xml.replace('<EndToEndId>E1</EndToEndId>', '<EndToEndId></EndToEndId>')), {
    path: `${TX}/LqdtyTrfId/EndToEndId`,
    code: 'FF01',
    message: 'EndToEndId: must not be empty',
  });
  assert.equal(problem(xml.replace('1000.00', '-1.00'))?.code, 'AM12');
  assert.equal(problem(xml.replace('Ccy="CNY"', 'Ccy="cny"'))?.code, 'AM03');
  assert.equal(problem(xml.replace(`<SttlmDt>${BUSINESS_DATE}`, '<SttlmDt>2025-02-30'))?.path, `${TX}/SttlmDt`);
  const v04 = readCamt050(camt050({ e2e: 'E', creditorAccount: '1', ccy: 'CNY', amount: '1', debtorAccount: '2', ns: NS.replace(/\.05$/, '.04') }));
  assert.equal(v04.errors[0]?.code, 'MESSAGE_UNSUPPORTED');
  assert.match(v04.errors[0]!.message, /accepts camt\.050\.001\.05/);
});

test('a camt.050 funds the bank from the mirror account, answered ACSC; after a pacs.009 defunding the day reconciles to zero against home', async () => {
  const { b, platform: p } = await scheme('sqlite');
  try {
    const r = await submitIsoMessage(p, cnyFunding(p, A, 'LIQ-1', '1000.00'), 'pboc-rtgs');
    assert.equal(r.accepted, true, JSON.stringify(r.errors));
    assert.equal(r.message_type, 'camt.050.001.05');
    assert.deepEqual(r.payments, []);
    assert.equal(r.liquidity_transfers?.length, 1);
    const lt = r.liquidity_transfers![0]!;
    assert.deepEqual(
      { ...lt, transfer_id: undefined },
      { end_to_end_id: 'LIQ-1', participant: A, currency: 'CNY', status: 'ACSC', amount_minor: '100000', transfer_id: undefined },
    );
    assert.equal(p.balance(p.participant(A)!, 'CNY').available_minor, 100_000n);
    // The answer: a valid pacs.002 quoting the camt.050, to the central bank that sent it.
    assert.equal(r.status_reports.length, 1);
    assert.equal(validateBuiltIn(r.status_reports[0]!, { rules: 'iso' }).valid, true);
    const report = parseMessage(r.status_reports[0]!).document as Pacs002;
    const st = report.transactions![0]!;
    assert.deepEqual(
      [st.status, st.original_message_id, st.original_message_name_id, st.original_end_to_end_id, st.original_instruction_id, st.effective_settlement_date],
      ['ACSC', 'M-LIQ-1', 'camt.050.001.05', 'LIQ-1', 'I-LIQ-1', BUSINESS_DATE],
    );
    assert.equal(report.group_header.instructed_agent?.bic, CB.CNY);
    // Out: a defunding, sent home as a pacs.009.
    await p.run({ type: 'defund', participant: A, currency: 'CNY', amount: '250.00' });
    const out = parseMessage(await defundingPacs009(p, CB.CNY, BUSINESS_DATE)).document as Pacs009;
    assert.equal(out.group_header.total_interbank_settlement_amount?.value, '250.00');
    // The home RTGS's mirror balance: camt.050s in minus pacs.009s out.
    const home = 100_000n - 25_000n;
    const rec = await reconciliation(p, CB.CNY, BUSINESS_DATE, home);
    assert.equal(rec.reconciled, true);
    for (const d of rec.differences.filter((x) => x.must_be_zero)) assert.equal(d.amount_minor, 0n, d.name);
    assert.deepEqual(rec.funded_in, { count: 1, amount_minor: 100_000n });
    assert.deepEqual(rec.defunded_out, { count: 1, amount_minor: 25_000n });
    assert.equal(rec.closing_issued_minor, home);
    for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor, c.currency);
    // The same reference after a restart: still refused (the ledger holds it), the state replays to the same digest.
    const digest = p.stateDigest();
    await p.close();
    const again = await Platform.open(await b.open(), { clock: new TestClock().read });
    try {
      assert.equal(again.stateDigest(), digest);
      const dup = await submitIsoMessage(again, cnyFunding(again, A, 'LIQ-1', '1000.00', { msgId: 'M-RESENT' }), 'pboc-rtgs');
      assert.equal(dup.accepted, false);
      assert.equal(dup.errors[0]?.code, 'DUPL');
      assert.equal(again.balance(again.participant(A)!, 'CNY').available_minor, 75_000n);
    } finally {
      await again.close();
    }
  } finally {
    await b.cleanup();
  }
});

test('bad camt.050 input: a clear code at the element at fault, nothing journaled or funded', async () => {
  const { platform: p } = await scheme();
  try {
    assert.equal((await submitIsoMessage(p, cnyFunding(p, A, 'FIRST', '10.00'), 'rtgs')).accepted, true);
    const rubMirror = accountOf(p, CB.RUB, 'RUB');
    const cases: Array<[string, string, string, string]> = [
      ['a non-participant creditor', cnyFunding(p, A, 'X1', '10.00', { creditor: 'ZZZZCNBJ' }), 'AC03', `${TX}/Cdtr/FinInstnId/BICFI`],
      ['an account of no participant', cnyFunding(p, A, 'X2', '10.00', { creditor: undefined, creditorAccount: '999' }), 'AC03', `${TX}/CdtrAcct/Id/Othr/Id`],
      ["another bank's account", cnyFunding(p, A, 'X3', '10.00', { creditorAccount: accountOf(p, B, 'CNY') }), 'AC03', `${TX}/Cdtr/FinInstnId/BICFI`],
      [
        "the central bank's own mirror",
        cnyFunding(p, A, 'X4', '10.00', { creditor: undefined, creditorAccount: accountOf(p, CB.CNY, 'CNY') }),
        'AC03',
        `${TX}/CdtrAcct/Id/Othr/Id`,
      ],
      [
        'a currency the bank does not hold',
        cnyFunding(p, A, 'X5', '10.00', { ccy: 'RUB', debtor: CB.RUB, debtorAccount: rubMirror }),
        'AM03',
        `${TX}/TrfdAmt/AmtWthCcy/@Ccy`,
      ],
      ['a currency outside the scheme', cnyFunding(p, A, 'X6', '10.00', { ccy: 'EUR' }), 'AM03', `${TX}/TrfdAmt/AmtWthCcy/@Ccy`],
      ['three decimals in CNY', cnyFunding(p, A, 'X7', '10.001'), 'AM12', `${TX}/TrfdAmt/AmtWthCcy`],
      ['an exponent', cnyFunding(p, A, 'X8', '1e3'), 'AM12', `${TX}/TrfdAmt/AmtWthCcy`],
      ['zero', cnyFunding(p, A, 'X9', '0.00'), 'AM12', `${TX}/TrfdAmt/AmtWthCcy`],
      ['too many digits', cnyFunding(p, A, 'X10', '10000000000000000'), 'AM12', `${TX}/TrfdAmt/AmtWthCcy`],
      [
        "another currency's mirror as debtor",
        cnyFunding(p, A, 'X11', '10.00', { debtor: undefined, debtorAccount: rubMirror }),
        'AC02',
        `${TX}/DbtrAcct/Id/Othr/Id`,
      ],
      [
        "a bank's account as debtor",
        cnyFunding(p, A, 'X12', '10.00', { debtor: undefined, debtorAccount: accountOf(p, B, 'CNY') }),
        'AC02',
        `${TX}/DbtrAcct/Id/Othr/Id`,
      ],
      ['a debtor that is not the central bank', cnyFunding(p, A, 'X13', '10.00', { debtor: B }), 'AC02', `${TX}/Dbtr/FinInstnId/BICFI`],
      ['the same id again', cnyFunding(p, A, 'FIRST', '10.00', { msgId: 'OTHER-MSG' }), 'DUPL', `${TX}/LqdtyTrfId/EndToEndId`],
      ['a settlement date not today', cnyFunding(p, A, 'X14', '10.00', { date: '2025-09-02' }), 'DT01', `${TX}/SttlmDt`],
      ['an element not read', cnyFunding(p, A, 'X15', '10.00', { cdtrAcctExtra: '<Nm>x</Nm>' }), 'AC03', `${TX}/CdtrAcct/Nm`],
    ];
    const head = p.journalHead();
    const before = p.balances(A);
    for (const [what, xml, code, path] of cases) {
      const r = await submitIsoMessage(p, xml, 'rtgs');
      assert.equal(r.accepted, false, what);
      assert.deepEqual([r.errors[0]?.code, r.errors[0]?.path], [code, path], `${what}: ${JSON.stringify(r.errors)}`);
      assert.ok(r.errors[0]!.message.length > 10, what);
      // Answered RJCT with the same reason (a group RJCT when the structure failed).
      const rep = parseMessage(r.status_reports[0]!).document as Pacs002;
      const reason = rep.transactions?.[0]?.reasons?.[0]?.code ?? rep.original_groups?.[0]?.reasons?.[0]?.code;
      assert.equal(reason, code === 'DUPL' ? 'DUPL' : code, what);
      assert.deepEqual(p.journalHead(), head, `${what}: nothing journaled`);
    }
    assert.deepEqual(p.balances(A), before);
    // Structure that does not read at all: no report, the reader's error.
    const broken = await submitIsoMessage(p, '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.050.001.05"><Oops/></Document>', 'rtgs');
    assert.deepEqual([broken.accepted, broken.errors[0]?.code, broken.status_reports.length], [false, 'FF01', 0]);
  } finally {
    await p.close();
  }
});

test('the funding command keeps one funding per reference and currency (the ledger refuses the second id)', async () => {
  const { platform: p } = await scheme();
  try {
    const first = await p.execute({ type: 'fund', participant: A, currency: 'CNY', amount: '5.00', reference: 'R-1' });
    assert.equal(first.ok, true);
    const second = await p.execute({ type: 'fund', participant: B, currency: 'CNY', amount: '7.00', reference: 'R-1' });
    assert.deepEqual([second.ok, second.error?.code, second.error?.field], [false, 'invalid_state', 'reference']);
    // Another currency may use the same reference; defundings take none.
    assert.equal((await p.execute({ type: 'fund', participant: RU1, currency: 'RUB', amount: '7.00', reference: 'R-1' })).ok, true);
    await assert.rejects(
      p.execute({ type: 'defund', participant: A, currency: 'CNY', amount: '1.00', reference: 'R-2' }),
      (e: { field?: string }) => e.field === 'reference',
    );
    assert.equal(p.balance(p.participant(B)!, 'CNY').available_minor, 0n);
    for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor);
  } finally {
    await p.close();
  }
});

test('property: any run of camt.050 fundings (repeats, refusals) and defundings keeps each mirror account equal to what was issued and reconciles with home', async () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('in' as const),
      bank: fc.constantFrom(0 as const, 1 as const),
      ref: fc.integer({ min: 0, max: 5 }),
      cents: fc.integer({ min: 0, max: 50_000 }),
    }),
    fc.record({ kind: fc.constant('out' as const), bank: fc.constantFrom(0 as const, 1 as const), cents: fc.integer({ min: 1, max: 30_000 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
      const { platform: p } = await scheme();
      try {
        let home = 0n;
        const funded = new Set<number>();
        for (const o of ops) {
          const bank = [A, B][o.bank]!;
          const amount = `${Math.floor(o.cents / 100)}.${String(o.cents % 100).padStart(2, '0')}`;
          if (o.kind === 'in') {
            const r = await submitIsoMessage(p, cnyFunding(p, bank, `REF-${o.ref}`, amount), 'rtgs');
            // Accepted exactly when the reference is new and the amount is positive.
            assert.equal(r.accepted, !funded.has(o.ref) && o.cents > 0);
            if (r.accepted) {
              funded.add(o.ref);
              home += BigInt(o.cents);
            }
          } else {
            const r = await p.execute({ type: 'defund', participant: bank, currency: 'CNY', amount });
            if (r.ok) home -= BigInt(o.cents);
          }
          for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor);
        }
        const rec = await reconciliation(p, CB.CNY, BUSINESS_DATE, home);
        assert.equal(
          rec.reconciled,
          true,
          JSON.stringify(rec.differences, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
        );
        assert.equal(rec.funded_in.count, funded.size);
        // What went home as pacs.009s is every defunding of the day.
        if (rec.defunded_out.count > 0) {
          const out = parseMessage(await defundingPacs009(p, CB.CNY, BUSINESS_DATE)).document as Pacs009;
          assert.equal(out.transactions.length, rec.defunded_out.count);
        }
      } finally {
        await p.close();
      }
    }),
    { numRuns: 25 },
  );
});

test("the settlement date is the currency's home date: 20:00 UTC is the next day in Beijing", async () => {
  const { platform: p, clock } = await scheme();
  try {
    clock.now_ns = BigInt(Date.parse(`${BUSINESS_DATE}T20:00:00Z`)) * 1_000_000n;
    const utcDate = await submitIsoMessage(p, cnyFunding(p, A, 'H-1', '1.00', { date: BUSINESS_DATE }), 'rtgs');
    assert.deepEqual([utcDate.accepted, utcDate.errors[0]?.code], [false, 'DT01']);
    const home = await submitIsoMessage(p, cnyFunding(p, A, 'H-2', '1.00', { date: '2025-09-02' }), 'rtgs');
    assert.equal(home.accepted, true, JSON.stringify(home.errors));
    // Without SttlmDt the answer dates it on the home day too, the day it counts on in the reconciliation.
    const undated = await submitIsoMessage(p, cnyFunding(p, A, 'H-3', '1.00', { date: undefined }), 'rtgs');
    const st = (parseMessage(undated.status_reports[0]!).document as Pacs002).transactions![0]!;
    assert.equal(st.effective_settlement_date, '2025-09-02');
    assert.equal((await reconciliation(p, CB.CNY, '2025-09-02')).funded_in.count, 2);
  } finally {
    await p.close();
  }
});
