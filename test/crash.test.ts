// Crash test: a child process loading transfers is killed with SIGKILL at random
// points; after each restart every acknowledged transfer is present exactly once
// and `verify` passes. Runs on a real SQLite file and on the real PostgreSQL server.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyStore } from '../src/journal/verify.js';
import { openStore } from '../src/store/open.js';
import { makeBackend, postgresSkipReason } from './support/backends.js';

const CHILD = fileURLToPath(new URL('./support/crash_child.js', import.meta.url));
const KILLS = 20;
const pgSkip = await postgresSkipReason();

interface Run {
  acked: bigint;
  output: string;
}

/** Starts the child, lets it run for `run_ms` after it is ready, kills it, and returns the highest acknowledged id. */
function runAndKill(url: string, run_ms: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let acked = 0n;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        const [kind, , last] = line.split(' ');
        if (kind === 'ack') {
          const id = BigInt(last!);
          if (id > acked) acked = id;
        } else if (kind === 'ready' && timer === null) {
          timer = setTimeout(() => child.kill('SIGKILL'), run_ms);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own (code ${code}): ${err}`));
      else resolve({ acked, output: err });
    });
  });
}

for (const name of ['sqlite', 'postgres'] as const) {
  const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;
  describe(`crash recovery on ${name}`, { skip }, () => {
    it(`keeps every acknowledged transfer across ${KILLS} SIGKILLs`, { timeout: 300_000 }, async () => {
      const backend = makeBackend(name);
      try {
        let ackedEver = 0n;
        for (let k = 0; k < KILLS; k++) {
          const run = await runAndKill(backend.url!, 30 + Math.floor(Math.random() * 400));
          if (run.acked > ackedEver) ackedEver = run.acked;
          const store = await openStore(backend.url!);
          try {
            const report = await verifyStore(store);
            assert.equal(report.ok, true, `after kill ${k + 1}: ${report.problem}`);
            // Transfers are created with ids 1..n in order; none may be missing or doubled.
            assert.ok(BigInt(report.transfers) >= ackedEver, `after kill ${k + 1}: ${report.transfers} transfers durable, ${ackedEver} acknowledged`);
            const ids = new Set<bigint>();
            for (let seq = 0; ; ) {
              const page = await store.readJournal(seq, 64);
              if (page.length === 0) break;
              for (const e of page) {
                for (let off = 0; off < e.body.length; off += 128) {
                  const id = e.body.readBigUInt64LE(off);
                  if (e.op === 2) {
                    assert.ok(!ids.has(id), `transfer ${id} journaled twice`);
                    ids.add(id);
                  }
                }
                seq = e.seq;
              }
            }
            for (let id = 1n; id <= ackedEver; id++) assert.ok(ids.has(id), `acknowledged transfer ${id} lost after kill ${k + 1}`);
          } finally {
            await store.close();
          }
        }
        assert.ok(ackedEver > 0n, 'the child acknowledged nothing: the test did not exercise recovery');
      } finally {
        await backend.cleanup();
      }
    });
  });
}
