// The prepare worker's fast paths of stop 54 (issue #18) against the plain paths they stand for, written out
// below as they were: a word's steps 7 and 8 kept per word (src/compliance/normalize.ts wordFactsOf, tokensOf),
// an identifier already in its form returned as it is (normalizeIdentifier), a name no longer than the cut not
// spread into code points (src/iso20022/mapping.ts cut), one plain-amount expression per scale (amountText), and
// the reader's size bound not counting UTF-8 bytes of a short string (src/xml/reader.ts parseXml).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  isStopword,
  NAME_TOKENS_MAX,
  normalizeIdentifier,
  normalizeName,
  PARTICLES,
  pickWords,
  tokensOf,
  WORD_FACTS_MAX,
  wordFactsOf,
  wordFactsUncached,
  wordForm,
} from '../src/compliance/normalize.js';
import { amountOfMinor, minorOfAmount } from '../src/iso20022/messages/index.js';
import { amountText, cut } from '../src/iso20022/mapping.js';
import { CURRENCIES } from '../src/platform/reference.js';
import { parseXml, XmlError } from '../src/xml/reader.js';

/** tokensOf as it was: each word's stopword test and matching form worked out afresh. */
function tokensOfRef(s: string, removed: string[], scripts: string[], truncated: boolean) {
  const raw = s.split(' ').filter((t) => t.length > 0);
  const picked = pickWords(
    raw,
    (t) => {
      if (!isStopword(t)) return false;
      removed.push(t);
      return true;
    },
    (t) => PARTICLES.has(t),
  );
  const tokens = picked.words;
  if (picked.cut) truncated = true;
  for (let i = 0; i < tokens.length; i++) {
    const f = wordForm(tokens[i]!);
    tokens[i] = f.form;
    if (f.cut) truncated = true;
  }
  return { tokens, removed, scripts, truncated };
}

/** normalizeIdentifier as it was. */
function normalizeIdentifierRef(value: string): string {
  return value
    .slice(0, 64)
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/** mapping's cut as it was. */
function cutRef(s: string, max: number): string {
  const cps = [...s];
  return cps.length <= max ? s : cps.slice(0, max).join('');
}

/** amountText as it was: its expression made per call. */
function amountTextRef(a: { currency: string; value: string }): string {
  const v = a.value.trim();
  const scale = CURRENCIES.get(a.currency)?.minor_units;
  if (scale === undefined) return v;
  const plain = scale === 0 ? /^[0-9]+$/ : new RegExp(`^[0-9]+(\\.[0-9]{1,${scale}})?$`);
  if (plain.test(v)) return v;
  try {
    return amountOfMinor({ currency: a.currency, minor: minorOfAmount({ currency: a.currency, value: v }) }).value;
  } catch {
    return v;
  }
}

// Words as the steps meet them: stopwords, particles, misspelt legal forms, words canonicalToken folds, numbers,
// long words (cut at TOKEN_MAX_CHARS) and letters of other scripts.
const STOPWORDS = ['llc', 'ltd', 'limited', 'limmited', 'compani', 'corporaton', 'co', 'jsc', 'al', 'bin', 'de', 'the', 'of', 'mr', 'sheikh', 'general', 'and'];
const WORDS = ['contract', 'inv', 'ru25', 'mineral', 'fertilizer', 'khalid', 'hawwat', 'quren', 'abdulrahman', 'mohammed', 'zhang', 'wheat', 'steel'];
const word = fc.oneof(
  fc.constantFrom(...STOPWORDS, ...WORDS),
  fc.stringMatching(/^[a-z]{1,12}$/),
  fc.stringMatching(/^[0-9]{1,8}$/),
  fc.stringMatching(/^[a-z0-9]{1,60}$/),
  fc.stringMatching(/^[a-z]{38,50}$/),
  fc.stringMatching(/^[hqwekcdpt]{1,10}$/),
  fc.constantFrom('müller', 'ёлка', 'عبد', '张伟', 'ß'),
);
const cleaned = fc.array(fc.oneof(word, fc.constant('')), { minLength: 0, maxLength: NAME_TOKENS_MAX + 6 }).map((ws) => ws.join(' '));

test('tokensOf with the kept word facts gives the tokens, removed words and truncation of the facts worked out afresh', () => {
  fc.assert(
    fc.property(cleaned, fc.boolean(), (s, truncated) => {
      assert.deepEqual(tokensOf(s, [], ['cyrillic'], truncated), tokensOfRef(s, [], ['cyrillic'], truncated));
    }),
    { numRuns: 3000 },
  );
});

test('a word met again has the facts of the word worked out afresh, also after the kept words are cleared', () => {
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), (ws) => {
      for (const w of [...ws, ...ws]) assert.deepEqual(wordFactsOf(w), wordFactsUncached(w));
    }),
    { numRuns: 1000 },
  );
  // Past the bound the kept words start afresh: every word still has its own facts.
  const many = Array.from({ length: WORD_FACTS_MAX + 500 }, (_, i) => `w${i.toString(36)}q`);
  for (const w of many) assert.deepEqual(wordFactsOf(w), wordFactsUncached(w));
  for (const w of [...STOPWORDS, ...WORDS, ...many.slice(0, 50)]) assert.deepEqual(wordFactsOf(w), wordFactsUncached(w));
});

