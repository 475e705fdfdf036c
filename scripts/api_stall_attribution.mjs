// Why `bench api`'s fixed-rate requests were slow, from a record of scripts/api_stall_record.mjs
// (and optionally the server's CPU profile of the same run, `bench api --cpu-prof DIR`).
// The two paced runs are found in the record: the single-payment requests after the last
// 1,000-payment batch, split at the longest pause between arrivals in their middle half
// (the index catch-up wait), the first "backlog", the second "caught_up". Per run it prints one JSON line:
// server-side p50/p99 (arrival to answer in the server: a request that waited in the
// socket while the loop was held is not counted from its send), and each request over
// 10 ms put down to the one cause that overlapped it most:
//   append fsync              its group's journal append (WAL commit and head record
//                             fdatasync on the commit worker) was the longest wait;
//   append behind index/checkpoint  that append's round trip overlapped an index write /
//                             a checkpoint on the commit worker;
//   gc <kind> (in gap)        an event-loop gap that a collection filled half of or more;
//   loop gap: preempted       a gap mostly spent waiting in the CPU run queue (the host);
//   loop gap: own cpu         a gap the main thread spent running (its code, a long task);
// with the loop gaps over 10 ms (run-queue and CPU ms), the collections by kind, and the
// commit worker's and checkpointer's round trips by kind (n, p50, p99, max, over 10 ms).
// With a profile, also the main thread's tasks of at least 10 ms in each run, by what
// most of their samples were in.
//   node scripts/api_stall_attribution.mjs RECORD.json [PROFILE.cpuprofile]

import { readFileSync } from 'node:fs';

const [recordPath, profilePath] = process.argv.slice(2);
if (recordPath === undefined) {
  process.stderr.write('usage: node scripts/api_stall_attribution.mjs RECORD.json [PROFILE.cpuprofile]\n');
  process.exit(2);
}
const d = JSON.parse(readFileSync(recordPath, 'utf8'));
const SLOW_MS = 10;
const GC_KIND = { 1: 'minor', 2: 'major', 4: 'major', 8: 'incremental', 16: 'weakcb' };
const r1 = (x) => Math.round(x * 10) / 10;
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const overlap = (a0, a1, b0, b1) => Math.min(a1, b1) - Math.max(a0, b0);

function pacedRuns() {
  const posts = d.reqs.filter((r) => r[2] >= 0 && r[1] > 0);
  const batches = posts.filter((r) => r[2] >= 2000);
  const lastBatch = batches.length > 0 ? batches[batches.length - 1][0] : 0;
  const after = posts.filter((r) => r[2] < 2000 && r[0] > lastBatch);
  let split = 1;
  let longest = 0;
  // Within the middle half: an overloaded server's arrivals pause at odd places too.
  for (let i = Math.floor(after.length / 4); i < Math.ceil((3 * after.length) / 4); i++)
    if (after[i][0] - after[i - 1][0] > longest) {
      longest = after[i][0] - after[i - 1][0];
      split = i;
    }
  return { backlog: after.slice(0, split), caught_up: after.slice(split) };
}

