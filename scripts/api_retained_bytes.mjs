// What single-payment requests leave alive, by the function that allocated it: the
// API of a build DIST in process (buildApi over bench api's seeded SQLite store,
// fastify's inject), requests evenly paced at RATE/s; after a warm-up of 6,000
// (past the payment book's recent payments), V8's sampling heap profiler runs over
// COUNT more, a full collection, and the bytes of its samples still alive then are
// summed per allocation site (the top 4 frames), per request. What lives longer than the gap
// between two scavenges is what they copy: this names it (the payment objects held,
// the index backlog's effects, the audit trail, …). Deterministic enough to compare
// builds on a shared machine.
// Usage: node --max-semi-space-size=64 scripts/api_retained_bytes.mjs DIST [COUNT=2000] [RATE=1000] [TOP=15]
import { Session } from 'node:inspector/promises';
import { openApiInProcess } from './api_in_process.mjs';

const [distArg, countArg, rateArg, topArg] = process.argv.slice(2);
if (distArg === undefined) {
  process.stderr.write('usage: node scripts/api_retained_bytes.mjs DIST [COUNT] [RATE] [TOP]\n');
  process.exit(2);
}
const { api, paymentBody, date, headers, close } = await openApiInProcess(distArg, 'retained');

const rate = Number(rateArg ?? 1000);

/** n requests, request k due at k / rate s; every one must be answered 200. */
async function paced(n) {
  const t0 = performance.now();
  const answers = [];
  for (let k = 0; k < n; k++) {
    const wait = t0 + (k * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const answer = api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: paymentBody(1, date) });
    answers.push(
      answer.then((r) => {
        if (r.statusCode !== 200) throw new Error(`${r.statusCode}: ${r.body}`);
      }),
    );
  }
  await Promise.all(answers);
}

const session = new Session();
session.connect();
try {
  await paced(6000);
  const n = Number(countArg ?? 2000);
  await session.post('HeapProfiler.startSampling', { samplingInterval: 512 });
  await paced(n);
  // What died but was not yet collected would still count: a full collection first leaves only what lives.
  await session.post('HeapProfiler.collectGarbage');
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const bySite = new Map();
  const walk = (node, stack) => {
    const f = node.callFrame;
    const frames = [`${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`, ...stack].slice(0, 4);
    if (node.selfSize > 0) bySite.set(frames.join(' < '), (bySite.get(frames.join(' < ')) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c, frames);
  };
  walk(profile.head, []);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`${distArg}: ${Math.round(total / n)} bytes a request still alive after ${n} requests at ${rate}/s\n`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 15))) {
    process.stdout.write(`${String(Math.round(bytes / n)).padStart(6)}  ${site}\n`);
  }
} finally {
  session.disconnect();
  await close();
}
