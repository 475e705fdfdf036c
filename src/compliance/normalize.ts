// Name normalisation for screening: one function, `normalizeName`, used for list
// names and for screened names alike, so both sides are compared in the same form.
//
// This module owns the limits on a name and the word lists: honorifics, legal-form
// words (LLC, ООО, 有限公司, …) and particles (al, bin, de, …) that are removed
// before matching. Steps, in order:
//   1. cut the input at NAME_INPUT_MAX_CHARS (flagged as truncated);
//   2. control and format characters become spaces; NFKC (full-width forms to ASCII);
//   3. Chinese legal forms are removed (before transliteration, they are multi-char);
//   4. lower case; Cyrillic, Perso-Arabic and Han to Latin (translit.ts);
//   5. diacritics removed (NFKD, combining marks dropped; ß ss, æ ae, ø o, ł l, …);
//   6. apostrophes dropped inside words (Ma'ruf -> maruf), dotted abbreviations
//      joined (S.A. -> sa), any other punctuation becomes a space;
//   7. tokens; honorifics, legal forms and particles removed (unless nothing would
//      remain); at most NAME_TOKENS_MAX tokens of at most TOKEN_MAX_CHARS each;
//   8. each token in its matching form (canonicalToken: kh h, w v, q k, doubled letters…).
// Never throws: any string (thousands of characters, controls, mixed scripts) gives
// a result, possibly with no tokens.

import { jaroWinkler } from './similarity.js';
import { scriptsOf, toLatin } from './translit.js';

/** Characters of input looked at; the rest is ignored (and `truncated` set). */
export const NAME_INPUT_MAX_CHARS = 1024;
/** Tokens kept after normalisation. */
export const NAME_TOKENS_MAX = 12;
/** Characters kept of one token. */
export const TOKEN_MAX_CHARS = 40;

export interface NormalizedName {
  tokens: string[];
  /** Words removed as honorifics, legal forms or particles. */
  removed: string[];
  /** Non-Latin scripts that were transliterated. */
  scripts: string[];
  truncated: boolean;
}

// biome-ignore format: a data table laid out by hand, several entries a line
export const HONORIFICS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mister', 'madam', 'dr', 'doctor', 'prof', 'professor', 'sir', 'dame', 'lord', 'hon',
  'sheikh', 'shaykh', 'sheik', 'shaikh', 'cheikh', 'haji', 'hajji', 'hadji', 'alhaji', 'mullah', 'mulla', 'maulana', 'mawlana',
  'maulvi', 'mawlawi', 'mufti', 'imam', 'ayatollah', 'hojatoleslam', 'qari', 'general', 'khadzhi', 'khaji', 'hadzhi',
  'sheykh', 'sheyh', 'shaikh', 'shekh', 'gen', 'colonel',
  'col', 'major', 'maj', 'captain', 'capt', 'lieutenant', 'lt', 'brigadier', 'admiral', 'sergeant', 'sgt',
  'gospodin', 'gospozha', 'tovarishch', 'aqa', 'agha', 'khanum', 'janab', 'shri', 'sri', 'smt', 'xiansheng', 'nushi',
]);

// biome-ignore format: a data table laid out by hand, several entries a line
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'llc', 'llp', 'lp', 'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'plc', 'pvt', 'pte',
  'private', 'public', 'sa', 'sas', 'sarl', 'srl', 'spa', 'sl', 'bv', 'nv', 'gmbh', 'ag', 'kg', 'ohg', 'ab', 'as', 'asa', 'oy',
  'kft', 'zrt', 'sp', 'zoo', 'doo', 'dd', 'ad', 'ead', 'jsc', 'ojsc', 'cjsc', 'pjsc', 'ojs', 'zao', 'oao', 'ooo', 'pao', 'ao', 'tov',
  'too', 'ip', 'chp', 'fze', 'fzco', 'fzc', 'fzllc', 'dmcc', 'wll', 'bsc', 'saog', 'saoc', 'sal', 'sae', 'tbk', 'pt', 'bhd', 'sdn',
  'cia', 'ltda', 'eirl', 'sac', 'saa', 'cv', 'de rl', 'shrkt', 'sherkat', 'sherkate', 'aksiyonerno', 'obshchestvo',
  'ogranichennoy', 'otvetstvennostyu', 'aktsionernoe', 'zakrytoe', 'otkrytoe', 'publichnoe', 'tovarishchestvo',
  'youxiangongsi', 'gongsi', 'youxian', 'jituan',
]);

