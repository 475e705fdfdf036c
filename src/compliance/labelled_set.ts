// The labelled screening test set, generated deterministically (seeded) from the
// entries of the lists being screened against: listed names written as a bank
// would receive them (positives, each labelled with the entry it must find) and
// unlisted names that look alike (negatives, which must not hit). Used by the
// tests (on the project's own fixtures) and by `bench screening` (on the real
// lists). Recall = positives whose entry is among the matches; false-positive rate
// = negatives with any match.
//
// This module owns the variant generators:
//   positives: as_written ("SURNAME, Given" -> "Given Surname"), reordered tokens,
//     dropped middle name, one typo (substitution, deletion, insertion,
//     transposition), a transliteration variant (ou/u, kh/h, y/i, ph/f, dh/d, e/a,
//     doubled consonants, -ov/-off, …), the Cyrillic spelling, the Chinese spelling
//     (names that split into pinyin syllables), the original-script name;
//   negatives: unlisted people and companies built from name pools of the region,
//     and look-alikes: a listed person's given names with a different surname.
// Negatives whose every token belongs to one listed name are dropped (they would be
// true partial matches, not false positives).

import { normalizeName } from './normalize.js';
import { hanziFor, splitPinyin } from './pinyin_table.js';
import { latinToCyrillic } from './translit.js';
import type { SanctionsList } from './types.js';

export interface LabelledName {
  name: string;
  /** The entry the name must find, or null for a negative. */
  expect: { list: string; entry_id: string } | null;
  variant: string;
}

export interface LabelledSetOptions {
  seed: number;
  positives: number;
  negatives: number;
}

/** A small deterministic PRNG (xorshift-multiply), independent of the bench module. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed ^ 0x5bd1e995) >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return Math.imul(x, 0x9e3779b1) >>> 0;
  }
  below(n: number): number {
    return this.next() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.below(a.length)]!;
  }
}

// biome-ignore format: a data table laid out by hand, several entries a line
const FIRST_NAMES = [
  'Dmitry', 'Sergei', 'Alexei', 'Nikolai', 'Olga', 'Tatiana', 'Irina', 'Andrei', 'Yulia', 'Pavel', 'Wei', 'Fang', 'Jing', 'Lei',
  'Min', 'Xiaoming', 'Hui', 'Rahul', 'Priya', 'Anil', 'Sunita', 'Vikram', 'Deepak', 'Imran', 'Ayesha', 'Bilal', 'Farah', 'Reza',
  'Maryam', 'Dariush', 'Shirin', 'Nursultan', 'Aigerim', 'Yerlan', 'Dana', 'Bakyt', 'Aizada', 'Rustam', 'Farrukh', 'Dilnoza',
  'Timur', 'Gulnara', 'Aleksandr', 'Natalia', 'Sanjar', 'Zarina', 'Emil', 'Karina', 'Jasur', 'Kamila',
];
// biome-ignore format: a data table laid out by hand, several entries a line
const SURNAMES = [
  'Kuznetsov', 'Smirnova', 'Volkov', 'Sokolova', 'Lebedev', 'Morozova', 'Novikov', 'Fedorova', 'Zhukov', 'Belova', 'Chen',
  'Liu', 'Zhao', 'Huang', 'Zhou', 'Sun', 'Gao', 'Sharma', 'Verma', 'Gupta', 'Reddy', 'Nair', 'Iyer', 'Chaudhry', 'Qureshi',
  'Siddiqui', 'Malik', 'Tehrani', 'Moradi', 'Karimi', 'Ahmadi', 'Nurlanov', 'Seitkali', 'Abenov', 'Zhaksylykov', 'Osmonov',
  'Toktogulov', 'Rahmonov', 'Saidov', 'Yusupov', 'Tashkentova', 'Lukashenko', 'Kovalenko', 'Grishin', 'Orlova', 'Baranov',
  'Ismoilov', 'Kadyrbekov', 'Mirzaev', 'Tursunova', 'Yakubov',
];
const PLACES = [
  'Almaty',
  'Tashkent',
  'Bishkek',
  'Dushanbe',
  'Minsk',
  'Novosibirsk',
  'Urumqi',
  'Chengdu',
  'Lahore',
  'Karachi',
  'Pune',
  'Chennai',
  'Tabriz',
  'Isfahan',
  'Kazan',
  'Samarkand',
  'Osh',
  'Aktobe',
  'Gomel',
  'Harbin',
];
const PRODUCTS = [
  'Grain',
  'Textile',
  'Cotton',
  'Steel',
  'Timber',
  'Machinery',
  'Fertilizer',
  'Pharma',
  'Dairy',
  'Logistics',
  'Cement',
  'Glass',
  'Leather',
  'Fruit',
  'Tea',
  'Silk',
  'Auto Parts',
  'Solar',
  'Copper',
  'Paper',
];
const COMPANY_WORDS = ['Trading', 'Export', 'Industries', 'Holding', 'Supply', 'Works', 'Partners', 'Group', 'Mills', 'Agro'];
const FORMS = ['LLP', 'LLC', 'JSC', 'Ltd', 'Pvt Ltd', 'OOO', 'Co Ltd', 'TOO', 'AO', ''];

const LATIN = /^[A-Za-z ,.'-]+$/;

/** "SURNAME, Given Names" -> "Given Names Surname"; other names unchanged. */
function asWritten(name: string): string {
  const comma = name.indexOf(',');
  if (comma < 0) return name;
  const surname = name.slice(0, comma).trim();
  const given = name.slice(comma + 1).trim();
  return given.length > 0 ? `${given} ${surname}` : surname;
}