test('normalizeName of names and remittances: the tokens the steps give word by word afresh', () => {
  // The steps before 7 are unchanged; a plain text goes to tokensOf as it is, so its tokens are tokensOfRef's.
  fc.assert(
    fc.property(cleaned, (s) => {
      const plain = s.replace(/[^a-z0-9 ]/g, '');
      const n = normalizeName(plain);
      const ref = tokensOfRef(plain, [], [], false);
      assert.deepEqual(n.tokens, ref.tokens);
      assert.deepEqual(n.removed, ref.removed);
      assert.equal(n.truncated, ref.truncated);
    }),
    { numRuns: 2000 },
  );
  for (const name of [
    'INV RU25-196364 mineral fertilizer; contract BY-RU/2025/2789',
    'Urumqi Chemical Co., Ltd.',
    'ТОО «Алматы Мұнай Сервис»',
    'Sheikh Al Khalid bin Hawwat LLC',
  ]) {
    const n = normalizeName(name);
    assert.ok(n.tokens.length > 0, name);
  }
});

test('normalizeIdentifier returns an identifier already in its form as it is, and any other as before', () => {
  const idChar = fc.constantFrom(...'ABCXYZ019abz -./ＡＢ１é\u0000ß'.split(''));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.stringMatching(/^[A-Z0-9]{0,70}$/),
        fc.array(idChar, { maxLength: 80 }).map((a) => a.join('')),
      ),
      (v) => {
        assert.equal(normalizeIdentifier(v), normalizeIdentifierRef(v));
      },
    ),
    { numRuns: 3000 },
  );
  assert.equal(normalizeIdentifier('GCTRIRTH123'), 'GCTRIRTH123');
  assert.equal(normalizeIdentifier('A'.repeat(70)), 'A'.repeat(64));
  assert.equal(normalizeIdentifier('gctririth'), 'GCTRIRITH');
});

test('cut gives what spreading the string into code points gives, at and around the bound', () => {
  const unit = fc.constantFrom('a', 'é', '张', '😀', '\uD800', '\uDC00', ' ');
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 30 }), fc.integer({ min: 0, max: 32 }), (units, max) => {
      const s = units.join('');
      assert.equal(cut(s, max), cutRef(s, max));
    }),
    { numRuns: 4000 },
  );
  assert.equal(cut('😀😀', 2), '😀😀');
  assert.equal(cut('😀😀😀', 2), '😀😀');
});

test('amountText with one expression per scale reads every amount as the expression made per call did', () => {
  const currencies = [...CURRENCIES.keys()];
  const amount = fc.oneof(
    fc.stringMatching(/^[0-9]{1,18}(\.[0-9]{0,6})?$/),
    fc.stringMatching(/^ ?[0-9]{0,4}[.,]?[0-9]{0,4} ?$/),
    fc.constantFrom('1.5', '100', '0.000', '12.345', '1e3', '', '-1', '+2.10'),
  );
  fc.assert(
    fc.property(fc.oneof(fc.constantFrom(...currencies), fc.constantFrom('XXX', 'ZZZ')), amount, (currency, value) => {
      assert.equal(amountText({ currency, value }), amountTextRef({ currency, value }));
    }),
    { numRuns: 4000 },
  );
});

test("the reader's size bound refuses exactly the inputs of more UTF-8 bytes than the bound", () => {
  const unit = fc.constantFrom('a', 'é', '张', '😀');
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 40 }), fc.integer({ min: 7, max: 120 }), (units, max_bytes) => {
      const xml = `<a>${units.join('')}</a>`;
      const over = Buffer.byteLength(xml, 'utf8') > max_bytes;
      let refused = false;
      try {
        parseXml(xml, { max_bytes, max_depth: 64, max_elements: 100, max_attributes: 8 });
      } catch (err) {
        assert.ok(err instanceof XmlError);
        refused = err.code === 'XML_LIMIT_SIZE';
      }
      assert.equal(refused, over, `${xml} at ${max_bytes}`);
    }),
    { numRuns: 4000 },
  );
  // Three bytes a unit, the bound a few bytes either side of the input's size.
  for (let n = 1; n <= 40; n++) {
    const xml = `<a>${'张'.repeat(n)}</a>`;
    const bytes = Buffer.byteLength(xml, 'utf8');
    for (let max_bytes = bytes - 4; max_bytes <= bytes + 4; max_bytes++) {
      const refused = (() => {
        try {
          parseXml(xml, { max_bytes, max_depth: 64, max_elements: 100, max_attributes: 8 });
          return false;
        } catch (err) {
          return err instanceof XmlError && err.code === 'XML_LIMIT_SIZE';
        }
      })();
      assert.equal(refused, bytes > max_bytes, `${n} units at ${max_bytes}`);
    }
  }
});
