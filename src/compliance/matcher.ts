// The screening engine: an index over the names of loaded list versions, candidate
// generation by n-gram and phonetic blocking, scoring and explanation.
//
// This module owns the scoring rule and every limit on one screening:
//   - candidate generation: each name token gives a start gram ("^ab"), its
//     character trigrams and its phonetic key ("#mhmd"); names sharing grams with the
//     query accumulate the grams' IDF weights through posting lists (never a scan of
//     all names). Grams in more than GRAM_DF_SKIP_FRACTION of names are not walked
//     (they carry little weight); at most CANDIDATES_MAX names, those with the most
//     shared weight (and at least CANDIDATE_MIN_SHARE of the query's), are scored.
//   - scoring, per candidate name: token similarity is Jaro–Winkler, raised to
//     PHONETIC_TOKEN_SCORE when the phonetic keys agree; tokens are paired greedily
//     best-first, in any order (reordering is free), pairs below TOKEN_MIN are not
//     paired; a pair counts tokenCredit(similarity). Each token weighs its IDF over the index (unknown query tokens weigh
//     the most), so a missing common middle name costs little and a missing rare
//     surname a lot. With qCov/cCov the weighted share of query/candidate tokens
//     covered: score = 0.6 qCov + 0.4 cCov. A concatenation-insensitive comparison
//     ("abdul rahman" / "abdulrahman") can raise it. Weak aliases lose
//     WEAK_ALIAS_PENALTY. A date of birth or country given with the query moves the
//     score a little (never alone decides a hit).
//   - identifiers (BIC, LEI, passport, …) match exactly after normalisation; a BIC
//     also matches on its first 8 characters (the institution).
// Screening is pure and deterministic: the same index and query give the same result.
// So an index built with a `result_cache` keeps the results of recent queries (a
// payment stream repeats its parties' names and remittance phrases) and answers a
// repeated query with a copy. The bound keeps memory flat without losing the
// frequent queries to a stream of one-off ones (remittance runs with an invoice
// number): two generations, the full one kept for lookups (a hit there moves the
// query to the current one) until the current one fills too.
// Such an index also screens a run of words of an already normalised text (the
// remittance windows of screenPayment) from what it remembers of each word (its
// step-7 facts, matching form, phonetic key, weight and grams), giving what
// screening the words joined by spaces gives, without normalising the run again.

import { isStopword, NAME_TOKENS_MAX, normalizeIdentifier, normalizeName, PARTICLES, pickWords, plainWords, wordForm } from './normalize.js';
import { splitPinyin } from './pinyin_table.js';
import { jaroWinkler, phoneticKey } from './similarity.js';
import type { EntryIdentifier, IdentifierScheme, ListVersion, NameKind, SanctionsEntry, SanctionsList } from './types.js';

export const DEFAULT_THRESHOLD = 0.83;
export const CANDIDATES_MAX = 40;
export const CANDIDATE_MIN_SHARE = 0.25;
export const GRAM_DF_SKIP_FRACTION = 0.03;
/** Grams walked per query (the rarest first). */
export const QUERY_GRAMS_MAX = 96;
export const TOKEN_MIN = 0.8;
export const PHONETIC_TOKEN_SCORE = 0.86;
export const WEAK_ALIAS_PENALTY = 0.03;
export const MATCHES_MAX = 10;
export const INDEX_NAMES_MAX = 5_000_000;

export interface ScreenQuery {
  name: string;
  /** ISO alpha-2. */
  country?: string | null;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  dob?: string | null;
}

export interface ScreenMatch {
  list: string;
  version_id: string;
  entry_id: string;
  entry_type: string;
  matched_name: string;
  name_kind: NameKind;
  score: number;
  why: string;
}

export interface ScreenResult {
  name: string;
  hit: boolean;
  score: number;
  threshold: number;
  matches: ScreenMatch[];
  /** The list versions screened against. */
  lists: Array<{ list: string; version_id: string }>;
  /** Set when the name was cut to the normalisation limits. */
  truncated?: boolean;
}

interface PreparedQuery {
  tokens: string[];
  keys: string[];
  /** Each token's IDF (the unseen weight for tokens no listed name has). */
  idf: number[];
  joined: string;
}

/**
 * One word of a normalised plain text as a screened run sees it (see
 * ScreeningIndex.textWords): what normalizeName's steps 7 and 8 make of it and
 * the grams candidate generation looks up for its matching form.
 */
