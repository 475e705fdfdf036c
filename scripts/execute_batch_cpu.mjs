// CPU of Platform.execute on 1,000-payment batches, in process (no HTTP): the
// platform of a build DIST on a temporary SQLite store (one central bank, 20
// funded banks, as `bench api`), 20 warm-up batches, then N batches with 8 in
// flight (as the API bench's connections); prints the process's CPU ms per batch
// (all threads), the main thread's alone (Linux: /proc; the rest is the SQLite
// commit worker and V8's GC helpers) and the wall-clock rate. Run old and new
// builds alternately.
//   node scripts/execute_batch_cpu.mjs DIST [N=100]
//   e.g. node scripts/execute_batch_cpu.mjs ../old/dist 100; node scripts/execute_batch_cpu.mjs dist 100
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const [dist, nArg] = process.argv.slice(2);
const { Platform } = await import(pathToFileURL(join(resolve(dist), 'src/platform/platform.js')).href);
const BANKS = 20;
const bic = (i) => `BK${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}CNBJ`;
const dir = mkdtempSync(join(tmpdir(), 'inproc-'));
const platform = await Platform.open(`sqlite:${join(dir, 'b.db')}`);
const date = new Date().toISOString().slice(0, 10);
await platform.run({ type: 'register_participant', id: 'PBOCCNBJ', kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] });
for (let i = 0; i < BANKS; i++) {
  await platform.run({ type: 'register_participant', id: bic(i), kind: 'bank', name: `Bank ${i}`, country: 'CN', currencies: ['CNY'] });
  await platform.run({ type: 'fund', participant: bic(i), currency: 'CNY', amount: '1000000000000.00' });
}
await platform.run({ type: 'open_day', date, default_cutoff: '23:59' });
function body() {
  const list = [];
  for (let k = 0; k < 1000; k++) {
    const a = Math.floor(Math.random() * BANKS);
    let b = Math.floor(Math.random() * (BANKS - 1));
    if (b >= a) b++;
    list.push(
      `{"uetr":"${randomUUID()}","end_to_end_id":"B${k}","payer":"${bic(a)}","payee":"${bic(b)}","currency":"CNY","amount":"0.01","value_date":"${date}"}`,
    );
  }
  return `{"payments":[${list.join(',')}]}`;
}
const n = Number(nArg ?? 100);
const bodies = [];
for (let i = 0; i < n + 20; i++) bodies.push(body());
let settled = 0;
async function runOne(t) {
  const pay = JSON.parse(t).payments;
  const out = await platform.execute({ type: 'submit_payments', payments: pay }, 'bench');
  for (const r of out.result.payments) if (r.state === 'settled') settled++;
}
for (let i = 0; i < 20; i++) await runOne(bodies[i]);
/** The main thread's CPU ms (utime + stime of its task), or NaN where /proc is not there. */
const mainStat = `/proc/self/task/${process.pid}/stat`;
function mainCpuMs() {
  if (!existsSync(mainStat)) return Number.NaN;
  const f = readFileSync(mainStat, 'latin1');
  const g = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(g[11]) + Number(g[12])) * 1000) / 100;
}
const m0 = mainCpuMs();
const c0 = process.cpuUsage();
const t0 = performance.now();
// 8 in flight, as the API bench's connections
let next = 20;
const end = n + 20;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < end) await runOne(bodies[next++]);
  }),
);
const cpu = process.cpuUsage(c0);
const mainMs = mainCpuMs() - m0;
const wall = performance.now() - t0;
console.log(
  JSON.stringify({
    batches: n,
    settled,
    cpu_ms_per_batch: +((cpu.user + cpu.system) / 1000 / n).toFixed(2),
    main_thread_cpu_ms_per_batch: +(mainMs / n).toFixed(2),
    wall_ms_per_batch: +(wall / n).toFixed(2),
    payments_per_s_wall: Math.round((n * 1000) / (wall / 1000)),
  }),
);
await platform.close();
rmSync(dir, { recursive: true, force: true });
