// Prometheus metrics of the API server (prom-client, its own registry), named as
// Prometheus recommends (base units, _total counters, _seconds durations):
// - Node's default process metrics under their standard names (process_*, nodejs_*),
//   so the usual dashboards and alerts apply unchanged;
// - request latency by route and status; payments by state; per currency, the RTGS
//   queue's depth and value (minor units; a gauge is a float, exact to 2^53) —
//   computed from the platform state at scrape time;
// - the time a submit_payments batch takes to commit, and every journal commit's
//   duration (sco_settle_journal_commit_duration_seconds: the fsync'd append);
// - the query index's backlog in journal entries; the API's back-pressure (writes
//   in flight, writes refused 429 overloaded by reason); and sco_settle_build_info
//   (value 1, the version and Node.js release as labels).

import client from 'prom-client';
import { BUILD_INFO } from '../platform/build_info.js';
import type { Platform } from '../platform/platform.js';
import type { BackPressure } from './back_pressure.js';

export class ApiMetrics {
  readonly registry = new client.Registry();
  readonly latency: client.Histogram<'method' | 'route' | 'status'>;
  readonly batchCommit: client.Histogram<'size'>;
  readonly paymentsSubmitted: client.Counter<'state'>;
  readonly journalCommit: client.Histogram;

  /**
   * Counts submitted payments by the state each reached: one counter increment a
   * state, not a payment (each increment hashes its labels). States are counted in
   * the order they first appear, so the series are created in the same order as
   * one increment a payment would create them.
   */
  countSubmitted(results: ReadonlyArray<{ state?: unknown }>): void {
    const byState = new Map<string, number>();
    for (const r of results) {
      const s = String(r.state);
      byState.set(s, (byState.get(s) ?? 0) + 1);
    }
    for (const [state, n] of byState) this.paymentsSubmitted.inc({ state }, n);
  }

