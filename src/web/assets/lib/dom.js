// @ts-check
// DOM building blocks with no knowledge of the platform: an element builder,
// replacing children, screen-reader announcements, a loading line, and saving
// a text as a downloaded file.

/** @typedef {Node | string | number | null | undefined | false} Kid */
/** @typedef {Kid | Kid[] | Array<Kid | Kid[]> | Array<Kid | Kid[] | Array<Kid | Kid[]>>} Kids children, nested up to three arrays deep */
/** @typedef {Record<string, unknown> | null | undefined} Attrs */

/**
 * Element builder: attributes (on* are listeners, false/null omitted) and children (strings become text).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} attrs
 * @param {...Kids} kids
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'class') e.className = String(v);
    else if (k === 'text') e.textContent = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of flat(kids)) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Children without the empty ones, nested arrays flattened. @param {Kids[]} kids @returns {Array<Node | string | number>} */
function flat(kids) {
  /** @type {Array<Node | string | number>} */
  const out = [];
  for (const k of kids) {
    if (Array.isArray(k)) out.push(...flat(k));
    else if (k !== null && k !== undefined && k !== false) out.push(k);
  }
  return out;
}

/** @param {Element} target @param {...Kids} kids */
export function replace(target, ...kids) {
  target.replaceChildren(...flat(kids).map((k) => (k instanceof Node ? k : String(k))));
}

/** An element the page shell (index.html) always has. @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} is missing from index.html`);
  return e;
}

/** Focuses the first element under root that matches, if any. @param {ParentNode} root @param {string} selector */
export function focusFirst(root, selector) {
  const e = root.querySelector(selector);
  if (e instanceof HTMLElement) e.focus();
}

/** Read out by screen readers (the live region of index.html). @param {string} text */
export function announce(text) {
  const a = byId('announce');
  a.textContent = '';
  setTimeout(() => (a.textContent = text), 50);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/** Saves text as a file the browser downloads. @param {string} name @param {string} text */
export function download(name, text, type = 'application/xml') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, class: 'sr-only' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
