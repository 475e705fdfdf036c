// Normalisation, transliteration, fuzzy matching, identifiers, hostile names, and
// recall / false-positive rate on the labelled set (fixtures; the real lists when
// ../shared/sanctions is present).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildLabelledSet, scoreLabelled } from '../src/compliance/labelled_set.js';
import { parseListFiles } from '../src/compliance/list_store.js';
import { DEFAULT_THRESHOLD, ScreeningIndex } from '../src/compliance/matcher.js';
import { NAME_TOKENS_MAX, normalizeName, TOKEN_MAX_CHARS } from '../src/compliance/normalize.js';
import { parsePaymentInstruction, screenPayment } from '../src/compliance/payments.js';
import { jaroWinkler, phoneticKey } from '../src/compliance/similarity.js';
import { fixtureLists, SHARED_SANCTIONS, SKIP_SHARED } from './compliance_support.js';

const index = new ScreeningIndex(fixtureLists());

test('normalisation: case, diacritics, punctuation, honorifics, legal forms in three scripts', () => {
  assert.deepEqual(normalizeName('Dr. José  MÜLLER-Ñúñez').tokens, ['jose', 'muler', 'nunez']);
  assert.deepEqual(normalizeName('GOLDEN CRESCENT TRADING L.L.C.').tokens, ['golden', 'crescent', 'trading']);
  assert.deepEqual(normalizeName('ООО «Северный Путь»').tokens, ['severny', 'put']);
  assert.deepEqual(normalizeName('新疆棉花进出口有限公司').removed, ['有限公司']);
  assert.deepEqual(normalizeName('Sheikh Abd al-Rahman').tokens, ['abd', 'rahman']);
  assert.deepEqual(normalizeName('ACME Trading Limmited').tokens, ['acme', 'trading']); // a misspelt legal form too
});

test('transliteration: Cyrillic, Chinese (pinyin), Perso-Arabic', () => {
  assert.deepEqual(normalizeName('Бекмурзаев Докуман Хасанович').tokens, ['bekmurzaev', 'dokuman', 'hasanovich']);
  assert.deepEqual(normalizeName('Джамиль').tokens, ['jamil']);
  assert.deepEqual(normalizeName('李国华').tokens, ['li', 'guohua']);
  assert.deepEqual(normalizeName('欧阳明华').tokens, ['ouyang', 'minghua']);
  assert.deepEqual(normalizeName('محمود يوسف الدراجي').tokens, ['mhmud', 'yusf', 'draji']); // short vowels are not written
  assert.equal(phoneticKey('muhammad'), phoneticKey(normalizeName('محمد').tokens[0]!));
  assert.equal(phoneticKey('mohammed'), phoneticKey('mukhammed'));
});

test('Jaro–Winkler: known values and bounds', () => {
  assert.equal(jaroWinkler('martha', 'martha'), 1);
  assert.ok(Math.abs(jaroWinkler('martha', 'marhta') - 0.9611) < 1e-3);
  assert.ok(Math.abs(jaroWinkler('dixon', 'dicksonx') - 0.8133) < 1e-3);
  assert.equal(jaroWinkler('', 'abc'), 0);
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
      const s = jaroWinkler(a, b);
      return s >= 0 && s <= 1 + 1e-12 && Math.abs(s - jaroWinkler(b, a)) < 1e-9;
    }),
  );
});

test('matching: reordering, spelling variants, typos, scripts; a score and an explanation per hit', () => {
  const top = (name: string, extra: { country?: string; dob?: string } = {}) => index.screenName({ name, ...extra }).matches[0];
  assert.equal(top('Rustam Bakhtiyorovich Karimov')?.entry_id, '101');
  assert.equal(top('Karimov Rustam Bahtiyorovich')?.entry_id, '101');
  assert.equal(top('Rustam Karimow')?.entry_id, '101');
  assert.equal(top('Рустам Каримов')?.entry_id, '101');
  assert.equal(top('张伟明')?.entry_id, '103');
  assert.equal(top('Weiming Zhang')?.entry_id, '103');
  assert.equal(top('Abdul Rahman Al Hashimi')?.entry_id, '104');
  assert.equal(top('Mahmoud Yousef al-Darraji')?.entry_id, '9000002');
  assert.equal(top('محمود يوسف الدراجي')?.entry_id, '9000002');
  assert.equal(top('Li Guohua')?.entry_id, 'NK-001');
  assert.equal(top('李国华')?.entry_id, 'NK-001');
  assert.equal(top('Severny Put')?.entry_id, 'NK-002');
  assert.equal(top('Golden Crescent General Trading Co')?.entry_id, '102');
  const m = top('Dokuman Bekmurzayev', { dob: '1974-05-02', country: 'RU' })!;
  assert.equal(m.entry_id, '9000001');
  assert.equal(m.list, 'un-sc');
  assert.match(m.why, /dokuman=dokuman/);
  assert.match(m.why, /dob 1974-05-02 matches/);
  // Nothing for unrelated names.
  for (const n of ['John Smith', 'Almaty Grain LLP', 'Wang Fang', 'Irina Kuznetsova', 'Eastern Bank', 'Rustam Nurlanov']) {
    assert.equal(index.screenName({ name: n }).hit, false, n);
  }
});

