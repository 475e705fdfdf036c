// The loopback NATS cluster the replication tests and `bench ha` start: its
// ports come from below the OS's ephemeral range (so no port-0 listener or
// outgoing connection of another test can take one between probe and bind), and
// a start whose bind lost a race anyway starts again on new ports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { freePort, LocalNatsCluster } from '../src/replication/local_cluster.js';
import { natsSkipReason } from './support/nats.js';

const skip = natsSkipReason();

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

test('free ports are drawn below the ephemeral range and skip the ones already given', async () => {
  const taken = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const p = await freePort(taken);
    assert.ok(p >= 20_000 && p < 32_000, `port ${p} outside 20000-31999`);
    assert.ok(!taken.has(p), `port ${p} given twice`);
    taken.add(p);
  }
});

test('a start whose node finds its port taken starts again on new ports', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const stolen = await listenOn(0);
  const stolenPort = (stolen.address() as { port: number }).port;
  let calls = 0;
  const picker = async (taken: ReadonlySet<number>): Promise<number> => {
    calls++;
    return calls === 1 ? stolenPort : freePort(taken);
  };
  try {
    const cluster = await LocalNatsCluster.start(picker);
    try {
      assert.ok(calls > 6, `ports were picked again after the failed start (${calls} picks)`);
      assert.ok(!cluster.urls.some((u) => u.endsWith(`:${stolenPort}`)), `the stolen port is not used: ${cluster.urls.join(',')}`);
    } finally {
      await cluster.stop();
    }
  } finally {
    stolen.close();
  }
});
