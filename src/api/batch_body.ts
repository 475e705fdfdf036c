// A batch's JSON body read in pieces (issue #18). A 1,000-payment body is ~170 KB:
// decoded whole it is one string above V8's regular object size, a large object of
// its own (fresh pages faulted in, then freed, for every batch), and decoding it
// costs ~25 times what decoding the same bytes in pieces of tens of KB does. A body
// of exactly the form {"payments":[ELEMENTS]} is cut between elements into pieces
// of about BATCH_BODY_LIMITS.piece_bytes, each decoded and parsed as the JSON array
// "[PIECE]" (a piece that does not parse, cut inside a string, grows to the next cut
// a few times); anything else, or a piece that still does not parse as a non-empty
// array, is read the usual way (fastify's own JSON parser on the whole text), so every
// refusal and every answer is the one it was.
//
// Why a cut cannot change the value: the body is the prefix, the pieces joined by
// commas, and the suffix. When every "[PIECE]" is a JSON array of at least one
// element, the pieces joined by commas are a JSON element list whose elements are
// the pieces' in order, so the body is valid JSON and JSON.parse of it gives
// {payments: the pieces' elements}, whatever byte the cut fell on (a comma inside a
// string leaves a piece that does not parse, and the body is read whole). The cut
// bytes are ASCII, so no UTF-8 sequence is split. fastify's protection against
// prototype poisoning tests the text for a "__proto__" or "constructor" key
// (secure-json-parse): a piece that could hold one (the key and its colon hold no
// comma, so a key lies in one piece) sends the body the usual way too.

/** Limits of the piecewise read. */
export const BATCH_BODY_LIMITS = {
  /** Bytes a piece holds at least before it is cut at the next "},{" (well below V8's 128 KB regular object size). */
  piece_bytes: 32 * 1024,
  /** Times a piece that does not parse is grown to the next cut before the body is read whole (bounds the parses a hostile body costs). */
  recuts_max: 4,
} as const;

const PREFIX = Buffer.from('{"payments":[', 'latin1');
const SUFFIX_0 = 0x5d; // ]
const SUFFIX_1 = 0x7d; // }
/** Between two objects of the array: the cut falls on its comma. */
const BETWEEN = Buffer.from('},{', 'latin1');

// secure-json-parse's tests (node_modules/secure-json-parse/index.js), as they are: a piece either may match is not read here.
const SUSPECT_PROTO =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const SUSPECT_CONSTRUCTOR =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

/**
 * JSON.parse(body as UTF-8) for a body {"payments":[...]} of more than one piece, read
 * in pieces (see above); undefined when the body is not of that form, is one piece
 * only, or a piece does not parse or may hold a poisoning key: the caller reads it whole.
 */
export function parseBatchBody(body: Buffer, pieceBytes: number = BATCH_BODY_LIMITS.piece_bytes): { payments: unknown[] } | undefined {
  const n = body.length;
  const end = n - 2;
  // Bodies of one piece gain nothing: read whole, as they were.
  if (end - PREFIX.length <= pieceBytes || body[end] !== SUFFIX_0 || body[end + 1] !== SUFFIX_1) return undefined;
  if (body.compare(PREFIX, 0, PREFIX.length, 0, PREFIX.length) !== 0) return undefined;
  const payments: unknown[] = [];
  let from = PREFIX.length;
  while (from < end) {
    let cut = end - from > pieceBytes ? nextCut(body, from + pieceBytes, end) : end;
    let list = piece(body, from, cut);
    // A cut that fell inside a string (a "},{" in a text): the piece grows to the next cut, a few times at most.
    for (let tries = 0; list === null && cut < end && tries < BATCH_BODY_LIMITS.recuts_max; tries++) {
      cut = nextCut(body, cut + 1, end);
      list = piece(body, from, cut);
    }
    if (list === null || list === 'suspect') return undefined;
    for (let i = 0; i < list.length; i++) payments.push(list[i]);
    from = cut + 1;
  }
  return { payments };
}

/** The comma of the next "},{" at or after `at` wholly among the elements (before `end`); none: `end`, the rest is the last piece. */
function nextCut(body: Buffer, at: number, end: number): number {
  const k = body.indexOf(BETWEEN, at);
  return k >= 0 && k + BETWEEN.length <= end ? k + 1 : end;
}

/** The elements of the piece [from, cut) read as "[PIECE]"; null when that is not a JSON array of at least one element; 'suspect' when it may hold a poisoning key. */
function piece(body: Buffer, from: number, cut: number): unknown[] | null | 'suspect' {
  const text = body.toString('utf8', from, cut);
  if (SUSPECT_PROTO.test(text) || SUSPECT_CONSTRUCTOR.test(text)) return 'suspect';
  let list: unknown;
  try {
    list = JSON.parse(`[${text}]`);
  } catch {
    return null;
  }
  // An empty piece ("[]", or only white space) would make two commas in a row: not JSON.
  return Array.isArray(list) && list.length > 0 ? list : null;
}
