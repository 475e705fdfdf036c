// AML rules as pure functions over payment records, and the STR export.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildStr, defaultAmlConfig, runAmlRules, STR_CSV_HEADER, strToCsv, type PaymentRecord } from '../src/compliance/aml.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;

function rec(id: string, minute: number, amount: bigint, over: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    id,
    timestamp_ms: T0 + minute * MIN,
    debtor: 'KZBANK1',
    creditor: 'CNBANK1',
    debtor_country: 'KZ',
    creditor_country: 'CN',
    currency: 'CNY',
    amount,
    ...over,
  };
}

test('structuring: payments just under the threshold, one alert per burst', () => {
  const config = defaultAmlConfig(); // CNY threshold 5,000,000 minor units, band 10%
  const records = [
    rec('a', 0, 4_900_000n),
    rec('b', 10, 4_750_000n),
    rec('c', 20, 4_999_999n),
    rec('d', 30, 4_800_000n),
    rec('e', 40, 5_000_000n),
    rec('f', 50, 1_000n),
  ];
  const alerts = runAmlRules(records, config).filter((a) => a.rule === 'structuring');
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.payment_ids, ['a', 'b', 'c']);
  assert.equal(alerts[0]!.total_amount, '14649999');
  assert.equal(alerts[0]!.subject, 'KZBANK1');
  // Outside the window: no alert.
  const spread = [rec('a', 0, 4_900_000n), rec('b', 8 * 24 * 60, 4_900_000n), rec('c', 16 * 24 * 60, 4_900_000n)];
  assert.equal(runAmlRules(spread, config).filter((a) => a.rule === 'structuring').length, 0);
});

test('velocity per participant (count and amount) and per corridor', () => {
  const config = defaultAmlConfig();
  config.velocity.max_count = 5;
  config.velocity.corridor_max_count = 8;
  config.velocity.max_amount = { CNY: 1_000_000n };
  const records = Array.from({ length: 10 }, (_, i) => rec(`p${i}`, i, 10_000n, { debtor: i % 2 === 0 ? 'KZBANK1' : 'KZBANK2' }));
  records.push(rec('big', 11, 2_000_000n, { debtor: 'KZBANK3' }));
  const alerts = runAmlRules(records, config);
  assert.deepEqual(
    alerts.filter((a) => a.rule === 'velocity_corridor').map((a) => a.payment_ids.length),
    [9],
  );
  assert.deepEqual(
    alerts.filter((a) => a.rule === 'velocity_participant').map((a) => a.subject),
    ['KZBANK3'],
  );
  config.velocity.max_count = 4;
  assert.deepEqual(
    runAmlRules(records, config)
      .filter((a) => a.rule === 'velocity_participant')
      .map((a) => a.subject),
    ['KZBANK1', 'KZBANK2', 'KZBANK3'],
  );
});

test('round-amount bursts and high-risk counterparties', () => {
  const config = defaultAmlConfig(); // CNY round unit 1,000,000 minor units (10,000.00), 5 within a day
  const records = [1, 2, 3, 4, 5].map((i) => rec(`r${i}`, i * 30, BigInt(i) * 1_000_000n));
  records.push(rec('x', 200, 1_234_567n, { creditor_country: 'KP' }));
  const alerts = runAmlRules(records, config);
  assert.deepEqual(
    alerts.filter((a) => a.rule === 'round_amount_burst').map((a) => a.payment_ids),
    [['r1', 'r2', 'r3', 'r4', 'r5']],
  );
  const risky = alerts.filter((a) => a.rule === 'high_risk_counterparty');
  assert.equal(risky.length, 1);
  assert.match(risky[0]!.reason, /creditor country KP/);
  config.high_risk.parties = ['CNBANK1'];
  assert.equal(runAmlRules(records, config).filter((a) => a.rule === 'high_risk_counterparty').length, 6);
});

test('rules are pure: the order of the input does not change the alerts', () => {
  const config = defaultAmlConfig();
  config.velocity.max_count = 3;
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          minute: fc.integer({ min: 0, max: 600 }),
          amount: fc.constantFrom(4_900_000n, 1_000_000n, 123n, 2_000_000n),
          d: fc.integer({ min: 0, max: 2 }),
        }),
        { maxLength: 40 },
      ),
      fc.integer(),
      (items, seed) => {
        const records = items.map((x, i) => rec(`id${i}`, x.minute, x.amount, { debtor: `B${x.d}` }));
        const shuffled = [...records].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 17 + seed) % 5) || a.id.localeCompare(b.id));
        return JSON.stringify(runAmlRules(records, config)) === JSON.stringify(runAmlRules(shuffled.reverse(), config));
      },
    ),
    { numRuns: 100 },
  );
});

test('STR export: JSON with evidence, CSV with a header, quoting and formula neutralisation', () => {
  const records = [rec('a', 0, 4_900_000n), rec('b', 1, 4_900_000n), rec('c', 2, 4_900_000n, { creditor: '=HYPERLINK("x")' })];
  const alerts = runAmlRules(records, defaultAmlConfig());
  const str = buildStr(alerts, records, { reporting_entity: 'Operator, "SCO"', recipient: 'FIU', generated_at: '2026-03-02T12:00:00.000Z' });
  assert.equal(str.format, 'sco-settle-str/1');
  assert.equal(str.alert_count, 1);
  assert.equal(str.alerts[0]!.payments.length, 3);
  assert.equal(str.alerts[0]!.payments[0]!.amount_minor, '4900000');
  const csv = strToCsv(str);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], STR_CSV_HEADER.join(','));
  assert.equal(lines.length, 5); // header, 3 rows, final empty
  assert.ok(lines[3]!.includes(`"'=HYPERLINK(""x"")"`));
  assert.equal(JSON.parse(JSON.stringify(str)).alerts[0].total_amount, '14700000');
});
