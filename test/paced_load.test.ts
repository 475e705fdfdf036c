// The evenly paced load `bench api` measures its fixed-rate runs with
// (src/bench/paced_load.ts): requests go out spread over each second at the
// rate, whatever the server answers, and latency is timed from each send.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { pacedLoad } from '../src/bench/paced_load.js';

test('paced load: requests arrive spread at the rate, not in bursts, and each latency is timed from its send', async () => {
  const arrivals: number[] = [];
  // Answers after 20 ms: a closed loop of 4 connections could not send 200/s, the open loop does.
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{}'), 20));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const r = await pacedLoad({
      url: `http://127.0.0.1:${port}`,
      path: '/x',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: () => '{}',
      rate_per_s: 200,
      duration_s: 1,
      connections: 8,
    });
    assert.equal(r['2xx'], 200);
    assert.equal(r.errors + r.non2xx + r.timeouts, 0);
    assert.ok(r.latency.p50 >= 19, `p50 ${r.latency.p50} ms with a 20 ms server`);
    // 5 ms apart on schedule: in any 50 ms window about 10 arrive; a burst sender puts dozens in one.
    arrivals.sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i]! - arrivals[j]! > 50) j++;
      worst = Math.max(worst, i - j + 1);
    }
    assert.ok(worst <= 25, `${worst} requests arrived within 50 ms`);
    assert.ok(arrivals[arrivals.length - 1]! - arrivals[0]! >= 900, 'spread over the second');
  } finally {
    server.close();
  }
});
