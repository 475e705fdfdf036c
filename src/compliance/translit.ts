// Transliteration of Cyrillic, Perso-Arabic (Arabic, Persian, Urdu), Devanagari and
// Han (Chinese) script to lower-case Latin, written for matching (not for display): the same input always gives the
// same output, both for list names and for the names being screened.
//
// This module owns the script tables and the per-script rules:
// - Cyrillic: a BGN/PCGN-like scheme (ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ю yu,
//   я ya, й y, ы y, ь/ъ dropped; дж j), with the extra letters of Kazakh, Kyrgyz, Tajik,
//   Uzbek, Belarusian and Ukrainian Cyrillic.
// - Perso-Arabic: consonants and long vowels (short vowels are not written, so
//   matching leans on the consonant skeleton, see similarity.ts); the article ال is
//   split off; harakat and tatweel are dropped; Arabic-Indic digits become ASCII.
//   Urdu's own letters (ٹ ڈ ڑ ں ے ھ ہ) are in the same table.
// - Devanagari: devanagari.ts.
// - Han: pinyin from the pinyin-pro library (its dictionary covers the whole CJK
//   block; in a personal name the first character takes its surname reading: 单 shan,
//   曾 zeng, 解 xie), with the project's table (pinyin_table.ts) overriding it for the
//   given-name characters it lists. A run of Han characters that looks like
//   a personal name (2-3 characters, or 3-4 with a compound surname) becomes
//   "surname givenname"; other runs take the library's reading in context and become
//   words of two syllables.
// Anything else passes through unchanged (Latin diacritics are removed later by
// normalize.ts).

import { createRequire } from 'node:module';
import { devanagariToLatin, isDevanagari } from './devanagari.js';
import { COMPOUND_SURNAMES, pinyinOf } from './pinyin_table.js';

// The library's dictionary takes a third of a second to load: it is loaded at the first Han
// name, so a process that never screens one (most CLI commands) never pays for it.
let pinyinLibrary: typeof import('pinyin-pro') | undefined;
function pinyinPro(): typeof import('pinyin-pro') {
  pinyinLibrary ??= createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro');
  return pinyinLibrary;
}

// biome-ignore format: a data table laid out by hand, several entries a line
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian, Belarusian
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'u',
  // Kazakh, Kyrgyz, Tajik, Uzbek, Bashkir/Tatar
  ә: 'a', ғ: 'gh', қ: 'q', ң: 'ng', ө: 'o', ұ: 'u', ү: 'u', һ: 'h', ҳ: 'h', ҷ: 'j', ӣ: 'i', ӯ: 'u', ҫ: 's', ҡ: 'q', ӊ: 'ng',
};

// biome-ignore format: a data table laid out by hand, several entries a line
const ARABIC: Record<string, string> = {
  'ا': 'a', 'أ': 'a', 'إ': 'i', 'آ': 'a', 'ٱ': 'a', 'ب': 'b', 'ت': 't', 'ث': 'th', 'ج': 'j', 'ح': 'h', 'خ': 'kh',
  'د': 'd', 'ذ': 'dh', 'ر': 'r', 'ز': 'z', 'س': 's', 'ش': 'sh', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'z', 'ع': '',
  'غ': 'gh', 'ف': 'f', 'ق': 'q', 'ك': 'k', 'ک': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'ه': 'h', 'ۀ': 'h', 'ة': 'a',
  'و': 'w', 'ي': 'y', 'ی': 'y', 'ى': 'a', 'ې': 'e', 'ۍ': 'ay', 'پ': 'p', 'چ': 'ch', 'ژ': 'zh', 'گ': 'g', 'ڭ': 'ng',
  'ٹ': 't', 'ڈ': 'd', 'ڑ': 'r', 'ں': 'n', 'ے': 'e', 'ھ': 'h', 'ہ': 'h', 'ئ': '', 'ؤ': '', 'ء': '', 'ڤ': 'v',
  '،': ',', '؛': ';', '؟': '?',
};

function isCyrillic(c: number): boolean {
  return c >= 0x0400 && c <= 0x04ff;
}
function isArabic(c: number): boolean {
  return (c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff);
}
export function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** Which non-Latin scripts occur in `s` (for explanations). */
export function scriptsOf(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isCyrillic(c)) out.add('cyrillic');
    else if (isArabic(c)) out.add('arabic');
    else if (isHan(c)) out.add('han');
    else if (isDevanagari(c)) out.add('devanagari');
  }
  return [...out];
}

/** Cyrillic letters to Latin; other characters unchanged. Input should be lower-case. */
function cyrillicToLatin(input: string): string {
  // дж is the Cyrillic spelling of an English or Arabic j (Джон, Джамиль): "j", not "dzh".
  const s = input.replace(/дж/g, 'j');
  let out = '';
  for (const ch of s) {
    const t = CYRILLIC[ch];
    out += t === undefined ? ch : t;
  }
  return out;
}

/** Perso-Arabic to Latin, word by word. */
function arabicToLatin(s: string): string {
  // Harakat, superscript alef, tatweel: dropped. Arabic-Indic and Persian digits: ASCII.
  const cleaned = s
    .replace(/[\u064B-\u065F\u0670\u0640\u06D6-\u06ED]/g, '')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
  return cleaned.replace(/[\u0600-\u06FF\u0750-\u077F]+/g, (word) => {
    // The article: "الفلان" -> "al falan" (normalize.ts drops "al" as a particle).
    let w = word;
    let prefix = '';
    if (w.length > 3 && w.startsWith('ال')) {
      prefix = 'al ';
      w = w.slice(2);
    }
    let out = '';
    const chars = [...w];
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      // و and ي are consonants at the start of a word or next to an alif (نواز nawaz,
      // دیا diya), و also before ي (پرویز parwiz); long vowels elsewhere.
      const prev = chars[i - 1];
      const next = chars[i + 1];
      const byAlif = next === 'ا' || prev === 'ا' || next === 'آ';
      if (ch === 'و') out += i === 0 || byAlif || next === 'ي' || next === 'ی' ? 'w' : 'u';
      else if (ch === 'ي' || ch === 'ی') out += i === 0 || next === 'ا' ? 'y' : 'i';
      else {
        const t = ARABIC[ch];
        out += t === undefined ? ch : t;
      }
    }
    return prefix + out;
  });
}

