// ClusterNode.writeRefusal runs on every write request: it answers from the
// role, the lease and the stream's state only, never from status(), whose lag
// percentiles sort the follower's window of up to 10,000 samples (an engine that
// followed before it became active keeps them).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterNode } from '../src/replication/cluster_node.js';

/** A node in a given role, built without a cluster; its lag window refuses to summarise. */
function node(role: 'active' | 'standby', holder: string | null): ClusterNode {
  const n = Object.create(ClusterNode.prototype) as Record<string, unknown>;
  Object.assign(n, {
    role,
    fatal: false,
    ledger: { failed: null },
    log: { stalled: null },
    lease: { valid: role === 'active', held: role === 'active', holder: holder === null ? null : { address: holder } },
    opts: { me: { node_id: 'e1', address: 'http://127.0.0.1:1' }, mode: 'engine' },
    lag: {
      summary: () => {
        throw new Error('the lag window was summarised on the write path');
      },
    },
  });
  return n as unknown as ClusterNode;
}

test('the active engine takes a write without summarising its lag window', () => {
  assert.equal(node('active', 'http://127.0.0.1:1').writeRefusal(), null);
});

test('a standby refuses a write naming the active engine, without summarising its lag window', () => {
  const r = node('standby', 'http://127.0.0.1:2').writeRefusal();
  assert.equal(r?.code, 'not_leader');
  assert.equal(r?.leader, 'http://127.0.0.1:2');
});
