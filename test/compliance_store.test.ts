// List versions in the store's documents area: a load replaces a list atomically, a
// refused load leaves the previous version in force, on a real SQLite file (and on
// the memory and PostgreSQL stores when available); the screen CLI end to end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activeVersions, loadActiveLists, parseListFiles, saveListVersion, storedVersionIds } from '../src/compliance/list_store.js';
import { ScreeningIndex } from '../src/compliance/matcher.js';
import { ListError } from '../src/compliance/types.js';
import { makeBackend, postgresSkipReason } from './support/backends.js';
import { FIXTURES, fixture, load, NOW, ROOT } from './compliance_support.js';

for (const name of ['memory', 'sqlite', 'postgres'] as const) {
  test(`list update atomicity (${name})`, async (t) => {
    if (name === 'postgres') {
      const reason = await postgresSkipReason();
      if (reason !== null) return t.skip(reason);
    }
    const backend = makeBackend(name);
    try {
      let store = await backend.open();
      const v1 = load('ofac-csv', ['sdn.csv', 'alt.csv', 'add.csv']);
      await saveListVersion(store, v1);
      assert.deepEqual(
        (await activeVersions(store)).map((v) => v.version_id),
        [v1.version.version_id],
      );

      // A refused load writes nothing: the parse fails before the store is touched.
      assert.throws(() => load('ofac-csv', ['sdn_bad.csv']), ListError);
      assert.deepEqual(
        (await activeVersions(store)).map((v) => v.version_id),
        [v1.version.version_id],
      );

      // A load interrupted after its version document but before the pointer: v1 stays in force.
      const v2 = parseListFiles('ofac-csv', [{ ...fixture('sdn_v2.csv'), name: 'sdn.csv' }], new Date(NOW.getTime() + 1000));
      const half = { ...v2, version: { ...v2.version, version_id: `${v2.version.version_id}-interrupted` } };
      await store.putDocument(`compliance/lists/ofac-sdn/versions/${half.version.version_id}`, Buffer.from('partial'));
      let lists = await loadActiveLists(store);
      assert.equal(lists[0]!.version.version_id, v1.version.version_id);
      assert.equal(new ScreeningIndex(lists).screenName({ name: 'Golden Crescent Trading' }).hit, true);

      // The real v2 load replaces v1 whole: 101 stays, 102 is gone, 106 is new.
      await saveListVersion(store, v2);
      if (backend.name !== 'memory') {
        await store.close();
        store = await backend.open(); // as after a restart
      }
      lists = await loadActiveLists(store);
      assert.equal(lists.length, 1);
      assert.equal(lists[0]!.version.version_id, v2.version.version_id);
      const index = new ScreeningIndex(lists);
      assert.equal(index.screenName({ name: 'Golden Crescent Trading' }).hit, false);
      assert.equal(index.screenName({ name: 'Northern Star Shipping' }).hit, true);
      assert.equal(index.screenName({ name: 'Rustam Karimov' }).matches[0]!.version_id, v2.version.version_id);
      // Old versions stay stored (for audit: screening results name the version they used).
      assert.equal((await storedVersionIds(store, 'ofac-sdn')).length, 3);
      // Documents: listing by prefix, atomic replacement, missing names.
      assert.equal(await store.getDocument('compliance/none'), null);
      await store.putDocument('compliance/x', Buffer.from('a'));
      await store.putDocument('compliance/x', Buffer.from('bb'));
      assert.equal((await store.getDocument('compliance/x'))!.toString(), 'bb');
      assert.deepEqual(await store.listDocuments('compliance/x'), ['compliance/x']);
      await store.close();
    } finally {
      await backend.cleanup();
    }
  });
}

test('screen CLI: load, name, names, payments, report; refused load keeps the previous version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-screen-'));
  try {
    const bin = join(ROOT, 'bin', 'sco-settle.js');
    const store = `sqlite:${join(dir, 's.db')}`;
    const run = (...args: string[]): string =>
      execFileSync(process.execPath, [bin, '--store', store, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    run('init');
    const loaded = JSON.parse(run('screen', 'load', join(FIXTURES, 'sdn.csv'), join(FIXTURES, 'alt.csv'), '--format', 'ofac-csv'));
    assert.equal(loaded.entry_count, 5);
    run('screen', 'load', join(FIXTURES, 'un.xml'), '--format', 'un-xml');
    const bad = spawnSync(process.execPath, [bin, '--store', store, 'screen', 'load', join(FIXTURES, 'un_bad.xml'), '--format', 'un-xml'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 4); // invalid input
    assert.match(bad.stderr, /list_malformed: un_bad\.xml line 8 element/);
    const r = JSON.parse(run('screen', 'name', 'Бекмурзаев Докуман', '--dob', '1974-05-02'));
    assert.equal(r.hit, true);
    assert.equal(r.matches[0].entry_id, '9000001');
    assert.equal(r.matches[0].list, 'un-sc');
    assert.ok(typeof r.matches[0].why === 'string' && r.matches[0].why.length > 0);
    const lines = execFileSync(process.execPath, [bin, '--store', store, 'screen', 'names', '-'], {
      input: 'Rustam Karimov\nJane Doe\n',
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).hit),
      [true, false],
    );
    const pay = JSON.stringify({
      uetr: 'u-1',
      debtor: { name: 'Almaty Grain LLP', country: 'KZ' },
      creditor: { name: 'Tashkent Cotton JSC', country: 'UZ' },
      debtor_agent_bic: 'HSBKKZKX',
      creditor_agent_bic: 'GCTRIRTHXXX',
      remittance: 'goods',
    });
    const p = JSON.parse(
      execFileSync(process.execPath, [bin, '--store', store, 'screen', 'payments', '-'], {
        input: pay + '\n',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    assert.equal(p.hit, true);
    assert.equal(p.matches[0].role, 'creditor_agent');
    const threshold = spawnSync(process.execPath, [bin, '--store', store, 'screen', 'name', 'x', '--threshold', '7'], { encoding: 'utf8' });
    assert.equal(threshold.status, 4);
    assert.match(threshold.stderr, /invalid_input: --threshold/);
    const rec = (id: string, amount: string) =>
      JSON.stringify({
        id,
        timestamp: `2026-03-01T10:0${id}:00Z`,
        debtor: 'P1',
        creditor: 'P2',
        debtor_country: 'KZ',
        creditor_country: 'CN',
        currency: 'CNY',
        amount,
      });
    const csv = execFileSync(process.execPath, [bin, 'screen', 'report', '-', '--format', 'csv'], {
      input: ['1', '2', '3'].map((i) => rec(i, '4900000')).join('\n'),
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    assert.match(csv, /^alert_id,rule,/);
    assert.match(csv, /structuring/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
