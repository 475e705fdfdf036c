// The prepare worker's packer of two builds on the demo day's real answers (issue
// #18, docs/benchmarks.md "the prepare worker's packer cheaper, stop 53"): every
// chunk of 250 packed by both must give the same string table and codes, and read
// back the same answers; then ROUNDS rounds alternating which build goes first,
// CPU ms of packPrepared (the worker's write) and unpackPrepared (the main thread's
// read) over all chunks. The answers are made once by GEN_ROOT's preparer (default
// NEW_ROOT) with the demo's screener.
//
//   node scripts/prepared_codec_ab.mjs BASE_ROOT NEW_ROOT [PAYMENTS=50000] [ROUNDS=7]
import { preparedChunks } from './prepared_answers.mjs';
import assert from 'node:assert/strict';
const [baseRoot, newRoot, nArg = '50000', roundsArg = '7'] = process.argv.slice(2);
if (newRoot === undefined) {
  process.stderr.write('usage: node scripts/prepared_codec_ab.mjs BASE_ROOT NEW_ROOT [PAYMENTS] [ROUNDS]\n');
  process.exit(2);
}
const genRoot = process.env.GEN_ROOT ?? newRoot;
const A = await import(`${baseRoot}/dist/src/demo/prepared_codec.js`);
const B = await import(`${newRoot}/dist/src/demo/prepared_codec.js`);
const n = Number(nArg);
const chunks = await preparedChunks(genRoot, n);
let strings = 0,
  codes = 0;
for (const c of chunks) {
  const a = A.packPrepared(c),
    b = B.packPrepared(c);
  assert.deepStrictEqual(b.strings, a.strings);
  assert.deepStrictEqual(b.codes, a.codes);
  strings += a.strings.length;
  codes += a.codes.length;
  assert.deepStrictEqual(B.unpackPrepared(b), A.unpackPrepared(a));
}
console.log(`chunks ${chunks.length}: packed equal (strings ${strings}, codes ${codes}); unpacked equal`);
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const rows = { base: [], new: [] },
  reads = { base: [], new: [] };
let sink = 0;
for (let r = 0; r < Number(roundsArg); r++)
  for (const [name, M] of r % 2
    ? [
        ['new', B],
        ['base', A],
      ]
    : [
        ['base', A],
        ['new', B],
      ]) {
    let w = 0,
      m = 0;
    for (const c of chunks) {
      const t0 = cpu();
      const p = M.packPrepared(c);
      const t1 = cpu();
      sink += M.unpackPrepared(p).length;
      w += t1 - t0;
      m += cpu() - t1;
    }
    rows[name].push(Math.round(w));
    reads[name].push(Math.round(m));
  }
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const k of ['base', 'new'])
  console.log(`${k}: pack ms ${rows[k].join(', ')} (median ${med(rows[k])}); unpack ms ${reads[k].join(', ')} (median ${med(reads[k])})`);
console.log(`new/base pack median ratio ${(med(rows.new) / med(rows.base)).toFixed(3)}; sink ${sink}`);
