// The governance rules on their own (src/governance): RFC 6902 JSON Patch with
// RFC 6901 pointers, the canonical encoding signatures cover, the scheme
// validator, and the no-objection decision rule.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPatch, parsePointer, formatPointer, type JsonValue } from '../src/governance/json_patch.js';
import { canonicalJson } from '../src/governance/canonical.js';
import { validateScheme, type SchemeDocument } from '../src/governance/scheme.js';
import { GovernanceError } from '../src/governance/errors.js';
import {
  checkAnswer,
  checkOperatorChanges,
  decisionDue,
  effectiveDate,
  recordAnswer,
  votersFor,
  type Answer,
  type Proposal,
} from '../src/governance/decision.js';
import { schemeDocument } from './support/governance.js';

function code(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (err) {
    if (err instanceof GovernanceError) return [err.code, err.field];
    throw err;
  }
  return ['none', ''];
}

describe('JSON Patch (RFC 6902)', () => {
  it('runs the six operations as the RFC examples do', () => {
    assert.deepEqual(applyPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
    assert.deepEqual(applyPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
    assert.deepEqual(applyPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: 'x' }]), { foo: ['bar', 'x'] });
    assert.deepEqual(applyPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
    assert.deepEqual(applyPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
    assert.deepEqual(applyPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
    assert.deepEqual(applyPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]), {
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
    assert.deepEqual(applyPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), {
      foo: ['all', 'cows', 'eat', 'grass'],
    });
    assert.deepEqual(applyPatch({ a: { b: [1] } }, [{ op: 'copy', from: '/a/b', path: '/c' }]), { a: { b: [1] }, c: [1] });
    assert.deepEqual(applyPatch({ baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/foo', value: ['a', 2, 'c'] }]), { baz: 'qux', foo: ['a', 2, 'c'] });
    assert.deepEqual(applyPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
  });

  it('escapes pointers: ~1 is "/", ~0 is "~"', () => {
    assert.deepEqual(parsePointer('/a~1b/m~0n/~01'), ['a/b', 'm~n', '~1']);
    assert.equal(formatPointer(['a/b', 'm~n']), '/a~1b/m~0n');
    assert.deepEqual(
      applyPatch({ 'a/b': 1, 'm~n': 2 }, [
        { op: 'replace', path: '/a~1b', value: 3 },
        { op: 'remove', path: '/m~0n' },
      ]),
      { 'a/b': 3 },
    );
    assert.deepEqual(
      code(() => parsePointer('/a~2')),
      ['patch_invalid', '/a~2'],
    );
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 5 }), (tokens) => assert.deepEqual(parsePointer(formatPointer(tokens)), tokens)));
  });

  it('fails whole, naming the operation and the path, and leaves the document unchanged', () => {
    const doc = { a: { b: 1 }, list: [1, 2] } as JsonValue;
    const before = JSON.stringify(doc);
    assert.deepEqual(
      code(() =>
        applyPatch(doc, [
          { op: 'replace', path: '/a/b', value: 2 },
          { op: 'replace', path: '/a/nope', value: 1 },
        ]),
      ),
      ['unknown_path', '/a/nope'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'remove', path: '/x/y' }])),
      ['unknown_path', '/x/y'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'add', path: '/list/5', value: 1 }])),
      ['unknown_path', '/list/5'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'test', path: '/a/b', value: 9 }])),
      ['patch_test_failed', '/a/b'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'move', from: '/a', path: '/a/c' }])),
      ['patch_invalid', '/a/c'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'jump', path: '/a' }])),
      ['patch_invalid', 'changes[0].op'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'add', path: '/a' }])),
      ['patch_invalid', 'changes[0].value'],
    );
    assert.deepEqual(
      code(() => applyPatch(doc, [{ op: 'add', path: '/a/c', value: { $n: '1' } }])),
      ['patch_invalid', 'changes[0].value/$n'],
    );
    assert.equal(JSON.stringify(doc), before);
  });

  it('treats "__proto__" as a member name, never a prototype', () => {
    const out = applyPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
});

