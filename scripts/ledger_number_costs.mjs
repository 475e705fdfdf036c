// CPU cost per operation of the number conversions a "balances as doubles" or
// "ids as numbers" ledger fast path would need, beside the bigint work it would
// replace. Issue 18's profile suggested the bigint arithmetic; this shows what
// the alternatives cost on this machine (CPU time, so load skews it less).
//   node scripts/ledger_number_costs.mjs
const N = 5_000_000;
const U128_MAX = (1n << 128n) - 1n;
const vals = Array.from({ length: 1024 }, (_, i) => BigInt(i * 1000003 + 123456789012));
const dbl = new Float64Array(1024).map((_, i) => i * 1000003 + 123456789012);
const S = new BigUint64Array(1);
const W = new Uint32Array(S.buffer);
let sink;

function perOp(name, f) {
  const c0 = process.cpuUsage();
  sink = f();
  const c = process.cpuUsage(c0);
  console.log(`${name.padEnd(44)} ${(((c.user + c.system) * 1000) / N).toFixed(1)} ns`);
}

for (let pass = 0; pass < 2; pass++) {
  console.log(pass === 0 ? '-- warm-up pass' : '-- measured pass');
  perOp('bigint a + b, compared with U128_MAX', () => {
    let over = 0;
    for (let i = 0; i < N; i++) {
      const x = vals[i & 1023] + vals[(i + 7) & 1023];
      if (x > U128_MAX) over++;
      sink = x;
    }
    return over;
  });
  perOp('BigInt(double) (write a double balance back)', () => {
    for (let i = 0; i < N; i++) sink = BigInt(dbl[i & 1023]);
    return sink;
  });
  perOp('Number(bigint) (read an amount as a double)', () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += Number(vals[i & 1023]);
    return s;
  });
  perOp('BigUint64Array store, two uint32 words read', () => {
    let s = 0;
    for (let i = 0; i < N; i++) {
      S[0] = vals[i & 1023];
      s += W[1] * 4294967296 + W[0];
    }
    return s;
  });
  perOp('bigint > constant', () => {
    let s = 0;
    for (let i = 0; i < N; i++) if (vals[i & 1023] > 9007199254740991n) s++;
    return s;
  });
  perOp('bigint === 0n', () => {
    let s = 0;
    for (let i = 0; i < N; i++) if (vals[i & 1023] === 0n) s++;
    return s;
  });
  perOp('13-field object literal (a stored transfer)', () => {
    for (let i = 0; i < N; i++) {
      sink = { a: vals[i & 1023], b: 1n, c: 2n, d: 3n, e: 0n, f: 0n, g: 0n, h: 0, i: 0, j: 1, k: 1, l: 0, m: vals[5] };
    }
    return sink;
  });
}