export interface ScreenWord {
  readonly word: string;
  readonly stop: boolean;
  readonly particle: boolean;
  readonly form: string;
  readonly cut: boolean;
  readonly key: string;
  readonly idf: number;
  /** The form's grams in gramsOf's order, each once; with the gram's id, -1 for a gram no listed name has. */
  readonly grams: readonly string[];
  readonly gramIds: Int32Array;
  /** Postings candidate generation walks for its grams (a run of words that walk none has no candidates, so no matches). */
  readonly walk: number;
  /** The summed weight of its grams (unseen ones at the unseen weight), and of those walked: a bound on what a run's names share (runMatches). */
  readonly weight: number;
  readonly walkWeight: number;
  /** Texts the word was seen in (a word seen once is most likely a one-off: its runs are not kept in the result cache). */
  uses: number;
}

/** A run of words as runMatches screens it: its tokens are the forms of ws[from..to). */
interface RunQuery {
  ws: readonly ScreenWord[];
  from: number;
  to: number;
  cut: boolean;
  candidates: number[];
}

interface NameRec {
  entry: number;
  display: string;
  kind: NameKind;
  tokens: string[];
  keys: string[];
  weights: number[];
  wsum: number;
  joined: string;
}

interface EntryRef {
  listIndex: number;
  entry: SanctionsEntry;
}

export interface IdentifierHit {
  list: string;
  version_id: string;
  entry_id: string;
  scheme: IdentifierScheme;
  value: string;
  matched: string;
  score: number;
  why: string;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Postings a run's walk may take at most for its candidates to be found before the result cache is asked (runMatches). */
export const WALK_BEFORE_CACHE_MAX = 128;

/** What a run of words no name shares a walked gram with matches (runMatches): nothing; shared, so frozen. */
const NO_MATCHES: readonly ScreenMatch[] = Object.freeze([]);

/** Relative slack on both sides of belowCandidateShare's comparison: far above the rounding of sums of a few hundred positive terms. */
const SHARE_BOUND_SLACK = 1e-9;

/**
 * Whether no name can be a candidate of the run words[start..end) (runMatches):
 * a name's shared weight is at most the walked weight of the run's kept words
 * (each gram counted once, so at most their sum), and the run's total weight at
 * least that of any kept word (its grams are all among the run's). When the first
 * is below CANDIDATE_MIN_SHARE of the second, every name falls below the share
 * `ranked` requires. Kept words: step 7's pick when a word is not a stopword (the
 * non-stopwords, at most NAME_TOKENS_MAX); a run of stopwords only is not judged.
 */
export function belowCandidateShare(words: readonly ScreenWord[], start: number, end: number): boolean {
  let kept = 0;
  let shared = 0;
  let heaviest = 0;
  for (let i = start; i < end; i++) {
    const w = words[i]!;
    if (w.stop) continue;
    shared += w.walkWeight;
    if (++kept <= NAME_TOKENS_MAX && w.weight > heaviest) heaviest = w.weight;
  }
  return kept > 0 && shared * (1 + SHARE_BOUND_SLACK) < heaviest * CANDIDATE_MIN_SHARE * (1 - SHARE_BOUND_SLACK);
}

/** A screening result with its matches (best first) filled in. */
function withMatches(base: ScreenResult, matches: ScreenMatch[]): ScreenResult {
  base.matches = matches;
  base.hit = matches.length > 0;
  base.score = matches[0]?.score ?? 0;
  return base;
}

/**
 * Jaro–Winkler between two tokens, made stricter where it is known to flatter: tokens
 * of up to SHORT_TOKEN_MAX characters must be equal, and a token much shorter than
 * the other (ali / khalid) loses LENGTH_PENALTY per unit of length ratio below 0.8.
 */
export const SHORT_TOKEN_MAX = 2;
export const LENGTH_PENALTY = 0.6;
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la <= SHORT_TOKEN_MAX || lb <= SHORT_TOKEN_MAX) return 0;
  const s = jaroWinkler(a, b);
  const ratio = la < lb ? la / lb : lb / la;
  return ratio < 0.8 ? s - (0.8 - ratio) * LENGTH_PENALTY : s;
}

/**
 * How much a paired token counts: 1 for equal tokens, falling twice as fast as the
 * similarity below it (0.95 -> 0.9, 0.9 -> 0.8, 0.86 -> 0.72), so a name of several
 * near-misses does not add up to a hit the way one of equal tokens does.
 */
function tokenCredit(s: number): number {
  return s >= 1 ? 1 : Math.max(0, 1 - 2 * (1 - s));
}

function gramsOf(tokens: readonly string[], keys: readonly string[], out: Set<string>): void {
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.length <= 2) {
      out.add(`=${tok}`);
      continue;
    }
    out.add(`^${tok.slice(0, 2)}`);
    for (let i = 0; i + 3 <= tok.length; i++) out.add(tok.slice(i, i + 3));
    const k = keys[t]!;
    if (k.length >= 2) out.add(`#${k}`);
  }
}