function titleCase(w: string): string {
  return w.length === 0 ? w : w[0]!.toUpperCase() + w.slice(1).toLowerCase();
}

function words(name: string): string[] {
  return name.split(/[\s,]+/).filter((w) => w.length > 0);
}

function typo(rng: Rng, w: string): string {
  const i = 1 + rng.below(Math.max(1, w.length - 2));
  const letters = 'aeioubdgklmnrst';
  switch (rng.below(4)) {
    case 0:
      return w.slice(0, i) + letters[rng.below(letters.length)] + w.slice(i + 1);
    case 1:
      return w.slice(0, i) + w.slice(i + 1);
    case 2:
      return w.slice(0, i) + letters[rng.below(letters.length)] + w.slice(i);
    default:
      return i + 1 < w.length ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : w.slice(0, i) + w.slice(i + 1);
  }
}

// biome-ignore format: a data table laid out by hand, several entries a line
const SPELLING: Array<[RegExp, string]> = [
  [/ou/, 'u'], [/(?<![aeiou])u/, 'ou'], [/kh/, 'h'], [/(?<=[aeiou])h/, 'kh'], [/y/, 'i'], [/(?<=[aeiou])i(?=[aeiou])/, 'y'],
  [/ph/, 'f'], [/dh/, 'd'], [/ee/, 'i'], [/(?<=m)e(?=d$)/, 'a'], [/(?<=m)a(?=d$)/, 'e'], [/([bdfglmnprst])\1/, '$1'],
  [/(?<=[aeiou])([mnlrs])(?=[aeiou])/, '$1$1'], [/ov$/, 'off'], [/ev$/, 'yev'], [/j/, 'dj'], [/q/, 'k'], [/^al/, 'el'],
  [/sh/, 'sch'], [/ch/, 'tch'], [/^o/, 'u'], [/^u/, 'o'], [/ie/, 'i'], [/ei/, 'ey'],
];

function spellingVariant(rng: Rng, w: string): string | null {
  const lower = w.toLowerCase();
  const options = SPELLING.filter(([re]) => re.test(lower));
  if (options.length === 0) return null;
  const [re, rep] = options[rng.below(options.length)]!;
  return titleCase(lower.replace(re, rep));
}

/** A listed Latin person name written in Chinese characters, when every part is pinyin. */
function chineseSpelling(name: string): string | null {
  const comma = name.indexOf(',');
  const ordered = comma >= 0 ? `${name.slice(0, comma)} ${name.slice(comma + 1)}` : name;
  const ws = words(ordered);
  if (ws.length < 2 || ws.length > 3) return null;
  let out = '';
  let syllables = 0;
  for (const w of ws) {
    const parts = splitPinyin(w);
    if (parts === null) return null;
    for (const p of parts) {
      const h = hanziFor(p);
      if (h === undefined) return null;
      out += h;
      syllables++;
    }
  }
  return syllables >= 2 && syllables <= 4 ? out : null;
}

