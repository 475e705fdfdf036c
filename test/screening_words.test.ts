// Screening a remittance's runs of words from what the index remembers of each
// word (ScreeningIndex.textWords / runMatches, issue #18) must give exactly what
// screening each run's text gives: the same matches for every run, and the same
// payment screening as an index without a result cache (which screens the texts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeName } from '../src/compliance/normalize.js';
import { demoWatchlist } from '../src/demo/watchlist.js';
import { ScreeningIndex, screenPayment } from '../src/platform/screening_tools.js';
import type { SanctionsList } from '../src/compliance/types.js';
import { fixtureLists } from './compliance_support.js';

/** Words of the lists' own names, some misspelt, with stopwords, particles, digits and odd tokens between them. */
function texts(lists: readonly SanctionsList[], n: number): string[] {
  const names = lists.flatMap((l) => l.entries.flatMap((e) => e.names.map((x) => x.name)));
  const filler = [
    'INV RU25-196364',
    'mineral fertilizer; contract BY-RU/2025/2789',
    'al bin de la',
    'Mr Dr LLC Ltd',
    'Limmited Compani',
    'kkh qqw eee',
    'x'.repeat(45),
    'abcdefgij'.repeat(5),
    'ab',
    'Καλημέρα',
    'ООО Ромашка',
    '12 345 6789',
    'of the and',
  ];
  let x = 7;
  const next = (k: number): number => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x % k;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    for (let j = 0, m = 1 + next(4); j < m; j++) {
      const pick = next(3);
      if (pick === 0) parts.push(filler[next(filler.length)]!);
      else {
        const name = names[next(names.length)]!;
        // A letter dropped now and then: near misses as well as hits.
        parts.push(next(4) === 0 && name.length > 4 ? name.slice(0, 2) + name.slice(3) : name);
      }
    }
    out.push(parts.join(next(2) === 0 ? ' ' : ', '));
  }
  return out;
}

/** Lower-case ASCII words of a text, each of the first three twice. */
function plainWordsOf(text: string): string[] {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  return words.flatMap((w, i) => (i < 3 ? [w, w] : [w]));
}

/**
 * Names of nothing but honorifics, legal forms and particles (what is kept of them
 * depends on which is which), and the demo's own: the texts carry these words too.
 */
function stopwordList(): SanctionsList {
  const base = demoWatchlist(new Date(0));
  const names = ['Mr Al', 'Dr Bin Ltd', 'Sheikh de la', 'LLC Ltd', 'Al Bin', 'Haji Gen', 'Doctor Von Der'];
  const entries = names.map((name, i) => ({
    id: `s${i}`,
    type: 'individual' as const,
    names: [{ name, kind: 'primary' as const }],
    dob: [],
    countries: [],
    identifiers: [],
    addresses: [],
    programs: [],
  }));
  return { version: { ...base.version, list: 'stopwords' }, entries: [...entries, ...base.entries] };
}

for (const [label, lists] of [
  ['the demo watch-list', [demoWatchlist(new Date(0))]],
  ['the fixture lists', fixtureLists()],
  ['names of stopwords', [stopwordList()]],
] as const) {
  test(`each run of a text's words matches what its words joined by spaces match (${label})`, () => {
    // A small cache: the word memo and the results turn over many times.
    const index = new ScreeningIndex(lists, { result_cache: 16 });
    const byText = new ScreeningIndex(lists, { result_cache: 0 });
    let runs = 0;
    let matched = 0;
    let viaWords = 0;
    const fixed = [
      'Mr Al',
      'LLC Ltd Al Bin',
      'Sheikh de la Haji Gen',
      'Dr Von Der',
      'ref 12 Mr Al LLC',
      `Golden ${'abcdefgij'.repeat(5)}`,
      `Mr Golden ${'abcdefgij'.repeat(5)}`,
    ];
    const all = [...fixed, ...fixed, ...texts(lists, 300), ...texts(lists, 300)];
    for (const [t, text] of all.entries()) {
      // The text's own tokens (what screenPayment screens), or its plain words as they come: stopwords, particles
      // and repeated words in the runs too (a word doubled counts its grams once).
      const tokens = t % 2 === 0 ? normalizeName(text).tokens : plainWordsOf(text);
      const words = index.textWords(tokens);
      if (words !== null) viaWords++;
      for (let len = 1; len <= 4; len++) {
        for (let i = 0; i + len <= tokens.length; i++) {
          const run = tokens.slice(i, i + len).join(' ');
          for (const threshold of [0.83, 0.6, 0.3]) {
            const want = byText.nameMatches({ name: run }, threshold);
            const got = words === null ? index.nameMatches({ name: run }, threshold) : index.runMatches(words, i, len, threshold);
            assert.deepStrictEqual(got, want, `${JSON.stringify(run)} at ${threshold}`);
            // A run kept in the result cache is the whole result screening its text gives (truncated flag, lists).
            assert.deepStrictEqual(index.screenName({ name: run }, threshold), byText.screenName({ name: run }, threshold));
            runs++;
            if (want.length > 0) matched++;
          }
        }
      }
    }
    // The comparison covers runs that match, and texts read word by word.
    assert.ok(matched > 50, `runs that match: ${matched} of ${runs}`);
    assert.ok(viaWords > 300, `texts read word by word: ${viaWords}`);
  });

  test(`a payment's screening is that of an index without a result cache (${label})`, () => {
    const cached = new ScreeningIndex(lists, { result_cache: 16 });
    const uncached = new ScreeningIndex(lists, { result_cache: 0 });
    let remittanceHits = 0;
    for (const [i, remittance] of texts(lists, 400).entries()) {
      const q = {
        uetr: `u${i}`,
        debtor: { name: 'Yamalsnab LLC', country: 'RU' },
        creditor: { name: 'Andijan Fruit LLC', country: null },
        remittance,
      };
      const got = screenPayment(cached, q);
      assert.deepStrictEqual(got, screenPayment(uncached, q), remittance);
      if (got.matches.some((m) => m.role === 'remittance')) remittanceHits++;
    }
    assert.ok(remittanceHits > 50, `payments with remittance matches: ${remittanceHits}`);
  });
}

test('a text with a word that is not plain is screened run by run as text', () => {
  const index = new ScreeningIndex([demoWatchlist(new Date(0))], { result_cache: 16 });
  assert.equal(index.textWords(['golden', 'καλη']), null);
  assert.equal(index.textWords(['golden', '']), null);
  assert.notEqual(index.textWords(['golden', 'crane', '2025']), null);
  // Without a result cache the index screens texts only (a benchmark measures screening itself).
  assert.equal(new ScreeningIndex([demoWatchlist(new Date(0))], { result_cache: 0 }).textWords(['golden']), null);
});
