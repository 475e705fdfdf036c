// String similarity for screening: Jaro–Winkler over char codes and a phonetic
// "skeleton" key. Both work on the lower-case Latin tokens normalize.ts produces.
//
// This module owns the phonetic key. It is this project's own scheme, built for
// names romanised from Arabic, Persian, Russian and Chinese, where vowels are the
// least reliable part (Muhammad / Mohammed / Mukhammed / محمد -> "mhmd"):
//   - digraphs first: kh gh ph th dh sh ch zh ck ts/tz, x -> ks, q -> k, c -> k
//     (c before e/i -> s), j/dj/dzh/zh -> j, w -> v (Wali / Вали);
//   - vowels (a e i o u y) are dropped everywhere, the first letter too;
//   - repeated consonants collapse; the key is at most PHONETIC_KEY_MAX characters.
// An empty key (a name of vowels only) never counts as a phonetic match.

/** Characters compared by jaroWinkler; longer strings are compared on their prefix. */
export const JW_MAX_CHARS = 64;
export const PHONETIC_KEY_MAX = 8;

const flagsA = new Uint8Array(JW_MAX_CHARS);
const flagsB = new Uint8Array(JW_MAX_CHARS);

/** Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = Math.min(a.length, JW_MAX_CHARS);
  const lb = Math.min(b.length, JW_MAX_CHARS);
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const VOWELISH = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/** The phonetic skeleton of one token (see the module header). */
export function phoneticKey(token: string): string {
  let s = token;
  if (s.length > 32) s = s.slice(0, 32);
  s = s
    .replace(/dzh|dj|zh/g, 'j')
    .replace(/kh/g, 'h')
    .replace(/gh/g, 'g')
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/sch|sh|ch/g, 'S')
    .replace(/ck/g, 'k')
    .replace(/t[sz]/g, 'C')
    .replace(/x/g, 'ks')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/w/g, 'v');
  let out = '';
  let prev = '';
  for (const ch of s) {
    if (VOWELISH.has(ch)) {
      prev = '';
      continue;
    }
    if (ch === prev) continue;
    out += ch;
    prev = ch;
    if (out.length >= PHONETIC_KEY_MAX) break;
  }
  return out;
}
