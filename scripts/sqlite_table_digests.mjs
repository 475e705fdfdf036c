// Row count and a digest of every table of SQLite stores, rows in the order of their
// first two columns: two stores written by two builds from the same input (e.g.
// `demo --exit --seed 3 --payments 20000 --file F`) must print the same lines.
//   node scripts/sqlite_table_digests.mjs A.db [B.db ...]
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const Database = createRequire(import.meta.url)('better-sqlite3');
const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node scripts/sqlite_table_digests.mjs A.db [B.db ...]\n');
  process.exit(2);
}
const cell = (v) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? v.toString() : v);
for (const f of files) {
  const db = new Database(f, { readonly: true });
  db.defaultSafeIntegers(true);
  process.stdout.write(`${f}\n`);
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()) {
    const h = createHash('sha256');
    let n = 0;
    for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).raw().iterate()) {
      h.update(`${JSON.stringify(row.map(cell))}\n`);
      n++;
    }
    process.stdout.write(`  ${name} ${n} ${h.digest('hex').slice(0, 16)}\n`);
  }
  db.close();
}
