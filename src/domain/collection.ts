/**
 * Builds collection bodies from items that are already JSON text, so a page is assembled by
 * concatenation rather than re-serializing each item on every request.
 */

/** `links.next` of a seek collection: the collection path with seekOperation=Next and the token header. */
export function nextLink(collectionPath: string, token: string) {
  return { uri: `${collectionPath}?seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: token }] };
}

/**
 * The next page's link as response headers, beside the same link in the body: RFC 8288's `Link`
 * (rel="next") and the token in `MS-ContinuationToken`, as the request for the next page carries
 * it. Headers arrive before the body, so a client reading ahead can ask for the next page before
 * it has read and parsed this one (the SDK's `readAhead`); Partner Center's SDKs ignore them.
 *
 * @example
 * nextPageHeaders('/customers/c/users', token); // { Link: '</v1/customers/c/users?seekOperation=Next>; rel="next"', 'MS-ContinuationToken': token }
 */
export function nextPageHeaders(collectionPath: string, continuationToken: string | undefined): Record<string, string> | undefined {
  if (!continuationToken) return undefined;
  return { Link: `</v1${nextLink(collectionPath, continuationToken).uri}>; rel="next"`, 'MS-ContinuationToken': continuationToken };
}

/**
 * A `SeekBasedResourceCollection` body, split around its items: `head + items.join(',') + tail`.
 * Lets a page whose items arrive already joined (as bytes) be framed without touching them.
 * `continuationToken` and `links.next` appear only while more pages follow; `totalCount`
 * counts this page's items, as Partner Center's does.
 *
 * @example
 * const { head, tail } = seekCollectionEnvelope(1, '/customers/c/users', '/customers/c/users', undefined);
 * const body = `${head}{"id":"…"}${tail}`;
 */
export function seekCollectionEnvelope(count: number, selfUri: string, collectionPath: string, continuationToken: string | undefined): { head: string; tail: string } {
  const links: Record<string, unknown> = { self: { uri: selfUri, method: 'GET', headers: [] } };
  let head = '{';
  if (continuationToken) {
    links.next = nextLink(collectionPath, continuationToken);
    head += `"continuationToken":${JSON.stringify(continuationToken)},`;
  }
  return { head: `${head}"totalCount":${count},"items":[`, tail: `],"links":${JSON.stringify(links)},"attributes":{"objectType":"Collection"}}` };
}

/**
 * A `SeekBasedResourceCollection` body from items that are JSON text.
 *
 * @example
 * seekCollectionJson(['{"id":"…"}'], '/customers/c/users', '/customers/c/users', undefined);
 */
export function seekCollectionJson(itemsJson: readonly string[], selfUri: string, collectionPath: string, continuationToken: string | undefined): string {
  const { head, tail } = seekCollectionEnvelope(itemsJson.length, selfUri, collectionPath, continuationToken);
  return head + itemsJson.join(',') + tail;
}

/** A plain `Collection` body (no paging), as licences, SKUs and directory roles use. */
export function collectionJson(itemsJson: readonly string[], selfUri?: string): string {
  const links = selfUri ? `"links":${JSON.stringify({ self: { uri: selfUri, method: 'GET', headers: [] } })},` : '';
  return `{"totalCount":${itemsJson.length},"items":[${itemsJson.join(',')}],${links}"attributes":{"objectType":"Collection"}}`;
}
