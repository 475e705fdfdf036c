// List loaders: OFAC CSV set, UN consolidated XML, OpenSanctions FtM JSON lines, on
// the project's own fixtures; malformed files refused whole, naming line or element.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOfacRemarks, readOfacCsv } from '../src/compliance/loaders/ofac_csv.js';
import { parseListFiles } from '../src/compliance/list_store.js';
import { ListError } from '../src/compliance/types.js';
import { fixture, load, NOW } from './compliance_support.js';

test('OFAC CSV: sdn.csv with alt.csv and add.csv', () => {
  const l = load('ofac-csv', ['sdn.csv', 'alt.csv', 'add.csv']);
  assert.equal(l.version.list, 'ofac-sdn');
  assert.equal(l.version.entry_count, 5);
  assert.match(l.version.content_hash, /^[0-9a-f]{64}$/);
  const karimov = l.entries.find((e) => e.id === '101')!;
  assert.equal(karimov.type, 'individual');
  assert.deepEqual(
    karimov.names.map((n) => [n.name, n.kind]),
    [
      ['KARIMOV, Rustam Bakhtiyorovich', 'primary'],
      ['KARIMOV, Rustam', 'strong'],
      ['RUSTIK', 'weak'],
    ],
  );
  assert.deepEqual(karimov.dob, ['1971-03-12']);
  assert.ok(karimov.countries.includes('UZ'));
  assert.deepEqual(karimov.identifiers, [{ scheme: 'passport', value: 'AB1234567' }]);
  assert.deepEqual(karimov.addresses, ['Tashkent, Uzbekistan']);
  const gct = l.entries.find((e) => e.id === '102')!;
  assert.equal(gct.type, 'entity');
  assert.deepEqual(gct.programs, ['IRAN', 'SDGT']);
  assert.deepEqual(gct.identifiers, [
    { scheme: 'bic', value: 'GCTRIRTH' },
    { scheme: 'lei', value: '5493001KJTIIGC8Y1R12' },
  ]);
  assert.equal(l.entries.find((e) => e.id === '105')!.type, 'vessel');
  assert.deepEqual(l.entries.find((e) => e.id === '104')!.dob, ['1965', '1966', '1967']);
});

test('OFAC CSV: sdn.csv alone is a valid load', () => {
  const l = load('ofac-csv', ['sdn.csv']);
  assert.equal(l.version.entry_count, 5);
  assert.equal(l.entries.find((e) => e.id === '101')!.names.length, 2); // primary + weak a.k.a. from remarks
});

test('OFAC CSV: a malformed file is refused whole, naming file and line', () => {
  assert.throws(
    () => load('ofac-csv', ['sdn_bad.csv']),
    (e: unknown) => e instanceof ListError && e.code === 'list_malformed' && /sdn_bad\.csv line 3/.test(e.message),
  );
  // Wrong column count, unknown ent_num in alt.csv, unterminated quote.
  const bad = (name: string, text: string): unknown => {
    try {
      parseListFiles('ofac-csv', [fixture('sdn.csv'), { name, bytes: Buffer.from(text) }], NOW);
    } catch (e) {
      return e;
    }
    return null;
  };
  assert.match(String((bad('alt.csv', '101,1,"aka","X"\r\n') as Error).message), /alt\.csv line 1: expected 5 columns/);
  assert.match(
    String((bad('alt.csv', '101,1,"aka","X",-0- \r\n999,2,"aka","Y",-0- \r\n') as Error).message),
    /alt\.csv line 2: ent_num 999 is not in sdn\.csv/,
  );
  assert.match(String((bad('add.csv', '101,1,"unterminated\r\n') as Error).message), /add\.csv line 1: unterminated quoted field/);
  assert.throws(() => parseListFiles('ofac-csv', [{ name: 'notes.txt', bytes: Buffer.from('x') }], NOW), /not an OFAC CSV file name/);
});

test('OFAC CSV reader: quotes, nulls, CRLF, end-of-file byte', () => {
  const rows = readOfacCsv('1,"a ""quoted"", name",-0- , x \r\n2,"b",-0-\r\n\x1a', 't.csv');
  assert.deepEqual(
    rows.map((r) => r.fields),
    [
      ['1', 'a "quoted", name', null, 'x'],
      ['2', 'b', null],
    ],
  );
  assert.throws(() => readOfacCsv('1,"a"\r\n\x1agarbage', 't.csv'), /after the end-of-file byte/);
});

