// Prometheus metrics of the API server (prom-client, its own registry): request
// latency by route and status, payments by state and RTGS queue depth (computed
// from the platform state at scrape time), and the time a submit_payments batch
// takes to commit (journaled and executed).

import client from 'prom-client';
import type { Platform } from '../platform/platform.js';

export class ApiMetrics {
  readonly registry = new client.Registry();
  readonly latency: client.Histogram<'method' | 'route' | 'status'>;
  readonly batchCommit: client.Histogram<'size'>;
  readonly paymentsSubmitted: client.Counter<'state'>;

  constructor(platform: Platform) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'sco_settle_' });
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
    // Cluster mode: where this engine or replica holds the journal stream, and a replica's alarms (rewritten or truncated history).
    new client.Gauge({
      name: 'sco_settle_cluster_stream_seq',
      help: 'The last journal stream entry this engine or replica holds (cluster mode)',
      registers: [this.registry],
      collect() {
        this.set(platform.clusterStatus()?.stream_seq ?? 0);
      },
    });
    new client.Gauge({
      name: 'sco_settle_replica_alarms',
      help: 'Alarms raised by a member replica: history rewritten or truncated, or an entry that failed verification',
      registers: [this.registry],
      collect() {
        this.set(platform.clusterStatus()?.alarms.length ?? 0);
      },
    });
    new client.Gauge({
      name: 'sco_settle_rtgs_queue_depth',
      help: 'Payments waiting in RTGS queues',
      registers: [this.registry],
      collect() {
        this.set(platform.queuedPayments().length);
      },
    });
  }

  static sizeBucket(n: number): string {
    return n <= 1 ? '1' : n <= 10 ? '2-10' : n <= 100 ? '11-100' : n <= 1000 ? '101-1000' : '1001+';
  }
}
