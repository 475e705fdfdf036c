// What a replication test file shares: the NATS cluster (./nats.ts) taken before
// its tests and let go after them, temporary SQLite stores removed after them,
// the cluster options of an engine or replica on a stream prefix, and waiting
// for a condition with a deadline.

import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformClusterOptions } from '../../src/platform/platform.js';
import { clusterConfig } from '../../src/replication/cluster_config.js';
import { natsSkipReason, sharedNats } from './nats.js';

export interface ReplicationFile {
  /** null when the cluster can be had; else why the file's tests skip. */
  readonly skip: string | null;
  urls(): string[];
  /** A sqlite: URL in a temporary folder removed after the file's tests. */
  tempStore(name: string): string;
  /** An engine's (or replica's) cluster options on `prefix` with a 600 ms lease; fatal reasons are pushed to `fatal`. */
  clusterOpts(prefix: string, node_id: string, mode: 'engine' | 'replica', fatal: string[]): PlatformClusterOptions;
}

/** Registers the file's before/after hooks; call once at the top of a test file. */
export function replicationFile(tag: string): ReplicationFile {
  const skip = natsSkipReason();
  let nats: { urls: string[]; stop: () => Promise<void> } | null = null;
  const dirs: string[] = [];
  before(async () => {
    if (skip === null) nats = await sharedNats();
  });
  after(async () => {
    await nats?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const urls = (): string[] => {
    if (nats === null) throw new Error('the NATS cluster is not up (the file skips, or before() has not run)');
    return nats.urls;
  };
  return {
    skip,
    urls,
    tempStore(name) {
      const dir = mkdtempSync(join(tmpdir(), `sco-settle-${tag}-`));
      dirs.push(dir);
      return `sqlite:${join(dir, `${name}.db`)}`;
    },
    clusterOpts(prefix, node_id, mode, fatal) {
      return { config: clusterConfig(urls(), { prefix, lease_ms: 600 }), node_id, address: `http://${node_id}.test`, mode, onFatal: (r) => fatal.push(r) };
    },
  };
}

/** Waits until `ok()` holds, polling every `poll_ms`; throws naming `what` after `timeout_ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, timeout_ms = 20_000, poll_ms = 25): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > timeout_ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, poll_ms));
  }
}
