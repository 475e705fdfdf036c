// The screening benchmark: names screened per second on one core, recall and
// false-positive rate on the labelled set (compliance/labelled_set.ts) generated from
// the real lists, and the 99th-percentile latency of one name.
//
// Lists: the OFAC SDN CSV set (sdn.csv with alt.csv, add.csv) and the UN consolidated
// XML from a folder laid out as ../shared/sanctions (its README). Each timed round
// screens the whole labelled set once, after a warm-up round; names_per_s is the
// median of the rounds, p99_ms is over every name of every round. Index building is
// reported separately (it happens once per list load, not per name).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLabelledSet, scoreLabelled } from '../compliance/labelled_set.js';
import { parseListFiles } from '../compliance/list_store.js';
import { DEFAULT_THRESHOLD, ScreeningIndex, type ScreenResult } from '../compliance/matcher.js';
import type { SanctionsList } from '../compliance/types.js';
import { median, percentile, round } from './stats.js';

export interface ScreeningBenchOptions {
  /** The folder holding ofac-sdn-csv-*\/ and un-sc-consolidated-xml/. */
  lists_dir: string;
  seed: number;
  positives: number;
  negatives: number;
  rounds: number;
  threshold?: number;
  progress: (m: string) => void;
}

export interface ScreeningBenchResult {
  suite: 'screening';
  metrics: {
    names_per_s: number;
    recall: number;
    false_positive_rate: number;
    p99_ms: number;
  };
  detail: {
    threshold: number;
    lists: Array<{ list: string; entries: number; names: number; content_hash: string }>;
    indexed_names: number;
    index_build_ms: number;
    positives: number;
    negatives: number;
    recall_by_variant: Record<string, number>;
    rounds: number;
  };
  notes: string[];
}

export class BenchInputError extends Error {
  readonly code = 'lists_not_found';
  constructor(message: string) {
    super(message);
    this.name = 'BenchInputError';
  }
}

function loadLists(dir: string): SanctionsList[] {
  if (!existsSync(dir)) {
    throw new BenchInputError(
      `sanctions lists folder ${dir} not found; pass --lists-dir (expected ofac-sdn-csv-*/sdn.csv and un-sc-consolidated-xml/*.xml, as in ../shared/sanctions)`,
    );
  }
  const now = new Date(0);
  const out: SanctionsList[] = [];
  const subdirs = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const ofacDir = subdirs.find((d) => d.startsWith('ofac-sdn-csv'));
  if (ofacDir !== undefined && existsSync(join(dir, ofacDir, 'sdn.csv'))) {
    const files = ['sdn.csv', 'alt.csv', 'add.csv']
      .filter((f) => existsSync(join(dir, ofacDir, f)))
      .map((f) => ({ name: f, bytes: readFileSync(join(dir, ofacDir, f)) }));
    out.push(parseListFiles('ofac-csv', files, now));
  }
  const unDir = subdirs.find((d) => d.startsWith('un-sc-consolidated'));
  if (unDir !== undefined) {
    const xml = readdirSync(join(dir, unDir)).find((f) => f.endsWith('.xml'));
    if (xml !== undefined) out.push(parseListFiles('un-xml', [{ name: xml, bytes: readFileSync(join(dir, unDir, xml)) }], now));
  }
  if (out.length === 0) throw new BenchInputError(`no OFAC SDN CSV set or UN XML found under ${dir}`);
  return out;
}

export async function runScreeningBench(o: ScreeningBenchOptions): Promise<ScreeningBenchResult> {
  const threshold = o.threshold ?? DEFAULT_THRESHOLD;
  o.progress(`loading lists from ${o.lists_dir}`);
  const lists = loadLists(o.lists_dir);
  const t0 = performance.now();
  const index = new ScreeningIndex(lists);
  const buildMs = performance.now() - t0;
  o.progress(`indexed ${index.nameCount} names of ${index.entryCount} entries in ${Math.round(buildMs)} ms`);
  const set = buildLabelledSet(lists, { seed: o.seed, positives: o.positives, negatives: o.negatives });
  o.progress(`labelled set: ${set.length} names`);
  // Warm-up (JIT), not timed.
  for (const item of set) index.screenName({ name: item.name }, threshold);
  const rates: number[] = [];
  const latencies: number[] = [];
  let results: ScreenResult[] = [];
  for (let round_ = 0; round_ < o.rounds; round_++) {
    results = new Array(set.length);
    const start = performance.now();
    for (let i = 0; i < set.length; i++) {
      const t = performance.now();
      results[i] = index.screenName({ name: set[i]!.name }, threshold);
      latencies.push(performance.now() - t);
    }
    const elapsed = performance.now() - start;
    rates.push(set.length / (elapsed / 1000));
    o.progress(`round ${round_ + 1}: ${Math.round(rates[rates.length - 1]!)} names/s`);
  }
  const score = scoreLabelled(set, results);
  const byVariant: Record<string, number> = {};
  for (const [k, v] of Object.entries(score.by_variant)) byVariant[k] = round(v.ok / v.n, 4);
  return {
    suite: 'screening',
    metrics: {
      names_per_s: Math.round(median(rates)),
      recall: round(score.recall, 4),
      false_positive_rate: round(score.false_positive_rate, 4),
      p99_ms: round(percentile(latencies, 99), 3),
    },
    detail: {
      threshold,
      lists: lists.map((l) => ({ list: l.version.list, entries: l.version.entry_count, names: l.version.name_count, content_hash: l.version.content_hash })),
      indexed_names: index.nameCount,
      index_build_ms: Math.round(buildMs),
      positives: score.positives,
      negatives: score.negatives,
      recall_by_variant: byVariant,
      rounds: o.rounds,
    },
    notes: [
      'One core, one name at a time; per-name latency includes normalisation, transliteration, candidate generation and scoring.',
      'Labelled set generated from the lists (seeded): recall = positives whose entry is among the matches; FPR = negatives with any match. by_variant for negatives is the share without a match.',
    ],
  };
}
