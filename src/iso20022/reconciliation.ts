// Reconciliation per central bank and day: the central bank's mirror account on
// the platform (its issuing account: its debit balance is what it has issued)
// against everything the platform holds in its currency, and — when the central
// bank gives it — against the mirror balance in its home RTGS. Each difference
// has a name; a report reconciles when the ones that must be zero are.
//
//   movement          opening issued + funded in − defunded out + other movements − closing issued (must be 0)
//   ledger            closing issued − the sum of every other account in the currency (must be 0)
//   home              the home RTGS's mirror balance − closing issued (must be 0; only when given)
//   held elsewhere    closing issued − the settlement accounts, by kind of account
//                     (intraday credit drawn, LSM transit, DNS settlement, FX residue,
//                     swap interest): named, not errors
//
// The day is a business day in the currency's home zone by default (local
// midnight to local midnight in its calendar's zone, or its central bank's
// capital: Platform.localDayBounds), or the UTC date (`day: 'utc'`), as the
// camt.053 statements have it. Output: the JSON report, a CSV summary of it, and
// the camt.053 of the mirror account for the UTC date (./reports.ts).

import type { Platform } from '../platform/platform.js';
import { ACCOUNT_KIND, accountOwner, formatScaled, memberCurrency, TRANSFER_CODE } from '../platform/reference.js';
import { isoDateTime, uetrOfBits } from './mapping.js';
import { buildMessage } from './messages/index.js';
import { balanceAt, postedAmount, ReportError, statementXml } from './reports.js';

export interface ReconciliationDifference {
  name: string;
  amount_minor: bigint;
  /** Whether it must be zero for the report to reconcile. */
  must_be_zero: boolean;
}

export interface ReconciliationReport {
  central_bank: string;
  currency: string;
  date: string;
  /** The zone the day is read in ('UTC' for a UTC day) and its first and last instants. */
  time_zone: string;
  from: string;
  to: string;
  mirror_account_id: bigint;
  opening_issued_minor: bigint;
  closing_issued_minor: bigint;
  funded_in: { count: number; amount_minor: bigint };
  defunded_out: { count: number; amount_minor: bigint };
  other_movements_minor: bigint;
  settlement_accounts_minor: bigint;
  home_mirror_minor: bigint | null;
  differences: ReconciliationDifference[];
  reconciled: boolean;
}

const NS_PER_DAY = 86_400_000_000_000n;

/** Which day a date means: the local day in the currency's home zone, or the UTC date. */
export type ReconciliationDay = 'home' | 'utc';
const KIND_NAMES = new Map<number, string>(Object.entries(ACCOUNT_KIND).map(([k, v]) => [v, k]));

function bounds(platform: Platform, currency: string, date: string, day: ReconciliationDay): { time_zone: string; start: bigint; end: bigint } {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new ReportError('invalid_date', 'date', `${JSON.stringify(date)} is not a date (YYYY-MM-DD)`);
  if (day === 'home') {
    const b = platform.localDayBounds(currency, date)!;
    return { time_zone: b.time_zone, start: b.start_ns, end: b.end_ns };
  }
  const start = BigInt(ms) * 1_000_000n;
  return { time_zone: 'UTC', start, end: start + NS_PER_DAY - 1n };
}