export interface ScreeningIndexOptions {
  /** Queries whose results are kept for reuse (0, the default: none, so a benchmark measures screening itself). */
  result_cache?: number;
}

/**
 * Screening results by key, in two generations: a hit in the full one moves the
 * key to the current one, so frequent names stay while one-off ones pass through.
 */
class ResultCache {
  private current = new Map<string, ScreenResult>();
  private older = new Map<string, ScreenResult>();

  constructor(private readonly max: number) {}

  get(key: string): ScreenResult | undefined {
    const r = this.current.get(key);
    if (r !== undefined) return r;
    const o = this.older.get(key);
    if (o !== undefined) this.put(key, o);
    return o;
  }

  put(key: string, r: ScreenResult): ScreenResult {
    if (this.current.size >= this.max) {
      this.older = this.current;
      this.current = new Map();
    }
    this.current.set(key, r);
    return r;
  }
}

export class ScreeningIndex {
  readonly versions: ListVersion[];
  private readonly cacheMax: number;
  /** With a result cache: results keyed by threshold, country, date of birth and name. */
  private readonly results: ResultCache;
  /** With a result cache: the results of names screened alone (no country, no date of birth), keyed by the name, at one threshold. */
  private plain: { threshold: number; results: ResultCache } | null = null;
  /** With a result cache: tokens' phonetic keys (one-off queries still share their words). */
  private readonly keyCache = new Map<string, string>();
  /** With a result cache: the words of screened texts (ScreenWord), bounded like keyCache. */
  private readonly wordCache = new Map<string, ScreenWord>();
  /** Per gram id: the run that last counted it (candidatesOfWords' duplicate check). */
  private gramStamp: Uint32Array = new Uint32Array(0);
  private stamp = 0;
  private readonly entries: EntryRef[] = [];
  private readonly names: NameRec[] = [];
  private readonly gramIds = new Map<string, number>();
  private postings: Int32Array[] = [];
  private gramWeight: Float64Array = new Float64Array(0);
  /** Per name: the total weight of its grams (for the weighted Jaccard ranking). */
  private nameGramWeight: Float64Array = new Float64Array(0);
  private readonly tokenIdf = new Map<string, number>();
  private idfUnseen = 1;
  private readonly identifiers = new Map<string, Array<{ entry: number; id: EntryIdentifier }>>();
  private readonly pairS = new Float64Array(NAME_TOKENS_MAX * NAME_TOKENS_MAX);
  private readonly pairI = new Int32Array(NAME_TOKENS_MAX * NAME_TOKENS_MAX);
  private readonly pairJ = new Int32Array(NAME_TOKENS_MAX * NAME_TOKENS_MAX);
  private acc: Float64Array = new Float64Array(0);
  private readonly topRank = new Float64Array(CANDIDATES_MAX);
  private readonly topName = new Int32Array(CANDIDATES_MAX);
  private readonly touched: number[] = [];

