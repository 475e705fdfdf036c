// screenPayment (src/compliance/payments.ts) with its loops by index instead of for-of (an iterator
// object per loop on the demo's prepare worker): the same screening, matches in the same order, as the
// function it replaced (written out below), on the demo's watch-list and the fixture lists, for parties
// named from the lists or not, agents' BICs (absent, empty, a listed identifier), and remittances with
// listed names and identifiers among other words.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_THRESHOLD, type IdentifierHit, type ScreenMatch } from '../src/compliance/matcher.js';
import { normalizeName } from '../src/compliance/normalize.js';
import {
  REMITTANCE_MAX_CHARS,
  REMITTANCE_WINDOW_TOKENS,
  screenPayment,
  type PaymentInstruction,
  type PaymentMatch,
  type PaymentRole,
  type PaymentScreening,
} from '../src/compliance/payments.js';
import { demoWatchlist } from '../src/demo/watchlist.js';
import { SCREENING_RESULT_CACHE, ScreeningIndex } from '../src/platform/screening_tools.js';
import { fixtureLists } from './compliance_support.js';

function fromNameRef(role: PaymentRole, screened: string, m: Readonly<ScreenMatch>): PaymentMatch {
  return { role, screened, list: m.list, version_id: m.version_id, entry_id: m.entry_id, matched_name: m.matched_name, score: m.score, why: m.why };
}

function fromIdRef(role: PaymentRole, h: IdentifierHit): PaymentMatch {
  return { role, screened: h.value, list: h.list, version_id: h.version_id, entry_id: h.entry_id, matched_name: h.matched, score: h.score, why: h.why };
}

/** screenPayment as it was (src/compliance/payments.ts before its loops went by index). */
function screenPaymentRef(index: ScreeningIndex, p: PaymentInstruction, threshold = DEFAULT_THRESHOLD): PaymentScreening {
  const matches: PaymentMatch[] = [];
  for (const role of ['debtor', 'creditor'] as const) {
    const pty = p[role];
    for (const m of index.nameMatches({ name: pty.name, country: pty.country ?? null }, threshold)) matches.push(fromNameRef(role, pty.name, m));
  }
  for (const [role, bic] of [
    ['debtor_agent', p.debtor_agent_bic],
    ['creditor_agent', p.creditor_agent_bic],
  ] as const) {
    if (bic === null || bic === undefined || bic.length === 0) continue;
    for (const h of index.screenIdentifier(bic, 'bic')) matches.push(fromIdRef(role, h));
  }
  const text = (p.remittance ?? '').slice(0, REMITTANCE_MAX_CHARS);
  if (text.trim().length > 0) {
    const seen = new Set<string>();
    // Identifiers written in the text (BIC-, LEI-, passport-like words).
    for (const word of text.toUpperCase().match(/\b[A-Z0-9]{6,20}\b/g) ?? []) {
      if (!/[0-9]/.test(word) && word.length !== 8 && word.length !== 11) continue;
      for (const h of index.screenIdentifier(word)) {
        const key = `${h.list}:${h.entry_id}`;
        if (!seen.has(key)) {
          seen.add(key);
          matches.push(fromIdRef('remittance', h));
        }
      }
    }
    // Names: every run of 1..REMITTANCE_WINDOW_TOKENS normalised words (single words only
    // when they are long enough to be a name on their own).
    // The words are screened run by run from what the index keeps of each word (runMatches), when it can.
    const tokens = normalizeName(text).tokens;
    const words = index.textWords(tokens);
    for (let len = Math.min(REMITTANCE_WINDOW_TOKENS, tokens.length); len >= 1; len--) {
      for (let i = 0; i + len <= tokens.length; i++) {
        if (len === 1 && tokens[i]!.length < 5) continue;
        const run = words === null ? tokens.slice(i, i + len).join(' ') : null;
        const found = run !== null ? index.nameMatches({ name: run }, threshold) : index.runMatches(words!, i, len, threshold);
        for (const m of found) {
          const key = `${m.list}:${m.entry_id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          matches.push(fromNameRef('remittance', run ?? tokens.slice(i, i + len).join(' '), m));
        }
      }
    }
  }
  matches.sort((a, b) => b.score - a.score || a.role.localeCompare(b.role) || a.entry_id.localeCompare(b.entry_id));
  const score = matches[0]?.score ?? 0;
  return { uetr: p.uetr, hit: matches.length > 0, score, threshold, matches, lists: index.versions.map((v) => ({ list: v.list, version_id: v.version_id })) };
}

const lists = [demoWatchlist(new Date(0)), ...fixtureLists()];
const names = lists.flatMap((l) => l.entries.flatMap((e) => e.names.map((x) => x.name)));
const ids = lists.flatMap((l) => l.entries.flatMap((e) => e.identifiers.map((x) => x.value)));
const indexes = [new ScreeningIndex(lists, { result_cache: SCREENING_RESULT_CACHE }), new ScreeningIndex(lists.slice(1))];

const word = fc.oneof(
  fc.constantFrom(...names),
  fc.constantFrom(...ids),
  fc.constantFrom('INV RU25-196364', 'contract BY-RU/2025/2789', 'al bin de la', 'LLC', 'Ltd', 'ООО Ромашка', 'DEUTDEFF', 'NARYKGB0', 'AB12CD34EF'),
  fc.string({ maxLength: 12 }),
);
const bic = fc.oneof(fc.constant(null), fc.constant(undefined), fc.constant(''), fc.constantFrom(...ids), fc.constantFrom('URTARUP0', 'DEUTDEFFXXX'));
const payment: fc.Arbitrary<PaymentInstruction> = fc.record({
  uetr: fc.uuid(),
  debtor: fc.record({
    name: fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 30 })),
    country: fc.oneof(fc.constant(null), fc.constantFrom('RU', 'KG', 'IR', 'US')),
  }),
  creditor: fc.record({
    name: fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 30 })),
    country: fc.oneof(fc.constant(undefined), fc.constantFrom('RU', 'KP', 'CN')),
  }),
  debtor_agent_bic: bic,
  creditor_agent_bic: bic,
  remittance: fc.oneof(
    fc.constant(null),
    fc.array(word, { maxLength: 10 }).map((w) => w.join(' ')),
  ),
});

test('screenPayment: the same screening, matches in the same order, as its for-of form', () => {
  let hits = 0;
  fc.assert(
    fc.property(payment, fc.constantFrom(0, 1), (p, which) => {
      const got: PaymentScreening = screenPayment(indexes[which]!, p);
      assert.deepEqual(got, screenPaymentRef(indexes[which]!, p));
      if (got.hit) hits++;
    }),
    { numRuns: 1500 },
  );
  // Most payments name a listed party, agent or identifier somewhere.
  assert.ok(hits > 500, `${hits} hits`);
});
