// Side-by-side XSD validation rate (layer b, AppHdr and Document per message) of two
// builds in one process, alternating rounds, on bench iso's 256 pacs.008 messages.
// Usage: node scripts/ab_xsd.mjs OLD_DIST NEW_DIST XSD_DIR [MESSAGES_PER_ROUND]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const dir = process.argv[4];
const n = Number(process.argv[5] ?? 4000);
const load = async (d) => ({
  v: await import(`${d}/src/iso20022/validate.js`),
  env: await import(`${d}/src/iso20022/envelope.js`),
  rd: await import(`${d}/src/xml/reader.js`),
});
const O = await load(oldDist);
const N = await load(newDist);
const { samplePacs008 } = await import(`${newDist}/src/bench/iso_bench.js`);
const { buildMessage } = await import(`${newDist}/src/iso20022/messages/index.js`);
const { Prng } = await import(`${newDist}/src/sim/prng.js`);
const rng = new Prng(42);
const xmls = Array.from({ length: 256 }, (_, i) => buildMessage(samplePacs008(rng, i)));
const located = (M) => xmls.map((x) => M.env.locateMessage(M.rd.parseXml(x)));
const LO = located(O);
const LN = located(N);

async function round(M, L, count) {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const m = L[i % 256];
    const a = await M.v.xsdValidate(dir, 'head.001.001.02', m.header, '/AppHdr');
    const b = await M.v.xsdValidate(dir, 'pacs.008.001.08', m.document, '/Document');
    if (a.length + b.length > 0) throw new Error('a benchmark message fails the XSD');
  }
  return Math.round(count / ((performance.now() - t0) / 1000));
}

await round(O, LO, 1000);
await round(N, LN, 1000);
const o = [];
const nn = [];
for (let r = 0; r < 3; r++) {
  o.push(await round(O, LO, n));
  nn.push(await round(N, LN, n));
}
const med = (xs) => xs.slice().sort((a, b) => a - b)[1];
console.log('old', o.join('/'), 'med', med(o), '| new', nn.join('/'), 'med', med(nn), '| ratio', (med(nn) / med(o)).toFixed(2));