  constructor(platform: Platform) {
    client.collectDefaultMetrics({ register: this.registry });
    this.latency = new client.Histogram({
      name: 'sco_settle_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.batchCommit = new client.Histogram({
      name: 'sco_settle_payment_batch_commit_seconds',
      help: 'Time from handing a submit_payments command to the platform to its durable result',
      labelNames: ['size'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [this.registry],
    });
    this.paymentsSubmitted = new client.Counter({
      name: 'sco_settle_payments_submitted_total',
      help: 'Payments submitted through the API, by the state they reached on submission',
      labelNames: ['state'],
      registers: [this.registry],
    });
    new client.Gauge({
      name: 'sco_settle_payments',
      help: 'Payments on the platform by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const counts = platform.paymentCountsByState();
        this.reset();
        for (const [s, n] of counts) this.set({ state: s }, n);
      },
    });
    clusterGauges(this.registry, platform);
    this.journalCommit = new client.Histogram({
      name: 'sco_settle_journal_commit_duration_seconds',
      help: 'Duration of each durable journal commit (append and fsync of one commit group)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    platform.operations().observeCommits((seconds) => this.journalCommit.observe(seconds));
    queueGauges(this.registry, platform);
    new client.Gauge({
      name: 'sco_settle_index_backlog_entries',
      help: 'Durable journal entries the query index does not hold yet',
      registers: [this.registry],
      collect() {
        this.set(platform.operations().index_backlog_entries);
      },
    });
    recordsHeldGauge(this.registry, platform);
    new client.Gauge({
      name: 'sco_settle_build_info',
      help: 'The running build (always 1; version and Node.js release as labels)',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: BUILD_INFO.version, node: BUILD_INFO.node }, 1);
  }

  /** The server's back-pressure: writes in flight now, and writes refused so far by reason. */
  watchBackPressure(bp: BackPressure): void {
    new client.Gauge({
      name: 'sco_settle_api_writes_in_flight',
      help: 'Write requests accepted and not yet answered (bounded: over the bound, writes are refused 429 overloaded)',
      registers: [this.registry],
      collect() {
        this.set(bp.writes_in_flight);
      },
    });
    new client.Counter({
      name: 'sco_settle_api_writes_refused_total',
      help: 'Write requests refused 429 overloaded, by reason (writes_in_flight, index_backlog)',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        // The counts live in the BackPressure (it knows nothing of metrics): copied at scrape time.
        this.reset();
        for (const [reason, n] of Object.entries(bp.refused)) this.inc({ reason }, n);
      },
    });
  }

  static sizeBucket(n: number): string {
    return n <= 1 ? '1' : n <= 10 ? '2-10' : n <= 100 ? '11-100' : n <= 1000 ? '101-1000' : '1001+';
  }
}

/** Bytes of the ledger's transfers (and their id index) and the payments' records (and their UETR index and columns), in memory and in their spill files. */
function recordsHeldGauge(registry: client.Registry, platform: Platform): void {
  new client.Gauge({
    name: 'sco_settle_records_held_bytes',
    help: "Bytes of the ledger's transfers and the finished payments' records, in memory and in their spill files",
    labelNames: ['records', 'where'],
    registers: [registry],
    collect() {
      const t = platform.transfersHeld();
      const p = platform.paymentsHeld();
      this.set({ records: 'transfers', where: 'memory' }, t.resident_bytes);
      this.set({ records: 'transfers', where: 'spill_file' }, t.spilled_bytes);
      this.set({ records: 'transfer_ids', where: 'memory' }, t.id_index_bytes);
      this.set({ records: 'transfer_ids', where: 'spill_file' }, t.frozen_id_file_bytes);
      this.set({ records: 'payments', where: 'memory' }, p.resident_record_bytes);
      this.set({ records: 'payments', where: 'spill_file' }, p.spilled_bytes);
      this.set({ records: 'payment_ids', where: 'memory' }, p.id_index_bytes);
      this.set({ records: 'payment_ids', where: 'spill_file' }, p.frozen_id_file_bytes);
    },
  });
}

/** Per currency: payments waiting in the RTGS queue and their value in minor units (one pass over the queue per scrape). */
function queueGauges(registry: client.Registry, platform: Platform): void {
  const byCurrency = (): Map<string, { n: number; minor: bigint }> => {
    const out = new Map<string, { n: number; minor: bigint }>();
    for (const p of platform.queuedPayments()) {
      const c = out.get(p.instruction.currency) ?? { n: 0, minor: 0n };
      c.n++;
      c.minor += p.instruction.amount_minor;
      out.set(p.instruction.currency, c);
    }
    return out;
  };
  new client.Gauge({
    name: 'sco_settle_rtgs_queue_depth',
    help: 'Payments waiting in the RTGS queue, by currency',
    labelNames: ['currency'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [currency, c] of byCurrency()) this.set({ currency }, c.n);
    },
  });
  new client.Gauge({
    name: 'sco_settle_rtgs_queue_value_minor',
    help: 'Value of the payments waiting in the RTGS queue, by currency, in minor units (ISO 4217 exponent)',
    labelNames: ['currency'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [currency, c] of byCurrency()) this.set({ currency }, Number(c.minor));
    },
  });
}

/** Cluster mode: where this engine or replica holds the journal stream, and a replica's alarms (rewritten or truncated history). */
function clusterGauges(registry: client.Registry, platform: Platform): void {
  new client.Gauge({
    name: 'sco_settle_cluster_stream_seq',
    help: 'The last journal stream entry this engine or replica holds (cluster mode)',
    registers: [registry],
    collect() {
      this.set(platform.clusterStatus()?.stream_seq ?? 0);
    },
  });
  new client.Gauge({
    name: 'sco_settle_replica_alarms',
    help: 'Alarms raised by a member replica: history rewritten or truncated, or an entry that failed verification',
    registers: [registry],
    collect() {
      this.set(platform.clusterStatus()?.alarms.length ?? 0);
    },
  });
}
