// ISO 20022: round trips (build -> layer a + official XSD -> parse -> equal) for
// every typed message, property-based instructions with non-Latin names,
// agreement of the built-in definitions with the XSD on mutated messages,
// hostile inputs, business rules. The XSD parts skip, saying so, when
// ../shared/iso20022/xsd is absent.

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { buildMessage, parseMessage, type IsoMessage } from '../src/iso20022/messages/index.js';
import { validateBuiltIn, validateMessage, xsdValidate } from '../src/iso20022/validate.js';
import { parseXml, XmlError } from '../src/xml/reader.js';
import { escapeText } from '../src/xml/writer.js';
import { locateMessage } from '../src/iso20022/envelope.js';
import { samplePacs008 } from '../src/bench/iso_bench.js';
import { Prng } from '../src/sim/prng.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..', '..'); // dist/test -> project root
const XSD_DIR = process.env.SCO_SETTLE_XSD_DIR ?? join(ROOT, '..', 'shared', 'iso20022', 'xsd');
const HAVE_XSD = existsSync(join(XSD_DIR, 'pacs.008.001.08.xsd'));
const SKIP_XSD = HAVE_XSD ? false : `official XSDs not found in ${XSD_DIR}; XSD agreement not checked`;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'iso20022', 'pacs008_cny_rub.xml');

const UETR = '3f2a6c1e-8b4d-4e7a-9c2b-1d5e6f7a8b9c';
const TS = '2025-09-01T10:15:30Z';
const hdr = (type: string) => ({
  from: { bic: 'SABRRUMMXXX' },
  to: { bic: 'ICBKCNBJXXX' },
  business_message_id: 'B-1',
  message_definition_id: type,
  creation_date: TS,
});

const SAMPLES: IsoMessage[] = [
  samplePacs008(new Prng(7), 1),
  {
    message_type: 'pacs.009.001.08',
    header: hdr('pacs.009.001.08'),
    document: {
      group_header: { message_id: 'M9', creation_date_time: TS, settlement_method: 'CLRG', interbank_settlement_date: '2025-09-01' },
      transactions: [
        {
          instruction_id: 'I9',
          end_to_end_id: 'E9',
          uetr: UETR,
          interbank_settlement_amount: { currency: 'RUB', value: '50000000.00' },
          debtor: { bic: 'SABRRUMMXXX', lei: '5493001KJTIIGC8Y1R12' },
          creditor: { bic: 'ICBKCNBJXXX', name: 'Industrial and Commercial Bank of China' },
          purpose: { code: 'INTC' },
        },
      ],
    },
  },
  {
    message_type: 'pacs.002.001.10',
    header: hdr('pacs.002.001.10'),
    document: {
      group_header: { message_id: 'S1', creation_date_time: TS, instructing_agent: { bic: 'SCOSKZKAXXX' } },
      original_groups: [{ original_message_id: 'M1', original_message_name_id: 'pacs.008.001.08', group_status: 'RJCT' }],
      transactions: [
        {
          status_id: 'ST1',
          original_message_id: 'M1',
          original_message_name_id: 'pacs.008.001.08',
          original_end_to_end_id: 'E1',
          original_uetr: UETR,
          status: 'RJCT',
          reasons: [{ code: 'AM04', additional_information: ['Недостаточно средств / 资金不足'] }],
          acceptance_date_time: TS,
        },
      ],
    },
  },
  {
    message_type: 'pacs.002.001.10',
    document: {
      group_header: { message_id: 'S2', creation_date_time: TS },
      transactions: [{ original_uetr: UETR, status: 'ACSC', effective_settlement_date: '2025-09-01', clearing_system_reference: 'SCO-42' }],
    },
  },
];

async function xsdErrors(xml: string): Promise<number> {
  const m = locateMessage(parseXml(xml));
  let n = (await xsdValidate(XSD_DIR, m.message_type, m.document, m.documentPath)).length;
  if (m.header !== null) n += (await xsdValidate(XSD_DIR, 'head.001.001.02', m.header, m.headerPath!)).length;
  return n;
}

test('round trip for every typed message: build -> layer (a) -> parse -> equal', () => {
  for (const m of SAMPLES) {
    const xml = buildMessage(m);
    const r = validateBuiltIn(xml);
    assert.deepEqual(r.errors, [], `${m.message_type}: ${JSON.stringify(r.errors)}`);
    assert.equal(r.message_type, m.message_type);
    assert.deepEqual(parseMessage(xml), m);
  }
});

