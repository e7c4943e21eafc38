/**
 * Builds collection bodies from items that are already JSON text, so a page is assembled by
 * concatenation rather than re-serializing each item on every request.
 */

/**
 * A `SeekBasedResourceCollection` answer, its body split around its items: `head +
 * items.join(',') + tail`. Lets a page whose items arrive already joined (as bytes) be framed
 * without touching them. `continuationToken` and `links.next` appear only while more pages
 * follow; `totalCount` counts this page's items, as Partner Center's does. `headers` carry the
 * same next link (RFC 8288's `Link`, rel="next", and the token in `MS-ContinuationToken`):
 * headers arrive before the body, so a client reading ahead can ask for the next page before it
 * has read and parsed this one (the SDK's `readAhead`); Partner Center's SDKs ignore them.
 *
 * @example
 * const { head, tail, headers } = seekCollectionEnvelope(1, '/customers/c/users', '/customers/c/users', token);
 * const body = `${head}{"id":"…"}${tail}`; // headers: { Link: '</v1/customers/c/users?seekOperation=Next>; rel="next"', 'MS-ContinuationToken': token }
 */
export function seekCollectionEnvelope(count: number, selfUri: string, collectionPath: string, continuationToken: string | undefined): { head: string; tail: string; headers?: Record<string, string> } {
  // Written out rather than JSON.stringify of a links object: the same text, but the ~300
  // characters of a token are escaped once per page, not twice (every page pays this).
  const self = `{"self":{"uri":${JSON.stringify(selfUri)},"method":"GET","headers":[]}`;
  const tail = (links: string) => `],"links":${links},"attributes":{"objectType":"Collection"}}`;
  if (!continuationToken) return { head: `{"totalCount":${count},"items":[`, tail: tail(`${self}}`) };
  const token = JSON.stringify(continuationToken);
  const nextUri = `${collectionPath}?seekOperation=Next`;
  return {
    head: `{"continuationToken":${token},"totalCount":${count},"items":[`,
    tail: tail(`${self},"next":{"uri":${JSON.stringify(nextUri)},"method":"GET","headers":[{"key":"MS-ContinuationToken","value":${token}}]}}`),
    headers: { Link: `</v1${nextUri}>; rel="next"`, 'MS-ContinuationToken': continuationToken },
  };
}

/**
 * JSON text in pieces that join with commas, each piece's characters being the bytes of its UTF-8
 * text (PostgreSQL's page rows read as Latin-1: see store/postgres/latin1-rows-client.ts). Framed
 * as they are, each byte is copied once, into the body.
 */
export interface Latin1Pieces {
  readonly latin1: readonly string[];
}

/**
 * A page's body as UTF-8 bytes: its envelope around items that are already JSON, either joined
 * bytes, text pieces that join with commas, or such pieces as bytes ({@link Latin1Pieces}). The
 * pieces are written straight into one buffer: joined as a string first, a page of hundreds of
 * users would become a string too large for V8's young generation, which costs a fresh mapping of
 * memory per page.
 *
 * @example
 * const { head, tail } = seekCollectionEnvelope(2, selfUri, path, undefined);
 * framedItems(head, ['{"id":"a"}', '{"id":"b"}'], tail).toString(); // head + '{"id":"a"},{"id":"b"}' + tail
 */
export function framedItems(head: string, items: Buffer | readonly string[] | Latin1Pieces, tail: string): Buffer {
  if (Buffer.isBuffer(items)) return Buffer.concat([Buffer.from(head), items, Buffer.from(tail)]);
  const [pieces, encoding] = isLatin1Pieces(items) ? [items.latin1, 'latin1' as const] : [items, 'utf8' as const];
  let length = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, pieces.length - 1);
  for (const piece of pieces) length += encoding === 'latin1' ? piece.length : Buffer.byteLength(piece);
  const body = Buffer.allocUnsafe(length);
  let at = body.write(head);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) body[at++] = 0x2c; // ','
    at += body.write(pieces[i], at, encoding);
  }
  body.write(tail, at);
  return body;
}

/** Whether `items` are {@link Latin1Pieces}. */
export function isLatin1Pieces(items: Buffer | readonly string[] | Latin1Pieces): items is Latin1Pieces {
  return !Buffer.isBuffer(items) && !Array.isArray(items);
}

/**
 * A `SeekBasedResourceCollection` answer from items that are JSON text: its body and the next
 * page's headers ({@link seekCollectionEnvelope}).
 *
 * @example
 * const { body, headers } = seekCollection(['{"id":"…"}'], '/customers/c/users', '/customers/c/users', undefined);
 */
export function seekCollection(itemsJson: readonly string[], selfUri: string, collectionPath: string, continuationToken: string | undefined): { body: string; headers?: Record<string, string> } {
  const { head, tail, headers } = seekCollectionEnvelope(itemsJson.length, selfUri, collectionPath, continuationToken);
  return { body: head + itemsJson.join(',') + tail, headers };
}

/** A plain `Collection` body (no paging), as licences, SKUs and directory roles use. */
export function collectionJson(itemsJson: readonly string[], selfUri?: string): string {
  const links = selfUri ? `"links":${JSON.stringify({ self: { uri: selfUri, method: 'GET', headers: [] } })},` : '';
  return `{"totalCount":${itemsJson.length},"items":[${itemsJson.join(',')}],${links}"attributes":{"objectType":"Collection"}}`;
}
