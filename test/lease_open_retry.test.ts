// Opening the lease bucket on a loaded cluster: a stream API call that times out
// (CI saw `TIMEOUT` from three engines creating the bucket at once) is retried,
// not fatal; a connection that is closed is not waited on. The stream log is a
// stand-in here because the failure is the cluster's timing, which a real one
// shows only now and then (test/replication_lease.test.ts uses a real one).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterConfig } from '../src/replication/cluster_config.js';
import { Lease } from '../src/replication/lease.js';
import type { StreamLog } from '../src/replication/stream_log.js';

function logThatTimesOut(failures: number, closed = false): { log: StreamLog; calls: () => number } {
  let calls = 0;
  const config = clusterConfig(['nats://127.0.0.1:1'], { prefix: 'LEASETEST', lease_ms: 1_500 });
  const log = {
    config,
    nc: { isClosed: () => closed },
    js: {
      views: {
        kv: async () => {
          calls++;
          if (calls <= failures) throw Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' });
          return {};
        },
      },
    },
  } as unknown as StreamLog;
  return { log, calls: () => calls };
}

test('a lease bucket whose creation times out twice opens on the third try', async () => {
  const { log, calls } = logThatTimesOut(2);
  const lease = await Lease.open(log, { node_id: 'e1', address: '' });
  assert.equal(calls(), 3);
  assert.equal(lease.held, false);
});

test('a closed connection is not retried', async () => {
  const { log, calls } = logThatTimesOut(5, true);
  await assert.rejects(Lease.open(log, { node_id: 'e1', address: '' }), /TIMEOUT/);
  assert.equal(calls(), 1);
});