test('identifiers: BIC on 8 or 11 characters, LEI, passport', () => {
  assert.equal(index.screenIdentifier('GCTRIRTHXXX', 'bic')[0]?.entry_id, '102');
  assert.equal(index.screenIdentifier('gctr irth', 'bic')[0]?.entry_id, '102');
  assert.equal(index.screenIdentifier('GCTRIRTH123', 'bic')[0]?.score, 0.95);
  assert.equal(index.screenIdentifier('5493001KJTIIGC8Y1R12', 'lei')[0]?.entry_id, '102');
  assert.equal(index.screenIdentifier('AB 1234567')[0]?.entry_id, '101');
  assert.deepEqual(index.screenIdentifier('SABRRUMMXXX', 'bic'), []);
});

test('payments: parties, agents and remittance screened; versions recorded', () => {
  const p = parsePaymentInstruction({
    uetr: 'u',
    debtor: { name: 'Almaty Grain LLP', country: 'KZ' },
    creditor: { name: 'Wang Fang', country: 'CN' },
    debtor_agent_bic: 'HSBKKZKX',
    creditor_agent_bic: 'ICBKCNBJ',
    remittance: 'on behalf of Horizon Relief Foundation inv 7',
  });
  const r = screenPayment(index, p);
  assert.equal(r.hit, true);
  assert.equal(r.matches[0]!.role, 'remittance');
  assert.equal(r.matches[0]!.entry_id, '9100001');
  assert.equal(r.lists.length, 3);
  const clean = screenPayment(index, { ...p, remittance: 'grain contract 12/2026' });
  assert.equal(clean.hit, false);
  assert.throws(() => parsePaymentInstruction({ uetr: 'u', debtor: { name: 1 } }), /debtor\.name/);
});

test('hostile names: huge, control characters, mixed scripts, lone surrogates never crash and stay within limits', () => {
  const huge = 'Karimov '.repeat(5000);
  const r = index.screenName({ name: huge });
  assert.equal(r.truncated, true);
  assert.ok(normalizeName(huge).tokens.length <= NAME_TOKENS_MAX);
  assert.equal(index.screenName({ name: '\u0000\u0007\u202e\ud800 Rustam\u0000Karimov\u200b' }).matches[0]?.entry_id, '101');
  assert.doesNotThrow(() => index.screenName({ name: 'Рустам 张伟明 محمود Karimov 🙂' }));
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (s) => {
      const n = normalizeName(s);
      const res = index.screenName({ name: s });
      return n.tokens.length <= NAME_TOKENS_MAX && n.tokens.every((t) => t.length > 0 && t.length <= TOKEN_MAX_CHARS) && res.score >= 0 && res.score <= 1;
    }),
    { numRuns: 300 },
  );
});

test('screening is deterministic', () => {
  fc.assert(
    fc.property(fc.constantFrom('Rustam Karimov', 'Li Guohua', 'Golden Crescent', 'Бекмурзаев'), fc.string({ maxLength: 20 }), (a, b) => {
      const q = { name: `${a} ${b}` };
      return JSON.stringify(index.screenName(q)) === JSON.stringify(new ScreeningIndex(fixtureLists()).screenName(q));
    }),
    { numRuns: 30 },
  );
});

test('labelled set on the fixtures: recall and false-positive rate', () => {
  const set = buildLabelledSet(fixtureLists(), { seed: 7, positives: 200, negatives: 200 });
  assert.equal(JSON.stringify(set), JSON.stringify(buildLabelledSet(fixtureLists(), { seed: 7, positives: 200, negatives: 200 })));
  const score = scoreLabelled(
    set,
    set.map((x) => index.screenName({ name: x.name })),
  );
  assert.ok(score.recall >= 0.95, `recall ${score.recall}: missed ${JSON.stringify(score.missed.slice(0, 5))}`);
  assert.ok(score.false_positive_rate <= 0.02, `FPR ${score.false_positive_rate}: ${JSON.stringify(score.false_positives.slice(0, 5))}`);
});

test('labelled set on the real OFAC SDN + UN lists: recall >= 0.98, FPR <= 0.01', { skip: SKIP_SHARED }, () => {
  const dir = SHARED_SANCTIONS;
  const ofac = parseListFiles(
    'ofac-csv',
    ['sdn.csv', 'alt.csv', 'add.csv'].map((n) => ({ name: n, bytes: readFileSync(join(dir, 'ofac-sdn-csv-2021-07', n)) })),
    new Date(0),
  );
  const un = parseListFiles(
    'un-xml',
    [{ name: 'UN_consolidated.xml', bytes: readFileSync(join(dir, 'un-sc-consolidated-xml', 'UN_consolidated.xml')) }],
    new Date(0),
  );
  assert.equal(ofac.version.entry_count, 8976);
  assert.equal(un.version.entry_count, 1003);
  const real = new ScreeningIndex([ofac, un]);
  const set = buildLabelledSet([ofac, un], { seed: 11, positives: 1000, negatives: 1000 });
  const score = scoreLabelled(
    set,
    set.map((x) => real.screenName({ name: x.name }, DEFAULT_THRESHOLD)),
  );
  assert.ok(score.recall >= 0.98, `recall ${score.recall}`);
  assert.ok(score.false_positive_rate <= 0.01, `FPR ${score.false_positive_rate}`);
});