// biome-ignore format: a data table laid out by hand, several entries a line
export const PARTICLES: ReadonlySet<string> = new Set([
  'al', 'el', 'bin', 'ibn', 'bint', 'ben', 'binti', 'the', 'of', 'and', 'de', 'del', 'la', 'le', 'da', 'do', 'dos', 'das', 'van',
  'von', 'der', 'den', 'y', 'e', 'et', 'und', 'und', 'a', 'i',
]);

/**
 * Long legal-form and honorific words also removed when misspelt (Jaro–Winkler >=
 * FUZZY_STOPWORD_MIN with the same first letter): "Limmited", "Compani", "Corporaton".
 */
const FUZZY_STOPWORDS = ['limited', 'company', 'corporation', 'incorporated', 'general', 'ayatollah', 'sheikh', 'private', 'obshchestvo', 'tovarishchestvo'];
export const FUZZY_STOPWORD_MIN = 0.9;

function isFuzzyStopword(t: string): boolean {
  if (t.length < 6) return false;
  for (const w of FUZZY_STOPWORDS) {
    if (w.charCodeAt(0) === t.charCodeAt(0) && Math.abs(w.length - t.length) <= 2 && jaroWinkler(t, w) >= FUZZY_STOPWORD_MIN) return true;
  }
  return false;
}

// Longest first, so 股份有限公司 is removed before 有限公司.
const CHINESE_LEGAL_FORMS = ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司', '控股', '株式会社'];

