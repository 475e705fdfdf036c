// Why the output digest keeps JSON.stringify (stop 52, #18): the 4,000 change events of
// a 1,000-payment batch ({uetr, state, at_ns, detail?}, strings only) written three ways
// in one process, rounds alternating, CPU ms a batch: V8's JSON.stringify of the array,
// a JavaScript writer putting the same UTF-8 bytes straight into one reused Buffer
// (for-in over each object, charCodeAt per character), and that writer with
// Buffer#latin1Write per string. On Node 20 JSON.stringify is the cheapest of the three.
//   node scripts/json_change_events_cost.mjs [ROUNDS=6]
import { randomUUID } from 'node:crypto';

const now = '1765108800000000000';
const changes = [];
for (let i = 0; i < 4000; i++) {
  const e = { uetr: randomUUID(), state: i % 4 ? 'settled' : 'screened', at_ns: now };
  if (i % 4 === 0) e.detail = 'not screened';
  changes.push(e);
}
const buf = Buffer.allocUnsafe(1 << 20);
function str(s, at0) {
  let at = at0;
  buf[at++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || c > 127) throw new Error('not plain ASCII');
    buf[at++] = c;
  }
  buf[at++] = 34;
  return at;
}
function bytesWriter(arr) {
  let at = 0;
  for (const o of arr) {
    buf[at++] = 123;
    let first = true;
    for (const k in o) {
      const x = o[k];
      if (x === undefined) continue;
      if (!first) buf[at++] = 44;
      first = false;
      at = str(k, at);
      buf[at++] = 58;
      at = str(x, at);
    }
    buf[at++] = 125;
    buf[at++] = 44;
  }
  return at;
}
function latin1Writer(arr) {
  let at = 0;
  for (const o of arr) {
    buf[at++] = 123;
    let first = true;
    for (const k in o) {
      const x = o[k];
      if (x === undefined) continue;
      if (!first) buf[at++] = 44;
      first = false;
      buf[at++] = 34;
      at += buf.latin1Write(k, at);
      buf[at++] = 34;
      buf[at++] = 58;
      buf[at++] = 34;
      at += buf.latin1Write(x, at);
      buf[at++] = 34;
    }
    buf[at++] = 125;
    buf[at++] = 44;
  }
  return at;
}
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const time = (f) => {
  const t = cpu();
  for (let j = 0; j < 50; j++) f(changes);
  return (cpu() - t) / 50e3;
};
for (let r = 0; r < Number(process.argv[2] ?? 6); r++) {
  const a = time((c) => JSON.stringify(c));
  const b = time(bytesWriter);
  const c = time(latin1Writer);
  process.stdout.write(`round ${r + 1}: JSON.stringify ${a.toFixed(3)} ms, bytes writer ${b.toFixed(3)} ms, latin1Write writer ${c.toFixed(3)} ms\n`);
}
