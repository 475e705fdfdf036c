// @ts-check
// The participant's payment form: fields checked in the browser first (BIC,
// amount with the currency's ISO 4217 decimals, reference, date) with messages
// next to them, then POST /v1/payments with a fresh UETR and an idempotency key;
// a rejection is shown next to the field the platform names, or under the form.

import { announce, focusFirst, h, loading, replace } from '../lib/dom.js';
import { api, ApiErr, uuid } from '../lib/api.js';
import { fmtAmount, memberCodes, minorUnits, parseAmount } from '../lib/money.js';
import { currencyOptions, errorBox, field, setFieldError } from '../lib/ui.js';
import { participantContext } from './participant.js';
import { BIC_RE } from './payments.js';

/** @typedef {import('./participant.js').ParticipantContext} ParticipantContext */
/** @typedef {import('../lib/types.js').PaymentResult} PaymentResult */
/** @typedef {import('../lib/types.js').View} View */

const SEND_FIELDS = ['payee', 'currency', 'amount', 'end_to_end_id', 'priority', 'settlement', 'value_date', 'payee_currency', 'remittance'];

const newReference = () => `E2E-${Date.now().toString(36).toUpperCase()}`;

/** @param {ParticipantContext} ctx */
function controls(ctx) {
  return {
    payee: h('input', { id: 'payee', name: 'payee', autocomplete: 'off', spellcheck: 'false', maxlength: '11', required: true }),
    currency: h('select', { id: 'currency', name: 'currency' }, currencyOptions(ctx.balances.map((b) => b.currency))),
    amount: h('input', { id: 'amount', name: 'amount', inputmode: 'decimal', autocomplete: 'off', required: true }),
    end_to_end_id: h('input', { id: 'end_to_end_id', name: 'end_to_end_id', autocomplete: 'off', maxlength: '35', value: newReference() }),
    priority: h('select', { id: 'priority', name: 'priority' }, h('option', { value: 'normal' }, 'normal'), h('option', { value: 'urgent' }, 'urgent')),
    settlement: h(
      'select',
      { id: 'settlement', name: 'settlement' },
      h('option', { value: 'rtgs' }, 'RTGS (gross, now)'),
      h('option', { value: 'dns' }, 'Deferred net (window)'),
    ),
    value_date: h('input', { id: 'value_date', name: 'value_date', type: 'date', value: ctx.day?.state === 'open' ? ctx.day.date : '' }),
    payee_currency: h(
      'select',
      { id: 'payee_currency', name: 'payee_currency' },
      h('option', { value: '' }, 'Same as paid'),
      memberCodes().map((m) => h('option', { value: m }, m)),
    ),
    remittance: h('textarea', { id: 'remittance', name: 'remittance', rows: '2', maxlength: '1000' }),
  };
}

/** @typedef {ReturnType<typeof controls>} Controls */

/** The form's errors by field name. @param {Controls} c @param {string} ownId @returns {Record<string, string>} */
function errorsOf(c, ownId) {
  /** @type {Record<string, string>} */
  const errs = {};
  const payee = c.payee.value.trim().toUpperCase();
  if (payee === '') errs.payee = "Enter the payee's BIC.";
  else if (!BIC_RE.test(payee)) errs.payee = 'A BIC has 8 or 11 characters: 4 letters or digits, a 2-letter country, 2 letters or digits, optionally 3 more.';
  else if (payee === ownId) errs.payee = 'The payee must be another participant.';
  const a = parseAmount(c.amount.value, c.currency.value);
  if (a.error) errs.amount = a.error;
  const e2e = c.end_to_end_id.value.trim();
  if (e2e === '') errs.end_to_end_id = 'Enter a reference (or NOTPROVIDED).';
  else if ([...e2e].length > 35) errs.end_to_end_id = 'At most 35 characters.';
  if (c.value_date.value !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(c.value_date.value)) errs.value_date = 'Enter a date as YYYY-MM-DD.';
  return errs;
}

/** The POST /v1/payments body. @param {Controls} c @param {string} payer */
function instructionOf(c, payer) {
  /** @type {Record<string, string>} */
  const body = {
    uetr: uuid(),
    end_to_end_id: c.end_to_end_id.value.trim(),
    payer,
    payee: c.payee.value.trim().toUpperCase(),
    currency: c.currency.value,
    amount: c.amount.value.trim(),
    priority: c.priority.value,
    settlement: c.settlement.value,
  };
  if (c.value_date.value) body.value_date = c.value_date.value;
  if (c.payee_currency.value && c.payee_currency.value !== c.currency.value) body.payee_currency = c.payee_currency.value;
  if (c.remittance.value.trim()) body.remittance = c.remittance.value.trim();
  return body;
}

/** "payments[0].amount" -> "amount". @param {string | undefined} path */
const fieldName = (path) => (path ?? '').replace(/^payments\[\d+\]/, '').replace(/^\./, '');

