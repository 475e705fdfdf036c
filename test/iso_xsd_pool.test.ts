// Layer (b) on worker threads (src/iso20022/xsd_pool.ts) gives the verdict the
// calling thread gives (xsdValidate), issue for issue, on valid messages and on
// messages the XSD rejects; the XPath of each issue is the element at fault.
// Skips, saying so, when the official XSDs are absent.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { samplePacs008 } from '../src/bench/iso_bench.js';
import { locateMessage } from '../src/iso20022/envelope.js';
import { buildMessage } from '../src/iso20022/messages/index.js';
import { serializeForXsd, xsdPaths, xsdValidate } from '../src/iso20022/validate.js';
import { XsdPool, type XsdPart } from '../src/iso20022/xsd_pool.js';
import { Prng } from '../src/sim/prng.js';
import { parseXml } from '../src/xml/reader.js';

const XSD_DIR = process.env.SCO_SETTLE_XSD_DIR ?? resolve('..', 'shared', 'iso20022', 'xsd');
const SKIP_XSD = existsSync(join(XSD_DIR, 'pacs.008.001.08.xsd')) ? false : `no official XSDs at ${XSD_DIR}`;

function parts(xml: string): XsdPart[] {
  const m = locateMessage(parseXml(xml));
  return [
    { id: 'head.001.001.02', el: m.header!, path: m.headerPath! },
    { id: 'pacs.008.001.08', el: m.document, path: m.documentPath },
  ];
}

async function inThread(ps: XsdPart[]): Promise<unknown[]> {
  const issues: unknown[] = [];
  for (const p of ps) issues.push(...(await xsdValidate(XSD_DIR, p.id, p.el, p.path)));
  return issues;
}

describe('XSD validation on worker threads', { skip: SKIP_XSD }, () => {
  let pool: XsdPool;
  before(() => {
    pool = new XsdPool(XSD_DIR, 2);
  });
  after(async () => {
    await pool.close();
  });

  test('valid messages: no issue, on the pool as on the calling thread', async () => {
    const rng = new Prng(7);
    const xmls = Array.from({ length: 20 }, (_, i) => buildMessage(samplePacs008(rng, i)));
    const verdicts = await Promise.all(xmls.map((x) => pool.validate(parts(x))));
    assert.deepEqual(
      verdicts,
      Array.from({ length: 20 }, () => []),
    );
    assert.deepEqual(await inThread(parts(xmls[0]!)), []);
  });

  test('invalid messages: the same issues, at the XPath of the element at fault', async () => {
    const base = buildMessage(samplePacs008(new Prng(8), 1));
    const mutants = [
      base.replace('<ChrgBr>SHAR</ChrgBr>', '<ChrgBr>XXXX</ChrgBr>'),
      base.replace('<BizSvc>', '<Unknown>1</Unknown><BizSvc>'),
      base.replace(/<Ctry>[A-Z]{2}<\/Ctry>/, '<Ctry>kz</Ctry>'),
    ];
    for (const xml of mutants) {
      const want = await inThread(parts(xml));
      assert.ok(want.length > 0, 'the mutant is invalid');
      assert.deepEqual(await pool.validate(parts(xml)), want);
    }
    const charge = (await pool.validate(parts(mutants[0]!))) as Array<{ path: string; code: string }>;
    assert.equal(charge[0]!.code, 'FF01');
    assert.match(charge[0]!.path, /\/CdtTrfTxInf\/ChrgBr$/);
  });

  test('a schema the pool cannot load is XSD_UNAVAILABLE, not a crash', async () => {
    const [head] = parts(buildMessage(samplePacs008(new Prng(9), 2)));
    const issues = await pool.validate([{ ...head!, id: 'head.999.001.01' }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.code, 'XSD_UNAVAILABLE');
  });
});

test('serializeForXsd puts one start tag per line, and xsdPaths names the element of each line', () => {
  const m = locateMessage(parseXml(buildMessage(samplePacs008(new Prng(3), 4))));
  const xml = serializeForXsd(m.document);
  const lines = xml.split('\n');
  const paths = xsdPaths(m.document, '/Document');
  assert.equal(lines.length, paths.length);
  lines.forEach((line, i) => {
    const tag = /^<([A-Za-z]+)/.exec(line)![1]!;
    assert.equal(
      paths[i]!.split('/')
        .pop()!
        .replace(/\[\d+\]$/, ''),
      tag,
    );
  });
  assert.equal(paths[0], '/Document');
  assert.ok(paths.includes('/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/IntrBkSttlmAmt'));
});
