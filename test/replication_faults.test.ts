// Faults a cluster of engines must survive, with real processes on a real
// three-node NATS cluster: the active engine SIGKILLed under load again and
// again (every acknowledged payment exactly once on every store afterwards,
// verify passing everywhere, equal state digests); a paused (SIGSTOP) active
// engine resumed after another took over cannot append and stops; one NATS node
// killed — writes go on; two killed — writes stop with a clear error, nothing
// acknowledged is lost, and they resume when a node returns. As many SIGKILL
// rounds as fit in SCO_SETTLE_HA_TEST_S seconds (default 45, at least 3); the
// full 20 run in `sco-settle bench ha`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { auditStores, type EngineProcess, failoverOnce, HaCluster, haBic, HaLoad } from '../src/bench/ha_cluster.js';
import { natsSkipReason } from './support/nats.js';

const skip = natsSkipReason();
const BUDGET_S = Number(process.env.SCO_SETTLE_HA_TEST_S ?? '45');

async function auditEquals(c: HaCluster, acked: ReadonlySet<string>): Promise<void> {
  await c.waitConverged(30_000);
  const live = c.engines.map((e, i) => (e?.alive === true ? i : -1)).filter((i) => i >= 0);
  await c.stop(true);
  try {
    const audit = await auditStores(
      live.map((i) => c.storeOf(i)),
      acked,
    );
    assert.equal(audit.acknowledged_lost, 0, 'every acknowledged payment is on every store');
    assert.equal(audit.duplicates, 0, 'no payment twice');
    for (const s of audit.stores) assert.ok(s.verify_ok, `${s.store}: ${s.problem}`);
    assert.equal(new Set(audit.stores.map((s) => s.state_digest)).size, 1, `state digests differ: ${JSON.stringify(audit.stores)}`);
    assert.equal(new Set(audit.stores.map((s) => s.head)).size, 1);
  } finally {
    const { rmSync } = await import('node:fs');
    rmSync(c.dir, { recursive: true, force: true });
  }
}

test('SIGKILL of the active engine under load, round after round: nothing acknowledged lost or doubled, verify passes, digests equal', {
  skip: skip ?? false,
}, async () => {
  const c = await HaCluster.start({ engines: 3, lease_ms: 1_000 });
  let load: HaLoad | null = null;
  try {
    load = new HaLoad(c, 4, 5);
    const t0 = performance.now();
    const rounds: number[] = [];
    while (rounds.length < 3 || (performance.now() - t0) / 1000 < BUDGET_S - 8) {
      await new Promise((r) => setTimeout(r, 300));
      const f = await failoverOnce(c, load, 20_000);
      rounds.push(Math.round(f.failover_ms));
      if (process.env.SCO_SETTLE_HA_DEBUG) console.log(f, c.engines.map((e) => `${e?.node_id}: ${e?.log.slice(-600)}`).join('\n'));
      assert.notEqual(f.new_active, f.killed);
    }
    await new Promise((r) => setTimeout(r, 300));
    await load.stop();
    console.log(`${rounds.length} failovers, ms: ${rounds.join(' ')}; ${load.acked.size} payments acknowledged`);
    assert.ok(load.acked.size > 0);
    await auditEquals(c, load.acked);
  } finally {
    await load?.stop();
    await c.stop();
  }
});

function onePayment(): string {
  return JSON.stringify({
    uetr: randomUUID(),
    end_to_end_id: `F-${randomUUID().slice(0, 8)}`,
    payer: haBic(0),
    payee: haBic(1),
    currency: 'CNY',
    amount: '0.01',
  });
}

async function postTo(e: EngineProcess, token: string, body: string): Promise<{ status: number; body: { code?: string; message?: string } } | null> {
  try {
    const r = await fetch(`${e.base}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    return { status: r.status, body: (await r.json()) as { code?: string } };
  } catch {
    return null;
  }
}

test('a paused active engine resumed after another took over cannot append, and stops', { skip: skip ?? false }, async () => {
  const c = await HaCluster.start({ engines: 2, lease_ms: 1_000 });
  try {
    const old = await c.waitActive(10_000);
    const acked = new Set<string>();
    const first = await c.post('/v1/payments', onePayment(), 'p1', 10_000);
    assert.equal(first.status, 200);
    for (const p of (first.body as { payments: Array<{ uetr: string }> }).payments) acked.add(p.uetr);
    await old.signal('SIGSTOP');
    const next = await c.waitActive(15_000, old);
    assert.notEqual(next, old);
    const second = await c.post('/v1/payments', onePayment(), 'p2', 10_000);
    assert.equal(second.by, next);
    for (const p of (second.body as { payments: Array<{ uetr: string }> }).payments) acked.add(p.uetr);
    const exited = new Promise<number | null>((r) => old.child.once('exit', (code) => r(code)));
    await old.signal('SIGCONT');
    // Whatever it answers now, it is not an acknowledgement.
    const stale = await postTo(old, c.token, onePayment());
    assert.ok(stale === null || stale.status === 503, `the old engine answered ${JSON.stringify(stale)}`);
    if (stale !== null) assert.equal(stale.body.code, 'not_leader');
    assert.equal(await exited, 3, 'the old engine stops with the cluster exit code');
    assert.match(old.log, /lost the lease|moved past entry/);
    await auditEquals(c, acked);
  } finally {
    await c.stop();
  }
});

test('one NATS node down: writes go on; two down: writes stop with a clear error and resume when one returns, nothing lost', {
  skip: skip ?? false,
}, async () => {
  const c = await HaCluster.start({ engines: 1, lease_ms: 1_500 });
  try {
    const acked = new Set<string>();
    const ack = (r: { body: unknown }): void => {
      for (const p of (r.body as { payments: Array<{ uetr: string }> }).payments) acked.add(p.uetr);
    };
    const e = c.engines[0]!;
    await c.nats!.kill(2);
    const one = await c.post('/v1/payments', onePayment(), 'n1', 15_000);
    assert.equal(one.status, 200, JSON.stringify(one.body));
    ack(one);
    await c.nats!.kill(1);
    // The write in flight waits for quorum (it is not acknowledged before it is durable) …
    const inFlight = c.post('/v1/payments', onePayment(), 'n2', 60_000);
    await new Promise((r) => setTimeout(r, 4_000));
    // … and later writes are refused at once, saying why.
    const refused = await postTo(e, c.token, onePayment());
    assert.ok(refused !== null);
    assert.equal(refused.status, 503);
    assert.ok(refused.body.code === 'journal_unavailable' || refused.body.code === 'not_leader', JSON.stringify(refused.body));
    assert.match(String(refused.body.message), /a majority of the NATS cluster is unreachable/);
    await c.nats!.restart(1);
    const late = await inFlight;
    assert.equal(late.status, 200, JSON.stringify(late.body));
    ack(late);
    const after = await c.post('/v1/payments', onePayment(), 'n3', 30_000);
    assert.equal(after.status, 200);
    ack(after);
    await c.nats!.restart(2);
    await auditEquals(c, acked);
  } finally {
    await c.stop();
  }
});
