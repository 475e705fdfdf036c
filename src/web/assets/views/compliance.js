// @ts-check
// Compliance cases: the queue of held payments with their screening result and,
// for compliance officers, release / reject with four eyes (a first decision is a
// proposal another officer confirms); the operator and the auditor read it only.
// Decided cases below. Refreshed on payment events.

import { announce, h, loading, replace } from '../lib/dom.js';
import { api, ApiErr } from '../lib/api.js';
import { debounce } from '../lib/events.js';
import { fmtAmount } from '../lib/money.js';
import { me } from '../lib/session.js';
import { timeEl } from '../lib/time.js';
import { card, errorBox, stateBadge, table, uetrLink } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').Case} Case */
/** @typedef {import('../lib/types.js').Payment} Payment */
/** @typedef {import('../lib/types.js').View} View */

/**
 * The decision cell of an open case: buttons for an officer, the proposal otherwise.
 * @param {Case} c
 * @param {boolean} mayDecide
 * @param {() => Promise<void>} reload
 */
function decisionCell(c, mayDecide, reload) {
  if (!mayDecide) return c.proposal ? `${c.proposal.decision} proposed by ${c.proposal.officer}` : '—';
  if (c.proposal && c.proposal.officer === me().name) {
    return h(
      'p',
      { class: 'muted', id: `case-own-${c.id}` },
      `You proposed to ${c.proposal.decision} this payment. Four eyes: another compliance officer must confirm it.`,
    );
  }
  const note = h('input', { id: `note-${c.id}`, 'aria-label': `Note for case ${c.id}`, placeholder: 'note', maxlength: '500' });
  const msg = h('p', { class: 'msg', role: 'alert', id: `case-msg-${c.id}` });
  /** @param {'release' | 'reject'} decision */
  const act = (decision) => async (/** @type {Event} */ e) => {
    const btn = /** @type {HTMLButtonElement} */ (e.currentTarget);
    btn.disabled = true;
    msg.textContent = '';
    try {
      await api(`/v1/cases/${c.id}/decision`, { method: 'POST', body: { decision, ...(note.value.trim() ? { note: note.value.trim() } : {}) } });
      announce(`Case ${c.id}: ${decision} recorded`);
      await reload();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      msg.textContent = err instanceof ApiErr && err.code === 'four_eyes' ? `Four eyes: ${message}` : message;
      btn.disabled = false;
    }
  };
  const proposed = c.proposal
    ? h('p', { class: 'muted' }, `${c.proposal.decision} proposed by ${c.proposal.officer} — confirm, or decide otherwise.`)
    : h('p', { class: 'muted' }, 'Held. A first decision is a proposal; a second officer confirms it.');
  return h(
    'div',
    null,
    proposed,
    h(
      'div',
      { class: 'actions' },
      note,
      h('button', { type: 'button', 'data-action': 'release', onclick: act('release') }, c.proposal?.decision === 'release' ? 'Confirm release' : 'Release'),
      h(
        'button',
        { type: 'button', class: 'danger', 'data-action': 'reject', onclick: act('reject') },
        c.proposal?.decision === 'reject' ? 'Confirm reject' : 'Reject',
      ),
    ),
    msg,
  );
}

/** @param {Case[]} open @param {Map<string, Payment>} pays @param {(c: Case) => import('../lib/dom.js').Kids} decision */
function openTable(open, pays, decision) {
  return table(
    [
      { label: 'Case', cell: (c) => `#${c.id}` },
      { label: 'Opened', cell: (c) => timeEl(c.opened_at_ns) },
      { label: 'Payment', cell: (c) => uetrLink(c.uetr) },
      {
        label: 'Payer → payee',
        cell: (c) => {
          const p = pays.get(c.uetr);
          return p ? `${p.payer} → ${p.payee}` : '—';
        },
      },
      {
        label: 'Amount',
        num: true,
        cell: (c) => {
          const p = pays.get(c.uetr);
          return p ? fmtAmount(p.amount_minor, p.currency) : '—';
        },
      },
      {
        label: 'Screening',
        cell: (c) => `score ${Number(c.screening.score).toFixed(2)}${c.screening.detail ? ` — ${c.screening.detail}` : ''} (list ${c.screening.list_version})`,
      },
      { label: 'Status', cell: (c) => stateBadge(c.status) },
      { label: 'Decision', cell: decision },
    ],
    open,
    {
      empty: 'No held payment waits for a decision.',
      id: 'cases-open',
      label: 'Open cases',
      rowAttrs: (c) => ({ 'data-case': c.id, 'data-status': c.status }),
    },
  );
}

/** @param {Case[]} done */
function decidedTable(done) {
  return table(
    [
      { label: 'Case', cell: (c) => `#${c.id}` },
      { label: 'Payment', cell: (c) => uetrLink(c.uetr) },
      { label: 'Outcome', cell: (c) => stateBadge(c.status) },
      { label: 'Officers', cell: (c) => c.decided_by.join(', ') },
      { label: 'Decided', cell: (c) => timeEl(c.decided_at_ns) },
    ],
    done,
    { empty: 'No decided case.', id: 'cases-done', label: 'Decided cases', rowAttrs: (c) => ({ 'data-case': c.id, 'data-status': c.status }) },
  );
}

/** @returns {View} */
export function viewCompliance() {
  const body = h('div', null, loading());
  const mayDecide = me().role === 'compliance';
  let alive = true;
  async function load() {
    try {
      const { cases } = /** @type {{ cases: Case[] }} */ (await api('/v1/cases?limit=500'));
      const open = cases.filter((c) => c.status === 'open' || c.status === 'proposed');
      const done = cases.filter((c) => c.status !== 'open' && c.status !== 'proposed').slice(0, 50);
      /** @type {Map<string, Payment>} */
      const pays = new Map();
      await Promise.all(
        open.slice(0, 50).map(async (c) => {
          try {
            pays.set(c.uetr, /** @type {Payment} */ (await api(`/v1/payments/${c.uetr}`)));
          } catch {
            // shown without the payment's figures
          }
        }),
      );
      if (alive) render(open, done, pays);
    } catch (err) {
      if (alive) replace(body, errorBox(err, load));
    }
  }
  /** @param {Case[]} open @param {Case[]} done @param {Map<string, Payment>} pays */
  function render(open, done, pays) {
    replace(
      body,
      card(
        `Queue (${open.length} held)`,
        openTable(open, pays, (c) => decisionCell(c, mayDecide, load)),
        { id: 'queue-card', wide: true },
      ),
      card('Decided', decidedTable(done), { wide: true }),
    );
  }
  load();
  const refresh = debounce(load, 500);
  return {
    title: 'Compliance',
    el: h('div', null, h('h1', null, mayDecide ? 'Compliance queue' : 'Compliance cases (read-only)'), h('div', { class: 'grid' }, body)),
    onEvents: refresh,
    dispose() {
      alive = false;
    },
  };
}
