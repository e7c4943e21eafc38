/**
 * Parses a large JSON answer (a page of hundreds of users) from its bytes without first making it
 * one string. V8 gives every string over 128 KB its own freshly mapped memory, and on machines
 * where touching fresh memory is slow, decoding a 220 KB page that way cost the CLI more than
 * parsing it. Here the top-level object is walked on its bytes: each member is parsed from its
 * own slice, and an array member in groups of elements of {@link groupBytes}, so every string
 * made stays small. Anything unexpected falls back to parsing the whole text, so the result
 * (and any SyntaxError) is always JSON.parse's.
 */

/** Below this many bytes a body is parsed whole: the pieces would buy nothing. */
export const largeJsonBytes = 96 * 1024;

/** An array member is parsed in groups of elements of about this many bytes. */
const groupBytes = 32 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** Thrown inside the walk when the bytes are not the shape it handles; the caller parses whole. */
class NotInPieces extends Error {}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** The index just past the string that starts at `i` (a `"`). */
function endOfString(b: Buffer, i: number): number {
  for (i++; i < b.length; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  throw new NotInPieces();
}

/**
 * From `i`, the index of the first `,` or closing bracket that is not inside a string or a nested
 * value: the end of the value (or element) that starts at `i`.
 */
function endOfValue(b: Buffer, i: number): number {
  let depth = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) i = endOfString(b, i) - 1;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 0) return i;
      depth--;
    } else if (c === COMMA && depth === 0) return i;
  }
  throw new NotInPieces();
}

/** Where one object element of a compact array ends and the next begins. */
const OBJECT_BOUNDARY = Buffer.from('},{');
/** Where an array whose last element is an object closes. */
const OBJECT_ARRAY_END = Buffer.from('}]');

/**
 * The elements between `start` and `end` as an array, or undefined when they are not a
 * comma-separated list of whole values (the cut fell inside a string or a nested value).
 */
function elementsBetween(b: Buffer, start: number, end: number): unknown[] | undefined {
  try {
    return JSON.parse(`[${b.toString('utf8', start, end)}]`) as unknown[];
  } catch {
    return undefined;
  }
}

/** How many `}]` the last group tries as the array's end before walking it. */
const endCandidates = 4;

/**
 * The array's last group, from `start` (an element's start) to the first `}]` whose text before
 * the `]` parses as a list of values: that `]` then closes the array, outside any string or nested
 * value. Undefined when none of the first few does (the group is walked instead).
 */
function lastGroup(b: Buffer, start: number): { values: unknown[]; end: number } | undefined {
  for (let tries = 0, from = start; tries < endCandidates; tries++) {
    const candidate = b.indexOf(OBJECT_ARRAY_END, from);
    if (candidate === -1) return undefined;
    const values = elementsBetween(b, start, candidate + 1);
    if (values) return { values, end: candidate + 2 };
    from = candidate + 1;
  }
  return undefined;
}

/**
 * Parses the array that starts at `i` (a `[`) in groups of elements; returns it and the index past
 * it. A group ends at the first `},{` past {@link groupBytes}, found natively: walking every byte
 * in JavaScript cost more than parsing them. A cut that JSON.parse accepts is an element boundary
 * (text that ends inside a string or a nested value does not parse as a list), so a refused one,
 * and the array's last group, are walked element by element instead.
 */
function arrayInGroups(b: Buffer, i: number): [unknown[], number] {
  const out: unknown[] = [];
  let groupStart = i + 1;
  let elements = 0;
  for (;;) {
    const boundary = groupStart + groupBytes < b.length ? b.indexOf(OBJECT_BOUNDARY, groupStart + groupBytes) : -1;
    const group = boundary === -1 ? undefined : elementsBetween(b, groupStart, boundary + 1);
    if (group) {
      for (const v of group) out.push(v);
      elements += group.length;
      groupStart = boundary + 2;
      continue;
    }
    if (boundary === -1) {
      const last = lastGroup(b, groupStart);
      if (last) {
        for (const v of last.values) out.push(v);
        return [out, last.end];
      }
    }
    for (let at = groupStart; ; ) {
      const end = endOfValue(b, at);
      const closing = b[end] === CLOSE_ARRAY;
      if (b[end] !== COMMA && !closing) throw new NotInPieces();
      const empty = skipSpace(b, at) === end;
      // `[]` is the only place an element may be empty; `[1,]` and `[,1]` are JSON.parse's to reject.
      if (empty && !(closing && elements === 0)) throw new NotInPieces();
      if (!empty) elements++;
      if (closing || end + 1 - groupStart >= groupBytes) {
        if (!empty) for (const v of JSON.parse(`[${b.toString('utf8', groupStart, end)}]`) as unknown[]) out.push(v);
        if (closing) return [out, end + 1];
        groupStart = end + 1;
        break;
      }
      at = end + 1;
    }
  }
}

/** The object that starts at `i` (a `{`), its members parsed one by one; the index past it. */
function objectInPieces(b: Buffer, i: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  i = skipSpace(b, i + 1);
  if (b[i] === CLOSE_OBJECT) return [out, i + 1];
  for (;;) {
    if (b[i] !== QUOTE) throw new NotInPieces();
    const keyEnd = endOfString(b, i);
    const key = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(b, keyEnd);
    if (b[i] !== COLON) throw new NotInPieces();
    i = skipSpace(b, i + 1);
    let value: unknown;
    if (b[i] === OPEN_ARRAY) [value, i] = arrayInGroups(b, i);
    else {
      const end = endOfValue(b, i);
      value = JSON.parse(b.toString('utf8', i, end));
      i = end;
    }
    // A key from the answer is data: defined as an own property, as JSON.parse does ("__proto__" too).
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    i = skipSpace(b, i);
    if (b[i] === CLOSE_OBJECT) return [out, i + 1];
    if (b[i] !== COMMA) throw new NotInPieces();
    i = skipSpace(b, i + 1);
  }
}

/**
 * The JSON value of a UTF-8 body (a leading byte order mark is skipped), as JSON.parse would
 * give it; a large object is parsed in pieces so that no string of the whole body is made.
 *
 * @example
 * parseJsonBytes(Buffer.from('{"totalCount":1,"items":[{"id":"a"}]}')); // { totalCount: 1, items: [{ id: 'a' }] }
 */
export function parseJsonBytes(body: Buffer): unknown {
  const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  if (body.length >= largeJsonBytes) {
    const value = objectParsedInPieces(body, start);
    if (value !== undefined) return value;
  }
  return JSON.parse(body.toString('utf8', start));
}

/**
 * The object whose JSON starts at `start` (after any spaces), parsed in pieces; undefined when the
 * bytes are not one well-formed object.
 *
 * @example
 * objectParsedInPieces(Buffer.from('{"items":[1,2]}'), 0); // { items: [1, 2] }
 */
export function objectParsedInPieces(body: Buffer, start: number): Record<string, unknown> | undefined {
  const i = skipSpace(body, start);
  if (body[i] !== OPEN_OBJECT) return undefined;
  try {
    const [value, end] = objectInPieces(body, i);
    return skipSpace(body, end) === body.length ? value : undefined;
  } catch (e) {
    if (e instanceof NotInPieces || e instanceof SyntaxError) return undefined;
    throw e;
  }
}
