// The scheme's governance at the platform's door, on real SQLite files: the
// decision rule end to end (silence, objection, reservation, early adoption,
// suspension), taking effect at the next business day and never mid-window,
// every bad input refused with its code and nothing journaled, and replay and
// `verify` reproducing every decision — and catching a flipped byte and a forged
// signature in a governance entry.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { Database } from '../src/store/sqlite_driver.js';
import { Platform, answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { PlatformError } from '../src/platform/errors.js';
import { openStore } from '../src/store/open.js';
import { BANKS, setupScheme, TestClock, BUSINESS_DATE } from './support/platform.js';
import { type CB_USERS, keyPair, signingCentralBanks, threeMemberScheme } from './support/governance.js';

type Who = keyof typeof CB_USERS;

interface World {
  p: Platform;
  clock: TestClock;
  url: string;
  keys: Record<string, string>;
  close(): Promise<void>;
}

async function world(doc = threeMemberScheme()): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gov-'));
  const url = `sqlite:${join(dir, 'p.db')}`;
  const clock = new TestClock();
  const p = await Platform.open(url, { clock: clock.read });
  await setupScheme(p);
  const keys = await signingCentralBanks(p);
  await p.run({ type: 'create_user', name: 'ops', role: 'operator', participant: null }, 'admin');
  await p.run({ type: 'create_user', name: 'bank', role: 'participant', participant: BANKS[0] }, 'admin');
  for (const name of ['ops', 'bank']) {
    const k = keyPair();
    await p.run({ type: 'set_signing_key', user: name, public_key: k.publicPem }, 'admin');
    keys[name] = k.privatePem;
  }
  await p.run({ type: 'scheme_init', document: doc }, 'operator');
  const w: World = {
    p,
    clock,
    url,
    keys,
    close: async () => {
      await w.p.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return w;
}

function signed(w: World, user: string, act: Record<string, unknown>): string {
  return sign(null, canonicalBytes(act), w.keys[user]!).toString('base64');
}

async function propose(w: World, user: string, changes: unknown[], window_s = 3600, effective = 'next_business_day'): Promise<Record<string, unknown>> {
  const body = { title: 'change', rationale: 'because', changes, window_s, effective };
  const signature = signed(w, user, proposeAct({ by: user, ...body }));
  return w.p.run({ type: 'scheme_propose', ...body, signature }, user);
}

async function answer(w: World, user: Who | 'bank' | 'ops', id: string, a: 'approve' | 'object' | 'reserve', reason = '', extra: Record<string, unknown> = {}) {
  const r = a === 'approve' ? '' : reason || `${a} reason`;
  const signature = signed(w, user, answerAct({ by: user, id, answer: a, reason: r }));
  return w.p.run<Record<string, unknown>>({ type: 'scheme_answer', id, answer: a, reason: r, signature, ...extra }, user);
}

async function refused(w: World, run: () => Promise<unknown>, code: string, field?: string): Promise<void> {
  const head = w.p.journalHead();
  await assert.rejects(
    run(),
    (e: unknown) => e instanceof PlatformError && e.code === code && (field === undefined || e.field === field),
    `refused with ${code}`,
  );
  assert.deepEqual(w.p.journalHead(), head, `nothing journaled for ${code}`);
}

const LSM_10 = [{ op: 'replace', path: '/lsm/interval_minutes', value: 10 }];

async function nextDay(w: World, date: string): Promise<void> {
  await w.p.run({ type: 'close_day' }, 'operator');
  w.clock.now_ns = BigInt(Date.parse(`${date}T06:00:00Z`)) * 1_000_000n;
  await w.p.run({ type: 'open_day', date }, 'operator');
}

describe('governance on the platform', () => {
  it('silence adopts at the close (journaled before the next command); it takes effect at the next business day', async () => {
    const w = await world();
    try {
      const opened = await propose(w, 'cn', LSM_10);
      assert.deepEqual([opened.id, opened.state, opened.voters], ['P-1', 'open', ['CN', 'RU', 'KZ']]);
      assert.equal(w.p.proposal('P-1').state, 'open');
      w.clock.at('08:00'); // past the hour's window
      await w.p.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '100' }, 'operator');
      const decided = w.p.proposal('P-1');
      assert.deepEqual([decided.state, decided.version, decided.effective_at], ['adopted', 2, '2025-09-02']);
      assert.match(String(decided.outcome), /silent \(consent\): CN, RU, KZ/);
      assert.equal(w.p.scheme().version, 1, 'still version 1 for the rest of the day');
      assert.equal(w.p.scheme(2).document.lsm.interval_minutes, 10);
      await nextDay(w, '2025-09-02');
      assert.equal(w.p.scheme().version, 2);
      const trail = w.p.auditTrail();
      assert.equal(trail.find((r) => r.action === 'scheme_decide')?.by, 'system');
      assert.equal(trail.find((r) => r.action === 'fund')?.scheme_version, 1, 'the day ran under version 1');
      assert.equal(trail[trail.length - 1]!.scheme_version, 2, 'the next day opened under version 2');
    } finally {
      await w.close();
    }
  });

  it('one objection rejects; a reservation adopts and is recorded; early adoption once all answered', async () => {
    const w = await world();
    try {
      await propose(w, 'cn', LSM_10);
      await answer(w, 'ru', 'P-1', 'object', 'too frequent for our treasury');
      await answer(w, 'kz', 'P-1', 'approve');
      await w.p.decideDue();
      assert.equal(w.p.proposal('P-1').state, 'open', 'an objection does not end the window');
      w.clock.at('08:00');
      await w.p.decideDue();
      assert.deepEqual([w.p.proposal('P-1').state, w.p.proposal('P-1').outcome], ['rejected', 'objected by RU']);

      await propose(w, 'ru', [{ op: 'replace', path: '/lsm/interval_minutes', value: 20 }]);
      await answer(w, 'cn', 'P-2', 'reserve', 'we prefer 15');
      await answer(w, 'ru', 'P-2', 'approve');
      assert.equal(w.p.proposal('P-2').state, 'open');
      const last = await answer(w, 'kz', 'P-2', 'approve');
      assert.equal(last.state, 'adopted', 'adopted early: every voter answered, none objected');
      assert.deepEqual(last.reservations, [{ member: 'CN', reason: 'we prefer 15' }]);
      assert.equal(w.p.proposals('adopted').length, 1);
      assert.equal(w.p.proposals('rejected').length, 1);
    } finally {
      await w.close();
    }
  });

  it('a suspension excludes the member concerned; its voice is refused', async () => {
    const w = await world();
    try {
      const p = await propose(w, 'cn', [{ op: 'replace', path: '/members/KZ/status', value: 'suspended' }]);
      assert.deepEqual(p.voters, ['CN', 'RU']);
      await refused(w, () => answer(w, 'kz', 'P-1', 'object', 'we disagree'), 'concerned_member', 'by');
      await answer(w, 'cn', 'P-1', 'approve');
      const done = await answer(w, 'ru', 'P-1', 'approve');
      assert.equal(done.state, 'adopted');
    } finally {
      await w.close();
    }
  });

  it('refuses each bad input with its code and journals nothing', async () => {
    const w = await world();
    try {
      await refused(w, () => propose(w, 'cn', [{ op: 'replace', path: '/lsm/nope', value: 1 }]), 'unknown_path', '/lsm/nope');
      await refused(w, () => propose(w, 'cn', [{ op: 'add', path: '/lsm/nope', value: 1 }]), 'scheme_invalid', '/lsm/nope');
      await refused(w, () => propose(w, 'bank', LSM_10), 'not_a_member', 'by');
      await refused(w, () => propose(w, 'ops', [{ op: 'replace', path: '/lsm/bypass_fifo', value: true }]), 'not_operator_owned');
      await refused(w, () => propose(w, 'ops', [{ op: 'replace', path: '/lsm/interval_minutes', value: 1 }]), 'out_of_bounds');
      await propose(w, 'ops', LSM_10);
      await refused(w, () => answer(w, 'bank', 'P-1', 'approve'), 'not_a_member', 'by');
      await refused(w, () => answer(w, 'ops', 'P-1', 'approve'), 'not_a_member', 'by');
      await refused(w, () => answer(w, 'cn', 'P-1', 'approve', '', { member: 'RU' }), 'not_your_member', 'member');
      // A signature by another user's key over the same act.
      const forged = sign(null, canonicalBytes(answerAct({ by: 'cn', id: 'P-1', answer: 'object', reason: 'x' })), w.keys.ru!).toString('base64');
      await refused(w, () => w.p.run({ type: 'scheme_answer', id: 'P-1', answer: 'object', reason: 'x', signature: forged }, 'cn'), 'bad_signature');
      await refused(w, () => w.p.run({ type: 'scheme_withdraw', id: 'P-1' }, 'cn'), 'not_proposer');
      await refused(w, () => w.p.run({ type: 'scheme_init', document: threeMemberScheme() }, 'operator'), 'scheme_exists');
      w.clock.at('08:00');
      await w.p.decideDue();
      await refused(w, () => answer(w, 'ru', 'P-1', 'object', 'late'), 'window_closed', 'id');
      assert.equal(w.p.proposal('P-1').state, 'adopted', 'the operator may change an operator-owned parameter within bounds');
    } finally {
      await w.close();
    }
  });

  it('a change adopted while a settlement window is open takes effect only at the next business day', async () => {
    const w = await world();
    try {
      await w.p.run({ type: 'open_window', currency: 'CNY' }, 'operator');
      await propose(w, 'cn', [{ op: 'replace', path: '/cutoffs/default', value: '18:30' }]);
      for (const who of ['cn', 'ru', 'kz'] as const) await answer(w, who, 'P-1', 'approve');
      assert.equal(w.p.proposal('P-1').state, 'adopted');
      assert.equal(w.p.scheme().version, 1, 'not inside the open window');
      const cutoffToday = w.p.businessDay()!.cutoffs;
      await w.p.run({ type: 'close_window', currency: 'CNY' }, 'operator');
      assert.equal(w.p.scheme().version, 1, 'not later the same day either');
      assert.deepEqual(w.p.businessDay()!.cutoffs, cutoffToday);
      await nextDay(w, '2025-09-02');
      assert.equal(w.p.scheme().version, 2);
      const cnyCutoff = w.p.businessDay()!.cutoffs.find(([c]) => c === 'CNY')![1];
      // A cut-off HH:MM runs to the end of its minute.
      assert.equal(cnyCutoff, BigInt(Date.parse('2025-09-02T18:30:59Z')) * 1_000_000n, "the new day's cut-off is the adopted one");
    } finally {
      await w.close();
    }
  });

  it('replay and verify reproduce every decision; a flipped byte and a forged signature in a governance entry are named', async () => {
    const w = await world();
    try {
      await propose(w, 'cn', LSM_10);
      const answered = await answer(w, 'ru', 'P-1', 'reserve', 'noted');
      const answerSeq = w.p.journalHead().seq;
      assert.equal(answered.state, 'open');
      w.clock.at('08:00');
      await w.p.decideDue();
      await Platform.internals(w.p).ledger.snapshot(); // the governance state goes through the snapshot codec too
      const digest = w.p.stateDigest();
      const before = { proposal: w.p.proposal('P-1'), scheme: w.p.scheme(2) };
      await w.p.close();
      const store = await openStore(w.url);
      const report = await Platform.verify(store);
      await store.close();
      assert.deepEqual([report.ok, report.problem], [true, null]);
      w.p = await Platform.open(w.url, { clock: w.clock.read });
      assert.equal(w.p.stateDigest(), digest, 'replay rebuilds the same state');
      assert.deepEqual({ proposal: w.p.proposal('P-1'), scheme: w.p.scheme(2) }, before);

      // A forged answer journaled behind the facade's back (its checks skipped): the journal is consistent, the signature is not.
      const act = answerAct({ by: 'kz', id: 'P-2', answer: 'object', reason: 'forged' });
      await propose(w, 'cn', LSM_10);
      const badSig = sign(null, canonicalBytes(act), w.keys.cn!).toString('base64');
      const cmd = { type: 'scheme_answer', by: 'kz', id: 'P-2', answer: 'object', reason: 'forged', signature: badSig };
      await Platform.internals(w.p).ledger.submitCommand(Buffer.from(JSON.stringify(cmd)));
      const forgedSeq = w.p.journalHead().seq;
      await w.p.close();
      let s = await openStore(w.url);
      const r2 = await Platform.verify(s);
      await s.close();
      assert.deepEqual([r2.ok, r2.first_bad_seq], [false, forgedSeq]);
      assert.match(String(r2.problem), /scheme_answer by kz: the signature does not verify/);

      // One byte of the earlier answer's body flipped.
      const db = new Database(w.url.slice('sqlite:'.length));
      const row = db.prepare('SELECT body FROM journal WHERE seq = ?').get(answerSeq) as { body: Buffer };
      const body = Buffer.from(row.body);
      body[body.length - 10]! ^= 0x01;
      db.prepare('UPDATE journal SET body = ? WHERE seq = ?').run(body, answerSeq);
      db.close();
      s = await openStore(w.url);
      const r3 = await Platform.verify(s);
      await s.close();
      assert.deepEqual([r3.ok, r3.first_bad_seq], [false, answerSeq]);
    } finally {
      await w.close();
    }
  });
});

void BUSINESS_DATE;
