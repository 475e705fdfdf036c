// @ts-check
// sco-settle web app (browser ES modules, no build step, no third-party code but
// uPlot loaded by index.html): the pages people use to watch and use the
// platform. This module is the bootstrap: sign-in with an API key (kept in
// sessionStorage, sent as a Bearer token), the header, and the hash router that
// shows each role its views; what a user sees follows the role GET /v1/me
// reports, and the server enforces it anyway. The parts:
//   lib/     the API client, the live event stream, amounts, times, DOM and charts
//   views/   one module per page: operator (overview, also the central bank's),
//            central_bank, payments, payment, participant (account), participant_send,
//            compliance
// Payload types are in lib/types.js; `npm test` type-checks all of it (tsconfig.web.json).

import { byId, h, loading, replace } from './lib/dom.js';
import { api, ApiErr } from './lib/api.js';
import { startEvents, stopEvents } from './lib/events.js';
import { setCurrencies } from './lib/money.js';
import { KEY_STORAGE, session, whenExpired } from './lib/session.js';
import { errorBox } from './lib/ui.js';
import { viewCompliance } from './views/compliance.js';
import { viewGovernance } from './views/governance.js';
import { viewOverview } from './views/operator.js';
import { viewAccount } from './views/participant.js';
import { viewSend } from './views/participant_send.js';
import { viewPayment } from './views/payment.js';
import { viewPayments } from './views/payments.js';

/** @typedef {import('./lib/types.js').Me} Me */
/** @typedef {import('./lib/types.js').Role} Role */
/** @typedef {import('./lib/types.js').Currency} Currency */
/** @typedef {import('./lib/types.js').View} View */

/** @type {Record<Role, string>} */
const ROLE_LABEL = {
  operator: 'Operator',
  central_bank: 'Central bank',
  participant: 'Participant',
  liquidity_provider: 'Liquidity provider',
  compliance: 'Compliance officer',
  auditor: 'Auditor',
};

// ---- session -------------------------------------------------------------------------------------

/** @param {string} key */
async function signIn(key) {
  const user = /** @type {Me} */ (await api('/v1/me', { key }));
  session.key = key;
  sessionStorage.setItem(KEY_STORAGE, key);
  session.me = user;
  const { currencies } = /** @type {{ currencies: Currency[] }} */ (await api('/v1/dashboard/currencies'));
  setCurrencies(currencies);
  renderHeader();
  startEvents();
  return user;
}

/** @param {string} [message] shown on the sign-in page */
function signOut(message) {
  stopEvents();
  session.key = null;
  session.me = null;
  session.activity = [];
  sessionStorage.removeItem(KEY_STORAGE);
  renderHeader();
  session.signOutMessage = message ?? null;
  if (location.hash !== '#/signin') location.hash = '#/signin';
  else route();
}

/** @param {Role} role @returns {Array<[string, string]>} */
function navFor(role) {
  switch (role) {
    case 'operator':
    case 'auditor':
      return [
        ['#/operator', 'Overview'],
        ['#/payments', 'Payments'],
        ['#/compliance', 'Compliance'],
        ['#/governance', 'Governance'],
      ];
    case 'central_bank':
      return [
        ['#/central-bank', 'Central bank'],
        ['#/operator', 'Currency overview'],
        ['#/payments', 'Payments'],
        ['#/governance', 'Governance'],
      ];
    case 'compliance':
      return [
        ['#/compliance', 'Compliance queue'],
        ['#/payments', 'Payments'],
      ];
    default:
      return [
        ['#/account', 'Account'],
        ['#/payments', 'Payments'],
        ['#/send', 'Send payment'],
      ];
  }
}

/** @param {Role} role */
function homeOf(role) {
  return navFor(role)[0]?.[0] ?? '#/payments';
}

function renderHeader() {
  const nav = byId('nav');
  const who = byId('who');
  const user = session.me;
  if (!user) {
    replace(nav);
    replace(who);
    return;
  }
  const here = location.hash.split('?')[0] ?? '';
  replace(
    nav,
    navFor(user.role).map(([href, label]) =>
      h('a', { href, 'aria-current': here === href || (href === '#/payments' && here.startsWith('#/payments/')) ? 'page' : null }, label),
    ),
  );
  replace(
    who,
    h('span', { id: 'live', class: `live ${session.live}` }, session.live === 'on' ? 'live' : 'connecting…'),
    h(
      'span',
      { id: 'whoami', 'data-role': user.role },
      `${user.name} · ${ROLE_LABEL[user.role] ?? user.role}${user.participant ? ` · ${user.participant}` : ''}`,
    ),
    h('button', { type: 'button', class: 'secondary', id: 'signout', onclick: () => signOut('Signed out.') }, 'Sign out'),
  );
}

