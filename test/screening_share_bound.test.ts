// A remittance run whose kept words' walked gram weight is below
// CANDIDATE_MIN_SHARE of one kept word's gram weight is answered "no match"
// without candidate generation (matcher.ts belowCandidateShare, issue #18): every
// such run must have no candidate when its candidates are generated, and every run
// must match what an index without a result cache matches for its text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeName } from '../src/compliance/normalize.js';
import { belowCandidateShare, type ScreenWord } from '../src/compliance/matcher.js';
import { demoWatchlist } from '../src/demo/watchlist.js';
import { ScreeningIndex } from '../src/platform/screening_tools.js';
import type { SanctionsList } from '../src/compliance/types.js';
import { fixtureLists } from './compliance_support.js';

/** The lists' own name words (some with a letter dropped), stopwords, particles and filler, as plain words. */
function wordPool(lists: readonly SanctionsList[]): string[] {
  const words = new Set<string>();
  for (const l of lists) {
    for (const e of l.entries) {
      for (const n of e.names) {
        for (const t of normalizeName(n.name).tokens) {
          if (!/^[a-z0-9]+$/.test(t)) continue;
          words.add(t);
          if (t.length > 4) words.add(t.slice(0, 2) + t.slice(3));
        }
      }
    }
  }
  for (const w of [
    'inv',
    'ru25',
    '196364',
    'mineral',
    'fertilizer',
    'contract',
    'by',
    'ru',
    '2025',
    'al',
    'bin',
    'mr',
    'llc',
    'ltd',
    'the',
    'of',
    'limmited',
    'kkh',
    'x'.repeat(45),
  ])
    words.add(w);
  return [...words];
}

type RunQueryOf = { runQuery(ws: readonly ScreenWord[], start: number, end: number): { candidates: number[] } };

for (const [label, lists] of [
  ['the demo watch-list', [demoWatchlist(new Date(0))]],
  ['the fixture lists', fixtureLists()],
] as const) {
  test(`a run judged below the candidate share has no candidate, and every run matches what its text matches (${label})`, () => {
    const pool = wordPool(lists);
    const index = new ScreeningIndex(lists, { result_cache: 64 });
    const byText = new ScreeningIndex(lists, { result_cache: 0 });
    let judged = 0;
    let withCandidates = 0;
    let matched = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 8 }), (tokens) => {
        const words = index.textWords(tokens);
        assert.notEqual(words, null);
        for (let len = 1; len <= 4; len++) {
          for (let i = 0; i + len <= tokens.length; i++) {
            const candidates = (index as unknown as RunQueryOf).runQuery(words!, i, i + len).candidates.length;
            if (candidates > 0) withCandidates++;
            if (belowCandidateShare(words!, i, i + len)) {
              judged++;
              assert.equal(candidates, 0, `${tokens.slice(i, i + len).join(' ')} judged below the share has candidates`);
            }
            for (const threshold of [0.83, 0.5]) {
              const want = byText.nameMatches({ name: tokens.slice(i, i + len).join(' ') }, threshold);
              assert.deepStrictEqual(index.runMatches(words!, i, len, threshold), want);
              if (want.length > 0) matched++;
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    // The bound is exercised both ways, and runs that match are among those compared.
    assert.ok(judged > 100, `runs judged below the share: ${judged}`);
    assert.ok(withCandidates > 100, `runs with candidates: ${withCandidates}`);
    assert.ok(matched > 20, `runs that match: ${matched}`);
  });
}