/** @param {ParticipantContext} ctx */
function sendForm(ctx) {
  const c = controls(ctx);
  const hint = () => `${c.currency.value} has ${minorUnits(c.currency.value)} decimal places (ISO 4217 minor units).`;
  const result = h('div', { id: 'send-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'send' }, 'Send payment');
  const form = h(
    'form',
    {
      class: 'stack',
      id: 'send-form',
      novalidate: true,
      onsubmit: (/** @type {Event} */ e) => {
        e.preventDefault();
        send();
      },
    },
    field('payee', 'Payee (BIC)', c.payee, 'The receiving participant, e.g. ICBKCNBJ.'),
    field('currency', 'Currency', c.currency),
    field('amount', 'Amount', c.amount, hint()),
    field('end_to_end_id', 'End-to-end id', c.end_to_end_id, 'Your reference, up to 35 characters.'),
    field('priority', 'Priority', c.priority),
    field('settlement', 'Settlement', c.settlement),
    field('value_date', 'Value date', c.value_date, 'Empty: the current business day.'),
    field('payee_currency', 'Payee receives in', c.payee_currency, 'Another currency settles payment-versus-payment through a liquidity provider.'),
    field('remittance', 'Remittance information', c.remittance),
    h('div', { class: 'actions' }, submit),
    result,
  );
  c.currency.addEventListener('change', () => {
    const amountHint = form.querySelector('#amount-hint');
    if (amountHint) amountHint.textContent = hint();
    if (c.amount.value.trim() !== '') validate(['amount']);
  });
  // Checked when leaving a field, except towards the submit button (which checks everything;
  // a message appearing under the pointer between mousedown and mouseup would swallow the click).
  c.amount.addEventListener('blur', (e) => e.relatedTarget !== submit && c.amount.value.trim() !== '' && validate(['amount']));
  c.payee.addEventListener('blur', (e) => e.relatedTarget !== submit && c.payee.value.trim() !== '' && validate(['payee']));

  /** Shows the errors of the named fields (all by default); true when they have none. @param {string[]} [only] */
  function validate(only) {
    const errs = errorsOf(c, ctx.id);
    for (const name of only ?? SEND_FIELDS) setFieldError(form, name, errs[name] ?? null);
    return only ? Object.keys(errs).filter((k) => only.includes(k)).length === 0 : Object.keys(errs).length === 0;
  }

  /** @param {PaymentResult} r */
  function showRejection(r) {
    const name = fieldName(r.field);
    const text = `Rejected (${r.reason}): ${r.detail ?? ''}`.trim();
    const atField = SEND_FIELDS.includes(name) && setFieldError(form, name, text);
    if (atField) focusFirst(form, `#${name}`);
    replace(
      result,
      h(
        'p',
        { class: 'error', role: 'alert', id: 'send-rejected' },
        atField ? 'The platform rejected the payment (see the message next to the field): ' : `${text} `,
        r.uetr ? h('a', { href: `#/payments/${r.uetr}` }, 'its record') : null,
      ),
    );
  }

  async function send() {
    replace(result);
    if (!validate()) {
      focusFirst(form, '[aria-invalid="true"]');
      announce('The payment has errors; see the messages next to the fields.');
      return;
    }
    submit.disabled = true;
    try {
      const out = /** @type {{ payments: PaymentResult[] }} */ (
        await api('/v1/payments', { method: 'POST', body: instructionOf(c, ctx.id), idempotent: true })
      );
      const r = out.payments[0];
      if (r === undefined) throw new Error('The server answered without the payment.');
      if (r.state === 'rejected') return showRejection(r);
      replace(
        result,
        h(
          'p',
          { class: 'notice', role: 'status', id: 'send-ok', 'data-uetr': r.uetr },
          `Payment ${r.state}: `,
          h('a', { href: `#/payments/${r.uetr}` }, r.uetr),
        ),
      );
      announce(`Payment ${r.state}`);
      c.amount.value = '';
      c.end_to_end_id.value = newReference();
    } catch (err) {
      const name = fieldName(err instanceof ApiErr ? err.path : undefined);
      const message = err instanceof Error ? err.message : String(err);
      if (SEND_FIELDS.includes(name) && setFieldError(form, name, message)) focusFirst(form, `#${name}`);
      else replace(result, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  }
  return form;
}

/** @returns {View} */
export function viewSend() {
  const body = h('div', null, loading());
  let alive = true;
  async function load() {
    try {
      const ctx = await participantContext();
      if (alive)
        replace(
          body,
          h(
            'div',
            { class: 'card' },
            h(
              'p',
              { class: 'muted' },
              `Paying from ${ctx.id}. Available: `,
              ctx.balances.map((b, i) => [i ? ', ' : '', fmtAmount(b.available_minor, b.currency)]),
            ),
            sendForm(ctx),
          ),
        );
    } catch (err) {
      if (alive) replace(body, errorBox(err, load));
    }
  }
  load();
  return {
    title: 'Send payment',
    el: h('div', null, h('h1', null, 'Send a payment'), body),
    dispose() {
      alive = false;
    },
  };
}