/** Han runs to pinyin words. */
function hanToLatin(s: string): string {
  let out = '';
  let i = 0;
  const cps = [...s];
  while (i < cps.length) {
    const ch = cps[i]!;
    if (!isHan(ch.codePointAt(0)!)) {
      out += ch;
      i++;
      continue;
    }
    let j = i;
    while (j < cps.length && isHan(cps[j]!.codePointAt(0)!)) j++;
    out += ` ${hanRun(cps.slice(i, j))} `;
    i = j;
  }
  return out;
}

/** Tone-less pinyin of each character of a run (non-Han characters come back as they are). */
function readings(run: string[], surname: boolean): string[] {
  const { pinyin } = pinyinPro();
  const out = pinyin(run.join(''), { toneType: 'none', type: 'array', surname: surname ? 'head' : 'off' });
  // The library answers per character; a count that differs (it never should) falls back to one call per character.
  return out.length === run.length ? out : run.map((ch) => pinyin(ch, { toneType: 'none', type: 'array' })[0] ?? ch);
}

/**
 * A personal name's readings: the surname (`surname_chars` characters) as the
 * library reads surnames; the given name from the project's table where it lists
 * the character, else the library.
 */
function nameReadings(run: string[], surname_chars: number): string[] {
  const lib = readings(run, true);
  return run.map((ch, i) => (i < surname_chars ? lib[i]! : (pinyinOf(ch) ?? lib[i]!)));
}

function hanRun(run: string[]): string {
  const two = run.length >= 3 ? run[0]! + run[1]! : '';
  if (run.length >= 3 && run.length <= 4 && COMPOUND_SURNAMES.includes(two)) {
    const r = nameReadings(run, 2);
    return `${r[0]}${r[1]} ${r.slice(2).join('')}`;
  }
  // Two or three characters: a personal name, surname first (payments name people far
  // more often than they name two-character things).
  if (run.length >= 2 && run.length <= 3) {
    const r = nameReadings(run, 1);
    return `${r[0]} ${r.slice(1).join('')}`;
  }
  // Words of two syllables (Chinese compounds are mostly two characters).
  const r = run.length === 1 ? nameReadings(run, 1) : readings(run, false);
  const words: string[] = [];
  for (let k = 0; k < r.length; k += 2) words.push(r.slice(k, k + 2).join(''));
  return words.join(' ');
}

/**
 * Transliterates every Cyrillic, Perso-Arabic, Devanagari and Han character of `lower` (already
 * lower-cased) to Latin. Cheap when the input is pure ASCII.
 */
export function toLatin(lower: string): string {
  let cyr = false;
  let ara = false;
  let han = false;
  let deva = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < 0x0400) continue;
    if (isCyrillic(c)) cyr = true;
    else if (isArabic(c)) ara = true;
    else if (isDevanagari(c)) deva = true;
    else if (isHan(c) || (c >= 0xd840 && c <= 0xd87f)) han = true;
  }
  let s = lower;
  if (cyr) s = cyrillicToLatin(s);
  if (ara) s = arabicToLatin(s);
  if (deva) s = devanagariToLatin(s);
  if (han) s = hanToLatin(s);
  return s;
}

// --- Latin -> Cyrillic, for the labelled test set (names "as a Russian bank writes them") ---

// biome-ignore format: a data table laid out by hand, several entries a line
const LATIN_TO_CYRILLIC: Array<[string, string]> = [
  ['shch', 'щ'], ['kh', 'х'], ['zh', 'ж'], ['ts', 'ц'], ['ch', 'ч'], ['sh', 'ш'], ['yu', 'ю'], ['ya', 'я'], ['yo', 'ё'],
  ['ph', 'ф'], ['th', 'т'], ['ck', 'к'], ['ee', 'и'], ['oo', 'у'], ['ou', 'у'], ['q', 'к'], ['w', 'в'], ['x', 'кс'],
  ['a', 'а'], ['b', 'б'], ['c', 'к'], ['d', 'д'], ['e', 'е'], ['f', 'ф'], ['g', 'г'], ['h', 'х'], ['i', 'и'], ['j', 'дж'],
  ['k', 'к'], ['l', 'л'], ['m', 'м'], ['n', 'н'], ['o', 'о'], ['p', 'п'], ['r', 'р'], ['s', 'с'], ['t', 'т'], ['u', 'у'],
  ['v', 'в'], ['y', 'й'], ['z', 'з'],
];

/** Writes a lower-case Latin name in Cyrillic (approximately, as a Russian clerk would). */
export function latinToCyrillic(lower: string): string {
  let out = '';
  let i = 0;
  outer: while (i < lower.length) {
    for (const [lat, cyr] of LATIN_TO_CYRILLIC) {
      if (lower.startsWith(lat, i)) {
        // "y" between consonants or at a word end reads as "и"/"ы".
        if (lat === 'y' && i > 0 && !/[aeiou]/.test(lower[i + 1] ?? '')) out += 'и';
        else out += cyr;
        i += lat.length;
        continue outer;
      }
    }
    out += lower[i];
    i++;
  }
  return out;
}
