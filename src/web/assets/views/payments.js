// @ts-check
// The payments search every role has (GET /v1/payments in the caller's scope,
// narrowed further in the browser by amount and date), refreshed on events; a
// UETR goes straight to that payment's page (payment.js).

import { h, loading, replace } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { debounce } from '../lib/events.js';
import { memberCodes, fmtAmount, parseAmount } from '../lib/money.js';
import { me } from '../lib/session.js';
import { localDate, timeEl } from '../lib/time.js';
import { currencyOptions, errorBox, field, setFieldError, stateBadge, table, uetrLink } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').Payment} Payment */
/** @typedef {import('../lib/types.js').View} View */

export const BIC_RE = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const UETR_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATES = ['received', 'validated', 'screened', 'held', 'queued', 'warehoused', 'settled', 'rejected', 'cancelled', 'returned'];
const SEARCH_LIMIT = 1000;

function searchFields() {
  return {
    uetr: h('input', { id: 'q-uetr', name: 'uetr', autocomplete: 'off', spellcheck: 'false', placeholder: '8-4-4-4-12 hex' }),
    e2e: h('input', { id: 'q-e2e', name: 'end_to_end_id', autocomplete: 'off' }),
    counterparty: h('input', { id: 'q-counterparty', name: 'counterparty', autocomplete: 'off', placeholder: 'BIC' }),
    amount: h('input', { id: 'q-amount', name: 'amount', inputmode: 'decimal', autocomplete: 'off' }),
    currency: h('select', { id: 'q-currency', name: 'currency' }, currencyOptions(memberCodes(), true)),
    date: h('input', { id: 'q-date', name: 'date', type: 'date' }),
    state: h(
      'select',
      { id: 'q-state', name: 'state' },
      h('option', { value: '' }, 'Any'),
      STATES.map((s) => h('option', { value: s }, s)),
    ),
  };
}

/** @param {Payment[]} list @param {boolean} capped @param {string | null} own */
function resultsOf(list, capped, own) {
  return [
    h(
      'p',
      { class: 'muted', role: 'status' },
      `${list.length} payment${list.length === 1 ? '' : 's'}${capped ? ' (the newest 1,000 searched; narrow the search for older ones)' : ''}`,
    ),
    table(
      [
        { label: 'Received', cell: (p) => (p.history[0] ? timeEl(p.history[0].at_ns) : '—') },
        { label: 'UETR', cell: (p) => uetrLink(p.uetr) },
        { label: 'End-to-end id', cell: (p) => p.end_to_end_id },
        {
          label: own ? 'Counterparty' : 'Payer → payee',
          cell: (p) => (own ? (p.payer === own ? `to ${p.payee}` : `from ${p.payer}`) : `${p.payer} → ${p.payee}`),
        },
        { label: 'Amount', num: true, cell: (p) => fmtAmount(p.amount_minor, p.currency) },
        { label: 'Value date', cell: (p) => p.value_date },
        { label: 'State', cell: (p) => stateBadge(p.state) },
      ],
      list,
      { empty: 'No payment matches.', id: 'payments-table', label: 'Payments', rowAttrs: (p) => ({ 'data-uetr': p.uetr, 'data-state': p.state }) },
    ),
  ];
}

/** The amount and date filters the API does not have. @param {Payment[]} payments @param {string} amountText @param {string} date */
function narrowed(payments, amountText, date) {
  let list = payments;
  if (amountText !== '') {
    list = list.filter((p) => {
      const a = parseAmount(amountText, p.currency);
      return a.minor !== undefined && BigInt(p.amount_minor) === a.minor;
    });
  }
  if (date) list = list.filter((p) => p.value_date === date || (p.history[0] && localDate(p.history[0].at_ns) === date));
  return list;
}

/** @returns {View} */
export function viewPayments() {
  const results = h('div', { id: 'payments-results' }, loading());
  const f = searchFields();
  const form = h(
    'form',
    {
      class: 'inline',
      id: 'payment-search',
      role: 'search',
      novalidate: true,
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        search();
      },
    },
    field('q-uetr', 'UETR', f.uetr),
    field('q-e2e', 'End-to-end id', f.e2e),
    field('q-counterparty', 'Counterparty', f.counterparty),
    field('q-amount', 'Amount', f.amount),
    field('q-currency', 'Currency', f.currency),
    field('q-date', 'Date', f.date),
    field('q-state', 'State', f.state),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Search'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            form.reset();
            clearMsgs();
            search();
          },
        },
        'Clear',
      ),
    ),
  );
  const clearMsgs = () =>
    ['q-uetr', 'q-counterparty', 'q-amount', 'q-e2e'].forEach((n) => {
      setFieldError(form, n, null);
    });
  let alive = true;
  let seq = 0;

  async function search() {
    clearMsgs();
    const uetr = f.uetr.value.trim().toLowerCase();
    const cp = f.counterparty.value.trim().toUpperCase();
    const amountText = f.amount.value.trim();
    let bad = false;
    if (uetr !== '' && !UETR_RE.test(uetr)) bad = setFieldError(form, 'q-uetr', 'A UETR is 36 characters: 8-4-4-4-12 hexadecimal digits.');
    if (cp !== '' && !BIC_RE.test(cp)) bad = setFieldError(form, 'q-counterparty', 'A BIC has 8 or 11 letters and digits.');
    if (amountText !== '' && !/^\d+(\.\d+)?$/.test(amountText)) bad = setFieldError(form, 'q-amount', 'Enter digits with at most one decimal point.');
    if (bad) return;
    if (uetr !== '') {
      location.hash = `#/payments/${uetr}`;
      return;
    }
    const q = new URLSearchParams({ limit: String(SEARCH_LIMIT) });
    if (f.e2e.value.trim()) q.set('end_to_end_id', f.e2e.value.trim());
    if (cp) q.set('counterparty', cp);
    if (f.currency.value) q.set('currency', f.currency.value);
    if (f.state.value) q.set('state', f.state.value);
    const my = ++seq;
    if (results.childElementCount === 0) replace(results, loading());
    try {
      const { payments } = /** @type {{ payments: Payment[] }} */ (await api(`/v1/payments?${q}`));
      if (!alive || my !== seq) return;
      replace(results, resultsOf(narrowed(payments, amountText, f.date.value), payments.length >= SEARCH_LIMIT, me().participant));
    } catch (err) {
      if (alive && my === seq) replace(results, errorBox(err, search));
    }
  }

  search();
  const refresh = debounce(search, 400);
  const own = me().participant;
  return {
    title: 'Payments',
    el: h(
      'div',
      null,
      h('h1', null, own ? `Payments of ${own}` : 'Payments'),
      h('div', { class: 'card' }, form),
      h('div', { class: 'card', style: null }, results),
    ),
    onEvents: refresh,
    dispose() {
      alive = false;
    },
  };
}
