// Cluster mode's settings: the NATS URLs (`--cluster`), this engine's id, and
// the names and timings every engine of one cluster shares. Parsing refuses
// anything it cannot use, naming the option.

export interface ClusterConfig {
  /** nats://host:port of each NATS node. */
  urls: string[];
  /** The journal stream and its one subject. */
  stream: string;
  subject: string;
  /** Replicas of the stream and the lease bucket (3 in production; the cluster must have that many nodes). */
  replicas: number;
  /** The key-value bucket of the lease. */
  lease_bucket: string;
  /** An active engine that has not renewed its lease for this long has lost it. */
  lease_ms: number;
}

export const CLUSTER_LIMITS = Object.freeze({ urls_max: 16, url_chars_max: 256, node_id_chars_max: 64, lease_ms_min: 300, lease_ms_max: 60_000 });
export const DEFAULT_LEASE_MS = 1_500;

export class ClusterConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
    this.name = 'ClusterConfigError';
  }
}

/** `nats://h1:p1,nats://h2:p2,…` as a list; refuses an empty list, a non-nats URL, a missing port. */
export function parseClusterUrls(text: string): string[] {
  const urls = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (urls.length === 0) throw new ClusterConfigError('--cluster', 'give at least one nats://host:port');
  if (urls.length > CLUSTER_LIMITS.urls_max) throw new ClusterConfigError('--cluster', `at most ${CLUSTER_LIMITS.urls_max} URLs`);
  for (const u of urls) {
    if (u.length > CLUSTER_LIMITS.url_chars_max) throw new ClusterConfigError('--cluster', `a URL of at most ${CLUSTER_LIMITS.url_chars_max} characters`);
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new ClusterConfigError('--cluster', `${JSON.stringify(u)} is not a URL`);
    }
    if (parsed.protocol !== 'nats:' && parsed.protocol !== 'tls:')
      throw new ClusterConfigError('--cluster', `${JSON.stringify(u)}: nats:// or tls:// URLs only`);
    if (parsed.port === '') throw new ClusterConfigError('--cluster', `${JSON.stringify(u)}: give the port`);
  }
  return urls;
}

/** An engine id: letters, digits, '-', '_', '.'; at most 64 characters. */
export function checkNodeId(id: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new ClusterConfigError('--node-id', "1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
  return id;
}

export function clusterConfig(urls: string[], opts: { lease_ms?: number; replicas?: number; prefix?: string } = {}): ClusterConfig {
  const lease_ms = opts.lease_ms ?? DEFAULT_LEASE_MS;
  if (!Number.isInteger(lease_ms) || lease_ms < CLUSTER_LIMITS.lease_ms_min || lease_ms > CLUSTER_LIMITS.lease_ms_max)
    throw new ClusterConfigError('--lease-ms', `an integer ${CLUSTER_LIMITS.lease_ms_min}..${CLUSTER_LIMITS.lease_ms_max}`);
  const prefix = opts.prefix ?? 'SCO';
  if (!/^[A-Z][A-Z0-9_]{0,31}$/.test(prefix)) throw new ClusterConfigError('--stream-prefix', 'an upper-case letter then up to 31 of A-Z, 0-9, _');
  return {
    urls,
    stream: `${prefix}_JOURNAL`,
    subject: `${prefix.toLowerCase()}.journal`,
    replicas: opts.replicas ?? 3,
    lease_bucket: `${prefix}_LEASE`,
    lease_ms,
  };
}
