// The API's batch path writes the same store under two builds: one store seeded
// as `bench api` seeds it (SEED_DIST's build), copied twice; each copy then
// served in process by one build (buildApi over the platform, fastify's inject)
// under the same clock (a counter from a fixed start), taking the same requests
// one at a time: 1,000-payment batches with UETRs from a counter, a batch with
// refusals and a duplicate, single payments, a keyed batch and its exact replay,
// and a keyed retry that repeats half of an earlier batch. Prints, per build, a
// digest of every answer (status and body) and the table digests of its store
// (scripts/sqlite_table_digests.mjs) but the documents table's, which holds the
// idempotency records with their wall-clock time (`at`) and in documents named
// by it and grouped as flushes fell: those are digested as their records in the
// order saved, `at` left out. The lines must be equal.
//   node scripts/api_store_identity.mjs SEED_DIST DIST_A DIST_B [BATCHES=20]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [seedDist, distA, distB, batchesArg] = process.argv.slice(2);
if (seedDist === undefined || distA === undefined || distB === undefined) {
  process.stderr.write('usage: node scripts/api_store_identity.mjs SEED_DIST DIST_A DIST_B [BATCHES]\n');
  process.exit(2);
}
const batches = Number(batchesArg ?? 20);
const Database = createRequire(import.meta.url)('better-sqlite3');
const load = (dist, p) => import(pathToFileURL(join(resolve(dist), p)).href);
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-api-identity-'));
const BANKS = 20;
const bic = (i) => `BK${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}CNBJ`;
/** The n-th UETR: a UUID v4 from a counter. */
const uetr = (n) => {
  const h = n.toString(16).padStart(20, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-a${h.slice(15, 18)}-${h.slice(18, 20)}0000000000`;
};
let next = 1;
let rand = 12345;
const random = () => {
  rand = (Math.imul(rand, 1103515245) + 12345) >>> 0;
  return rand / 2 ** 32;
};

try {
  const { seedApiBench } = await load(seedDist, 'src/bench/api_bench.js');
  const seeded = join(dir, 'seed.db');
  const token = await seedApiBench(`sqlite:${seeded}`);
  // Both builds' clocks start here (a minute past the seed's last command) and read request i's time
  // (start + i ms) whenever they are read during it: how often a build reads its clock does not matter.
  const start = BigInt(Date.now() + 60_000) * 1_000_000n;
  const date = new Date().toISOString().slice(0, 10);
  const payment = (k, over = {}) => {
    const a = Math.floor(random() * BANKS);
    let b = Math.floor(random() * (BANKS - 1));
    if (b >= a) b++;
    return {
      uetr: uetr(next++),
      end_to_end_id: `B${k}`,
      payer: bic(a),
      payee: bic(b),
      currency: 'CNY',
      amount: `${1 + (k % 9)}.0${k % 10}`,
      value_date: date,
      ...over,
    };
  };
  // The requests, made once: both builds get the same bodies.
  const requests = [];
  const kept = [];
  for (let i = 0; i < batches; i++) {
    const list = Array.from({ length: 1000 }, (_, k) => payment(k));
    if (i === 3) {
      list[5] = { ...list[5], uetr: 'not-a-uuid' };
      list[6] = { ...list[6], amount: '-1' };
      list[7] = { ...list[7], payee: 'NOSUCHBANK1' };
      list.push({ ...list[0], end_to_end_id: 'again' });
    }
    if (i === 5) kept.push(list);
    requests.push({ body: { payments: list } });
    if (i % 4 === 1) requests.push({ body: payment(i) });
    if (i === 8) {
      const keyed = { payments: Array.from({ length: 500 }, (_, k) => payment(k)) };
      requests.push({ body: keyed, key: 'identity-keyed-1' }, { body: keyed, key: 'identity-keyed-1' });
      requests.push({ body: { payments: [...kept[0].slice(0, 500), ...Array.from({ length: 500 }, (_, k) => payment(k))] }, key: 'identity-retry-2' });
    }
  }
  const digests = [];
  for (const [tag, dist] of [
    ['A', distA],
    ['B', distB],
  ]) {
    const file = join(dir, `${tag}.db`);
    // The store and its companions (the journal head record F.head; WAL files when a close left any).
    for (const ext of ['', '.head', '-wal', '-shm']) if (existsSync(seeded + ext)) copyFileSync(seeded + ext, file + ext);
    const { Platform } = await load(dist, 'src/platform/platform.js');
    const { buildApi } = await load(dist, 'src/api/server.js');
    let t = start;
    const platform = await Platform.open(`sqlite:${file}`, { clock: () => t });
    const api = await buildApi({ platform, logLevel: false, rateLimit: null });
    const answers = createHash('sha256');
    for (const r of requests) {
      t += 1_000_000n;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      if (r.key !== undefined) headers['idempotency-key'] = r.key;
      const res = await api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: JSON.stringify(r.body) });
      answers.update(`${res.statusCode} ${res.payload}\n`);
    }
    await api.shutdown();
    const head = existsSync(`${file}.head`)
      ? createHash('sha256')
          .update(readFileSync(`${file}.head`))
          .digest('hex')
          .slice(0, 16)
      : 'none';
    const db = new Database(file, { readonly: true });
    const docs = createHash('sha256');
    let records = 0;
    for (const { name, body } of db.prepare('SELECT name, body FROM documents ORDER BY name').all()) {
      const v = JSON.parse(body.toString('utf8'));
      if (name.startsWith('api/idem/') && Array.isArray(v)) {
        for (const { at: _at, ...r } of v) {
          docs.update(`${JSON.stringify(r)}\n`);
          records++;
        }
      } else docs.update(`${name} ${JSON.stringify(v)}\n`);
    }
    db.close();
    const tables = execFileSync(process.execPath, [fileURLToPath(new URL('./sqlite_table_digests.mjs', import.meta.url)), file], { encoding: 'utf8' })
      .split('\n')
      .slice(1)
      .filter((l) => !l.startsWith('  documents '))
      .join('\n');
    digests.push(
      `answers ${answers.digest('hex').slice(0, 16)}\nhead record ${head}\nidempotency records ${records}, documents without times ${docs.digest('hex').slice(0, 16)}\n${tables}`,
    );
    process.stdout.write(`${tag} ${dist}\n${digests[digests.length - 1]}`);
  }
  process.stdout.write(digests[0] === digests[1] ? 'equal\n' : 'DIFFERENT\n');
  if (digests[0] !== digests[1]) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