  constructor(lists: readonly SanctionsList[], options: ScreeningIndexOptions = {}) {
    this.versions = lists.map((l) => l.version);
    this.cacheMax = Math.max(0, Math.floor(options.result_cache ?? 0));
    this.results = new ResultCache(this.cacheMax);
    const tokenDf = new Map<string, number>();
    lists.forEach((list, listIndex) => {
      for (const entry of list.entries) {
        const e = this.entries.length;
        this.entries.push({ listIndex, entry });
        const seen = new Set<string>();
        for (const n of entry.names) {
          const norm = normalizeName(n.name);
          if (norm.tokens.length === 0) continue;
          const joined = norm.tokens.join(' ');
          if (seen.has(joined)) continue; // the same name twice (e.g. an alias equal to the primary after normalisation)
          seen.add(joined);
          if (this.names.length >= INDEX_NAMES_MAX) throw new Error(`screening index: more than ${INDEX_NAMES_MAX} names`);
          const forms = [norm.tokens];
          // A Chinese name romanised syllable by syllable ("HONG, Jin Hua"): also as surname + given name.
          if (norm.tokens.length >= 3 && norm.tokens.length <= 4 && norm.tokens.every((t) => splitPinyin(t)?.length === 1)) {
            forms.push([norm.tokens[0]!, norm.tokens.slice(1).join('')]);
          }
          for (const tokens of forms) {
            this.names.push({ entry: e, display: n.name, kind: n.kind, tokens, keys: tokens.map(phoneticKey), weights: [], wsum: 0, joined: tokens.join('') });
            for (const t of new Set(tokens)) tokenDf.set(t, (tokenDf.get(t) ?? 0) + 1);
          }
        }
        for (const id of entry.identifiers) {
          const keys = id.scheme === 'bic' ? [id.value, id.value.slice(0, 8)] : [id.value];
          for (const k of new Set(keys)) {
            if (k.length < 4) continue;
            let l = this.identifiers.get(k);
            if (l === undefined) this.identifiers.set(k, (l = []));
            l.push({ entry: e, id });
          }
        }
      }
    });
    const N = Math.max(1, this.names.length);
    for (const [t, df] of tokenDf) this.tokenIdf.set(t, Math.log(1 + N / df));
    this.idfUnseen = Math.log(1 + N);
    const lists2: number[][] = [];
    const grams = new Set<string>();
    for (let r = 0; r < this.names.length; r++) {
      const rec = this.names[r]!;
      rec.weights = rec.tokens.map((t) => this.tokenIdf.get(t) ?? this.idfUnseen);
      rec.wsum = rec.weights.reduce((a, b) => a + b, 0);
      grams.clear();
      gramsOf(rec.tokens, rec.keys, grams);
      for (const g of grams) {
        let id = this.gramIds.get(g);
        if (id === undefined) {
          id = lists2.length;
          this.gramIds.set(g, id);
          lists2.push([]);
        }
        lists2[id]!.push(r);
      }
    }
    this.postings = lists2.map((l) => Int32Array.from(l));
    this.gramWeight = new Float64Array(lists2.length);
    for (let g = 0; g < lists2.length; g++) this.gramWeight[g] = Math.log(1 + N / lists2[g]!.length);
    this.nameGramWeight = new Float64Array(this.names.length);
    for (let g = 0; g < lists2.length; g++) for (const r of lists2[g]!) this.nameGramWeight[r] = this.nameGramWeight[r]! + this.gramWeight[g]!;
    this.acc = new Float64Array(this.names.length);
    this.gramStamp = new Uint32Array(lists2.length);
  }

  get nameCount(): number {
    return this.names.length;
  }

  get entryCount(): number {
    return this.entries.length;
  }

  private listRefs(): Array<{ list: string; version_id: string }> {
    return this.versions.map((v) => ({ list: v.list, version_id: v.version_id }));
  }

  /** Candidate name records for normalised query tokens (indices into names). */
  private candidates(tokens: readonly string[], keys: readonly string[]): number[] {
    const grams = new Set<string>();
    gramsOf(tokens, keys, grams);
    const skipDf = this.skipDf();
    let total = 0;
    const walk: number[] = [];
    for (const g of grams) {
      const id = this.gramIds.get(g);
      if (id === undefined) {
        total += this.idfUnseen;
        continue;
      }
      total += this.gramWeight[id]!;
      if (this.postings[id]!.length <= skipDf) walk.push(id);
    }
    return this.ranked(total, walk);
  }

  /** Grams in more names than this are not walked. */
  private skipDf(): number {
    return Math.max(50, Math.floor(this.names.length * GRAM_DF_SKIP_FRACTION));
  }

