// The CPU of handing the demo day's prepared answers from the prepare worker to the
// main thread, two ways, alternating in one process (issue #18, docs/benchmarks.md
// "the prepare worker's answers, stop 52"):
//   clone:  the answers of each chunk of 250 as an object graph, structured clone
//           (v8 serialize on the worker, deserialize on the main thread: what
//           postMessage did before);
//   packed: packPrepared on the worker, the string table and codes through the same
//           serializer, unpackPrepared on the main thread (src/demo/prepared_codec.ts).
// The answers are the real ones (the preparer with the demo's screener, on this
// thread, once, before timing). Columns: worker ms (write), main ms (read), per round.
//
//   node scripts/prepared_codec_cost.mjs ROOT [PAYMENTS=100000] [ROUNDS=5]

import { preparedChunks } from './prepared_answers.mjs';
import { deserialize, serialize } from 'node:v8';

const [root, nArg = '100000', roundsArg = '5'] = process.argv.slice(2);
if (root === undefined) {
  process.stderr.write('usage: node scripts/prepared_codec_cost.mjs ROOT [PAYMENTS] [ROUNDS]\n');
  process.exit(2);
}
const { packPrepared, unpackPrepared } = await import(`${root}/dist/src/demo/prepared_codec.js`);
const n = Number(nArg);
const chunks = await preparedChunks(root, n);

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
let sink = 0;
const ways = {
  clone: (c) => {
    const t0 = cpu();
    const bytes = serialize({ n: 1, prepared: c });
    const t1 = cpu();
    sink += deserialize(bytes).prepared.length;
    return [t1 - t0, cpu() - t1, bytes.length];
  },
  packed: (c) => {
    const t0 = cpu();
    const packed = packPrepared(c);
    // The codes' buffer is transferred by postMessage (not written): only the strings go through the serializer.
    const bytes = serialize({ n: 1, packed: { strings: packed.strings } });
    const t1 = cpu();
    sink += unpackPrepared({ strings: deserialize(bytes).packed.strings, codes: packed.codes }).length;
    return [t1 - t0, cpu() - t1, bytes.length + packed.codes.byteLength];
  },
};
const rows = { clone: [], packed: [] };
for (let r = 0; r < Number(roundsArg); r++)
  for (const [name, way] of Object.entries(ways)) {
    let worker = 0;
    let main = 0;
    let bytes = 0;
    for (const c of chunks) {
      const [w, m, b] = way(c);
      worker += w;
      main += m;
      bytes += b;
    }
    rows[name].push({ worker_ms: Math.round(worker), main_ms: Math.round(main), bytes });
  }
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const summary = {};
for (const [name, rs] of Object.entries(rows))
  summary[name] = {
    worker_ms: rs.map((r) => r.worker_ms),
    main_ms: rs.map((r) => r.main_ms),
    bytes: rs[0].bytes,
    worker_median: med(rs.map((r) => r.worker_ms)),
    main_median: med(rs.map((r) => r.main_ms)),
  };
process.stdout.write(`${JSON.stringify({ payments: n, ...summary, sink })}\n`);
