// The NATS cluster the replication tests run on: the one .ci/run started
// (SCO_SETTLE_TEST_NATS, comma-separated URLs), each test on a stream prefix of
// its own; or, run alone, a three-node cluster this process starts on loopback
// ports in a temporary folder and stops. Tests that kill NATS nodes always start
// their own. Without nats-server the tests skip, saying so — unless
// SCO_SETTLE_TEST_NATS or SCO_SETTLE_REQUIRE_NATS is set (CI), where they fail.

import { LocalNatsCluster, natsServerBinary } from '../../src/replication/local_cluster.js';

const GIVEN = process.env.SCO_SETTLE_TEST_NATS;
const REQUIRED = GIVEN !== undefined || process.env.SCO_SETTLE_REQUIRE_NATS !== undefined;

/** null when a cluster can be had; else why the test skips. Throws when NATS is required and missing. */
export function natsSkipReason(): string | null {
  if (GIVEN !== undefined || natsServerBinary() !== null) return null;
  if (REQUIRED) throw new Error('SCO_SETTLE_REQUIRE_NATS is set but nats-server is not installed');
  return 'nats-server is not installed (apt-get install nats-server); set SCO_SETTLE_REQUIRE_NATS to require it';
}

let prefixes = 0;

/** A fresh stream prefix (T<pid>_<n>), so tests on one shared cluster never meet. */
export function streamPrefix(): string {
  prefixes++;
  return `T${process.pid}_${prefixes}`;
}

/** The shared cluster's URLs and, when this process started it, the handle to stop it. */
export async function sharedNats(): Promise<{ urls: string[]; stop: () => Promise<void> }> {
  if (GIVEN !== undefined) return { urls: GIVEN.split(','), stop: async () => undefined };
  const c = await LocalNatsCluster.start();
  return { urls: c.urls, stop: () => c.stop() };
}