const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const COMBINING = /\p{M}/gu;
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', ı: 'i', þ: 'th', ð: 'd', ħ: 'h', ŧ: 't', ŋ: 'ng' };
const SPECIAL_RE = /[ßæœøđłıþðħŧŋ]/g;
const APOSTROPHES = /(?<=\p{L})['’ʼʻ`´‘](?=\p{L})/gu;
const DOTTED_ABBREV = /(?<=(?:^|[^\p{L}])\p{L})\.(?=\p{L}(?:\.|$|[^\p{L}]))/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Normalises one name for matching; see the module header. */
export function normalizeName(input: string): NormalizedName {
  let s = typeof input === 'string' ? input : String(input);
  let truncated = false;
  if (s.length > NAME_INPUT_MAX_CHARS) {
    s = s.slice(0, NAME_INPUT_MAX_CHARS);
    truncated = true;
  }
  const removed: string[] = [];
  // Lower-case ASCII letters, digits and spaces (a remittance run screened word by word
  // is already this) pass every step below unchanged; the steps are skipped, not the rules.
  if (PLAIN.test(s)) return tokensOf(s, removed, scriptsOf(s), truncated);
  s = s.replace(CONTROL, ' ');
  // A lone surrogate would make normalize() keep garbage; toWellFormed is Node 20+.
  s = (s as string & { toWellFormed?: () => string }).toWellFormed?.() ?? s;
  s = s.normalize('NFKC');
  const scripts = scriptsOf(s);
  if (scripts.includes('han')) {
    for (const form of CHINESE_LEGAL_FORMS) {
      if (s.includes(form)) {
        removed.push(form);
        s = s.split(form).join(' ');
      }
    }
  }
  s = s.toLowerCase();
  s = toLatin(s);
  s = s.normalize('NFKD').replace(COMBINING, '');
  s = s.replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
  s = s.replace(APOSTROPHES, '').replace(DOTTED_ABBREV, '').replace(NON_WORD, ' ');
  return tokensOf(s, removed, scripts, truncated);
}

const PLAIN = /^[a-z0-9 ]*$/;

/**
 * Whether a name of these words joined by single spaces is normalised by step 7
 * and 8 alone (the words are lower-case ASCII letters and digits, as
 * normalizeName's own tokens of a plain text are): then its tokens are
 * pickWords over the words and each kept word's wordForm, word by word.
 */
export function plainWords(words: readonly string[]): boolean {
  let chars = words.length - 1;
  for (const w of words) {
    if (w.length === 0 || !PLAIN_WORD.test(w)) return false;
    chars += w.length;
  }
  return chars <= NAME_INPUT_MAX_CHARS;
}

const PLAIN_WORD = /^[a-z0-9]+$/;

/** An honorific, legal-form word or particle, or a misspelt long legal form: removed in step 7 unless nothing would remain. */
export function isStopword(t: string): boolean {
  return HONORIFICS.has(t) || LEGAL_FORMS.has(t) || PARTICLES.has(t) || isFuzzyStopword(t);
}

/**
 * Step 7's choice among a name's words: stopwords out, unless nothing would
 * remain (then particles alone out, then nothing out), at most NAME_TOKENS_MAX.
 */
export function pickWords<W>(raw: readonly W[], stop: (w: W) => boolean, particle: (w: W) => boolean): { words: W[]; cut: boolean } {
  let words = raw.filter((w) => !stop(w));
  if (words.length === 0) words = raw.filter((w) => !particle(w));
  if (words.length === 0) words = raw.slice();
  if (words.length <= NAME_TOKENS_MAX) return { words, cut: false };
  return { words: words.slice(0, NAME_TOKENS_MAX), cut: true };
}

/** Step 8 for one kept word: its matching form, cut at TOKEN_MAX_CHARS (`cut` set when it was). */
export function wordForm(t: string): { form: string; cut: boolean } {
  const c = canonicalToken(t);
  return c.length > TOKEN_MAX_CHARS ? { form: c.slice(0, TOKEN_MAX_CHARS), cut: true } : { form: c, cut: false };
}

/** What steps 7 and 8 make of one word: a pure function of the word (the word lists are constants). */
export interface WordFacts {
  readonly word: string;
  readonly stop: boolean;
  readonly particle: boolean;
  readonly form: string;
  readonly cut: boolean;
}

/** Steps 7 and 8 for one word, worked out afresh (wordFactsOf keeps them). */
export function wordFactsUncached(word: string): WordFacts {
  const { form, cut } = wordForm(word);
  return { word, stop: isStopword(word), particle: PARTICLES.has(word), form, cut };
}

/**
 * Words whose facts are kept: a day's names and remittance texts repeat a few thousand words (the demo's prepare
 * worker normalised each remittance's ~9 words afresh, canonicalToken's ten replaces and isStopword's Jaro–Winkler
 * against the long legal forms each time). Cleared when full, as the screening index's caches are.
 */
export const WORD_FACTS_MAX = 8_192;
const wordFacts = new Map<string, WordFacts>();

/**
 * wordFactsUncached(word), kept for a word met before. A word starting with a digit (an invoice or contract number:
 * nearly each one new, and cheap to work out, no stopword starting with one) is worked out and not kept, so such
 * words do not push the recurring ones out.
 */
export function wordFactsOf(word: string): WordFacts {
  const c = word.charCodeAt(0);
  if (c >= 48 && c <= 57) return wordFactsUncached(word);
  let f = wordFacts.get(word);
  if (f === undefined) {
    f = wordFactsUncached(word);
    if (wordFacts.size >= WORD_FACTS_MAX) wordFacts.clear();
    wordFacts.set(word, f);
  }
  return f;
}

/**
 * The words of a cleaned name, without honorifics, legal forms and particles, in their matching form (steps 7 and 8;
 * exported for the test comparing it with those steps worked out word by word afresh).
 */
export function tokensOf(s: string, removed: string[], scripts: NormalizedName['scripts'], truncated: boolean): NormalizedName {
  const raw = s.split(' ');
  const facts: WordFacts[] = [];
  for (let i = 0; i < raw.length; i++) if (raw[i]!.length > 0) facts.push(wordFactsOf(raw[i]!));
  const picked = pickWords(
    facts,
    (f) => {
      if (!f.stop) return false;
      removed.push(f.word);
      return true;
    },
    (f) => f.particle,
  );
  const kept = picked.words;
  if (picked.cut) truncated = true;
  const tokens: string[] = [];
  for (let i = 0; i < kept.length; i++) {
    const f = kept[i]!;
    tokens.push(f.form);
    if (f.cut) truncated = true;
  }
  return { tokens, removed, scripts, truncated };
}

/**
 * The matching form of a Latin token: spellings that romanisations of the same
 * sound alternate between are folded, on list names and screened names alike
 * (Khalid / Halid, Kawtharani / Кавтарани -> kavtarani, Hawwat / Хавват -> havat,
 * Quren / Курен): dzh -> j, kh -> h, ph -> f, dh -> d, th -> t, q -> k, ck -> k,
 * w -> v, ee -> i, and doubled letters once.
 */
export function canonicalToken(t: string): string {
  if (!/[hqwe]|(.)\1/.test(t)) return t;
  return t
    .replace(/dzh/g, 'j')
    .replace(/kh/g, 'h')
    .replace(/ph/g, 'f')
    .replace(/dh/g, 'd')
    .replace(/th/g, 't')
    .replace(/ck/g, 'k')
    .replace(/q/g, 'k')
    .replace(/w/g, 'v')
    .replace(/ee/g, 'i')
    .replace(/(.)\1+/g, '$1');
}

const IDENTIFIER_FORM = /^[A-Z0-9]*$/;

/** Upper-case alphanumerics only: the form identifiers (BIC, LEI, passport) are compared in. */
export function normalizeIdentifier(value: string): string {
  // Already that form (a BIC as written, a word of a remittance the caller upper-cased): every step below keeps it.
  if (value.length <= 64 && IDENTIFIER_FORM.test(value)) return value;
  return value
    .slice(0, 64)
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}