test('round trip against the official XSDs', { skip: SKIP_XSD }, async () => {
  for (const m of SAMPLES) {
    const r = await validateMessage(buildMessage(m), { xsd_dir: XSD_DIR });
    assert.deepEqual(r.errors, [], m.message_type);
  }
  const fixture = await validateMessage(readFileSync(FIXTURE), { xsd_dir: XSD_DIR });
  assert.deepEqual(fixture.errors, []);
});

test('the hand-written sample parses with its Unicode names intact', () => {
  const m = parseMessage(readFileSync(FIXTURE)) as IsoMessage;
  assert.equal(m.message_type, 'pacs.008.001.08');
  if (m.message_type !== 'pacs.008.001.08') return;
  const t = m.document.transactions[0]!;
  assert.equal(t.debtor.name, 'ООО «Сибирский Лес»');
  assert.equal(t.creditor.name, '新疆棉花进出口有限公司');
  assert.deepEqual(t.interbank_settlement_amount, { currency: 'CNY', value: '1250000.00' });
  assert.deepEqual(t.remittance_information, ['Invoice 117 & contract 42']);
  assert.equal(m.header?.message_definition_id, 'pacs.008.001.08');
});

// --- property-based -------------------------------------------------------------

const scripts = [
  fc.constantFrom('Иван Петров', 'ООО «Сибирский Лес»', 'Назарбаев Университеті', 'Тоҷикистон'),
  fc.constantFrom('中国工商银行', '新疆棉花进出口有限公司', '上海丝绸'),
  fc.constantFrom('شرکت بازرگانی پارس', 'بینک الحبیب', 'محمد علی'),
  fc.string({ minLength: 1, maxLength: 30, unit: fc.constantFrom(...'Aa Zz09&<>"\'-./é'.split('')) }),
];
const nameArb = fc
  .tuple(fc.oneof(...scripts), fc.oneof(...scripts))
  .map(([a, b]) => `${a} ${b}`.slice(0, 140))
  .filter((s) => s.trim().length > 0);
const bicArb = fc.constantFrom('SABRRUMMXXX', 'ICBKCNBJXXX', 'SBININBB', 'HABBPKKA', 'HSBKKZKXXXX', 'NBFAUZ2XXXX');
const hexArb = (n: number) => fc.string({ minLength: n, maxLength: n, unit: fc.constantFrom(...'0123456789abcdef'.split('')) });
const uetrArb = fc
  .tuple(hexArb(8), hexArb(4), hexArb(3), fc.constantFrom('8', '9', 'a', 'b'), hexArb(3), hexArb(12))
  .map(([a, b, c, d, e, f]) => `${a}-${b}-4${c}-${d}${e}-${f}`);