test('OFAC remarks: dates, nationality, identifiers, weak aliases', () => {
  const r = parseOfacRemarks(
    "DOB 19 Jun 1951; alt. DOB circa 1950; POB Giza, Egypt; nationality Egypt; Passport 1084010 (Egypt); alt. Passport 19820215; SWIFT/BIC HAVIGB2L; a.k.a. 'DOC'; Vessel Registration Identification IMO 9187629.",
  );
  assert.deepEqual(r.dob, ['1951-06-19', '1950']);
  assert.deepEqual(r.countries, ['EG']);
  assert.deepEqual(
    r.identifiers.map((i) => `${i.scheme}:${i.value}`),
    ['passport:1084010', 'passport:19820215', 'bic:HAVIGB2L', 'imo:9187629'],
  );
  assert.deepEqual(r.weakAliases, ['DOC']);
});

test('UN XML: individuals and entities, aliases by quality, original script, documents', () => {
  const l = load('un-xml', ['un.xml']);
  assert.equal(l.version.list, 'un-sc');
  assert.equal(l.version.published, '2026-01-15');
  assert.equal(l.version.entry_count, 3);
  const b = l.entries.find((e) => e.id === '9000001')!;
  assert.deepEqual(
    b.names.map((n) => n.kind),
    ['primary', 'original', 'strong', 'weak'],
  );
  assert.equal(b.names[0]!.name, 'DOKUMAN KHASANOVICH BEKMURZAEV');
  assert.deepEqual(b.dob, ['1974-05-02']);
  assert.deepEqual(b.countries, ['RU']);
  assert.deepEqual(b.identifiers, [{ scheme: 'passport', value: '620123456' }]);
  assert.deepEqual(l.entries.find((e) => e.id === '9000002')!.dob, ['1970', '1971', '1972']);
  const ent = l.entries.find((e) => e.id === '9100001')!;
  assert.equal(ent.type, 'entity');
  assert.deepEqual(ent.countries, ['PK']);
});

test('UN XML: a structural fault is refused naming the element and its line', () => {
  assert.throws(
    () => load('un-xml', ['un_bad.xml']),
    (e: unknown) => e instanceof ListError && /un_bad\.xml line 8 element \/CONSOLIDATED_LIST\/INDIVIDUALS\/INDIVIDUAL\[2\]\/DATAID/.test(e.message),
  );
  // Broken XML: the safe reader's position is reported.
  assert.throws(
    () => parseListFiles('un-xml', [{ name: 'x.xml', bytes: Buffer.from('<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n</CONSOLIDATED_LIST>') }], NOW),
    (e: unknown) => e instanceof ListError && /x\.xml line 3 column \d+ element \/CONSOLIDATED_LIST\/INDIVIDUALS/.test(e.message),
  );
  // No DTDs, ever (the project's XML reader refuses them).
  assert.throws(
    () => parseListFiles('un-xml', [{ name: 'x.xml', bytes: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><CONSOLIDATED_LIST/>') }], NOW),
    /XML_ENTITY_DECLARATION/,
  );
  assert.throws(() => parseListFiles('un-xml', [{ name: 'x.xml', bytes: Buffer.from('<OTHER/>') }], NOW), /root element must be CONSOLIDATED_LIST/);
});

test('OpenSanctions FtM: people and companies, identifiers, non-entity schemas skipped', () => {
  const l = load('opensanctions', ['os.ndjson']);
  assert.equal(l.version.entry_count, 3);
  assert.equal(l.version.published, '2026-02-03');
  const li = l.entries.find((e) => e.id === 'NK-001')!;
  assert.equal(li.type, 'individual');
  assert.deepEqual(
    li.names.map((n) => n.name),
    ['Li Guohua', '李国华'],
  );
  assert.deepEqual(li.countries, ['CN']);
  assert.deepEqual(li.identifiers, [{ scheme: 'passport', value: 'E12345678' }]);
  assert.deepEqual(l.entries.find((e) => e.id === 'NK-002')!.identifiers, [{ scheme: 'bic', value: 'SVPTRUMM' }]);
  assert.equal(l.entries.find((e) => e.id === 'NK-004')!.names[1]!.kind, 'weak');
  assert.throws(
    () => load('opensanctions', ['os_bad.ndjson']),
    (e: unknown) => e instanceof ListError && /os_bad\.ndjson line 2: property name must be an array of strings/.test(e.message),
  );
  assert.throws(
    () => parseListFiles('opensanctions', [{ name: 'o.json', bytes: Buffer.from('{"id":"a","schema":"Person","properties":{}}\n{oops\n') }], NOW),
    /o\.json line 2: not JSON/,
  );
});

test('an empty list is refused rather than replacing a list with nothing', () => {
  assert.throws(() => parseListFiles('opensanctions', [{ name: 'e.json', bytes: Buffer.from('\n') }], NOW), /no entries/);
});