  /**
   * candidates() for the tokens of these words (their forms): the same grams in
   * the same order, each counted once (so the same sum, added in the same order),
   * read from the words instead of built and looked up again.
   */
  private candidatesOfWords(words: readonly ScreenWord[], from: number, to: number): number[] {
    const skipDf = this.skipDf();
    if (++this.stamp === 0xffffffff) {
      this.gramStamp.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const seen = this.gramStamp;
    let unseen: string[] | null = null;
    let total = 0;
    const walk: number[] = [];
    for (let k = from; k < to; k++) {
      const w = words[k]!;
      const ids = w.gramIds;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id < 0) {
          const g = w.grams[i]!;
          if (unseen === null) unseen = [];
          else if (unseen.includes(g)) continue;
          unseen.push(g);
          total += this.idfUnseen;
          continue;
        }
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        total += this.gramWeight[id]!;
        if (this.postings[id]!.length <= skipDf) walk.push(id);
      }
    }
    return this.ranked(total, walk);
  }

  /** The best CANDIDATES_MAX names by their share of the query's gram weight `total`, walking the grams `walk`. */
  private ranked(total: number, walk: number[]): number[] {
    // Rarest (heaviest) grams first, bounded.
    sortByPostings(walk, this.postings);
    if (walk.length > QUERY_GRAMS_MAX) walk.length = QUERY_GRAMS_MAX;
    const acc = this.acc;
    const touched = this.touched;
    touched.length = 0;
    for (const id of walk) {
      const w = this.gramWeight[id]!;
      const p = this.postings[id]!;
      for (let i = 0; i < p.length; i++) {
        const r = p[i]!;
        const a = acc[r]!;
        if (a === 0) touched.push(r);
        acc[r] = a + w;
      }
    }
    // Ranked by weighted Jaccard (shared / (query + name - shared)), so a short listed name whose
    // grams are all in the query ranks above a long one that merely contains them.
    const min = total * CANDIDATE_MIN_SHARE;
    // The best CANDIDATES_MAX by rank, kept sorted in a small array (no full sort).
    const topR = this.topRank;
    const topN = this.topName;
    let k = 0;
    for (const r of touched) {
      const a = acc[r]!;
      acc[r] = 0;
      if (a < min) continue;
      const rank = a / (total + this.nameGramWeight[r]! - a);
      if (k === CANDIDATES_MAX && rank <= topR[k - 1]!) continue;
      let pos = k < CANDIDATES_MAX ? k++ : k - 1;
      while (pos > 0 && (topR[pos - 1]! < rank || (topR[pos - 1] === rank && topN[pos - 1]! > r))) {
        topR[pos] = topR[pos - 1]!;
        topN[pos] = topN[pos - 1]!;
        pos--;
      }
      topR[pos] = rank;
      topN[pos] = r;
    }
    const picked: number[] = new Array(k);
    for (let i = 0; i < k; i++) picked[i] = topN[i]!;
    return picked;
  }

  /**
   * Scores one candidate name against the query. With `explain`, also says why (the
   * explanation is built only for names that are reported, it costs more than the score).
   */
  private scoreName(q: PreparedQuery, rec: NameRec, explain: boolean): { score: number; why: string } {
    const qt = q.tokens;
    const ct = rec.tokens;
    // Pairs above TOKEN_MIN as parallel arrays, sorted best-first by insertion (a handful).
    const ps = this.pairS;
    const pi = this.pairI;
    const pj = this.pairJ;
    let n = 0;
    for (let i = 0; i < qt.length; i++) {
      for (let j = 0; j < ct.length; j++) {
        let sim = tokenSimilarity(qt[i]!, ct[j]!);
        if (sim < PHONETIC_TOKEN_SCORE && q.keys[i]!.length >= 2 && q.keys[i] === rec.keys[j]) sim = PHONETIC_TOKEN_SCORE;
        if (sim < TOKEN_MIN) continue;
        let k = n++;
        while (k > 0 && ps[k - 1]! < sim) {
          ps[k] = ps[k - 1]!;
          pi[k] = pi[k - 1]!;
          pj[k] = pj[k - 1]!;
          k--;
        }
        ps[k] = sim;
        pi[k] = i;
        pj[k] = j;
      }
    }
    let qUsed = 0; // bit sets: at most NAME_TOKENS_MAX (12) tokens a side
    let cUsed = 0;
    let covered = 0;
    let qTotal = 0;
    const parts: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = pi[k]!;
      const j = pj[k]!;
      if ((qUsed & (1 << i)) !== 0 || (cUsed & (1 << j)) !== 0) continue;
      qUsed |= 1 << i;
      cUsed |= 1 << j;
      const w = rec.weights[j]!;
      qTotal += w;
      covered += tokenCredit(ps[k]!) * w;
      if (explain) {
        const sim = ps[k]!;
        const phon = sim === PHONETIC_TOKEN_SCORE && q.keys[i] === rec.keys[j];
        parts.push(sim === 1 ? `${qt[i]}=${ct[j]}` : `${qt[i]}~${ct[j]} ${sim.toFixed(2)}${phon ? ' phonetic' : ''}`);
      }
    }
    for (let i = 0; i < qt.length; i++) if ((qUsed & (1 << i)) === 0) qTotal += q.idf[i]!;
    const qCov = qTotal > 0 ? covered / qTotal : 0;
    const cCov = rec.wsum > 0 ? covered / rec.wsum : 0;
    let score = 0.6 * qCov + 0.4 * cCov;
    let how = '';
    if (qt.length !== ct.length && Math.abs(q.joined.length - rec.joined.length) <= 2) {
      const js = jaroWinkler(q.joined, rec.joined);
      if (js >= 0.95 && js - 0.05 > score) {
        score = js - 0.05;
        if (explain) how = `spacing-insensitive ${q.joined}~${rec.joined} ${js.toFixed(2)}`;
      }
    }
    if (rec.kind === 'weak') score -= WEAK_ALIAS_PENALTY;
    if (!explain) return { score, why: '' };
    const missingC = ct.filter((_, j) => (cUsed & (1 << j)) === 0);
    const missingQ = qt.filter((_, i) => (qUsed & (1 << i)) === 0);
    const label = rec.kind === 'primary' ? 'name' : rec.kind === 'original' ? 'original-script name' : `${rec.kind} alias`;
    let why = `${label} "${rec.display}": ${how.length > 0 ? how : parts.join(', ') || 'no token pairs'}`;
    if (missingC.length > 0) why += `; not in query: ${missingC.join(' ')}`;
    if (missingQ.length > 0) why += `; not in list name: ${missingQ.join(' ')}`;
    if (rec.kind === 'weak') why += `; weak alias (-${WEAK_ALIAS_PENALTY})`;
    return { score, why };
  }

  /** Adjusts for date of birth and country; returns the delta and a note. */
  private context(entry: SanctionsEntry, query: ScreenQuery): { delta: number; note: string } {
    let delta = 0;
    const notes: string[] = [];
    const dob = query.dob ?? null;
    if (dob !== null && dob.length >= 4 && entry.dob.length > 0) {
      const year = Number(dob.slice(0, 4));
      if (entry.dob.some((d) => d.length >= 10 && d === dob.slice(0, 10))) {
        delta += 0.05;
        notes.push(`dob ${dob} matches`);
      } else if (entry.dob.some((d) => Math.abs(Number(d.slice(0, 4)) - year) <= 1)) {
        delta += 0.02;
        notes.push(`dob year ${year} matches ${entry.dob.join('|')}`);
      } else {
        delta -= 0.1;
        notes.push(`dob ${dob} differs from ${entry.dob.join('|')}`);
      }
    }
    const country = query.country ?? null;
    if (country !== null && country.length === 2 && entry.countries.length > 0) {
      if (entry.countries.includes(country.toUpperCase())) {
        delta += 0.02;
        notes.push(`country ${country.toUpperCase()} matches`);
      } else {
        delta -= 0.03;
        notes.push(`country ${country.toUpperCase()} not among ${entry.countries.join('|')}`);
      }
    }
    return { delta, note: notes.join('; ') };
  }

  /** Screens one name. Never throws on odd input (see normalize.ts for the limits). */
  screenName(query: ScreenQuery, threshold = DEFAULT_THRESHOLD): ScreenResult {
    const r = this.sharedResult(query, threshold);
    // A copy: callers own what they are given.
    const out: ScreenResult = { ...r, name: query.name, matches: r.matches.map((m) => ({ ...m })), lists: this.listRefs() };
    return out;
  }

  /**
   * The matches screenName gives for `query`, without its copies: the cached
   * result itself, which the caller only reads (screenPayment, which screens
   * dozens of remittance words a payment and copies what it keeps).
   */
  nameMatches(query: ScreenQuery, threshold = DEFAULT_THRESHOLD): readonly Readonly<ScreenMatch>[] {
    return this.sharedResult(query, threshold).matches;
  }

  private sharedResult(query: ScreenQuery, threshold: number): ScreenResult {
    if (this.cacheMax === 0) return this.screenNameUncached(query, threshold);
    // A name alone (a remittance run: no country, no date of birth) is looked up by the name
    // itself, in a cache of its own per threshold: no key string is built and hashed for it.
    const country = query.country ?? '';
    const dob = query.dob ?? '';
    if (country === '' && dob === '') {
      let c = this.plain;
      if (c === null || c.threshold !== threshold) this.plain = c = { threshold, results: new ResultCache(this.cacheMax) };
      return c.results.get(query.name) ?? c.results.put(query.name, this.screenNameUncached(query, threshold));
    }
    const key = `${threshold}\u0000${country}\u0000${dob}\u0000${query.name}`;
    return this.results.get(key) ?? this.results.put(key, this.screenNameUncached(query, threshold));
  }

  private keyOf(token: string): string {
    if (this.cacheMax === 0) return phoneticKey(token);
    let k = this.keyCache.get(token);
    if (k === undefined) {
      k = phoneticKey(token);
      if (this.keyCache.size >= this.cacheMax) this.keyCache.clear();
      this.keyCache.set(token, k);
    }
    return k;
  }

  private screenNameUncached(query: ScreenQuery, threshold: number): ScreenResult {
    const q = normalizeName(query.name);
    const base: ScreenResult = { name: query.name, hit: false, score: 0, threshold, matches: [], lists: this.listRefs() };
    if (q.truncated) base.truncated = true;
    if (q.tokens.length === 0 || this.names.length === 0) return base;
    const pq: PreparedQuery = {
      tokens: q.tokens,
      keys: q.tokens.map((t) => this.keyOf(t)),
      idf: q.tokens.map((t) => this.tokenIdf.get(t) ?? this.idfUnseen),
      joined: q.tokens.join(''),
    };
    return withMatches(base, this.matchesOf(pq, this.candidates(pq.tokens, pq.keys), query, threshold));
  }

  /** The reported matches of a prepared query among its candidate names, best first. */
  private matchesOf(pq: PreparedQuery, candidates: readonly number[], query: ScreenQuery, threshold: number): ScreenMatch[] {
    const best = new Map<number, { score: number; rec: NameRec }>();
    for (const r of candidates) {
      const rec = this.names[r]!;
      const { score } = this.scoreName(pq, rec, false);
      const prev = best.get(rec.entry);
      if (prev === undefined || score > prev.score) best.set(rec.entry, { score, rec });
    }
    const matches: ScreenMatch[] = [];
    for (const [e, b] of best) {
      const ref = this.entries[e]!;
      const ctx = this.context(ref.entry, query);
      const score = Math.max(0, Math.min(1, b.score + ctx.delta));
      if (score < threshold) continue;
      const v = this.versions[ref.listIndex]!;
      const why = this.scoreName(pq, b.rec, true).why;
      matches.push({
        list: v.list,
        version_id: v.version_id,
        entry_id: ref.entry.id,
        entry_type: ref.entry.type,
        matched_name: b.rec.display,
        name_kind: b.rec.kind,
        score: round4(score),
        why: ctx.note.length > 0 ? `${why}; ${ctx.note}` : why,
      });
    }
    matches.sort((a, b) => b.score - a.score || a.list.localeCompare(b.list) || a.entry_id.localeCompare(b.entry_id));
    if (matches.length > MATCHES_MAX) matches.length = MATCHES_MAX;
    return matches;
  }

  /**
   * The words of an already normalised text (normalizeName's tokens of it) for
   * runMatches; null when the index keeps no result cache (a benchmark measures
   * screening itself) or a word is not plain (lower-case ASCII letters and
   * digits): then each run is screened as its words joined by spaces.
   */
  textWords(tokens: readonly string[]): ScreenWord[] | null {
    if (this.cacheMax === 0 || !plainWords(tokens)) return null;
    const out: ScreenWord[] = new Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      let w = this.wordCache.get(t);
      if (w === undefined) {
        w = this.screenWord(t);
        if (this.wordCache.size >= this.cacheMax) this.wordCache.clear();
        this.wordCache.set(t, w);
      }
      if (w.uses < 2) w.uses++;
      out[i] = w;
    }
    return out;
  }

  private screenWord(word: string): ScreenWord {
    const { form, cut } = wordForm(word);
    const key = phoneticKey(form);
    const set = new Set<string>();
    gramsOf([form], [key], set);
    const grams = [...set];
    const gramIds = Int32Array.from(grams, (g) => this.gramIds.get(g) ?? -1);
    const skipDf = this.skipDf();
    let walk = 0;
    let weight = 0;
    let walkWeight = 0;
    for (let i = 0; i < gramIds.length; i++) {
      const id = gramIds[i]!;
      if (id < 0) {
        weight += this.idfUnseen;
        continue;
      }
      const g = this.gramWeight[id]!;
      weight += g;
      const n = this.postings[id]!.length;
      if (n <= skipDf) {
        walk += n;
        walkWeight += g;
      }
    }
    return {
      word,
      stop: isStopword(word),
      particle: PARTICLES.has(word),
      form,
      cut,
      key,
      idf: this.tokenIdf.get(form) ?? this.idfUnseen,
      grams,
      gramIds,
      walk,
      weight,
      walkWeight,
      uses: 0,
    };
  }

  /**
   * What nameMatches({ name: words start..start+len-1 joined by spaces }) gives,
   * for words of textWords: the run's tokens are step 7's pick of its words and
   * their forms (plainWords), screened as screenNameUncached screens them. A run
   * with a word seen in one text only is screened afresh and not kept (a
   * remittance's invoice number makes each of its runs a one-off); the others
   * go through the result cache by their text, as nameMatches does.
   */
  runMatches(words: readonly ScreenWord[], start: number, len: number, threshold = DEFAULT_THRESHOLD): readonly Readonly<ScreenMatch>[] {
    const end = start + len;
    let walk = 0;
    let oneOff = false;
    for (let i = start; i < end; i++) {
      const w = words[i]!;
      walk += w.walk;
      if (w.uses < 2) oneOff = true;
    }
    // Its tokens are some of these words' forms: no gram walked, no name touched, no candidate.
    if (walk === 0) return NO_MATCHES;
    if (belowCandidateShare(words, start, end)) return NO_MATCHES;
    // A short walk costs less than a lookup in the result cache: the candidates first (most runs have none).
    const q = oneOff || walk <= WALK_BEFORE_CACHE_MAX ? this.runQuery(words, start, end) : null;
    if (q !== null && q.candidates.length === 0) return NO_MATCHES;
    if (oneOff) return this.runResult(q!, null, threshold).matches;
    let name = words[start]!.word;
    for (let i = start + 1; i < end; i++) name += ` ${words[i]!.word}`;
    let c = this.plain;
    if (c === null || c.threshold !== threshold) this.plain = c = { threshold, results: new ResultCache(this.cacheMax) };
    return (c.results.get(name) ?? c.results.put(name, this.runResult(q ?? this.runQuery(words, start, end), name, threshold))).matches;
  }

  /**
   * A run's words as screenNameUncached takes them from the run's text (step 7's
   * pick, `ws[from..to)`), and its candidates; the query itself is prepared only
   * for a run with candidates (runResult).
   */
  private runQuery(words: readonly ScreenWord[], start: number, end: number): RunQuery {
    let stop = false;
    let cut = false;
    for (let i = start; i < end; i++) {
      if (words[i]!.stop) stop = true;
      if (words[i]!.cut) cut = true;
    }
    if (!stop) return { ws: words, from: start, to: end, cut, candidates: this.names.length === 0 ? [] : this.candidatesOfWords(words, start, end) };
    const picked = pickWords(
      words.slice(start, end),
      (w) => w.stop,
      (w) => w.particle,
    );
    const ws = picked.words;
    return {
      ws,
      from: 0,
      to: ws.length,
      cut: picked.cut || ws.some((w) => w.cut),
      candidates: ws.length === 0 || this.names.length === 0 ? [] : this.candidatesOfWords(ws, 0, ws.length),
    };
  }

  /** screenNameUncached's result for a run's query (`name`, the run's text; null when only the matches are read). */
  private runResult(q: RunQuery, name: string | null, threshold: number): ScreenResult {
    const base: ScreenResult = { name: name ?? '', hit: false, score: 0, threshold, matches: [], lists: name === null ? [] : this.listRefs() };
    if (q.cut) base.truncated = true;
    if (q.candidates.length === 0) return base;
    const ws = q.ws.slice(q.from, q.to);
    const tokens = ws.map((w) => w.form);
    const pq: PreparedQuery = { tokens, keys: ws.map((w) => w.key), idf: ws.map((w) => w.idf), joined: tokens.join('') };
    return withMatches(base, this.matchesOf(pq, q.candidates, { name: name ?? '' }, threshold));
  }

  /** Exact identifier lookup (BIC on 11 or its first 8 characters). */
  screenIdentifier(value: string, scheme?: IdentifierScheme): IdentifierHit[] {
    const v = normalizeIdentifier(value);
    if (v.length < 4) return [];
    const out: IdentifierHit[] = [];
    const keys = scheme === 'bic' && v.length === 11 ? [v, v.slice(0, 8)] : [v];
    // Made at the first listed key only: most values screened (a payment's agents, its remittance's words) are not listed.
    let seen: Set<string> | null = null;
    for (const k of keys) {
      const listed = this.identifiers.get(k);
      if (listed === undefined) continue;
      seen ??= new Set<string>();
      for (const { entry, id } of listed) {
        if (scheme !== undefined && id.scheme !== scheme) continue;
        const ref = this.entries[entry]!;
        const exact = id.value === v || (id.scheme === 'bic' && (id.value + 'XXX' === v || id.value === v + 'XXX'));
        const key = `${entry}:${id.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const ver = this.versions[ref.listIndex]!;
        out.push({
          list: ver.list,
          version_id: ver.version_id,
          entry_id: ref.entry.id,
          scheme: id.scheme,
          value: v,
          matched: id.value,
          score: exact ? 1 : 0.95,
          why: exact ? `${id.scheme} ${v} is listed` : `${id.scheme} ${v} shares institution code ${v.slice(0, 8)} with listed ${id.value}`,
        });
      }
    }
    return out;
  }
}

/** Lists this long or shorter are sorted in place by insertion (Array.prototype.sort copies every list it sorts). */
const INSERTION_SORT_MAX = 64;

/**
 * `walk` (gram ids) sorted by their postings' length, ascending, stably: the order of `walk.sort((a, b) =>
 * postings[a].length - postings[b].length)`, which a query's short list reaches by insertion without the copy that
 * sort makes (~2.8 kB a payment on the demo's prepare worker, stop 50).
 */
export function sortByPostings(walk: number[], postings: readonly { readonly length: number }[]): void {
  if (walk.length > INSERTION_SORT_MAX) {
    walk.sort((a, b) => postings[a]!.length - postings[b]!.length);
    return;
  }
  for (let i = 1; i < walk.length; i++) {
    const id = walk[i]!;
    const len = postings[id]!.length;
    let j = i - 1;
    // Strictly longer ones move: equal lengths keep their order (stable).
    for (; j >= 0 && postings[walk[j]!]!.length > len; j--) walk[j + 1] = walk[j]!;
    walk[j + 1] = id;
  }
}