const amountArb = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 99 })).map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`);
const txArb = fc.record(
  {
    end_to_end_id: fc.string({ minLength: 1, maxLength: 35, unit: fc.constantFrom(...'ABC123-/ xyz'.split('')) }).filter((s) => s.length > 0),
    uetr: uetrArb,
    interbank_settlement_amount: fc.record({
      currency: fc.constantFrom('CNY', 'RUB', 'INR', 'PKR', 'IRR', 'KZT', 'KGS', 'TJS', 'UZS', 'BYN'),
      value: amountArb,
    }),
    charge_bearer: fc.constantFrom('DEBT' as const, 'CRED' as const, 'SHAR' as const, 'SLEV' as const),
    debtor: fc.record(
      { name: nameArb, postal_address: fc.record({ town_name: nameArb.map((s) => s.slice(0, 35)), country: fc.constantFrom('RU', 'CN', 'IR', 'PK') }) },
      { requiredKeys: ['name'] },
    ),
    debtor_agent: fc.record({ bic: bicArb }),
    creditor_agent: fc.record({ bic: bicArb }),
    creditor: fc.record({ name: nameArb }),
    remittance_information: fc.array(nameArb, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['end_to_end_id', 'uetr', 'interbank_settlement_amount', 'charge_bearer', 'debtor', 'debtor_agent', 'creditor_agent', 'creditor'] },
);

test('property: generated instructions with Cyrillic, Chinese and Perso-Arabic names round-trip and validate', async () => {
  let checkedXsd = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(txArb, { minLength: 1, maxLength: 3 }), async (txs) => {
      const uetrs = new Set(txs.map((t) => t.uetr));
      fc.pre(uetrs.size === txs.length);
      const m: IsoMessage = {
        message_type: 'pacs.008.001.08',
        header: hdr('pacs.008.001.08'),
        document: { group_header: { message_id: 'P1', creation_date_time: TS, settlement_method: 'CLRG' }, transactions: txs },
      };
      const xml = buildMessage(m);
      const r = validateBuiltIn(xml);
      assert.deepEqual(r.errors, []);
      // fast-check builds null-prototype records; compare plain JSON values.
      assert.deepEqual(parseMessage(xml), JSON.parse(JSON.stringify(m)));
      if (HAVE_XSD && checkedXsd < 40) {
        checkedXsd++;
        assert.equal(await xsdErrors(xml), 0);
      }
    }),
    { numRuns: 150, seed: 20250901 },
  );
});

// --- agreement of layer (a) with the XSD on mutated messages ---------------------

const BASE = buildMessage(SAMPLES[0]!);
const MUTATIONS: Array<[string, (x: string) => string]> = [
  ['missing required element (ChrgBr)', (x) => x.replace(/<ChrgBr>[A-Z]+<\/ChrgBr>/, '')],
  ['missing required element (MsgId)', (x) => x.replace(/<MsgId>[^<]*<\/MsgId>/, '')],
  ['wrong order (ChrgBr before IntrBkSttlmAmt)', (x) => x.replace(/(<IntrBkSttlmAmt[^>]*>[^<]*<\/IntrBkSttlmAmt>)(.*?)(<ChrgBr>[A-Z]+<\/ChrgBr>)/, '$3$2$1')],
  ['bad pattern (UETR upper case)', (x) => x.replace(/<UETR>([^<]*)<\/UETR>/, (_m, u: string) => `<UETR>${u.toUpperCase()}</UETR>`)],
  ['bad pattern (BIC)', (x) => x.replace(/<BICFI>[^<]*<\/BICFI>/, '<BICFI>BAD-BIC</BICFI>')],
  ['bad currency code pattern', (x) => x.replace(/Ccy="[A-Z]{3}"/, 'Ccy="cny"')],
  ['too many decimals (6)', (x) => x.replace(/(<IntrBkSttlmAmt[^>]*>)[^<]*</, '$1100.123456<')],
  ['too many digits (19)', (x) => x.replace(/(<IntrBkSttlmAmt[^>]*>)[^<]*</, '$11234567890123456789<')],
  ['negative amount', (x) => x.replace(/(<IntrBkSttlmAmt[^>]*>)[^<]*</, '$1-5.00<')],
  ['too long text (EndToEndId 36)', (x) => x.replace(/<EndToEndId>[^<]*<\/EndToEndId>/, `<EndToEndId>${'E'.repeat(36)}</EndToEndId>`)],
  ['empty Max35Text', (x) => x.replace(/<EndToEndId>[^<]*<\/EndToEndId>/, '<EndToEndId></EndToEndId>')],
  ['unknown element', (x) => x.replace('<ChrgBr>', '<Extra>1</Extra><ChrgBr>')],
  ['unknown code (ChrgBr)', (x) => x.replace(/<ChrgBr>[A-Z]+<\/ChrgBr>/, '<ChrgBr>XXXX</ChrgBr>')],
  ['bad date', (x) => x.replace(/<IntrBkSttlmDt>[^<]*<\/IntrBkSttlmDt>/, '<IntrBkSttlmDt>2025-02-30</IntrBkSttlmDt>')],
  ['leading space in a date (libxml2 refuses it)', (x) => x.replace(/<IntrBkSttlmDt>/, '<IntrBkSttlmDt> ')],
  ['trailing space in a date (libxml2 refuses it)', (x) => x.replace(/<\/IntrBkSttlmDt>/, ' </IntrBkSttlmDt>')],
  ['bad date-time', (x) => x.replace(/<CreDtTm>[^<]*<\/CreDtTm>/, '<CreDtTm>2025-09-01 10:00</CreDtTm>')],
  ['missing required attribute Ccy', (x) => x.replace(/(<IntrBkSttlmAmt) Ccy="[A-Z]{3}"/, '$1')],
  ['unknown attribute', (x) => x.replace('<ChrgBr>', '<ChrgBr foo="1">')],
  ['text in element-only content', (x) => x.replace('<PmtId>', '<PmtId>text')],
  ['two choices in a choice', (x) => x.replace('<SvcLvl><Cd>G001</Cd>', '<SvcLvl><Cd>G001</Cd><Prtry>X</Prtry>')],
  ['repeated non-repeating element', (x) => x.replace(/(<ChrgBr>[A-Z]+<\/ChrgBr>)/, '$1$1')],
  ['AdrLine over 7', (x) => x.replace('<TwnNm>', '<AdrLine>1</AdrLine>'.repeat(8) + '<TwnNm>')],
];

test('layer (a) agrees with the XSD verdict on mutated messages', async (t) => {
  for (const [name, mutate] of MUTATIONS) {
    const xml = mutate(BASE);
    assert.notEqual(xml, BASE, `mutation did not apply: ${name}`);
    const a = validateBuiltIn(xml);
    const schemaErrors = a.errors.filter((e) => e.code === 'FF01');
    assert.ok(schemaErrors.length > 0, `layer (a) accepted: ${name}`);
    for (const e of schemaErrors) assert.match(e.path, /^\/BizMsg\/(Document|AppHdr)/);
    if (HAVE_XSD) assert.ok((await xsdErrors(xml)) > 0, `the XSD accepted: ${name}`);
  }
  // And the unmutated base, plus whitespace-tolerant non-string values, pass both.
  const tolerant = BASE.replace(/(<CreDtTm>)([^<]*)(<\/CreDtTm>)/, '$1$2\n$3').replace(/(<IntrBkSttlmAmt[^>]*>)([^<]*)</, '$1 $2 <');
  for (const x of [BASE, tolerant]) {
    assert.deepEqual(validateBuiltIn(x).errors, []);
    if (HAVE_XSD) assert.equal(await xsdErrors(x), 0);
  }
  if (!HAVE_XSD) t.diagnostic(String(SKIP_XSD));
});

// --- hostile and malformed input --------------------------------------------------

const DOC = (inner: string) => `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">${inner}</Document>`;
const HOSTILE: Array<[string, string | Uint8Array, string]> = [
  ['DOCTYPE', `<!DOCTYPE Document>${DOC('')}`, 'XML_DTD_FORBIDDEN'],
  ['DOCTYPE with an entity', `<!DOCTYPE d [<!ENTITY a "x">]>${DOC('&a;')}`, 'XML_ENTITY_DECLARATION'],
  [
    'billion laughs',
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;">]><Document>&lol3;</Document>`,
    'XML_ENTITY_EXPANSION',
  ],
  ['external entity (XXE)', `<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${DOC('&xxe;')}`, 'XML_EXTERNAL_ENTITY'],
  ['undeclared entity', DOC('&nbsp;'), 'XML_UNDEFINED_ENTITY'],
  ['deep nesting', DOC('<a>'.repeat(100) + '</a>'.repeat(100)), 'XML_LIMIT_DEPTH'],
  ['huge element count', DOC('<a/>'.repeat(25_000)), 'XML_LIMIT_ELEMENTS'],
  ['oversized message', DOC('x'.repeat(1_100_000)), 'XML_LIMIT_SIZE'],
  ['truncated XML', BASE.slice(0, BASE.length - 40), 'XML_TRUNCATED'],
  ['mismatched tags', DOC('<a></b>'), 'XML_MALFORMED'],
  ['invalid UTF-8', new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), 'XML_ENCODING'],
  ['control character', DOC('\u0001'), 'XML_INVALID_CHAR'],
  ['unbound prefix', '<p:Document/>', 'XML_NAMESPACE'],
  ['wrong namespace', '<Document xmlns="urn:example:not-iso"/>', 'NAMESPACE_UNKNOWN'],
  ['unsupported message type', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.003.001.08"/>', 'MESSAGE_UNSUPPORTED'],
  ['other version of a supported type', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10"/>', 'MESSAGE_UNSUPPORTED'],
  ['unsupported header version', BASE.replace('head.001.001.02"', 'head.001.001.04"'), 'HEADER_UNSUPPORTED'],
  ['envelope without a Document', '<BizMsg xmlns="urn:sco-settle:xsd:bizmsg.001"><Other/></BizMsg>', 'DOCUMENT_MISSING'],
];

test('hostile and malformed inputs are refused, each with its own code and a position', () => {
  for (const [name, input, code] of HOSTILE) {
    const r = validateBuiltIn(input);
    assert.equal(r.valid, false, name);
    assert.equal(r.errors.length, 1, name);
    assert.equal(r.errors[0]!.code, code, `${name}: ${JSON.stringify(r.errors[0])}`);
    assert.ok(r.errors[0]!.path.startsWith('/'), name);
  }
  try {
    parseXml('<a>\n  <b>\n</a>');
    assert.fail('parsed');
  } catch (err) {
    assert.ok(err instanceof XmlError);
    assert.equal(err.code, 'XML_MALFORMED');
    assert.equal(err.line, 3);
    assert.equal(err.path, '/a/b');
  }
});

test('reader: namespaces, predefined entities, character references, CDATA, Unicode', () => {
  const d = parseXml(
    `<?xml version="1.0" encoding="UTF-8"?><p:Document xmlns:p="urn:x"><p:A>&lt;&amp;&#1046;&#x4E2D;<![CDATA[<b>]]>پارس</p:A><B xmlns="urn:y" c="a&#10;b"/></p:Document>`,
  );
  assert.equal(d.root.ns, 'urn:x');
  assert.equal(d.root.local, 'Document');
  assert.equal(d.root.children[0]!.text, '<&Ж中<b>پارس');
  assert.equal(d.root.children[1]!.ns, 'urn:y');
  assert.equal(d.root.children[1]!.attrs[0]!.value, 'a\nb');
  assert.equal(escapeText('a<b&c>\r'), 'a&lt;b&amp;c&gt;&#13;');
  assert.throws(() => escapeText('bad\u0000'), XmlError);
});

// --- business rules -----------------------------------------------------------------

const BUSINESS: Array<[string, (x: string) => string, string, RegExp]> = [
  ['amount decimals beyond the currency minor units', (x) => x.replace(/(<IntrBkSttlmAmt[^>]*>)[^<]*</, '$1100.125<'), 'AM12', /IntrBkSttlmAmt$/],
  [
    'amount beyond 18 digits in minor units',
    (x) => x.replace(/(<IntrBkSttlmAmt[^>]*>)[^<]*</, '$11234567890123456789.00<'.replace('1234567890123456789.00', '12345678901234567.00')),
    'AM12',
    /IntrBkSttlmAmt$/,
  ],
  ['currency the platform does not carry', (x) => x.replace(/(<IntrBkSttlmAmt) Ccy="[A-Z]{3}"/, '$1 Ccy="XYZ"'), 'AM03', /IntrBkSttlmAmt\/@Ccy$/],
  ['BIC with no such country', (x) => x.replace(/<BICFI>[^<]*<\/BICFI>/, '<BICFI>ABCDQQ22XXX</BICFI>'), 'RC01', /FinInstnId\/BICFI$/],
  [
    'LEI with wrong check digits',
    (x) => x.replace('<Nm>', '<Nm>').replace(/(<Cdtr><Nm>[^<]*<\/Nm>)/, '$1<Id><OrgId><LEI>5493001KJTIIGC8Y1R13</LEI></OrgId></Id>'),
    'LEI_INVALID',
    /Cdtr\/Id\/OrgId\/LEI$/,
  ],
  ['UETR missing', (x) => x.replace(/<UETR>[^<]*<\/UETR>/, ''), 'UETR_MISSING', /CdtTrfTxInf\[1\]\/PmtId\/UETR$/],
  ['header names another message', (x) => x.replace('<MsgDefIdr>pacs.008.001.08', '<MsgDefIdr>pacs.009.001.08'), 'HEADER_MISMATCH', /AppHdr\/MsgDefIdr$/],
];

test('business rules: each error with its code and XPath', () => {
  for (const [name, mutate, code, path] of BUSINESS) {
    const xml = mutate(BASE);
    assert.notEqual(xml, BASE, name);
    const r = validateBuiltIn(xml);
    const hit = r.errors.find((e) => e.code === code);
    assert.ok(hit !== undefined, `${name}: ${JSON.stringify(r.errors)}`);
    assert.match(hit.path, path, name);
    assert.ok(hit.message.length > 0);
  }
  // Duplicate UETR within one message.
  const tx = SAMPLES[0]!.document as { transactions: unknown[] };
  const twice = { ...SAMPLES[0]!, document: { ...(SAMPLES[0]!.document as object), transactions: [tx.transactions[0], tx.transactions[0]] } } as IsoMessage;
  const r = validateBuiltIn(buildMessage(twice));
  assert.deepEqual(
    r.errors.map((e) => [e.code, e.path]),
    [['DUPL', '/BizMsg/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/PmtId/UETR']],
  );
});