function attribute(rs) {
  const t0 = rs[0][0] - 5;
  const t1 = rs[rs.length - 1][1] + 5;
  const inRun = (a, b) => b > t0 && a < t1;
  const gaps = d.gaps.filter(([a, b]) => inRun(a, b));
  const gcs = d.gcs.filter(([s, dur]) => inRun(s, s + dur));
  // A held checkpoint's round trip is its wait: it ran for its reported ms before its reply (requests it
  // covered while held report none, and are left out).
  const w = d.wmsgs
    .filter((m) => m[3] > 0 && inRun(m[2], m[3]) && !(m[0] === 0 && m[1] === 'checkpoint' && m[5] === undefined))
    .map((m) => (m[1] === 'checkpoint' && m[5] !== undefined && m[0] === 0 ? [m[0], m[1], m[3] - m[5], m[3]] : m));
  const causes = {};
  const slow = rs.filter((r) => r[1] - r[0] > SLOW_MS);
  for (const [a, b] of slow) {
    let cause = 'other';
    let longest = 0;
    let gap = null;
    for (const g of gaps) {
      const o = overlap(a, b, g[0], g[1]);
      if (o > longest) {
        longest = o;
        gap = g;
      }
    }
    if (gap !== null) {
      cause = gap[3] > 0.5 * (gap[1] - gap[0]) ? 'loop gap: preempted (run queue)' : 'loop gap: own cpu';
      for (const [s, dur, k] of gcs) if (dur > 3 && overlap(gap[0], gap[1], s, s + dur) > 0.5 * dur) cause = `gc ${GC_KIND[k] ?? k} (in gap)`;
    }
    // The append answered last within the request: its wait since the request came.
    let append = null;
    for (const m of w) if (m[1] === 'append' && m[3] >= a && m[3] <= b) append = m;
    if (append !== null && append[3] - Math.max(append[2], a) >= longest) {
      cause = 'append fsync';
      for (const m of w) if (m[0] === append[0] && m[1] !== 'append' && m[3] > append[2] && m[2] < append[3]) cause = `append behind ${m[1]}`;
    }
    causes[cause] = (causes[cause] ?? 0) + 1;
  }
  const longGaps = gaps.filter(([a, b]) => b - a > SLOW_MS);
  const gc = {};
  for (const [, dur, k] of gcs) {
    const g = (gc[GC_KIND[k] ?? k] ??= { n: 0, total_ms: 0, max_ms: 0, over_5ms: 0 });
    g.n++;
    g.total_ms = r1(g.total_ms + dur);
    g.max_ms = r1(Math.max(g.max_ms, dur));
    if (dur > 5) g.over_5ms++;
  }
  const byKind = {};
  for (const m of w) (byKind[`${m[0] === 0 ? 'commit' : `worker${m[0]}`}:${m[1]}`] ??= []).push(m[3] - m[2]);
  const worker = Object.fromEntries(
    Object.entries(byKind).map(([k, v]) => [
      k,
      { n: v.length, p50: r1(pct(v, 0.5)), p99: r1(pct(v, 0.99)), max: r1(Math.max(...v)), over_10ms: v.filter((x) => x > 10).length },
    ]),
  );
  const lat = rs.map((r) => r[1] - r[0]);
  return {
    window: [t0, t1],
    line: {
      requests: rs.length,
      server_p50_ms: r1(pct(lat, 0.5)),
      server_p99_ms: r1(pct(lat, 0.99)),
      over_10ms: slow.length,
      slow_by_cause: Object.fromEntries(Object.entries(causes).sort((x, y) => y[1] - x[1])),
      loop_gaps_over_10ms: longGaps.length,
      their_ms: r1(longGaps.reduce((s, g) => s + g[1] - g[0], 0)),
      their_run_queue_ms: r1(longGaps.reduce((s, g) => s + g[3], 0)),
      their_cpu_ms: r1(longGaps.reduce((s, g) => s + g[2], 0)),
      gc,
      worker,
    },
  };
}

/** The profile's tasks of at least 10 ms starting inside [from, to] (performance.now() ms), by the category most of their samples were in. */
function longTasks(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const KEYS = [
    ['(garbage collector)', 'gc'],
    ['(idle)', 'idle'],
    ['(program)', 'program'],
    ['writeIndexStep', 'index step'],
    ['snapshotIfDue', 'snapshot'],
    ['archiveFinished', 'payment archive'],
    ['executeGroup', 'execute group'],
    ['land', 'answer group'],
    ['onStreamRead', 'socket read'],
    ['parserOnHeadersComplete', 'http request'],
    ['writev', 'socket write'],
    ['writeGeneric', 'socket write'],
    ['listOnTimeout', 'timer'],
  ];
  const memo = new Map();
  const category = (id) => {
    if (memo.has(id)) return memo.get(id);
    const names = [];
    for (let x = id; x !== undefined; x = parent.get(x)) names.push(byId.get(x).callFrame.functionName);
    const hit = KEYS.find(([k]) => names.includes(k));
    const c = hit !== undefined ? hit[1] : `other: ${names.slice(-3, -1).reverse().join(' > ')}`;
    memo.set(id, c);
    return c;
  };
  // Profile times are µs of the monotonic clock, as process.hrtime.
  const toNow = (us) => (us - d.hr0_us) / 1000 + d.pn0;
  let t = profile.startTime;
  const tasks = [];
  let cur = null;
  for (let i = 0; i < profile.samples.length - 1; i++) {
    t += profile.timeDeltas[i];
    const dt = profile.timeDeltas[i + 1] / 1000;
    const c = category(profile.samples[i]);
    if (c === 'idle') {
      if (cur !== null) tasks.push(cur);
      cur = null;
      continue;
    }
    cur ??= { start: toNow(t), ms: 0, cats: {} };
    cur.ms += dt;
    cur.cats[c] = (cur.cats[c] ?? 0) + dt;
  }
  const long = tasks.filter((x) => x.ms >= SLOW_MS && x.start >= from && x.start <= to);
  const byTop = {};
  for (const x of long) {
    const top = Object.entries(x.cats).sort((a, b) => b[1] - a[1])[0][0];
    byTop[top] = (byTop[top] ?? 0) + 1;
  }
  return { tasks_over_10ms: long.length, by_largest_share: Object.fromEntries(Object.entries(byTop).sort((a, b) => b[1] - a[1])) };
}

const profile = profilePath !== undefined ? JSON.parse(readFileSync(profilePath, 'utf8')) : null;
for (const [run, rs] of Object.entries(pacedRuns())) {
  if (rs.length === 0) continue;
  const { window, line } = attribute(rs);
  const extra = profile !== null ? { main_thread: longTasks(profile, window[0], window[1]) } : {};
  process.stdout.write(`${JSON.stringify({ run, ...line, ...extra })}\n`);
}
