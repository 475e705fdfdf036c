// @ts-check
// The signed-in session of this browser tab: the API key (kept in sessionStorage),
// the user GET /v1/me reported, the open view, the recent payment activity and the
// state of the live connection. Signing out is app.js's (it re-renders and routes);
// the modules that notice an expired key call `expire`, which hands over to it.

/** @typedef {import('./types.js').Me} Me */
/** @typedef {import('./types.js').View} View */
/** @typedef {import('./types.js').PaymentChange} PaymentChange */

export const KEY_STORAGE = 'sco-settle.api-key';

/** @type {{ key: string | null, me: Me | null, view: View | null, activity: PaymentChange[], live: 'off' | 'connecting' | 'on', signOutMessage: string | null }} */
export const session = {
  key: sessionStorage.getItem(KEY_STORAGE),
  me: null,
  view: null,
  activity: [],
  live: 'off',
  signOutMessage: null,
};

/** The signed-in user (views are only built once there is one). */
export function me() {
  if (session.me === null) throw new Error('not signed in');
  return session.me;
}

/** @type {(message: string) => void} */
let onExpired = () => undefined;

/** app.js registers how to sign out. @param {(message: string) => void} fn */
export function whenExpired(fn) {
  onExpired = fn;
}

/** The key was refused: sign out with this message. @param {string} message */
export function expire(message) {
  onExpired(message);
}
