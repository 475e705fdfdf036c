// Devanagari (Hindi, Marathi, Nepali) to lower-case Latin, for matching: the
// spelling Indian and Nepali names take in Latin (Hunterian-like, no diacritics:
// आ a, ई i, श/ष sh, छ chh, व v), not a scholarly transliteration.
//
// This module owns the letter tables and the inherent-vowel rule. Every consonant
// carries an inherent "a" unless a vowel sign or virama follows it; Hindi does not
// pronounce it, and Latin spellings do not write it, (1) at the end of a word after
// a single consonant (राम ram, but नरेन्द्र narendra) and (2) between two
// pronounced vowels when a single consonant follows it (कमला kamla, मनमोहन
// manmohan): the rule is applied right to left.

// biome-ignore format: a data table laid out by hand, several entries a line
const CONSONANTS: Record<string, string> = {
  क: 'k', ख: 'kh', ग: 'g', घ: 'gh', ङ: 'n', च: 'ch', छ: 'chh', ज: 'j', झ: 'jh', ञ: 'n',
  ट: 't', ठ: 'th', ड: 'd', ढ: 'dh', ण: 'n', त: 't', थ: 'th', द: 'd', ध: 'dh', न: 'n', ऩ: 'n',
  प: 'p', फ: 'ph', ब: 'b', भ: 'bh', म: 'm', य: 'y', र: 'r', ऱ: 'r', ल: 'l', ळ: 'l', ऴ: 'l', व: 'v',
  श: 'sh', ष: 'sh', स: 's', ह: 'h',
};

/** A consonant followed by the nukta sign (U+093C): the sounds of Persian and Arabic loans. */
// biome-ignore format: a data table laid out by hand
const NUKTA: Record<string, string> = { क: 'q', ख: 'kh', ग: 'gh', ज: 'z', ड: 'r', ढ: 'rh', फ: 'f', य: 'y' };

// biome-ignore format: a data table laid out by hand, several entries a line
const VOWELS: Record<string, string> = {
  अ: 'a', आ: 'a', इ: 'i', ई: 'i', उ: 'u', ऊ: 'u', ऋ: 'ri', ॠ: 'ri', ऌ: 'li', ए: 'e', ऐ: 'ai', ओ: 'o', औ: 'au', ऑ: 'o', ऍ: 'e', ऎ: 'e', ऒ: 'o',
};

// biome-ignore format: a data table laid out by hand, several entries a line
const VOWEL_SIGNS: Record<string, string> = {
  'ा': 'a', 'ि': 'i', 'ी': 'i', 'ु': 'u', 'ू': 'u', 'ृ': 'ri', 'ॄ': 'ri', 'े': 'e', 'ै': 'ai', 'ो': 'o', 'ौ': 'au', 'ॉ': 'o', 'ॅ': 'e', 'ॆ': 'e', 'ॊ': 'o',
};

const VIRAMA = '्';
const NUKTA_SIGN = '़';
const ANUSVARA = 'ं';
const CANDRABINDU = 'ँ';
const VISARGA = 'ः';

export function isDevanagari(c: number): boolean {
  return c >= 0x0900 && c <= 0x097f;
}

/** One syllable: its consonants, its vowel ('' after a virama), and whether that vowel is the inherent one. */
interface Syllable {
  onset: string[];
  vowel: string;
  inherent: boolean;
  coda: string;
}

function syllables(word: string[]): Syllable[] {
  const out: Syllable[] = [];
  let onset: string[] = [];
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    const consonant = CONSONANTS[ch];
    if (consonant !== undefined) {
      const nukta = word[i + 1] === NUKTA_SIGN;
      onset.push(nukta ? (NUKTA[ch] ?? consonant) : consonant);
      if (nukta) i++;
      const next = word[i + 1];
      if (next === VIRAMA) {
        i++;
        continue; // a conjunct: the next consonant joins the onset
      }
      const sign = next === undefined ? undefined : VOWEL_SIGNS[next];
      if (sign !== undefined) i++;
      out.push({ onset, vowel: sign ?? 'a', inherent: sign === undefined, coda: '' });
      onset = [];
    } else if (VOWELS[ch] !== undefined) {
      out.push({ onset: [], vowel: VOWELS[ch]!, inherent: false, coda: '' });
    } else if (ch === ANUSVARA || ch === CANDRABINDU || ch === VISARGA) {
      const last = out[out.length - 1];
      if (last !== undefined) last.coda += ch === VISARGA ? 'h' : 'n';
    }
    // Avagraha, stray signs: dropped.
  }
  // A word ending in a virama keeps its last consonants without a vowel.
  if (onset.length > 0) out.push({ onset, vowel: '', inherent: false, coda: '' });
  return out;
}

function dropInherentVowels(syls: Syllable[]): void {
  const last = syls[syls.length - 1];
  if (syls.length > 1 && last !== undefined && last.inherent && last.onset.length === 1 && last.coda === '') last.vowel = '';
  for (let i = syls.length - 2; i >= 1; i--) {
    const s = syls[i]!;
    const next = syls[i + 1]!;
    if (s.inherent && s.coda === '' && s.onset.length === 1 && syls[i - 1]!.vowel !== '' && next.vowel !== '' && next.onset.length > 0) s.vowel = '';
  }
}

function wordToLatin(word: string[]): string {
  const syls = syllables(word);
  dropInherentVowels(syls);
  // An anusvara is read "m" before a labial (चंपा champa) and "ng" before h (सिंह singh).
  return syls
    .map((s, i) => {
      const nextOnset = syls[i + 1]?.onset[0] ?? '';
      const coda = s.coda !== 'n' ? s.coda : /^[pbm]/.test(nextOnset) ? 'm' : nextOnset === 'h' ? 'ng' : 'n';
      return s.onset.join('') + s.vowel + coda;
    })
    .join('');
}

/** Devanagari words to Latin; other characters unchanged; Devanagari digits to ASCII; danda to a space. */
export function devanagariToLatin(s: string): string {
  return s
    .replace(/[\u0966-\u096F]/g, (d) => String(d.charCodeAt(0) - 0x0966))
    .replace(/[\u0964\u0965]/g, ' ')
    .replace(/[\u0900-\u0963\u0970-\u097F]+/g, (w) => wordToLatin([...w]));
}