describe('canonical encoding', () => {
  it('sorts keys at every depth and writes no whitespace, so key order does not change the bytes', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 'é' }], c: null } }), '{"a":{"c":null,"d":[2,{"y":"é","z":1}]},"b":1}');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        assert.equal(canonicalJson(reversed), canonicalJson(o));
        assert.deepEqual(JSON.parse(canonicalJson(o)), JSON.parse(JSON.stringify(o)));
      }),
    );
    assert.throws(() => canonicalJson({ a: Number.NaN }));
    assert.throws(() => canonicalJson({ a: 1n }));
  });
});

describe('the scheme document', () => {
  it('accepts the test scheme and refuses each kind of fault at its pointer', () => {
    validateScheme(schemeDocument());
    const bad = (ops: unknown[]): [string, string] => code(() => validateScheme(applyPatch(schemeDocument() as JsonValue, ops)));
    assert.deepEqual(bad([{ op: 'add', path: '/colour', value: 'red' }]), ['scheme_invalid', '/colour']);
    assert.deepEqual(bad([{ op: 'replace', path: '/members/KZ/status', value: 'asleep' }]), ['scheme_invalid', '/members/KZ/status']);
    assert.deepEqual(bad([{ op: 'add', path: '/members/US', value: { name: 'x', central_bank: 'PBOCCNBJ', currency: 'CNY', status: 'active' } }]), [
      'scheme_invalid',
      '/members/US',
    ]);
    assert.deepEqual(bad([{ op: 'replace', path: '/members/RU/central_bank', value: 'BKCHCNBJ' }]), ['scheme_invalid', '/members/RU/central_bank']);
    assert.deepEqual(bad([{ op: 'replace', path: '/currencies/CNY/ledger', value: 157 }]), ['scheme_invalid', '/currencies/CNY/ledger']);
    assert.deepEqual(bad([{ op: 'replace', path: '/limits/payment_max/CNY', value: '1.001' }]), ['scheme_invalid', '/limits/payment_max/CNY']);
    assert.deepEqual(bad([{ op: 'replace', path: '/cutoffs/default', value: '25:00' }]), ['scheme_invalid', '/cutoffs/default']);
    assert.deepEqual(bad([{ op: 'replace', path: '/dns_windows/close_at', value: '07:00' }]), ['scheme_invalid', '/dns_windows/close_at']);
    assert.deepEqual(bad([{ op: 'replace', path: '/lsm/interval_minutes', value: 0 }]), ['scheme_invalid', '/lsm/interval_minutes']);
    assert.deepEqual(bad([{ op: 'add', path: '/swap_lines/caps/CNY~1CNY', value: '1' }]), ['scheme_invalid', '/swap_lines/caps/CNY~1CNY']);
    assert.deepEqual(bad([{ op: 'replace', path: '/rates/extended_age_business_days', value: 1 }]), ['scheme_invalid', '/rates/extended_age_business_days']);
    // The members may set an operator-owned parameter beyond the operator's bounds; the bounds must fit the parameter's type.
    validateScheme(applyPatch(schemeDocument() as JsonValue, [{ op: 'replace', path: '/lsm/interval_minutes', value: 90 }]));
    assert.deepEqual(bad([{ op: 'replace', path: '/operator_owned/~1lsm~1interval_minutes/max', value: '19:00' }]), [
      'scheme_invalid',
      '/operator_owned/~1lsm~1interval_minutes',
    ]);
    assert.deepEqual(bad([{ op: 'add', path: '/operator_owned/~1members~1CN~1status', value: { min: 1, max: 2 } }]), [
      'scheme_invalid',
      '/operator_owned/~1members~1CN~1status',
    ]);
  });

  it('takes calendars per currency: an object with a time zone, then the calendar module hook', () => {
    const withCal = (cal: unknown): JsonValue =>
      applyPatch(schemeDocument() as JsonValue, [{ op: 'add', path: '/calendars', value: { CNY: cal } as JsonValue }]);
    validateScheme(withCal({ time_zone: 'Asia/Shanghai', holidays: ['2025-10-01'] }));
    assert.deepEqual(
      code(() => validateScheme(withCal({ holidays: [] }))),
      ['scheme_invalid', '/calendars/CNY/time_zone'],
    );
    assert.deepEqual(
      code(() => validateScheme(withCal('Asia/Shanghai'))),
      ['scheme_invalid', '/calendars/CNY'],
    );
    const seen: string[] = [];
    validateScheme(withCal({ time_zone: 'Asia/Shanghai' }), { calendar: (c, _o, p) => seen.push(`${c}@${p}`) });
    assert.deepEqual(seen, ['CNY@/calendars/CNY']);
  });
});

