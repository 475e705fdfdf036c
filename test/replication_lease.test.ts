// The lease on a real NATS key-value bucket: when the active engine stops
// renewing, a standby that defers its take (far behind the stream) lets one that
// does not (caught up) take first, even when it looks at the lapsed lease first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { clusterConfig } from '../src/replication/cluster_config.js';
import { Lease, type LeaseStep } from '../src/replication/lease.js';
import { StreamLog } from '../src/replication/stream_log.js';
import { natsSkipReason, sharedNats, streamPrefix } from './support/nats.js';

const skip = natsSkipReason();
let nats: { urls: string[]; stop: () => Promise<void> } | null = null;

before(async () => {
  if (skip === null) nats = await sharedNats();
});
after(async () => {
  await nats?.stop();
});

test('a standby that defers its take lets a caught-up one take the lapsed lease first', { skip: skip ?? false }, async () => {
  // Long enough that a renewal on a loaded machine is not late (a late one lets the lease lapse, which this test is not about).
  const lease_ms = 1_500;
  const config = clusterConfig(nats!.urls, { prefix: streamPrefix(), lease_ms });
  const logs = await Promise.all(['h', 'behind', 'caught-up'].map((id) => StreamLog.open(config, id)));
  try {
    const [holder, behind, caughtUp] = await Promise.all(logs.map((log, i) => Lease.open(log, { node_id: ['h', 'behind', 'caught-up'][i]!, address: '' })));
    let s: LeaseStep;
    do s = await holder!.step();
    while (s.kind !== 'acquired');
    // The holder stops renewing (killed). Each round the standby far behind looks first.
    const deferBehind = async (): Promise<number> => 3 * lease_ms;
    const t0 = Date.now();
    let winner = '';
    while (winner === '' && Date.now() - t0 < 20_000) {
      if ((await behind!.step(deferBehind)).kind === 'acquired') winner = 'behind';
      else if ((await caughtUp!.step(async () => 0)).kind === 'acquired') winner = 'caught-up';
      await new Promise((r) => setTimeout(r, behind!.step_ms));
    }
    assert.equal(winner, 'caught-up');
    // The new holder renews; the one behind never takes it from under it.
    for (let i = 0; i < 12; i++) {
      assert.equal((await caughtUp!.step()).kind, 'held');
      assert.equal((await behind!.step(deferBehind)).kind, 'waiting');
      await new Promise((r) => setTimeout(r, behind!.step_ms));
    }
  } finally {
    await Promise.all(logs.map((l) => l.close()));
  }
});