type PoolItem = { list: string; entry: SanctionsList['entries'][number] };

/** Builds the labelled set from lists (deterministic for a seed and the lists' contents). */
export function buildLabelledSet(lists: readonly SanctionsList[], options: LabelledSetOptions): LabelledName[] {
  const rng = new Rng(options.seed);
  const out: LabelledName[] = [];
  const pool: PoolItem[] = [];
  for (const l of lists) for (const e of l.entries) if (e.type === 'individual' || e.type === 'entity') pool.push({ list: l.version.list, entry: e });
  if (pool.length === 0) return out;
  const coveredByOneEntry = coverageTest(pool);
  addPositives(out, rng, pool, options.positives);
  addNegatives(out, rng, pool, options.negatives, coveredByOneEntry);
  return out;
}

/** Whether every token of a name belongs to one same entry: such a negative is really a partial match. */
function coverageTest(pool: readonly PoolItem[]): (name: string) => boolean {
  // Token -> entries holding it.
  const tokenEntries = new Map<string, Set<number>>();
  pool.forEach((p, i) => {
    for (const n of p.entry.names) {
      for (const t of normalizeName(n.name).tokens) {
        let s = tokenEntries.get(t);
        if (s === undefined) tokenEntries.set(t, (s = new Set()));
        s.add(i);
      }
    }
  });
  return (name: string): boolean => {
    const toks = normalizeName(name).tokens;
    if (toks.length === 0) return true;
    let common: Set<number> | null = null;
    for (const t of toks) {
      const s = tokenEntries.get(t);
      if (s === undefined) return false;
      if (common === null) common = new Set(s);
      else for (const x of common) if (!s.has(x)) common.delete(x);
      if (common.size === 0) return false;
    }
    return common !== null && common.size > 0;
  };
}

const VARIANTS = ['as_written', 'reordered', 'dropped_middle', 'typo', 'translit', 'cyrillic', 'chinese', 'original_script'];

function addPositives(out: LabelledName[], rng: Rng, pool: readonly PoolItem[], wanted: number): void {
  // People whose names are written in pinyin: the Chinese variant draws from these.
  const chinese = pool.filter(
    (p) => p.entry.type === 'individual' && p.entry.names.some((n) => n.kind === 'primary' && LATIN.test(n.name) && chineseSpelling(n.name) !== null),
  );
  let guard = 0;
  let positives = 0;
  while (positives < wanted && guard++ < wanted * 50) {
    const variant = VARIANTS[rng.below(VARIANTS.length)]!;
    const { list, entry } = variant === 'chinese' && chinese.length > 0 ? rng.pick(chinese) : pool[rng.below(pool.length)]!;
    const latinNames = entry.names.filter(
      (n) => (n.kind === 'primary' || n.kind === 'strong') && LATIN.test(n.name) && normalizeName(n.name).tokens.length >= 1,
    );
    if (latinNames.length === 0) continue;
    const base = rng.pick(latinNames).name;
    const name = variantOf(rng, variant, entry, asWritten(base));
    if (name === null || normalizeName(name).tokens.length === 0) continue;
    out.push({ name, expect: { list, entry_id: entry.id }, variant });
    positives++;
  }
}

/** The variant of a listed name as written; null when the variant does not apply to it. */
function variantOf(rng: Rng, variant: string, entry: PoolItem['entry'], written: string): string | null {
  const ws = words(written);
  switch (variant) {
    case 'as_written':
      return written;
    case 'reordered':
      return ws.length >= 2 ? [...ws.slice(1), ws[0]!].join(' ') : null;
    case 'dropped_middle':
      if (entry.type === 'individual' && ws.length >= 3) {
        const drop = 1 + rng.below(ws.length - 2);
        return ws.filter((_, i) => i !== drop).join(' ');
      }
      return null;
    case 'typo': {
      const longest = ws.reduce((a, w, i) => (w.length > ws[a]!.length ? i : a), 0);
      return ws[longest]!.length >= 5 ? ws.map((w, i) => (i === longest ? typo(rng, w) : w)).join(' ') : null;
    }
    case 'translit': {
      const i = rng.below(ws.length);
      const v = ws[i]!.length >= 4 ? spellingVariant(rng, ws[i]!) : null;
      return v !== null ? ws.map((w, k) => (k === i ? v : w)).join(' ') : null;
    }
    case 'cyrillic':
      return entry.type === 'individual'
        ? ws
            .map((w) => latinToCyrillic(w.toLowerCase()))
            .map((w) => w[0]!.toUpperCase() + w.slice(1))
            .join(' ')
        : null;
    case 'chinese':
      return entry.type === 'individual' ? chineseSpelling(entry.names[0]!.name) : null;
    case 'original_script': {
      const orig = entry.names.find((n) => n.kind === 'original');
      return orig !== undefined && !LATIN.test(orig.name) ? orig.name : null;
    }
  }
  return null;
}

