// Counts the collections in a `node --trace-gc` output, per isolate (the `[pid:0xISOLATE]`
// prefix V8 prints on each line: the main thread's and each worker's), in the order each
// isolate first printed: scavenges, mark-compacts, and the pause milliseconds they report
// (readable only on a quiet host). Other lines (a command's own output) are skipped.
// docs/benchmarks.md, "Demo day allocation, stop 50".
//
//   node --max-semi-space-size=64 --trace-gc bin/sco-settle.js demo … > OUT; node scripts/trace_gc_counts.mjs OUT

import { readFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node scripts/trace_gc_counts.mjs TRACE_GC_OUTPUT\n');
  process.exit(2);
}
const LINE = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: (Scavenge|Mark-Compact|Minor Mark-Compact|Mark-Sweep)\S*.*?, ([\d.]+) \/ [\d.]+ ms/;
const isolates = new Map();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const m = LINE.exec(line);
  if (m === null) continue;
  const [, isolate, kind, pause] = m;
  let of = isolates.get(isolate);
  if (of === undefined) isolates.set(isolate, (of = new Map()));
  const k = of.get(kind) ?? { count: 0, pause_ms: 0 };
  k.count++;
  k.pause_ms += Number(pause);
  of.set(kind, k);
}
for (const [isolate, of] of isolates) {
  const parts = [...of].map(([kind, k]) => `${kind} ${k.count} (${Math.round(k.pause_ms)} ms)`);
  process.stdout.write(`${isolate} ${parts.join(', ')}\n`);
}
