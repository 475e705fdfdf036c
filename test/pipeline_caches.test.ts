// The caches and shortcuts of the demo pipeline (issue #18) change nothing but
// time: a screening index with a result cache answers exactly as one without (and
// hands out copies), and a demo day screened through the cache reaches the same
// state, with a store that verify (hash chain, replay) accepts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ScreeningIndex } from '../src/compliance/matcher.js';
import { normalizeName } from '../src/compliance/normalize.js';
import { screenPayment } from '../src/compliance/payments.js';
import { screenerOver } from '../src/demo/screener.js';
import { isoMessageOf, runDay } from '../src/demo/day.js';
import { BuildError, writeDocument, type XObj } from '../src/iso20022/messages/tree.js';
import { buildMessage } from '../src/iso20022/messages/index.js';
import { SCHEMAS } from '../src/iso20022/schema/index.js';
import { demoWatchlist, WATCHLIST_VARIANTS } from '../src/demo/watchlist.js';
import { verifyStore } from '../src/platform/verify_tools.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';

const list = demoWatchlist(new Date(0));
const listed = list.entries.flatMap((e) => e.names.map((n) => n.name));

test('a cached screening index answers every query exactly as an uncached one, repeated or not, across the cache bound', () => {
  const plain = new ScreeningIndex([list]);
  // A tiny bound, so the property also runs through the clearing of a full cache.
  const cached = new ScreeningIndex([list], { result_cache: 7 });
  const name = fc.oneof(
    fc.constantFrom(...listed, ...WATCHLIST_VARIANTS),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('Acme Trading', 'contract', 'inv ru25'),
  );
  const query = fc.record({ name, country: fc.option(fc.constantFrom('RU', 'CN', 'IR', 'ru', ''), { nil: undefined }) });
  fc.assert(
    fc.property(fc.array(query, { minLength: 1, maxLength: 30 }), fc.constantFrom(0.5, 0.83, 0.9), (queries, threshold) => {
      // Each query twice: the second answer comes from the cache when it still holds it.
      for (const q of [...queries, ...queries]) assert.deepEqual(cached.screenName(q, threshold), plain.screenName(q, threshold));
    }),
    { numRuns: 60 },
  );
});

test('normalisation: plain lower-case ASCII words take the short path to the same result as the full one', () => {
  const word = fc.string({ unit: fc.constantFrom(...'abcdehkqwxyz0123456789'), maxLength: 12 });
  const plain = fc.array(fc.oneof(word, fc.constantFrom('al', 'the', 'llc', 'limmited', 'company', 'dr', 'bin')), { maxLength: 8 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(plain, fc.constantFrom('', ' ', '  '), (s, pad) => {
      const short = normalizeName(pad + s);
      // A zero-width space (a format character, removed like a control) or capitals send the same name through every step.
      assert.deepEqual(normalizeName(`\u200b${pad}${s}`), short);
      assert.deepEqual(normalizeName(s.toUpperCase() + pad), short);
    }),
    { numRuns: 300 },
  );
});

test('a cached result is a copy: what a caller changes in it is not seen by the next caller', () => {
  const cached = new ScreeningIndex([list], { result_cache: 100 });
  const name = WATCHLIST_VARIANTS[0]!;
  const first = cached.screenName({ name });
  assert.equal(first.hit, true, 'the watch-list variant is a hit (else this test shows nothing)');
  const expected = structuredClone(first);
  first.matches[0]!.score = -1;
  first.matches.length = 0;
  first.lists.length = 0;
  assert.deepEqual(cached.screenName({ name }), expected);
});

test('payment screening of a generated day is the same with and without the cache', () => {
  const plain = new ScreeningIndex([list]);
  const cached = new ScreeningIndex([list], { result_cache: 1_000 });
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 600 } });
  let hits = 0;
  for (const p of generatePayments(profile, { seed: 5, payments: 600 })) {
    const debtor = p.seq % 50 === 0 ? { ...p.debtor, name: WATCHLIST_VARIANTS[p.seq % WATCHLIST_VARIANTS.length]! } : p.debtor;
    const ins = { uetr: p.uetr, debtor, creditor: p.creditor, debtor_agent_bic: p.payer_bic, creditor_agent_bic: p.payee_bic, remittance: p.remittance };
    const a = screenPayment(plain, ins);
    assert.deepEqual(screenPayment(cached, ins), a);
    if (a.hit) hits++;
  }
  assert.ok(hits > 0, 'some payments are hits');
});

test('building XML: elements come in schema order whatever the order of the fields, and an unknown field is refused by name', () => {
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 50 } });
  const reversed = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reversed)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .reverse()
              .map(([k, x]) => [k, reversed(x)]),
          )
        : v;
  for (const p of generatePayments(profile, { seed: 9, payments: 50 })) {
    const m = isoMessageOf(p, '2025-08-29');
    const xml = buildMessage(m);
    assert.equal(buildMessage(reversed(m) as typeof m), xml);
    assert.ok(xml.indexOf('<GrpHdr>') < xml.indexOf('<CdtTrfTxInf>'));
  }
  const schema = SCHEMAS.get('pacs.008.001.08')!;
  const doc: XObj = { FIToFICstmrCdtTrf: { Bogus: 'x', GrpHdr: { MsgId: 'M1' }, Other: 'y' } };
  assert.throws(
    () => writeDocument(schema, doc, []),
    (e: unknown) => e instanceof BuildError && /has no element Bogus, Other$/.test(e.message),
  );
});

test('a demo day screened through the cache reaches the same state as without it, and its store verifies (replay)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-pipe-'));
  try {
    const digests: string[] = [];
    for (const [name, cache] of [
      ['plain', 0],
      ['cached', 50],
    ] as const) {
      const path = join(dir, `${name}.db`);
      const run = await runDay({
        store: `sqlite:${path}`,
        seed: 3,
        banks: 12,
        payments: 400,
        dns_share: 0.3,
        screen: screenerOver(new ScreeningIndex([list], { result_cache: cache }), list.version.version_id),
        watchlist_every: 40,
        watchlist_names: WATCHLIST_VARIANTS,
        onProgress: () => {},
      });
      assert.ok(run.platform.cases().length > 0, 'screening held some payments');
      digests.push(run.platform.stateDigest());
      await run.platform.close();
      const { report } = await verifyStore(`sqlite:${path}`);
      assert.equal(report.ok, true, report.problem ?? '');
    }
    assert.equal(digests[0], digests[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
