// The SQLite driver's choice (src/store/sqlite_driver.ts): 12.x alone below Node 22
// (13.x would crash Node 20 on load), 12.x then 13.x from 22; under Node 26, where
// npm installs 13.x alone, the loaded driver is 13.x. Whichever loaded writes a real
// file. Stores written by 12.x open under 13.x in the Node 26 run of CI
// (.ci/node26 runs test/upgrade.test.ts there).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Database, driverCandidates, SQLITE_DRIVER } from '../src/store/sqlite_driver.js';

test('the driver candidates by Node release line', () => {
  assert.deepEqual(driverCandidates(20), ['better-sqlite3']);
  assert.deepEqual(driverCandidates(21), ['better-sqlite3']);
  assert.deepEqual(driverCandidates(22), ['better-sqlite3', 'better-sqlite3-napi']);
  assert.deepEqual(driverCandidates(26), ['better-sqlite3', 'better-sqlite3-napi']);
});

test('the loaded driver is the one npm installs for this Node, and it writes and reads a real file', () => {
  const major = Number.parseInt(process.versions.node, 10);
  // 12.x's engines stop at Node 25, so npm leaves it out from 26 on.
  assert.equal(SQLITE_DRIVER, major >= 26 ? 'better-sqlite3-napi' : 'better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-driver-'));
  try {
    const db = new Database(join(dir, 'd.db'));
    db.pragma('journal_mode = WAL');
    db.exec('create table t (k integer primary key, v blob not null)');
    const put = db.prepare('insert into t (k, v) values (?, ?)');
    db.transaction(() => {
      for (let k = 0; k < 1000; k++) put.run(k, Buffer.from([k & 0xff, k >> 8]));
    })();
    db.close();
    const again = new Database(join(dir, 'd.db'), { readonly: true, fileMustExist: true });
    const row = again.prepare('select count(*) as n, sum(length(v)) as b from t').get() as { n: number; b: number };
    assert.deepEqual(row, { n: 1000, b: 2000 });
    assert.throws(
      () => again.exec('insert into t values (5000, x"00")'),
      (e: unknown) => e instanceof Database.SqliteError,
    );
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