function proposal(doc: SchemeDocument, changes: Proposal['changes'], closes_at_ns = 1_000n): Proposal {
  return {
    id: 'P-1',
    title: 't',
    rationale: 'r',
    changes,
    window_s: 3600,
    effective: 'next_business_day',
    proposer: 'u',
    proposer_member: 'CN',
    base_version: 1,
    opened_at_ns: 0n,
    closes_at_ns,
    voters: votersFor(doc, changes),
    answers: [],
    state: 'open',
    decided_at_ns: null,
    effective_at: null,
    version: null,
    outcome: null,
    signature: '',
  };
}

const ans = (member: string, answer: Answer['answer']): Answer => ({ member, user: member, answer, reason: '', at_ns: 1n, signature: '' });

describe('the decision rule (no objection)', () => {
  const doc = validateScheme(schemeDocument());
  const change = [{ op: 'replace' as const, path: '/lsm/interval_minutes', value: 10 }];

  it('silence adopts at the close; not before', () => {
    const p = proposal(doc, change);
    assert.equal(decisionDue(p, 999n), null);
    assert.equal(decisionDue(p, 1_000n)?.state, 'adopted');
  });

  it('one objection rejects at the close, even among approvals; a later answer replaces it', () => {
    const p = proposal(doc, change);
    recordAnswer(p, ans('CN', 'approve'));
    recordAnswer(p, ans('RU', 'object'));
    assert.equal(decisionDue(p, 999n), null, 'an objection does not close the window early');
    assert.deepEqual(decisionDue(p, 1_000n), { state: 'rejected', outcome: 'objected by RU' });
    recordAnswer(p, ans('RU', 'reserve'));
    assert.equal(p.answers.length, 2, 'one voice per member');
    assert.equal(decisionDue(p, 1_000n)?.state, 'adopted', 'a reservation does not block');
  });

  it('adopts early once every voter answered and none objected', () => {
    const p = proposal(doc, change);
    for (const m of p.voters.slice(0, -1)) recordAnswer(p, ans(m, 'approve'));
    assert.equal(decisionDue(p, 1n), null);
    recordAnswer(p, ans(p.voters[p.voters.length - 1]!, 'reserve'));
    assert.equal(decisionDue(p, 1n)?.state, 'adopted');
  });

  it('a suspension excludes the member concerned from the voters and its answer is refused', () => {
    const p = proposal(doc, [{ op: 'replace', path: '/members/KZ/status', value: 'suspended' }]);
    assert.equal(p.voters.length, 9);
    assert.ok(!p.voters.includes('KZ'));
    assert.deepEqual(
      code(() => checkAnswer(p, doc, 'KZ', 1n)),
      ['concerned_member', 'by'],
    );
    assert.deepEqual(
      code(() => checkAnswer(p, doc, 'US', 1n)),
      ['not_a_member', 'by'],
    );
    assert.deepEqual(
      code(() => checkAnswer(p, doc, 'CN', 1_000n)),
      ['window_closed', 'id'],
    );
    checkAnswer(p, doc, 'CN', 1n);
  });

  it('takes effect at the next business day, or the stated date when later', () => {
    assert.equal(effectiveDate('next_business_day', '2025-09-05'), '2025-09-08', 'Friday -> Monday');
    assert.equal(effectiveDate('2025-09-20', '2025-09-01'), '2025-09-20');
    assert.equal(effectiveDate('2025-09-01', '2025-09-01'), '2025-09-02', 'never the same day');
  });

  it('the operator changes only operator-owned parameters, within bounds', () => {
    checkOperatorChanges(doc, change);
    assert.deepEqual(
      code(() => checkOperatorChanges(doc, [{ op: 'replace', path: '/lsm/interval_minutes', value: 61 }])),
      ['out_of_bounds', 'changes[0].value'],
    );
    assert.deepEqual(
      code(() => checkOperatorChanges(doc, [{ op: 'replace', path: '/lsm/bypass_fifo', value: true }])),
      ['not_operator_owned', 'changes[0].path'],
    );
  });
});
