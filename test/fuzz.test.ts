// The fuzz campaign's short version (the full one is a benchmark: `sco-settle
// fuzz --target T --inputs 1000000`): every target on a few thousand seeded
// inputs without a crash, a hang or a disagreement; the runner's own hang watch
// and crash capture on the selftest target; the XML reader's refusals that the
// differential against libxml2 found.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from '../src/fuzz/harness.js';
import { replayOne } from '../src/fuzz/worker_loop.js';
import { platformTargets } from '../src/fuzz/targets.js';
import { parseXml, XmlError } from '../src/xml/reader.js';

const WORKER = new URL('../src/cli/fuzz_worker.js', import.meta.url);

async function fuzz(target: string, inputs: number, seed = 11) {
  return runFuzz({ target, inputs, seed, input_timeout_ms: 10_000, worker: WORKER });
}

for (const [target, inputs] of [
  ['xml', 4000],
  ['iso', 3000],
  ['cli', 4000],
  ['api', 600],
] as const) {
  test(`fuzz ${target}: ${inputs} inputs, no crash, hang or disagreement, every answer a stable code`, async () => {
    const s = await fuzz(target, inputs);
    assert.deepEqual(
      { crashes: s.crashes, hangs: s.hangs, disagreements: s.disagreements },
      { crashes: 0, hangs: 0, disagreements: 0 },
      JSON.stringify(s.findings.slice(0, 3)),
    );
    const answered = Object.values(s.codes).reduce((a, b) => a + b, 0);
    assert.equal(answered, inputs);
    assert.ok(Object.keys(s.codes).length >= 2, `the inputs reach more than one answer: ${JSON.stringify(s.codes)}`);
    for (const code of Object.keys(s.codes)) assert.match(code, /^[A-Za-z0-9_. ]+$/);
  });
}

test('the runner catches a hang and a crash at their indices, resumes after them, counts every other input once, and does not time a set-up as an input', async () => {
  // The selftest sets itself up again for 600 ms after every 500 inputs, once in this run (before index 508): more than the 300 ms an input may take.
  const s = await runFuzz({ target: 'selftest', inputs: 1020, seed: 1, input_timeout_ms: 300, worker: WORKER });
  assert.equal(s.hangs, 2);
  assert.equal(s.crashes, 2);
  assert.deepEqual(
    s.findings.map((f) => [f.kind, f.index]).sort((a, b) => Number(a[1]) - Number(b[1])),
    [
      ['hang', 7],
      ['crash', 13],
      ['hang', 1007],
      ['crash', 1013],
    ],
  );
  assert.equal((s.codes.even ?? 0) + (s.codes.odd ?? 0) + (s.codes.crash ?? 0), 1018);
});

test('an input replays alone: the same (seed, index) gives the same input and answer', async () => {
  const make = platformTargets().iso!;
  const a = await replayOne(make(), 5, 1234);
  const b = await replayOne(make(), 5, 1234);
  assert.deepEqual(a, b);
  assert.notDeepEqual((await replayOne(make(), 5, 1235)).input, a.input);
});

const refused: Array<[string, string, string]> = [
  ['an unpaired surrogate in a comment', '<a><!-- c \udfff --></a>', 'XML_INVALID_CHAR'],
  ["'--' inside a comment", '<a><!-- a -- b --></a>', 'XML_MALFORMED'],
  ['a processing instruction target with a colon', '<?a:b x?><a/>', 'XML_NAMESPACE'],
  ['a right-to-left override inside a name', '<a\u202eb/>', 'XML_MALFORMED'],
  ['a zero-width space inside a name', '<r><e\u200b a="1"/></r>', 'XML_MALFORMED'],
  ['an unpaired surrogate starting an attribute name', '<a \ud800b="1"/>', 'XML_MALFORMED'],
  ['a prefix declared twice on one element', '<a xmlns:p="urn:p" xmlns:p="urn:q"/>', 'XML_MALFORMED'],
  ['an attribute name with two colons', '<a xmlns:p="urn:p" p:p:d="1"/>', 'XML_NAMESPACE'],
  ['an attribute whose local part starts with a digit (fuzz xml seed 2, input 371175)', '<a xmlns:p="urn:p"><b p:1d="1"/></a>', 'XML_NAMESPACE'],
  ['an element whose local part starts with a hyphen', '<p:-b xmlns:p="urn:p"/>', 'XML_NAMESPACE'],
  ['an element whose local part starts with a middle dot', '<p:\u00b7b xmlns:p="urn:p"/>', 'XML_NAMESPACE'],
  ['a declared prefix that starts with a digit', '<a xmlns:1p="urn:p"/>', 'XML_NAMESPACE'],
  ['a namespace name with a space', '<a xmlns=" urn:x"/>', 'XML_NAMESPACE'],
  ['a namespace name whose scheme is not one', '<a xmlns="ur~:x"/>', 'XML_NAMESPACE'],
  ['a namespace name with a bracket', '<a xmlns="urn:a[b"/>', 'XML_NAMESPACE'],
  ['an encoding name that is not one', '<?xml version="1.0" encoding="UT\nF-8"?><a/>', 'XML_MALFORMED'],
  ['an unknown pseudo-attribute in the declaration', '<?xml version="1.0" encodéng="UTF-8"?><a/>', 'XML_MALFORMED'],
  ['a version without digits', '<?xml version="1."?><a/>', 'XML_MALFORMED'],
];
for (const [what, xml, code] of refused) {
  test(`the XML reader refuses ${what} (${code}), as libxml2 does`, () => {
    assert.throws(
      () => parseXml(xml),
      (e: unknown) => e instanceof XmlError && e.code === code,
    );
  });
}

test('the XML reader still reads names, namespaces and declarations it must accept', () => {
  const doc = parseXml(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Ц xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08" xmlns:p="http://x.example/a%20b?q=1#f" xmlns:_q="urn:q"><p:𐀀 a·b="1" p:d1="2" _q:_1="3"/><!-- a - b --><?pi x?></Ц>',
  );
  assert.equal(doc.root.local, 'Ц');
  assert.equal(doc.root.children.length, 1);
});
