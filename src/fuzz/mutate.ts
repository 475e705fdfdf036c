// Mutation of a valid input into a hostile one: this module owns the mutation
// operators the fuzz targets share. Each input is a seed from the target's corpus
// with 1..8 operators applied: byte flips, deletions, duplications, splices of
// tokens from a dictionary (markup, entities, surrogate halves, huge numbers),
// truncation. Deterministic for a generator state.

import type { Prng } from '../sim/prng.js';

/** A bound on a mutated input, so a run never builds an unbounded string. */
export const MUTATED_CHARS_MAX = 256 * 1024;

const pick = <T>(rng: Prng, xs: readonly T[]): T => xs[rng.below(xs.length)]!;

/** Characters that break readers: controls, NUL, BOM, non-characters, lone surrogates, bidi controls. */
const HOSTILE_CHARS = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u200b',
  '\r',
  '\n',
  '\t',
  ' ',
  '"',
  "'",
  '\\',
  '<',
  '>',
  '&',
  ';',
  '{',
  '}',
  '[',
  ']',
  ',',
];

export function mutate(rng: Prng, seed: string, dictionary: readonly string[]): string {
  let s = seed;
  const ops = 1 + rng.below(8);
  for (let k = 0; k < ops && s.length < MUTATED_CHARS_MAX; k++) s = mutateOnce(rng, s, dictionary);
  return s.length > MUTATED_CHARS_MAX ? s.slice(0, MUTATED_CHARS_MAX) : s;
}

function mutateOnce(rng: Prng, s: string, dictionary: readonly string[]): string {
  const at = s.length === 0 ? 0 : rng.below(s.length + 1);
  const span = Math.min(s.length - at, 1 + rng.below(32));
  switch (rng.below(9)) {
    case 0:
      return s.slice(0, at) + pick(rng, HOSTILE_CHARS) + s.slice(at);
    case 1:
      return s.slice(0, at) + s.slice(at + span);
    case 2:
      return s.slice(0, at) + s.slice(at, at + span).repeat(2 + rng.below(4)) + s.slice(at + span);
    case 3:
    case 4:
      return s.slice(0, at) + pick(rng, dictionary) + s.slice(at);
    case 5:
      return s.slice(0, at) + pick(rng, dictionary) + s.slice(at + span);
    case 6:
      return s.slice(0, at);
    case 7: {
      if (s.length === 0) return s;
      const c = s.charCodeAt(Math.min(at, s.length - 1));
      return s.slice(0, at) + String.fromCharCode(c ^ (1 << rng.below(8))) + s.slice(at + 1);
    }
    default: {
      const from = s.length === 0 ? 0 : rng.below(s.length);
      return s.slice(0, at) + s.slice(from, from + span) + s.slice(at);
    }
  }
}

/** Values that break scalar fields: signs, exponents, huge and tiny numbers, bad dates, odd strings. */
export const HOSTILE_SCALARS: readonly string[] = [
  '+1',
  '-1',
  '1e5',
  '0x10',
  '1.',
  '.5',
  '1.234',
  '00',
  '0',
  'NaN',
  'Infinity',
  '9'.repeat(39),
  `1.${'0'.repeat(30)}`,
  '2025-02-30',
  '2025-13-01',
  '9999-12-31',
  '0000-01-01',
  '2025-08-29T25:00:00Z',
  '',
  ' ',
  'A'.repeat(300),
  'ZZ',
  'XXX',
  'usd',
  '\u202eCNY',
  'AAAAAAAAAAAA',
  '00000000-0000-0000-0000-000000000000',
];