function addNegatives(out: LabelledName[], rng: Rng, pool: readonly PoolItem[], wanted: number, coveredByOneEntry: (name: string) => boolean): void {
  const individuals = pool.filter((p) => p.entry.type === 'individual');
  let guard = 0;
  let negatives = 0;
  while (negatives < wanted && guard++ < wanted * 50) {
    const drawn = negativeName(rng, individuals);
    if (drawn === null || coveredByOneEntry(drawn.name)) continue;
    out.push({ name: drawn.name, expect: null, variant: drawn.variant });
    negatives++;
  }
}

/** An unlisted person, an unlisted company, or a listed given name with another surname; null when the draw does not fit. */
function negativeName(rng: Rng, individuals: readonly PoolItem[]): { name: string; variant: string } | null {
  const kind = rng.below(3);
  if (kind === 0) {
    const parts = [rng.pick(FIRST_NAMES), rng.pick(SURNAMES)];
    if (rng.below(3) === 0) parts.splice(1, 0, rng.pick(FIRST_NAMES));
    return { name: parts.join(' '), variant: 'unlisted_person' };
  }
  if (kind === 1) {
    return { name: [rng.pick(PLACES), rng.pick(PRODUCTS), rng.pick(COMPANY_WORDS), rng.pick(FORMS)].join(' ').trim(), variant: 'unlisted_company' };
  }
  if (individuals.length === 0) return null;
  const p = rng.pick(individuals);
  const primary = p.entry.names[0]!.name;
  if (!LATIN.test(primary)) return null;
  const comma = primary.indexOf(',');
  if (comma < 0) return null;
  const given = primary.slice(comma + 1).trim();
  if (given.length === 0) return null;
  return { name: `${given} ${rng.pick(SURNAMES)}`, variant: 'lookalike_other_surname' };
}

export interface LabelledScore {
  positives: number;
  negatives: number;
  recall: number;
  false_positive_rate: number;
  missed: LabelledName[];
  false_positives: Array<LabelledName & { matched: string }>;
  by_variant: Record<string, { n: number; ok: number }>;
}

/** Scores screening results against the labels (results in the same order as the set). */
export function scoreLabelled(
  set: readonly LabelledName[],
  results: ReadonlyArray<{ matches: ReadonlyArray<{ list: string; entry_id: string; matched_name: string }> }>,
): LabelledScore {
  let pos = 0;
  let found = 0;
  let neg = 0;
  let fp = 0;
  const missed: LabelledName[] = [];
  const fps: Array<LabelledName & { matched: string }> = [];
  const by: Record<string, { n: number; ok: number }> = {};
  set.forEach((item, i) => {
    const r = results[i]!;
    const v = (by[item.variant] ??= { n: 0, ok: 0 });
    v.n++;
    if (item.expect !== null) {
      pos++;
      if (r.matches.some((m) => m.list === item.expect!.list && m.entry_id === item.expect!.entry_id)) {
        found++;
        v.ok++;
      } else missed.push(item);
    } else {
      neg++;
      if (r.matches.length > 0) {
        fp++;
        fps.push({ ...item, matched: r.matches[0]!.matched_name });
      } else v.ok++;
    }
  });
  return {
    positives: pos,
    negatives: neg,
    recall: pos === 0 ? 1 : found / pos,
    false_positive_rate: neg === 0 ? 0 : fp / neg,
    missed,
    false_positives: fps,
    by_variant: by,
  };
}
