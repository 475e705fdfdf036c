// @ts-check
// The app's shared page parts: tables, cards, state badges, error boxes with a
// retry, form fields with their hint and message (errors shown next to the field
// and tied to it for screen readers), currency options and payment links.

import { h } from './dom.js';
import { ApiErr } from './api.js';

/** @typedef {import('./dom.js').Kids} Kids */

/**
 * @template R
 * @typedef {{ label: string, num?: boolean, mono?: boolean, cell: (row: R) => Kids }} Column
 */

/**
 * @template R
 * @typedef {{ empty?: string, label?: string, id?: string, caption?: string, focusable?: boolean, rowAttrs?: (row: R) => Record<string, unknown> }} TableOptions
 */

/**
 * A table: columns {label, num?, cell(row) -> node|string}; rowAttrs(row) -> attributes of the <tr>.
 * @template R
 * @param {Column<R>[]} columns
 * @param {R[]} rows
 * @param {TableOptions<R>} [opts]
 */
export function table(columns, rows, opts = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, opts.empty ?? 'Nothing yet.');
  const rowAttrs = opts.rowAttrs;
  return h(
    'div',
    { class: 'scroll', tabindex: opts.focusable === false ? null : '0', role: 'region', 'aria-label': opts.label ?? 'table' },
    h(
      'table',
      { id: opts.id ?? null },
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            rowAttrs ? rowAttrs(r) : null,
            columns.map((c) => h('td', { class: c.num ? 'num' : c.mono ? 'mono' : null }, c.cell(r))),
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {string} title
 * @param {Kids} body
 * @param {{ id?: string, wide?: boolean, span2?: boolean }} [opts]
 */
export function card(title, body, opts = {}) {
  return h(
    'section',
    { class: `card${opts.wide ? ' wide' : ''}${opts.span2 ? ' span2' : ''}`, id: opts.id ?? null, 'aria-labelledby': opts.id ? `${opts.id}-h` : null },
    h('h2', { id: opts.id ? `${opts.id}-h` : null }, title),
    body,
  );
}

/** @param {string} s */
export function stateBadge(s) {
  return h('span', { class: `state state-${s}` }, s);
}

/** @param {unknown} err @param {() => void} [retry] */
export function errorBox(err, retry) {
  const message = typeof err === 'object' && err !== null && 'message' in err ? err.message : undefined;
  const text = err instanceof ApiErr ? `${err.message} (${err.code})` : String(message ?? err);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('span', null, text),
    retry ? [' ', h('button', { type: 'button', class: 'secondary', onclick: retry }, 'Retry')] : null,
  );
}

/** A labelled control with its hint (id-hint) and message (id-msg). @param {string} id @param {string} label @param {HTMLElement} control @param {string} [hint] */
export function field(id, label, control, hint) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('span', { class: 'msg', id: `${id}-msg`, role: 'alert' }),
  );
}

/**
 * Shows (or clears, with null) the message of a field; false when the form has no such field.
 * @param {HTMLElement} form
 * @param {string} name
 * @param {string | null} message
 */
export function setFieldError(form, name, message) {
  const input = form.querySelector(`#${CSS.escape(name)}`);
  const msg = form.querySelector(`#${CSS.escape(name)}-msg`);
  if (msg) msg.textContent = message ?? '';
  if (input) {
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const described = [`${name}-msg`];
    if (form.querySelector(`#${CSS.escape(name)}-hint`)) described.unshift(`${name}-hint`);
    input.setAttribute('aria-describedby', described.join(' '));
  }
  return Boolean(msg);
}

/** @param {string[]} codes @param {boolean} [withAny] an "Any" option first */
export function currencyOptions(codes, withAny) {
  return [withAny ? h('option', { value: '' }, 'Any') : null, ...codes.map((c) => h('option', { value: c }, c))];
}

/** @param {string | null | undefined} u */
function shortUetr(u) {
  return u ? `${u.slice(0, 8)}…` : '—';
}

/** @param {string} u */
export function uetrLink(u) {
  return h('a', { href: `#/payments/${u}`, class: 'mono', title: u }, shortUetr(u));
}