function iso(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** The mirror account's bookings of the day: fundings, defundings, and the rest (signed: + issues more). */
async function mirrorMovements(
  platform: Platform,
  id: bigint,
  start: bigint,
  end: bigint,
): Promise<Pick<ReconciliationReport, 'funded_in' | 'defunded_out' | 'other_movements_minor'>> {
  const out = { funded_in: { count: 0, amount_minor: 0n }, defunded_out: { count: 0, amount_minor: 0n }, other_movements_minor: 0n };
  for (const t of await platform.accountTransfers(id, start, end)) {
    const amount = postedAmount(t);
    if (amount === 0n) continue;
    if (t.code === TRANSFER_CODE.funding && t.debit_account_id === id) {
      out.funded_in.count++;
      out.funded_in.amount_minor += amount;
    } else if (t.code === TRANSFER_CODE.defunding && t.credit_account_id === id) {
      out.defunded_out.count++;
      out.defunded_out.amount_minor += amount;
    } else out.other_movements_minor += t.debit_account_id === id ? amount : -amount;
  }
  return out;
}

/** The reconciliation of `centralBank`'s currency on `date`; `home_mirror_minor` is the mirror balance its home RTGS reports, if given. */
export async function reconciliation(
  platform: Platform,
  centralBank: string,
  date: string,
  home_mirror_minor: bigint | null = null,
  day: ReconciliationDay = 'home',
): Promise<ReconciliationReport> {
  const cb = platform.participant(centralBank);
  if (cb === undefined || cb.issues === null) throw new ReportError('not_found', 'central_bank', `${centralBank} is not a central bank on the platform`);
  const currency = cb.issues;
  const { time_zone, start, end } = bounds(platform, currency, date, day);
  const mirror = platform.balance(cb, currency).account_id;
  const opening = -(await balanceAt(platform, mirror, start - 1n));
  const closing = -(await balanceAt(platform, mirror, end));
  const moves = await mirrorMovements(platform, mirror, start, end);
  const movement = opening + moves.funded_in.amount_minor - moves.defunded_out.amount_minor + moves.other_movements_minor - closing;
  const byKind = new Map<number, bigint>();
  for (const a of platform.ledgerAccountsOf(currency)) {
    if (a.id === mirror) continue;
    byKind.set(a.kind, (byKind.get(a.kind) ?? 0n) + (await balanceAt(platform, a.id, end)));
  }
  let held = 0n;
  for (const v of byKind.values()) held += v;
  const settlement = byKind.get(ACCOUNT_KIND.settlement) ?? 0n;
  const differences: ReconciliationDifference[] = [
    { name: 'movement: opening + funded in - defunded out + other movements - closing', amount_minor: movement, must_be_zero: true },
    { name: 'ledger: mirror account - every other account in the currency', amount_minor: closing - held, must_be_zero: true },
  ];
  if (home_mirror_minor !== null)
    differences.push({ name: 'home: home RTGS mirror balance - platform mirror account', amount_minor: home_mirror_minor - closing, must_be_zero: true });
  for (const [kind, v] of [...byKind].sort(([a], [b]) => a - b))
    if (kind !== ACCOUNT_KIND.settlement && v !== 0n)
      differences.push({ name: `held elsewhere: ${KIND_NAMES.get(kind) ?? `kind ${kind}`}`, amount_minor: v, must_be_zero: false });
  return {
    central_bank: cb.id,
    currency,
    date,
    time_zone,
    from: iso(start),
    to: iso(end),
    mirror_account_id: mirror,
    opening_issued_minor: opening,
    closing_issued_minor: closing,
    ...moves,
    settlement_accounts_minor: settlement,
    home_mirror_minor,
    differences,
    reconciled: differences.every((d) => !d.must_be_zero || d.amount_minor === 0n),
  };
}

/** The report as CSV: one line per figure, then one per difference. */
export function reconciliationCsv(r: ReconciliationReport): string {
  const lines = ['item,amount_minor,count,must_be_zero'];
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  lines.push(`opening_issued,${r.opening_issued_minor},,`);
  lines.push(`funded_in,${r.funded_in.amount_minor},${r.funded_in.count},`);
  lines.push(`defunded_out,${r.defunded_out.amount_minor},${r.defunded_out.count},`);
  lines.push(`other_movements,${r.other_movements_minor},,`);
  lines.push(`closing_issued,${r.closing_issued_minor},,`);
  lines.push(`settlement_accounts,${r.settlement_accounts_minor},,`);
  if (r.home_mirror_minor !== null) lines.push(`home_mirror,${r.home_mirror_minor},,`);
  for (const d of r.differences) lines.push(`${q(d.name)},${d.amount_minor},,${d.must_be_zero}`);
  return lines.join('\n') + '\n';
}

/** The camt.053 of the central bank's mirror account for the day. */
export function mirrorStatementXml(platform: Platform, centralBank: string, date: string): Promise<string> {
  const cb = platform.participant(centralBank);
  if (cb === undefined || cb.issues === null) throw new ReportError('not_found', 'central_bank', `${centralBank} is not a central bank on the platform`);
  return statementXml(platform, cb.id, cb.issues, date);
}

/** A UETR for a defunding (it has none of its own): the transfer id's 128 bits, with the UUID v4 version and variant bits set — stable for the transfer. */
function defundingUetr(transfer_id: bigint): string {
  const VERSION = 0xfn << 76n;
  const VARIANT = 0x3n << 62n;
  return uetrOfBits((((transfer_id & ~VERSION) | (0x4n << 76n)) & ~VARIANT) | (0x2n << 62n));
}

/**
 * The day's defundings of `centralBank`'s currency as one pacs.009 to its home
 * RTGS: each moved a bank's settlement money back to the mirror account on the
 * platform, so the home RTGS debits the platform's mirror there (Dbtr: the
 * central bank) and credits the bank (Cdtr), settled on the instructed central
 * bank's books (INDA). The day as `reconciliation` reads it; ReportError
 * not_found when there was no defunding.
 */
export async function defundingPacs009(platform: Platform, centralBank: string, date: string, day: ReconciliationDay = 'home'): Promise<string> {
  const cb = platform.participant(centralBank);
  if (cb === undefined || cb.issues === null) throw new ReportError('not_found', 'central_bank', `${centralBank} is not a central bank on the platform`);
  const currency = cb.issues;
  const units = memberCurrency(currency).minor_units;
  const { start, end } = bounds(platform, currency, date, day);
  const mirror = platform.balance(cb, currency).account_id;
  const txs = [];
  let total = 0n;
  for (const t of await platform.accountTransfers(mirror, start, end)) {
    const amount = postedAmount(t);
    if (t.code !== TRANSFER_CODE.defunding || t.credit_account_id !== mirror || amount === 0n) continue;
    const bank = platform.participantByNo(accountOwner(t.debit_account_id).participant_no);
    if (bank === undefined) continue;
    const id = `DEFUND-${t.id.toString(16).toUpperCase()}`.slice(0, 35);
    total += amount;
    txs.push({
      instruction_id: id,
      end_to_end_id: id,
      uetr: defundingUetr(t.id),
      interbank_settlement_amount: { currency, value: formatScaled(amount, units) },
      interbank_settlement_date: isoDateTime(t.timestamp).slice(0, 10),
      debtor: { bic: cb.id },
      creditor: { bic: bank.id },
    });
  }
  if (txs.length === 0) throw new ReportError('not_found', 'date', `no ${currency} defunding on ${date}`);
  return buildMessage({
    message_type: 'pacs.009.001.08',
    document: {
      group_header: {
        message_id: `DEFUND-${currency}-${date.replace(/-/g, '')}`,
        creation_date_time: isoDateTime(platform.now()),
        settlement_method: 'INDA',
        total_interbank_settlement_amount: { currency, value: formatScaled(total, units) },
        instructed_agent: { bic: cb.id },
      },
      transactions: txs,
    },
  });
}
