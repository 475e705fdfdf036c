// @ts-check
// Governance: the scheme version in force and the proposals to change it. A
// proposal opens with its diff (each change: the value now and the value
// proposed), its answers and reservations, the what-if comparison of a past
// business day under both versions, and — for a central-bank user — approve /
// object / reserve, signed in this browser with the user's Ed25519 private key
// (PKCS#8 PEM, pasted; WebCrypto signs the canonical act, the key never leaves
// the page). Operators and auditors read only.

import { announce, h, loading, replace } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { me } from '../lib/session.js';
import { card, errorBox, stateBadge, table } from '../lib/ui.js';

/** @typedef {import('../lib/types.js').View} View */
/** @typedef {{ op: string, path: string, from?: string, value?: unknown }} PatchOp */
/** @typedef {{ member: string, user: string, answer: string, reason: string, at: string }} Answer */
/** @typedef {{ id: string, state: string, title: string, rationale: string, changes: PatchOp[], closes_at: string, voters: string[], answers: Answer[], reservations: Array<{member: string, reason: string}>, outcome: string | null, version?: number, effective_at?: string }} Proposal */

/** The canonical encoding signatures cover: keys sorted at every depth, no whitespace (src/governance/canonical.ts). @param {unknown} v @returns {string} */
export function canonicalJson(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = /** @type {Record<string, unknown>} */ (v);
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** Signs an act with a PKCS#8 PEM Ed25519 key; base64. @param {string} pem @param {unknown} act */
async function signAct(pem, act) {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('Ed25519', key, new TextEncoder().encode(canonicalJson(act))));
  return btoa(String.fromCharCode(...sig));
}

/** The value at a JSON Pointer of a document, or undefined. @param {unknown} doc @param {string} pointer */
function at(doc, pointer) {
  let cur = doc;
  for (const t of pointer.split('/').slice(1)) {
    const k = t.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = /** @type {Record<string, unknown>} */ (cur)[k];
  }
  return cur;
}

/** @param {unknown} v */
const show = (v) => (v === undefined ? '—' : JSON.stringify(v));

/** @param {Proposal} p @param {unknown} doc */
function diffTable(p, doc) {
  return table(
    [
      { label: 'Change', cell: (c) => c.op },
      { label: 'Parameter', mono: true, cell: (c) => c.path },
      { label: 'Now', mono: true, cell: (c) => show(at(doc, c.op === 'move' || c.op === 'copy' ? (c.from ?? '') : c.path)) },
      {
        label: 'Proposed',
        mono: true,
        cell: (c) => (c.op === 'remove' ? '(removed)' : show(c.op === 'move' || c.op === 'copy' ? at(doc, c.from ?? '') : c.value)),
      },
    ],
    p.changes,
    { label: 'Proposed changes', id: 'gov-diff' },
  );
}

const WHATIF_ROWS = /** @type {Array<[string, (s: any) => unknown]>} */ ([
  ['Settled count', (s) => s.settled_count],
  ['Settled value (minor units)', (s) => s.settled_value_minor],
  ['Rejections by reason', (s) => s.rejections_by_reason],
  ['Queue time median (ms)', (s) => s.queue_ms.median],
  ['Queue time p99 (ms)', (s) => s.queue_ms.p99],
  ['Liquidity used (minor units)', (s) => s.liquidity_used_minor],
  ['LSM runs', (s) => s.lsm.runs],
  ['LSM releases', (s) => s.lsm.released],
  ['Window savings (minor units)', (s) => s.window_savings_minor],
]);

/** @param {Proposal} p */
function whatIfCard(p) {
  const day = h('input', { id: 'whatif-day', type: 'date', 'aria-label': 'Business day to replay' });
  const out = h('div', { id: 'whatif-out' });
  const run = async () => {
    replace(out, loading('Replaying the day twice…'));
    try {
      /** @type {any} */
      const r = await api(`/v1/scheme/proposals/${p.id}/what-if?day=${encodeURIComponent(/** @type {HTMLInputElement} */ (day).value)}`);
      const rows = WHATIF_ROWS.map(([label, f]) => ({ label, now: show(f(r.current)), proposed: show(f(r.proposed)) }));
      replace(
        out,
        table(
          [
            { label: 'Figure', cell: (x) => x.label },
            { label: `In force (v${r.current.scheme_version})`, mono: true, cell: (x) => x.now },
            { label: `Proposed (${p.id})`, mono: true, cell: (x) => x.proposed },
          ],
          rows,
          { label: 'What-if comparison', id: 'whatif-table' },
        ),
      );
    } catch (err) {
      replace(out, errorBox(err));
    }
  };
  return card('What if', [h('div', { class: 'actions' }, day, h('button', { type: 'button', id: 'whatif-run', onclick: run }, 'Compare')), out]);
}

