import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framedItems, seekCollection, seekCollectionEnvelope } from './collection.js';

/** The envelope as JSON.stringify writes it from objects: what the written-out text must equal. */
function stringified(items: unknown[], selfUri: string, collectionPath: string, token: string | undefined): string {
  const links: Record<string, unknown> = { self: { uri: selfUri, method: 'GET', headers: [] } };
  if (token) links.next = { uri: `${collectionPath}?seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: token }] };
  return JSON.stringify({ ...(token ? { continuationToken: token } : {}), totalCount: items.length, items, links, attributes: { objectType: 'Collection' } });
}

describe('a seek collection envelope', () => {
  const selfUris = ['/customers/c/users', '/customers/c/users?filter={"Field":"DisplayName","Value":"a\\"b"}', '/customers/c/users?x=\u2028\u00e9\ud83d\ude00\u0001</script>'];
  const tokens = [undefined, 'eyJ2IjoxfQ.abc_-', 'odd "token" \\ with\nbreaks and \u00e9'];
  const pages = [[], [{ id: 'a' }], [{ id: 'a' }, { id: 'b', displayName: 'Zoë "Z"' }]];

  it('is the same text JSON.stringify makes of the collection, whatever the self URI and token hold', () => {
    for (const selfUri of selfUris)
      for (const token of tokens)
        for (const items of pages) {
          const { head, tail } = seekCollectionEnvelope(items.length, selfUri, '/customers/c/users', token);
          const expected = stringified(items, selfUri, '/customers/c/users', token);
          assert.equal(head + items.map((i) => JSON.stringify(i)).join(',') + tail, expected);
          assert.equal(framedItems(head, Buffer.from(items.map((i) => JSON.stringify(i)).join(',')), tail).toString(), expected);
          assert.equal(seekCollection(items.map((i) => JSON.stringify(i)), selfUri, '/customers/c/users', token).body, expected);
        }
  });

  it('names the next page in its headers only while one follows', () => {
    assert.equal(seekCollectionEnvelope(0, '/customers/c/users', '/customers/c/users', undefined).headers, undefined);
    assert.deepEqual(seekCollectionEnvelope(1, '/customers/c/users', '/customers/c/users', 'tok.mac').headers, {
      Link: '</v1/customers/c/users?seekOperation=Next>; rel="next"',
      'MS-ContinuationToken': 'tok.mac',
    });
  });
});
