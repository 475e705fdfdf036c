// Shared helpers of the ISO 20022 tests: where the official XSDs are (and the
// skip reason when they are not), an XSD verdict for a whole message (AppHdr and
// Document, each against its own schema), and fast-check arbitraries for names in
// Cyrillic, Chinese and Perso-Arabic script, BICs, UETRs and member currencies.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { xsdValidate, type IsoIssue } from '../../src/iso20022/validate.js';
import { parseXml } from '../../src/xml/reader.js';
import { locateMessage } from '../../src/iso20022/envelope.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The project root (this file runs from dist/test/support). */
export const ROOT = join(here, '..', '..', '..');
export const XSD_DIR = process.env.SCO_SETTLE_XSD_DIR ?? join(ROOT, '..', 'shared', 'iso20022', 'xsd');
export const HAVE_XSD = existsSync(join(XSD_DIR, 'pacs.008.001.08.xsd'));
/** `skip` option of node:test: false, or the reason the XSD checks are skipped. */
export const SKIP_XSD: false | string = HAVE_XSD ? false : `official XSDs not found in ${XSD_DIR}; XSD agreement not checked`;
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'iso20022');

/** The official XSD's issues for a message (AppHdr and Document each against its own schema). */
export async function xsdIssues(xml: string | Uint8Array): Promise<IsoIssue[]> {
  const m = locateMessage(parseXml(xml));
  const issues = await xsdValidate(XSD_DIR, m.message_type, m.document, m.documentPath);
  if (m.header !== null) issues.push(...(await xsdValidate(XSD_DIR, 'head.001.001.02', m.header, m.headerPath!)));
  return issues;
}

export const TS = '2025-09-01T10:15:30Z';

/** An AppHdr from a Russian to a Chinese bank for `type`. */
export const hdr = (type: string) => ({
  from: { bic: 'SABRRUMMXXX' },
  to: { bic: 'ICBKCNBJXXX' },
  business_message_id: 'B-1',
  message_definition_id: type,
  creation_date: TS,
});

// --- arbitraries --------------------------------------------------------------------

export const cyrillicNames = ['Иван Петров', 'ООО «Сибирский Лес»', 'Назарбаев Университеті', 'Тоҷикистон', 'Беларусбанк'];
export const chineseNames = ['中国工商银行', '新疆棉花进出口有限公司', '上海丝绸', '乌鲁木齐'];
export const persoArabicNames = ['شرکت بازرگانی پارس', 'بینک الحبیب', 'محمد علی', 'تهران'];

const scripts = [
  fc.constantFrom(...cyrillicNames),
  fc.constantFrom(...chineseNames),
  fc.constantFrom(...persoArabicNames),
  fc.string({ minLength: 1, maxLength: 30, unit: fc.constantFrom(...'Aa Zz09&<>"\'-./é'.split('')) }),
];

/** A name of 1..`max` characters mixing scripts (and XML-special characters). */
export const nameArb = (max = 140) =>
  fc
    .tuple(fc.oneof(...scripts), fc.oneof(...scripts))
    .map(([a, b]) => `${a} ${b}`.slice(0, max))
    .filter((s) => s.trim().length > 0);

export const MEMBER_BICS = ['SABRRUMMXXX', 'ICBKCNBJXXX', 'SBININBB', 'HABBPKKA', 'HSBKKZKXXXX', 'NBFAUZ2XXXX', 'BMJIIRTHXXX', 'KICBKG22XXX', 'BPSBBY2XXXX'];
export const bicArb = fc.constantFrom(...MEMBER_BICS);

const hexArb = (n: number) => fc.string({ minLength: n, maxLength: n, unit: fc.constantFrom(...'0123456789abcdef'.split('')) });
export const uetrArb = fc
  .tuple(hexArb(8), hexArb(4), hexArb(3), fc.constantFrom('8', '9', 'a', 'b'), hexArb(3), hexArb(12))
  .map(([a, b, c, d, e, f]) => `${a}-${b}-4${c}-${d}${e}-${f}`);

/** Max35Text ids from a small alphabet (never empty, never all blanks). */
export const idArb = fc.string({ minLength: 1, maxLength: 35, unit: fc.constantFrom(...'ABC123-/ xyz'.split('')) }).filter((s) => s.trim().length > 0);

export const MEMBER_CURRENCIES = ['CNY', 'RUB', 'INR', 'PKR', 'IRR', 'KZT', 'KGS', 'TJS', 'UZS', 'BYN'] as const;
export const currencyArb = fc.constantFrom(...MEMBER_CURRENCIES);

/** Minor units up to 10^16 (18 digits with 2 decimals at most). */
export const minorArb = fc.bigInt({ min: 0n, max: 10n ** 16n });

export const dateArb = fc
  .tuple(fc.integer({ min: 2024, max: 2027 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

/** fast-check builds null-prototype records; compare plain JSON values (bigints are not in models). */
export const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
