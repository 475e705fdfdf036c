// The cluster options `serve` and `replica` share (--cluster, --node-id,
// --lease-ms), turned into the platform's cluster settings. What a fatal cluster
// event does to the process is decided here: it logs why and exits 3 (a
// supervisor starts the engine again; it comes back as a standby).

import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { PlatformClusterOptions } from '../platform/platform.js';
import { checkNodeId, clusterConfig, ClusterConfigError, parseClusterUrls } from '../replication/cluster_config.js';
import { CliInputError } from './input.js';
import { stderrProgress } from './context.js';

/** Exit code of an engine that had to stop for the cluster (lost lease, fenced, diverged). */
export const EXIT_CLUSTER_STOP = 3;

export function addClusterOptions(cmd: Command, required: boolean): Command {
  const cluster = 'NATS URLs of the JetStream cluster holding the journal (nats://h1:p1,nats://h2:p2,nats://h3:p3)';
  (required ? cmd.requiredOption('--cluster <urls>', cluster) : cmd.option('--cluster <urls>', `${cluster}; without it: one engine, no NATS`))
    .option('--node-id <id>', 'this engine in the cluster (default: the host name and process id)')
    .option('--lease-ms <n>', 'the active engine lease: a standby takes over after this long without a renewal', '1500')
    .option('--stream-prefix <name>', 'names the journal stream (NAME_JOURNAL) and lease bucket (NAME_LEASE): several platforms on one NATS cluster', 'SCO');
  return cmd;
}

/** The platform's cluster settings from the options, or null without --cluster. */
export function clusterOptionsOf(o: Record<string, string | undefined>, mode: 'engine' | 'replica'): PlatformClusterOptions | null {
  if (o.cluster === undefined) return null;
  try {
    const urls = parseClusterUrls(o.cluster);
    const node_id = checkNodeId(
      o.nodeId ??
        `${hostname()
          .replace(/[^A-Za-z0-9._-]/g, '_')
          .slice(0, 40)}-${process.pid}`,
    );
    return {
      config: clusterConfig(urls, { lease_ms: Number(o.leaseMs ?? '1500'), prefix: o.streamPrefix ?? 'SCO' }),
      node_id,
      address: '',
      mode,
      onFatal: (reason) => {
        stderrProgress(`sco-settle: cluster: ${reason}; exiting ${EXIT_CLUSTER_STOP}`);
        process.exit(EXIT_CLUSTER_STOP);
      },
    };
  } catch (err) {
    if (err instanceof ClusterConfigError) throw new CliInputError(err.message);
    throw err;
  }
}