// ---- router -------------------------------------------------------------------------------------

/** @type {Array<[RegExp, (m: RegExpExecArray) => View, Role[]?]>} */
const ROUTES = [
  [/^#\/signin$/, () => viewSignIn()],
  [/^#\/operator$/, () => viewOverview(false), ['operator', 'auditor', 'central_bank']],
  [/^#\/central-bank$/, () => viewOverview(true), ['central_bank', 'operator', 'auditor']],
  [/^#\/account$/, () => viewAccount(), ['participant', 'liquidity_provider']],
  [/^#\/send$/, () => viewSend(), ['participant', 'liquidity_provider']],
  [/^#\/payments$/, () => viewPayments()],
  [/^#\/payments\/([^/?]+)$/, (m) => viewPayment(decodeURIComponent(m[1] ?? ''))],
  [/^#\/compliance$/, () => viewCompliance(), ['compliance', 'operator', 'auditor']],
  [/^#\/governance$/, () => viewGovernance(), ['operator', 'central_bank', 'auditor']],
];

/** Signs in with the stored key when needed; false when the router went elsewhere. @param {string} hash */
async function ensureSession(hash) {
  if (!session.key) {
    if (hash === '#/signin') return true;
    location.replace('#/signin');
    return false;
  }
  if (session.me) return true;
  replace(byId('main'), loading('Signing in…'));
  try {
    await signIn(session.key);
    return true;
  } catch (err) {
    session.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
    session.signOutMessage = err instanceof Error ? err.message : String(err);
    location.replace('#/signin');
    return false;
  }
}

async function route() {
  session.view?.dispose?.();
  session.view = null;
  const main = byId('main');
  const hash = location.hash.split('?')[0] || '#/';
  if (!(await ensureSession(hash))) return;
  const user = session.me;
  if (user && (hash === '#/' || hash === '#/signin')) {
    location.replace(homeOf(user.role));
    return;
  }
  renderHeader();
  for (const [re, make, roles] of ROUTES) {
    const m = re.exec(hash);
    if (m === null) continue;
    if (roles && user && !roles.includes(user.role)) {
      replace(
        main,
        h('h1', null, 'Not available'),
        h('p', null, `This page is not part of the ${ROLE_LABEL[user.role]} view.`),
        h('a', { href: homeOf(user.role) }, 'Go to your start page'),
      );
      return;
    }
    const view = make(m);
    session.view = view;
    replace(main, view.el);
    document.title = `${view.title} · sco-settle`;
    if (!view.keepFocus) main.focus({ preventScroll: true });
    return;
  }
  replace(main, h('h1', null, 'Not found'), h('p', null, 'There is no such page.'));
}

// ---- sign-in -------------------------------------------------------------------------------------

/** @returns {View} */
function viewSignIn() {
  const msg = h('p', { class: 'msg', id: 'key-msg' });
  const input = h('input', {
    id: 'key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'key-hint key-msg',
    required: true,
  });
  const note = session.signOutMessage ? h('p', { class: 'notice', role: 'status' }, session.signOutMessage) : null;
  session.signOutMessage = null;
  const button = h('button', { type: 'submit' }, 'Sign in');
  /** @param {string} text */
  const refuse = (text) => {
    msg.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  /** @param {Event} e */
  const submit = async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    msg.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!/^sco_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(key)) return refuse('An API key looks like sco_<16 hex digits>_<43 characters>.');
    button.disabled = true;
    try {
      const user = await signIn(key);
      location.hash = homeOf(user.role);
    } catch (err) {
      refuse(err instanceof ApiErr && err.status === 401 ? 'This key is unknown, revoked or wrong.' : err instanceof Error ? err.message : String(err));
    } finally {
      button.disabled = false;
    }
  };
  const form = h(
    'form',
    { class: 'stack', novalidate: true, onsubmit: submit },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'key' }, 'API key'),
      input,
      h('span', { class: 'hint', id: 'key-hint' }, 'Created with `sco-settle keys create --user NAME`. Kept in this browser tab only.'),
      msg,
    ),
    h('div', null, button),
  );
  setTimeout(() => input.focus(), 0);
  return { title: 'Sign in', el: h('div', { class: 'card signin' }, h('h1', null, 'Sign in to sco-settle'), note, form), keepFocus: true };
}

// ---- start ----------------------------------------------------------------------------------------

whenExpired(signOut);
window.addEventListener('hashchange', route);
// The skip link moves focus without touching the hash (the hash is the router's).
document.querySelector('.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  byId('main').focus();
});
window.addEventListener('unhandledrejection', (e) => {
  byId('main').prepend(errorBox(e.reason));
});
route();
