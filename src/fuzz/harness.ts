// The fuzz campaign's runner: runs a target's inputs [0, inputs) in a worker
// thread and watches it. The worker writes the index it is on into shared memory
// before each input; an index that stays put longer than `input_timeout_ms` is a
// hang: the worker is terminated and a new one resumes after it. The worker
// reports its counts every REPORT_EVERY inputs; after a hang or a worker crash
// the inputs since its last report are run again (inputs are deterministic), so
// the counts are exact. Findings keep the index, so each one replays alone.

import { Worker } from 'node:worker_threads';
import { SETTING_UP, type FuzzFinding, type FuzzTally, type WorkerMessage, type WorkerTask } from './worker_loop.js';

export type { FuzzFinding } from './worker_loop.js';

export const FUZZ_INPUTS_MAX = 100_000_000;
export const FUZZ_FINDINGS_MAX = 50;
export const FUZZ_TARGETS = ['xml', 'iso', 'api', 'cli'] as const;
/** The worker's index while it loads and sets the target up (not an input: no hang watch). */
const SETUP_TIMEOUT_MS = 120_000;

export interface FuzzOptions {
  readonly target: string;
  readonly inputs: number;
  /** uint32. */
  readonly seed: number;
  /** Longest one input may run before it counts as a hang. */
  readonly input_timeout_ms: number;
  /** The worker script (src/cli/fuzz_worker.ts): it knows every target. */
  readonly worker: URL;
  readonly progress?: (done: number, total: number) => void;
}

export interface FuzzSummary {
  target: string;
  inputs: number;
  seed: number;
  crashes: number;
  hangs: number;
  disagreements: number;
  codes: Record<string, number>;
  findings: FuzzFinding[];
  wall_s: number;
  inputs_per_s: number;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  if (!Number.isInteger(o.inputs) || o.inputs < 1 || o.inputs > FUZZ_INPUTS_MAX)
    throw new RangeError(`inputs: expected 1..${FUZZ_INPUTS_MAX}, got ${o.inputs}`);
  const t0 = performance.now();
  const total: FuzzTally = { done: 0, crashes: 0, hangs: 0, disagreements: 0, codes: {}, findings: [] };
  const skip = new Set<number>();
  let from = 0;
  while (from < o.inputs) {
    const end = await runWorker(o, from, skip, total);
    if (end.hang_at !== null) {
      skip.add(end.hang_at);
      total.hangs++;
      addFinding(total, { index: end.hang_at, kind: 'hang', detail: `no answer within ${o.input_timeout_ms} ms`, input: '' });
    }
    from = end.resume_from;
  }
  const wall_s = (performance.now() - t0) / 1000;
  return {
    target: o.target,
    inputs: o.inputs,
    seed: o.seed,
    crashes: total.crashes,
    hangs: total.hangs,
    disagreements: total.disagreements,
    codes: sortedCodes(total.codes),
    findings: total.findings,
    wall_s: Math.round(wall_s * 100) / 100,
    inputs_per_s: Math.round(o.inputs / Math.max(wall_s, 1e-9)),
  };
}

interface WorkerEnd {
  /** The index to resume from. */
  resume_from: number;
  hang_at: number | null;
}

/** One worker from `from` until it finishes, hangs or dies; its reports are merged into `total`. */
function runWorker(o: FuzzOptions, from: number, skip: ReadonlySet<number>, total: FuzzTally): Promise<WorkerEnd> {
  const current = new Int32Array(new SharedArrayBuffer(4));
  current[0] = SETTING_UP;
  const task: WorkerTask = { target: o.target, seed: o.seed, from, to: o.inputs, skip: [...skip], current: current.buffer as SharedArrayBuffer };
  const worker = new Worker(o.worker, { workerData: task });
  let reported = from;
  return new Promise<WorkerEnd>((resolve, reject) => {
    let last = { index: SETTING_UP, at: performance.now() };
    const finish = (end: WorkerEnd | Error): void => {
      clearInterval(watch);
      void worker.terminate();
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
    const watch = setInterval(
      () => {
        const index = Atomics.load(current, 0);
        const now = performance.now();
        if (index !== last.index) last = { index, at: now };
        else if (index === SETTING_UP && now - last.at > SETUP_TIMEOUT_MS)
          finish(new Error(`fuzz target ${o.target}: no answer from its set-up within ${SETUP_TIMEOUT_MS} ms`));
        else if (index !== SETTING_UP && now - last.at > o.input_timeout_ms) finish({ resume_from: reported, hang_at: index });
      },
      Math.max(10, Math.min(100, o.input_timeout_ms / 4)),
    );
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'setup_failed') return finish(new Error(`fuzz target ${o.target}: ${m.detail}`));
      merge(total, m.tally);
      reported = m.next;
      o.progress?.(total.done, o.inputs);
      if (m.type === 'done') finish({ resume_from: o.inputs, hang_at: null });
    });
    worker.on('error', (err) => {
      const index = Math.max(from, Atomics.load(current, 0));
      total.crashes++;
      addFinding(total, { index, kind: 'crash', detail: `worker died: ${err.message}`, input: '' });
      finish({ resume_from: reported === index ? index + 1 : reported, hang_at: null });
    });
  });
}

function merge(total: FuzzTally, part: FuzzTally): void {
  total.done += part.done;
  total.crashes += part.crashes;
  total.hangs += part.hangs;
  total.disagreements += part.disagreements;
  for (const [code, n] of Object.entries(part.codes)) total.codes[code] = (total.codes[code] ?? 0) + n;
  for (const f of part.findings) addFinding(total, f);
}

function addFinding(total: FuzzTally, f: FuzzFinding): void {
  if (total.findings.length < FUZZ_FINDINGS_MAX) total.findings.push(f);
}

function sortedCodes(codes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(codes).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}
