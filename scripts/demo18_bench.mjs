// Component benchmarks of three main-thread costs of the demo day (issue #18), for
// one build at a time (run two builds alternating, each in its own process):
//
//   node scripts/demo18_bench.mjs ROOT linked N   linkedCurrencies over synthetic queues of N payments
//                                                 (60 banks x 6 currencies, 30 % PvP, 10 % urgent, 10 % dead entries)
//   node scripts/demo18_bench.mjs ROOT codec N    PaymentCodec.encode of N payment-shaped records
//                                                 (fresh strings per record, unique remittances)
//   node scripts/demo18_bench.mjs ROOT gcd N      gcd of N pairs of ~2^110 and ~2^100 sharing a ~20-bit factor
//
// ROOT is a built worktree (its dist/ is imported). Prints CPU time (user + sys) of
// the measured loop and a checksum that must agree between builds.

import { randomUUID } from 'node:crypto';

const [root, mode, nArg] = process.argv.slice(2);
if (root === undefined || !['linked', 'codec', 'gcd'].includes(mode ?? '') || nArg === undefined) {
  process.stderr.write('usage: node scripts/demo18_bench.mjs ROOT linked|codec|gcd N\n');
  process.exit(2);
}
const N = Number(nArg);
let seed = 11;
const rand = (k) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % k;
};
const cpuMs = (f) => {
  const t0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(t0);
  return { ms: (c.user + c.system) / 1e3, out };
};

if (mode === 'linked') {
  const { linkedCurrencies } = await import(`${root}/dist/src/clearing/lsm_release.js`);
  const { RtgsQueue } = await import(`${root}/dist/src/clearing/rtgs.js`);
  const C = ['CNY', 'RUB', 'INR', 'KZT', 'UZS', 'IRR'];
  const queues = new Map();
  for (let i = 0; i < N; i++) {
    const cur = C[rand(6)];
    const pvp = rand(10) < 3;
    const other = C[(C.indexOf(cur) + 1 + rand(5)) % 6];
    const p = {
      seq: i,
      state: rand(10) < 9 ? 'queued' : 'settled',
      instruction: {
        uetr: `u${i}`,
        payer: `B${rand(60)}`,
        payee: `B${rand(60)}`,
        currency: cur,
        payee_currency: pvp ? other : cur,
        amount_minor: 100n,
        priority: rand(10) === 0 ? 'urgent' : 'normal',
      },
      fx: pvp ? { provider: 'LP', payee_amount_minor: 90n } : null,
    };
    const key = `${p.instruction.payer}:${cur}`;
    let q = queues.get(key);
    if (q === undefined) queues.set(key, (q = new RtgsQueue()));
    q.push(p);
  }
  const reps = Math.max(3, Math.round(400_000 / N));
  for (let k = 0; k < 3; k++) linkedCurrencies(queues, 'CNY');
  const { ms, out } = cpuMs(() => {
    let total = 0;
    for (let k = 0; k < reps; k++) total += linkedCurrencies(queues, C[k % 6]).queued.length;
    return total;
  });
  console.log(`linked N=${N} ${(ms / reps).toFixed(2)} ms a run (${reps} runs), checksum ${out}`);
} else if (mode === 'codec') {
  const { CodecTables, PaymentCodec } = await import(`${root}/dist/src/platform/payment_codec.js`);
  const names = Array.from({ length: 400 }, (_, i) => `Company ${i} Trading LLC`);
  // Through JSON: fresh strings per record, as parsed messages give the platform.
  const make = (i) =>
    JSON.parse(
      JSON.stringify({
        instruction: {
          uetr: randomUUID(),
          end_to_end_id: `E2E${i}`,
          payer: `BANK${rand(60)}XX`,
          payee: `BANK${rand(60)}XX`,
          currency: 'CNY',
          amount_minor: '1',
          payee_currency: 'CNY',
          value_date: '2025-08-29',
          priority: 'normal',
          settlement: 'rtgs',
          purpose: 'GDDS',
          remittance: `Invoice INV-${100000 + i} for goods ${rand(1000)}`,
          debtor: { name: names[rand(400)], country: 'CN' },
          creditor: { name: names[rand(400)], country: 'RU' },
          message: 'pacs.008',
        },
        seq: i,
        state: 'settled',
        history: [
          { state: 'received', at_ns: '1' },
          { state: 'queued', at_ns: '1' },
          { state: 'settled', at_ns: '2', detail: `released by LSM run ${rand(300)}` },
        ],
        window_id: null,
        fx: null,
        transfer_ids: ['1', '2'],
        settled_at_ns: '2',
        case_id: null,
        submitted_by: `BANK${rand(60)}XX`,
      }),
    );
  const codec = new PaymentCodec(new CodecTables());
  let bytes = 0;
  let ms = 0;
  for (let i = 0; i < N; i += 20_000) {
    const batch = Array.from({ length: Math.min(20_000, N - i) }, (_, k) => make(i + k));
    ms += cpuMs(() => {
      for (const p of batch) bytes += codec.encode(p).length;
    }).ms;
  }
  console.log(`codec N=${N} ${ms.toFixed(0)} ms, ${(bytes / N).toFixed(1)} bytes a record`);
} else {
  const { gcd } = await import(`${root}/dist/src/fx/rational.js`);
  const big = (bits) => {
    let x = 0n;
    for (let i = 0; i < bits; i += 30) x = (x << 30n) | BigInt(rand(0x40000000));
    return x >> BigInt(Math.ceil(bits / 30) * 30 - bits);
  };
  const pairs = [];
  for (let i = 0; i < 20_000; i++) {
    const g = big(20);
    pairs.push([big(90) * g, big(80) * g]);
  }
  const { ms, out } = cpuMs(() => {
    let s = 0n;
    for (let k = 0; k < N / pairs.length; k++) for (const [a, b] of pairs) s += gcd(a, b);
    return s;
  });
  console.log(`gcd N=${N} ${ms.toFixed(0)} ms, checksum ${out % 1_000_000n}`);
}
