// PaymentCodec.encode on the payments a demo day archives (#15, #18): the
// steady figure for the codec's cost per payment, build against build.
//
//   node scripts/payment_encode_bench.mjs capture ROOT PAYMENTS FILE
//       runs a demo day (seed 3, 60 banks, as scripts/demo_day_ab.mjs) with ROOT's
//       build and writes every payment the book archives, as it was handed to the
//       codec (v8.serialize: key order and undefined members kept), to FILE
//   node scripts/payment_encode_bench.mjs encode ROOT[,ROOT2...] FILE [ROUNDS=5]
//       encodes FILE's payments (short strings internalized as JSON.parse leaves them)
//       with each ROOT's codec into fresh tables, the builds alternating round by round
//       in one process; prints per build the median and least CPU ns per payment over
//       the rounds after two warm-up ones, and a sha256 of every record's bytes (equal
//       between builds: the records are the same bytes); with DECODE=1 it times
//       reading the records back instead (PaymentReader.decode, one after another)

import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

const [mode, root, a, b] = process.argv.slice(2);
if (mode === 'capture' && root !== undefined && a !== undefined && b !== undefined) {
  const codecMod = await import(`${root}/dist/src/platform/payment_codec.js`);
  const captured = [];
  const encode = codecMod.PaymentCodec.prototype.encode;
  codecMod.PaymentCodec.prototype.encode = function (v) {
    captured.push(serialize(v));
    return encode.call(this, v);
  };
  const { runDay } = await import(`${root}/dist/src/demo/day.js`);
  const { demoScreen } = await import(`${root}/dist/src/demo/screener.js`);
  const { WATCHLIST_VARIANTS } = await import(`${root}/dist/src/demo/watchlist.js`);
  const { initStore } = await import(`${root}/dist/src/platform/store_tools.js`);
  const path = `/tmp/payment-encode-capture-${process.pid}.db`;
  await initStore(`sqlite:${path}`, 'demo');
  const run = await runDay({
    store: `sqlite:${path}`,
    seed: 3,
    banks: 60,
    payments: Number(a),
    dns_share: 1,
    screen: demoScreen(),
    workers: 1,
    watchlist_every: 400,
    watchlist_names: WATCHLIST_VARIANTS,
    onProgress: () => {},
  });
  await run.platform.close();
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  writeFileSync(b, serialize(captured));
  console.log(`${captured.length} payments captured to ${b}`);
  process.exit(0);
} else if (mode === 'encode' && root !== undefined && a !== undefined) {
  const roots = root.split(',');
  const codecs = await Promise.all(roots.map((r) => import(`${r}/dist/src/platform/payment_codec.js`)));
  // Strings of at most 10 characters internalized, as JSON.parse and literals give them to the engine (a
  // string deserialized is a fresh copy; internalized ones compare by address and carry their hash).
  const intern = (v) => {
    if (typeof v === 'string') return v.length <= 10 ? Object.keys({ [v]: 0 })[0] : v;
    if (Array.isArray(v)) return v.map(intern);
    if (v === null || typeof v !== 'object') return v;
    const o = {};
    for (const k of Object.keys(v)) o[k] = intern(v[k]);
    return o;
  };
  const payments = deserialize(readFileSync(a)).map((x) => intern(deserialize(x)));
  const rounds = Number(b ?? 5);
  const decoding = process.env.DECODE === '1';
  // Copied into one buffer as the book copies a record into its chunk (allocated and touched once: no page faults timed).
  const out = Buffer.alloc(payments.length * 1024);
  const ns = roots.map(() => []);
  const sums = roots.map(() => '');
  // Builds alternate round by round in one process (the same payments, the same load).
  for (let r = 0; r < rounds; r++) {
    for (let x = 0; x < roots.length; x++) {
      const codec = new codecs[x].PaymentCodec(new codecs[x].CodecTables());
      let n = 0;
      let t0 = process.cpuUsage();
      for (const p of payments) {
        const rec = codec.encode(p);
        n += rec.copy(out, n);
      }
      if (decoding) {
        // DECODE=1: the records read back instead (a read, a revival, a snapshot's walk); the encoding untimed.
        const reader = new codecs[x].PaymentReader(codec.tables);
        t0 = process.cpuUsage();
        for (let at = 0, k = 0; k < payments.length; k++) {
          reader.decode(out, at);
          at = reader.at;
        }
      }
      const c = process.cpuUsage(t0);
      ns[x].push(((c.user + c.system) * 1000) / payments.length);
      sums[x] = createHash('sha256').update(out.subarray(0, n)).digest('hex').slice(0, 16);
    }
  }
  roots.forEach((r, x) => {
    // The first two rounds warm up (JIT, string hashes, the tables' first strings): not counted.
    const steady = ns[x].slice(2).sort((p, q) => p - q);
    console.log(
      `${r}: median ${steady[Math.floor(steady.length / 2)].toFixed(0)} ns a payment, min ${steady[0].toFixed(0)} (rounds in order: ${ns[x].map((v) => v.toFixed(0)).join(' ')}), ${payments.length} payments, records sha256 ${sums[x]}`,
    );
  });
} else {
  process.stderr.write('usage: node scripts/payment_encode_bench.mjs capture ROOT PAYMENTS FILE | encode ROOT[,ROOT2...] FILE [ROUNDS]\n');
  process.exit(2);
}
