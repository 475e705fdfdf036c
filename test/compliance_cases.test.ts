// Tests of the compliance-case rule (src/compliance/cases.ts): four eyes.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { decideCase, holdDetail, openCase, withdrawCase, type ComplianceCase } from '../src/compliance/cases.js';

const hit = { hit: true, score: 0.93456, list_version: 'v7' };

test('a case opens undecided and says why the payment is held', () => {
  const c = openCase(3, 'u-1', hit, 10n);
  assert.deepEqual(c, { id: 3, uetr: 'u-1', opened_at_ns: 10n, screening: hit, status: 'open', proposal: null, decided_by: [], decided_at_ns: null });
  assert.equal(holdDetail(c), 'screening hit 0.935 (list v7); case 3');
});

test('four eyes: a proposal, then the same decision by a different officer decides it', () => {
  const c = openCase(1, 'u-1', hit, 0n);
  const first = decideCase(c, 1, 'alice', 'release', 'false positive', 5n);
  assert.equal(first.kind, 'proposed');
  const proposed = (first as { case: ComplianceCase }).case;
  assert.deepEqual(proposed.proposal, { decision: 'release', officer: 'alice', at_ns: 5n, note: 'false positive' });
  assert.equal(c.status, 'open', 'the rule returns a new case, the old one is unchanged');
  const same = decideCase(proposed, 1, 'alice', 'release', '', 6n);
  assert.deepEqual(same, {
    kind: 'refused',
    refusal: { code: 'four_eyes', field: 'by', message: 'alice proposed this decision; a different officer must confirm it' },
  });
  const second = decideCase(proposed, 1, 'bob', 'release', '', 7n);
  assert.equal(second.kind, 'decided');
  const decided = (second as { case: ComplianceCase }).case;
  assert.deepEqual([decided.status, decided.decided_by, decided.decided_at_ns], ['released', ['alice', 'bob'], 7n]);
  assert.equal(decideCase(decided, 1, 'carol', 'reject', '', 8n).kind, 'refused');
});

test('a different decision replaces the proposal (also by the same officer); no note, no note field', () => {
  const c = openCase(1, 'u-1', hit, 0n);
  const a = (decideCase(c, 1, 'alice', 'release', '', 1n) as { case: ComplianceCase }).case;
  const b = decideCase(a, 1, 'alice', 'reject', '', 2n);
  assert.equal(b.kind, 'proposed');
  assert.deepEqual((b as { case: ComplianceCase }).case.proposal, { decision: 'reject', officer: 'alice', at_ns: 2n });
  const d = decideCase((b as { case: ComplianceCase }).case, 1, 'bob', 'reject', '', 3n);
  assert.equal((d as { case: ComplianceCase }).case.status, 'rejected');
});

test('no case, and withdrawal of an undecided case', () => {
  assert.deepEqual(decideCase(undefined, 9, 'alice', 'reject', '', 0n), {
    kind: 'refused',
    refusal: { code: 'not_found', field: 'case_id', message: 'no case 9' },
  });
  const c = openCase(1, 'u-1', hit, 0n);
  assert.equal(withdrawCase(c).status, 'rejected');
  const released = { ...c, status: 'released' as const };
  assert.equal(withdrawCase(released), released);
});
