// What a participant's registered name and country may be (rules version 3): the
// country an assigned ISO 3166-1 alpha-2 code; the name at most 140 characters in
// Unicode NFC, with no control characters, no bidirectional controls (U+202E and
// its kin can make "Bank A" display as another name on every screen that shows
// it) and at least one visible character (not only spaces or zero-width ones).
// Pure: the platform applies it to register_participant under rules 3, and the
// API and the CLI check requests with it before they become commands.

import { PlatformError } from './errors.js';

/** ISO 3166-1 alpha-2, officially assigned codes (249; user-assigned ones such as XK and ZZ are not). */
// biome-ignore format: a data table laid out by hand
const ISO3166_ALPHA2: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO ' +
    'CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR ' +
    'HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN ' +
    'MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD ' +
    'SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
    'YT ZA ZM ZW'
  ).split(' '),
);

/** Longest registered name, in characters (code points). */
export const PARTICIPANT_NAME_MAX = 140;

/** Control characters (C0, DEL, C1), tabs and line breaks included: a name is one line of text. */
const CONTROL = /\p{Cc}/u;
/** Bidirectional controls: marks, embeddings, overrides and isolates (Unicode TR 9). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** What shows nothing: white space, format characters (zero-width space, joiners, BOM, soft hyphen …) and fillers. */
const INVISIBLE = /[\p{White_Space}\p{Cf}\u115f\u1160\u2800\u3164\uffa0]/gu;

/** Whether `code` is an assigned ISO 3166-1 alpha-2 country code. */
export function isAssignedCountry(code: string): boolean {
  return ISO3166_ALPHA2.has(code);
}

/** Why `country` cannot be a participant's country, or null. */
export function countryProblem(country: string): string | null {
  if (isAssignedCountry(country)) return null;
  return `${JSON.stringify(country.slice(0, 8))} is not an assigned ISO 3166-1 alpha-2 country code`;
}

/** Why `name` cannot be a participant's registered name, or null. */
export function participantNameProblem(name: string): string | null {
  const n = [...name].length;
  if (n === 0) return 'must not be empty';
  if (n > PARTICIPANT_NAME_MAX) return `${n} characters; at most ${PARTICIPANT_NAME_MAX}`;
  if (CONTROL.test(name)) return 'control characters (tabs and line breaks too) are not allowed';
  if (BIDI.test(name)) return 'bidirectional control characters (such as U+202E RIGHT-TO-LEFT OVERRIDE) are not allowed';
  if (name.replace(INVISIBLE, '').length === 0) return 'must contain a visible character, not only spaces or zero-width characters';
  if (name.normalize('NFC') !== name) return 'must be in Unicode normalisation form C (NFC)';
  return null;
}

/**
 * Both rules, as the refusal the platform makes: invalid_field on `country` or
 * `name`. A shell that names its inputs otherwise (the CLI's "--name") passes
 * `label`, and the message starts with the input's name under it.
 */
export function checkParticipantIdentity(name: string, country: string, label?: (field: string) => string): void {
  const refuse = (field: string, problem: string): never => {
    throw new PlatformError('invalid_field', field, label === undefined ? problem : `${label(field)}: ${problem}`);
  };
  const c = countryProblem(country);
  if (c !== null) refuse('country', c);
  const n = participantNameProblem(name);
  if (n !== null) refuse('name', n);
}
