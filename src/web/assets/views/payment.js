// @ts-check
// One payment's page: the instruction, its status history, its ISO 20022
// messages to download (pacs.008 and the pacs.002s), and cancelling it while it
// waits (its payer or the operator). Another participant's payment is "not found".

import { announce, download, h, loading, replace } from '../lib/dom.js';
import { api, ApiErr } from '../lib/api.js';
import { fmtAmount } from '../lib/money.js';
import { me } from '../lib/session.js';
import { timeEl } from '../lib/time.js';
import { card, errorBox, stateBadge, table } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').Payment} Payment */
/** @typedef {import('../lib/types.js').PaymentMessages} PaymentMessages */
/** @typedef {import('../lib/types.js').View} View */

/** @param {Payment} p */
function instruction(p) {
  return h(
    'dl',
    { class: 'props', id: 'payment-props' },
    h('dt', null, 'State'),
    h('dd', { id: 'payment-state' }, stateBadge(p.state)),
    h('dt', null, 'UETR'),
    h('dd', { class: 'mono' }, p.uetr),
    h('dt', null, 'End-to-end id'),
    h('dd', null, p.end_to_end_id),
    h('dt', null, 'Payer'),
    h('dd', null, p.payer, p.debtor?.name ? ` (${p.debtor.name})` : ''),
    h('dt', null, 'Payee'),
    h('dd', null, p.payee, p.creditor?.name ? ` (${p.creditor.name})` : ''),
    h('dt', null, 'Amount'),
    h('dd', null, fmtAmount(p.amount_minor, p.currency)),
    p.payee_currency !== p.currency
      ? [
          h('dt', null, 'Payee receives'),
          h('dd', null, fmtAmount(p.payee_amount_minor, p.payee_currency), p.fx ? ` (rate ${p.fx.rate} from ${p.fx.provider})` : ''),
        ]
      : null,
    h('dt', null, 'Value date'),
    h('dd', null, p.value_date),
    h('dt', null, 'Priority / settlement'),
    h('dd', null, `${p.priority} / ${p.settlement}`),
    p.remittance ? [h('dt', null, 'Remittance'), h('dd', null, p.remittance)] : null,
    p.case_id !== null ? [h('dt', null, 'Compliance case'), h('dd', null, `#${p.case_id}`)] : null,
    // A bank sees only its own user here (the API omits another's).
    p.submitted_by !== undefined ? [h('dt', null, 'Submitted by'), h('dd', null, p.submitted_by)] : null,
  );
}

/** @param {Payment} p */
function historyTable(p) {
  return table(
    [
      { label: 'Time', cell: (s) => timeEl(s.at_ns) },
      { label: 'State', cell: (s) => stateBadge(s.state) },
      { label: 'Reason', cell: (s) => s.reason ?? '' },
      { label: 'Detail', cell: (s) => s.detail ?? '' },
    ],
    p.history,
    { id: 'history', label: 'Status history' },
  );
}

/** Its payer (or the operator) may cancel a payment that waits; a central bank never. @param {Payment} p */
function mayCancel(p) {
  const user = me();
  const own = user.participant;
  return (
    (user.role === 'operator' || (own && p.payer === own)) &&
    (p.state === 'queued' || p.state === 'warehoused' || p.state === 'held') &&
    user.role !== 'central_bank'
  );
}

/** @param {string} uetr @returns {View} */
export function viewPayment(uetr) {
  const body = h('div', null, loading());
  let alive = true;
  async function load() {
    try {
      const p = /** @type {Payment} */ (await api(`/v1/payments/${encodeURIComponent(uetr)}`));
      if (alive) render(p);
    } catch (err) {
      if (!alive) return;
      if (err instanceof ApiErr && (err.status === 404 || err.status === 400)) {
        replace(
          body,
          h('h1', { id: 'not-found' }, 'Payment not found'),
          h('p', null, `No payment with UETR ${uetr} that you may see.`),
          h('a', { href: '#/payments' }, 'Back to payments'),
        );
      } else replace(body, errorBox(err, load));
    }
  }
  /** @param {Payment} p */
  function render(p) {
    const msgArea = h('div', { id: 'messages' });
    const actionMsg = h('p', { class: 'msg', role: 'alert', id: 'action-msg' });
    replace(
      body,
      h('h1', null, 'Payment ', h('span', { class: 'mono' }, p.uetr)),
      h(
        'div',
        { class: 'grid' },
        card('Instruction', instruction(p)),
        card('Status history', historyTable(p)),
        card('Messages', [
          h('p', { class: 'muted' }, 'The payment as a pacs.008 and the pacs.002 status reports it was answered with.'),
          h('button', { type: 'button', id: 'load-messages', onclick: () => loadMessages(msgArea) }, 'Show messages'),
          msgArea,
        ]),
        mayCancel(p)
          ? card('Actions', [h('button', { type: 'button', class: 'danger', id: 'cancel', onclick: () => cancel(p, actionMsg) }, 'Cancel payment'), actionMsg])
          : null,
      ),
      h('p', null, h('a', { href: '#/payments' }, 'Back to payments')),
    );
  }
  /** @param {HTMLElement} area */
  async function loadMessages(area) {
    replace(area, loading());
    try {
      const { messages } = /** @type {PaymentMessages} */ (await api(`/v1/payments/${encodeURIComponent(uetr)}/messages`));
      replace(
        area,
        h(
          'ul',
          null,
          messages.map((m) =>
            h(
              'li',
              null,
              h('button', { type: 'button', class: 'secondary', 'data-file': m.file, onclick: () => download(m.file, m.xml) }, `Download ${m.name}`),
            ),
          ),
        ),
      );
    } catch (err) {
      replace(
        area,
        errorBox(err, () => loadMessages(area)),
      );
    }
  }
  /** @param {Payment} p @param {HTMLElement} msg */
  async function cancel(p, msg) {
    msg.textContent = '';
    try {
      await api(`/v1/payments/${p.uetr}/cancel`, { method: 'POST', body: {}, idempotent: true });
      announce('Payment cancelled');
      load();
    } catch (err) {
      msg.textContent = err instanceof Error ? err.message : String(err);
    }
  }
  load();
  return {
    title: 'Payment',
    el: body,
    onEvents(changes) {
      if (changes.some((c) => c.uetr === uetr)) load();
    },
    dispose() {
      alive = false;
    },
  };
}
