// What a member replica serves (`sco-settle replica --member CNY`): the API
// server in member mode, on a store holding CNY and RUB data. Its member's
// currency is served — queries and the camt.053 statement — while a request
// naming another currency, or a central bank of another currency, is refused
// with 403 outside_member_currency, and lists and balances are narrowed to the
// member's currency for every caller.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from './support/api.js';
import { BANKS, CB, payment } from './support/platform.js';
import { memberScope, seesCurrency } from '../src/http/access.js';

const [A, B, RU1, RU2] = BANKS;

test('a member replica serves its currency (queries, camt.053) and refuses another with outside_member_currency', async () => {
  const fx = await startApi('sqlite', { member_currency: 'CNY' });
  try {
    const p = fx.platform;
    const cny = payment(A!, B!, 'CNY', '10.00');
    const rub = payment(RU1!, RU2!, 'RUB', '5.00');
    await p.run({ type: 'submit_payments', payments: [cny, rub], screening: [null, null] });
    const day = p.businessDate()!;

    const statement = await fx.request('GET', `/v1/participants/${A}/statement?currency=CNY&date=${day}`);
    assert.equal(statement.status, 200, JSON.stringify(statement.body));
    assert.match(String(statement.body), /camt\.053\.001/);
    for (const path of [`/v1/participants/${RU1}/statement?currency=RUB&date=${day}`, '/v1/payments?currency=RUB']) {
      const refused = await fx.request('GET', path);
      assert.equal(refused.status, 403, path);
      assert.equal(refused.body.code, 'outside_member_currency', path);
      assert.match(refused.body.message, /serves CNY only/);
    }

    // The operator on the replica sees the member's currency as its central bank does.
    const list = await fx.request('GET', '/v1/payments');
    assert.equal(list.status, 200);
    const seen = (list.body.payments as Array<{ uetr: string }>).map((x) => x.uetr);
    assert.ok(seen.includes(cny.uetr as string));
    assert.ok(!seen.includes(rub.uetr as string), 'the RUB payment is not served');
    assert.equal((await fx.request('GET', `/v1/payments/${rub.uetr}`)).status, 404);
    assert.equal((await fx.request('GET', `/v1/payments/${cny.uetr}`)).status, 200);
    // A participant in two currencies: its CNY balance only.
    const balances = await fx.request('GET', `/v1/participants/${RU1}/balances`);
    assert.equal(balances.status, 200);
    assert.deepEqual(
      (balances.body.balances as Array<{ currency: string }>).map((b) => b.currency),
      ['CNY'],
    );
    // A participant's own data, in the member's currency only.
    const mine = await fx.request('GET', '/v1/payments', { user: 'bankA' });
    assert.deepEqual(
      (mine.body.payments as Array<{ uetr: string }>).map((x) => x.uetr),
      [cny.uetr],
    );
  } finally {
    await fx.close();
  }
});

test("member scopes: another currency's central bank is refused; a participant keeps its own data, limited to the currency", () => {
  assert.equal(memberScope({ kind: 'currency', currency: 'RUB', id: CB.RUB }, 'CNY'), null);
  assert.deepEqual(memberScope({ kind: 'currency', currency: 'CNY', id: CB.CNY }, 'CNY'), { kind: 'currency', currency: 'CNY', id: CB.CNY });
  assert.deepEqual(memberScope({ kind: 'all' }, 'CNY'), { kind: 'currency', currency: 'CNY', id: '' });
  const bank = memberScope({ kind: 'participant', id: RU1! }, 'CNY')!;
  assert.deepEqual(bank, { kind: 'participant', id: RU1, currency: 'CNY' });
  assert.equal(seesCurrency(bank, 'CNY'), true);
  assert.equal(seesCurrency(bank, 'RUB'), false);
  assert.equal(seesCurrency({ kind: 'participant', id: RU1! }, 'RUB'), true, 'outside a replica nothing changes');
});
