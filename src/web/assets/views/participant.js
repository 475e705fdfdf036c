// @ts-check
// The participant portal's account page (participants and liquidity providers):
// balances and limits per currency, intraday credit and its collateral, and the
// camt.053 statement of a business day to download. `participantContext` is
// shared with the payment form (participant_send.js).

import { announce, download, h, loading, replace } from '../lib/dom.js';
import { api, apiRaw, ApiErr } from '../lib/api.js';
import { debounce } from '../lib/events.js';
import { fmtAmount } from '../lib/money.js';
import { me } from '../lib/session.js';
import { card, currencyOptions, errorBox, field, setFieldError, table } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').Balance} Balance */
/** @typedef {import('../lib/types.js').Facility} Facility */
/** @typedef {import('../lib/types.js').Day} Day */
/** @typedef {import('../lib/types.js').View} View */
/** @typedef {{ id: string, balances: Balance[], facilities: Facility[], day: Day | null }} ParticipantContext */

/** The signed-in participant's balances, facilities and the business day (none yet: null). @returns {Promise<ParticipantContext>} */
export async function participantContext() {
  const id = me().participant ?? '';
  const [bal, fac, day] = /** @type {[{ balances: Balance[] }, { facilities: Facility[] }, Day | null]} */ (
    await Promise.all([
      api(`/v1/participants/${id}/balances`),
      api(`/v1/participants/${id}/facilities`),
      api('/v1/day').catch((err) => (err instanceof ApiErr && err.status === 404 ? null : Promise.reject(err))),
    ])
  );
  return { id, balances: bal.balances, facilities: fac.facilities, day };
}

/** @param {ParticipantContext} ctx */
function balancesTable(ctx) {
  return table(
    [
      { label: 'Currency', cell: (b) => b.currency },
      { label: 'Available', num: true, cell: (b) => fmtAmount(b.available_minor, b.currency) },
      { label: 'Reserved', num: true, cell: (b) => fmtAmount(b.debits_pending_minor, b.currency) },
      { label: 'Credit line', num: true, cell: (b) => fmtAmount(b.credit_line_minor, b.currency) },
      { label: 'Credit drawn', num: true, cell: (b) => fmtAmount(b.credit_outstanding_minor, b.currency) },
      { label: 'Booked in / out', num: true, cell: (b) => `${fmtAmount(b.credits_posted_minor, '')} / ${fmtAmount(b.debits_posted_minor, '')}` },
    ],
    ctx.balances,
    { id: 'balances', label: 'Balances', rowAttrs: (b) => ({ 'data-currency': b.currency }) },
  );
}

/** @param {ParticipantContext} ctx */
function facilitiesTable(ctx) {
  return table(
    [
      { label: 'Currency', cell: (f) => f.currency },
      { label: 'Line', num: true, cell: (f) => fmtAmount(f.line_minor, f.currency) },
      { label: 'Drawn', num: true, cell: (f) => fmtAmount(f.outstanding_minor, f.currency) },
      { label: 'Auto-draw', cell: (f) => (f.auto_draw ? 'yes' : 'no') },
      {
        label: 'Collateral',
        cell: (f) =>
          (f.collateral ?? [])
            .map((c) => `${c.id} (${c.kind}, ${fmtAmount(c.market_value_minor, c.currency)}, haircut ${(c.haircut_bp / 100).toFixed(2)} %)`)
            .join('; ') || '—',
      },
    ],
    ctx.facilities,
    { empty: 'No credit facility.', label: 'Facilities' },
  );
}

/**
 * The statement form: downloads camt.053 of the chosen currency and day.
 * @param {ParticipantContext} ctx
 * @param {(err: unknown) => void} onError an error no field explains
 */
function statementForm(ctx, onError) {
  const ccy = h('select', { id: 'st-currency', name: 'currency' }, currencyOptions(ctx.balances.map((b) => b.currency)));
  const date = h('input', { id: 'st-date', name: 'date', type: 'date', value: ctx.day?.date ?? new Date().toISOString().slice(0, 10), required: true });
  /** @param {Event} e */
  const submit = async (e) => {
    e.preventDefault();
    setFieldError(form, 'st-date', null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
      setFieldError(form, 'st-date', 'Choose a date.');
      return;
    }
    try {
      const res = await apiRaw(`/v1/participants/${ctx.id}/statement?currency=${ccy.value}&date=${date.value}`, { accept: 'application/xml' });
      download(`camt.053-${ctx.id}-${ccy.value}-${date.value}.xml`, await res.text());
      announce('Statement downloaded');
    } catch (err) {
      const path = err instanceof ApiErr ? err.path : undefined;
      const message = err instanceof Error ? err.message : String(err);
      if (!setFieldError(form, path === 'query.currency' ? 'st-currency' : 'st-date', message)) onError(err);
    }
  };
  const form = h(
    'form',
    { class: 'inline', id: 'statement-form', novalidate: true, onsubmit: submit },
    field('st-currency', 'Currency', ccy),
    field('st-date', 'Business day', date),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'download-statement' }, 'Download camt.053')),
  );
  return form;
}

/** @returns {View} */
export function viewAccount() {
  const body = h('div', null, loading());
  let alive = true;
  async function load() {
    try {
      const ctx = await participantContext();
      if (alive) render(ctx);
    } catch (err) {
      if (alive) replace(body, errorBox(err, load));
    }
  }
  /** @param {ParticipantContext} ctx */
  function render(ctx) {
    const stForm = statementForm(ctx, (err) => replace(body, errorBox(err, load)));
    replace(
      body,
      h(
        'div',
        { class: 'grid' },
        card('Balances and limits', balancesTable(ctx), { id: 'balances-card', wide: true }),
        card('Intraday credit and collateral', facilitiesTable(ctx)),
        card('Statements', [h('p', { class: 'muted' }, 'End-of-day account statement (ISO 20022 camt.053) of one business day.'), stForm]),
      ),
    );
  }
  load();
  const refresh = debounce(load, 500);
  return {
    title: 'Account',
    el: h('div', null, h('h1', null, `Account of ${me().participant}`), body),
    onEvents: refresh,
    dispose() {
      alive = false;
    },
  };
}