/** @param {Proposal} p @param {() => Promise<void>} reload */
function answerCard(p, reload) {
  const key = h('textarea', { id: 'sign-key', rows: '4', 'aria-label': 'Your Ed25519 private key (PKCS#8 PEM)', placeholder: '-----BEGIN PRIVATE KEY-----' });
  const reason = h('input', { id: 'answer-reason', 'aria-label': 'Reason (needed to object or reserve)', maxlength: '4000' });
  const msg = h('p', { class: 'msg', role: 'alert', id: 'answer-msg' });
  /** @param {'approve' | 'object' | 'reserve'} answer */
  const act = (answer) => async () => {
    msg.textContent = '';
    const why = /** @type {HTMLInputElement} */ (reason).value.trim();
    if (answer !== 'approve' && why === '') return void (msg.textContent = `A reason is needed to ${answer}.`);
    try {
      const text = answer === 'approve' ? '' : why;
      const signature = await signAct(/** @type {HTMLTextAreaElement} */ (key).value, { act: 'scheme_answer', by: me().name, id: p.id, answer, reason: text });
      await api(`/v1/scheme/proposals/${p.id}/answers`, { method: 'POST', body: { answer, reason: text, signature } });
      announce(`${p.id}: ${answer} recorded`);
      await reload();
    } catch (err) {
      msg.textContent = err instanceof Error ? err.message : String(err);
    }
  };
  return card('Your answer', [
    key,
    reason,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', id: 'answer-approve', onclick: act('approve') }, 'Approve'),
      h('button', { type: 'button', class: 'secondary', id: 'answer-object', onclick: act('object') }, 'Object'),
      h('button', { type: 'button', class: 'secondary', id: 'answer-reserve', onclick: act('reserve') }, 'Reserve'),
    ),
    msg,
  ]);
}

/** @param {string} id @param {unknown} doc @param {HTMLElement} into */
async function showProposal(id, doc, into) {
  /** @type {Proposal} */
  const p = await api(`/v1/scheme/proposals/${id}`);
  const reload = () => showProposal(id, doc, into);
  const answers = table(
    [
      { label: 'Member', cell: (a) => a.member },
      { label: 'Answer', cell: (a) => a.answer },
      { label: 'Reason', cell: (a) => a.reason || '—' },
    ],
    p.answers,
    { empty: 'No answer yet (silence is consent).', label: 'Answers', id: 'gov-answers' },
  );
  const decided = p.version ? ` · version ${p.version} from ${p.effective_at}` : '';
  replace(
    into,
    card(`${p.id}: ${p.title}`, [
      h('p', null, 'State: ', h('span', { id: 'gov-state' }, stateBadge(p.state)), decided, p.outcome ? ` · ${p.outcome}` : ''),
      h('p', { class: 'muted' }, p.rationale),
      h('p', null, `Voters: ${p.voters.join(', ')} · closes ${p.closes_at}`),
      diffTable(p, doc),
      answers,
    ]),
    whatIfCard(p),
    me().role === 'central_bank' && p.state === 'open' ? answerCard(p, reload) : null,
  );
}

/** @returns {View} */
export function viewGovernance() {
  const top = h('div', { class: 'grid' }, loading());
  const detail = h('div', { id: 'gov-detail' });
  const load = async () => {
    try {
      /** @type {any} */
      const scheme = await api('/v1/scheme');
      /** @type {{ proposals: Proposal[] }} */
      const list = await api('/v1/scheme/proposals');
      replace(
        top,
        card('Scheme in force', h('p', { id: 'gov-version' }, `Version ${scheme.version}, adopted ${scheme.adopted_at}`)),
        card(
          'Proposals',
          table(
            [
              {
                label: 'Id',
                cell: (p) =>
                  h('button', { type: 'button', class: 'link', id: `open-${p.id}`, onclick: () => showProposal(p.id, scheme.document, detail) }, p.id),
              },
              { label: 'Title', cell: (p) => p.title },
              { label: 'State', cell: (p) => stateBadge(p.state) },
              { label: 'Closes', cell: (p) => p.closes_at },
            ],
            list.proposals,
            { empty: 'No proposal.', label: 'Proposals', id: 'gov-proposals' },
          ),
          { wide: true },
        ),
      );
    } catch (err) {
      replace(top, errorBox(err, load));
    }
  };
  void load();
  return { title: 'Governance', el: h('div', null, h('h1', null, 'Scheme governance'), top, detail) };
}
