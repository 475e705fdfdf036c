// Layer (b) of validation (libxml2 against the official XSD, ./validate.ts) on
// worker threads, so that a host with more cores validates more messages at once.
//
// This module owns the pool and its message protocol; the worker body is in
// ./xsd_worker.ts. The calling thread serialises each part (serializeForXsd:
// our own tree, so libxml2 still never sees the input's bytes), a worker parses
// and validates it with its own libxml2 instance and schema cache, and the
// calling thread turns the reported lines into XPaths only when a part fails.
// The verdict is the one xsdValidate gives on the calling thread, part for part.
//
// Each request goes to the worker with the fewest in flight. Workers are unref'd
// while idle, so an open pool does not keep a process alive; close() ends them.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { XmlElement } from '../xml/reader.js';
import { serializeForXsd, xsdIssues, type IsoIssue } from './validate.js';
import { XSD_WORKER_ROLE, type XsdReply, type XsdRequest, type XsdVerdict } from './xsd_worker.js';

/** One part of a message to check: schema id (e.g. pacs.008.001.08), element, its XPath. */
export interface XsdPart {
  id: string;
  el: XmlElement;
  path: string;
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class XsdPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (v: XsdVerdict[]) => void; reject: (e: Error) => void; slot: Slot }>();
  private next = 1;
  private failed: Error | null = null;

  /** `size` workers (default: the host's available parallelism) validating against the XSDs in `dir`. */
  constructor(
    readonly dir: string,
    size = availableParallelism(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error('XsdPool size must be a positive integer');
    this.size = size;
    for (let i = 0; i < size; i++) this.slots.push(this.startWorker());
  }

  private startWorker(): Slot {
    const worker = new Worker(new URL('./xsd_worker.js', import.meta.url), { workerData: { role: XSD_WORKER_ROLE, dir: this.dir }, execArgv: [] });
    const slot: Slot = { worker, inFlight: 0 };
    worker.unref();
    worker.on('message', (reply: XsdReply) => this.onReply(reply));
    worker.on('error', (err: Error) => this.fail(err));
    return slot;
  }

  private onReply(reply: XsdReply): void {
    const w = this.waiting.get(reply.n);
    if (w === undefined) return;
    this.waiting.delete(reply.n);
    if (--w.slot.inFlight === 0) w.slot.worker.unref();
    if ('fail' in reply) w.reject(new Error(`XSD worker: ${reply.fail}`));
    else w.resolve(reply.verdicts);
  }

  private fail(err: Error): void {
    this.failed = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  /** The parts' verdicts as issues, in order of the parts (empty when all are valid). */
  async validate(parts: readonly XsdPart[]): Promise<IsoIssue[]> {
    const verdicts = await this.check(parts.map((p) => [p.id, serializeForXsd(p.el)]));
    const issues: IsoIssue[] = [];
    verdicts.forEach((v, i) => {
      const p = parts[i]!;
      if ('error' in v) issues.push({ path: p.path, code: 'XSD_UNAVAILABLE', message: v.error });
      else if (v.length > 0) issues.push(...xsdIssues(p.el, p.path, p.id, v));
    });
    return issues;
  }

  /** Serialised parts [schema id, xml] checked on one worker; one verdict per part. */
  check(parts: ReadonlyArray<[string, string]>): Promise<XsdVerdict[]> {
    if (this.failed !== null) return Promise.reject(this.failed);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.inFlight < slot.inFlight) slot = s;
    const n = this.next++;
    const request: XsdRequest = { n, parts: parts as Array<[string, string]> };
    return new Promise<XsdVerdict[]>((resolve, reject) => {
      this.waiting.set(n, { resolve, reject, slot });
      if (slot.inFlight++ === 0) slot.worker.ref();
      slot.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.fail(new Error('XSD pool closed'));
  }
}
