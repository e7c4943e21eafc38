import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { largeJsonBytes, objectParsedInPieces, parseJsonBytes } from './json-in-pieces.js';

/** Text that JSON has to escape or that looks like structure inside a string. */
const awkward = ['"', '\\', '\\"', '},{', '}]', '],[', '{"id":"x"}', '\u0000', '\n', 'émile 日本 ✓', '😀', '\u2028'];

/** A user as a page of Partner Center's answer lists it, with `name` as its display name. */
const user = (i: number, name: string) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  displayName: name,
  userPrincipalName: `user${i}@contoso.onmicrosoft.com`,
  state: 'active',
  links: { self: { uri: `/customers/c/users/${i}`, method: 'GET', headers: [] } },
  attributes: { objectType: 'CustomerUser' },
});

/** A page of `count` users as the server frames it, large enough to be parsed in pieces. */
const page = (count: number, name: (i: number) => string) => ({
  continuationToken: 'token',
  totalCount: count,
  items: Array.from({ length: count }, (_, i) => user(i, name(i))),
  links: { self: { uri: '/customers/c/users', method: 'GET', headers: [] }, next: { uri: '/customers/c/users?seekOperation=Next', method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: 'token' }] } },
  attributes: { objectType: 'Collection' },
});

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** What JSON.parse does with the same bytes: its value, or the name of what it throws. */
function parsedWhole(body: Buffer): unknown {
  try {
    return { value: JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) };
  } catch (e) {
    return { threw: (e as Error).name };
  }
}

function parsedInPieces(body: Buffer): unknown {
  try {
    return { value: parseJsonBytes(body) };
  } catch (e) {
    return { threw: (e as Error).name };
  }
}

describe('parsing a JSON answer from its bytes', () => {
  test('a large page parses to exactly what JSON.parse gives, awkward strings included', () => {
    const body = bytes(JSON.stringify(page(1200, (i) => `User ${awkward[i % awkward.length]} ${i}`)));
    assert.ok(body.length > 3 * largeJsonBytes, 'large enough to be split into several groups');
    assert.deepEqual(parseJsonBytes(body), JSON.parse(body.toString()));
    assert.deepEqual(objectParsedInPieces(body, 0), JSON.parse(body.toString()), 'parsed in pieces, not by the fallback');
  });

  test('a group boundary or array end that falls inside a string is refused, and the page still parses in pieces', () => {
    // Every name holds both markers the fast cuts look for, so the first candidates are all inside strings.
    for (const name of [(i: number) => `A },{"id":"x"}] ${i}`, (i: number) => (i % 50 === 0 ? `B }] ${i}` : `C ${i}`)]) {
      const body = bytes(JSON.stringify(page(1500, name)));
      assert.deepEqual(objectParsedInPieces(body, 0), JSON.parse(body.toString()));
    }
  });

  test('whitespace anywhere between tokens and a leading byte order mark change nothing', () => {
    const value = page(400, (i) => `Name ${i}`);
    for (const text of [JSON.stringify(value, null, 2), `\uFEFF ${JSON.stringify(value, null, '\t')}\r\n`]) {
      assert.deepEqual(parseJsonBytes(bytes(text)), value);
      assert.deepEqual(objectParsedInPieces(bytes(text), text.startsWith('\uFEFF') ? 3 : 0), value, 'parsed in pieces');
    }
  });

  test('a member named __proto__ is an own property, as JSON.parse makes it, and the prototype stays', () => {
    const text = `{"__proto__":{"polluted":true},"items":[${Array.from({ length: 400 }, (_, i) => JSON.stringify(user(i, 'x'))).join(',')}]}`;
    const parsed = parseJsonBytes(bytes(text)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(parsed, JSON.parse(text));
    assert.notEqual(objectParsedInPieces(bytes(text), 0), undefined, 'parsed in pieces');
  });

  test('a large body that is not JSON throws the SyntaxError JSON.parse throws', () => {
    const good = JSON.stringify(page(400, (i) => `N${i}`));
    const broken = [
      good.replace('}],"links"', '},],"links"'), // a trailing comma in the items
      good.replace('},{', '}{'), // a missing comma between items
      good.replace('"items":[', '"items":[,'), // an empty first element
      `${good}x`, // something after the value
      good.slice(0, -40), // cut off
      good.replace('"totalCount":', '"totalCount" '), // no colon
    ];
    for (const text of broken) assert.deepEqual(parsedInPieces(bytes(text)), { threw: 'SyntaxError' }, text.slice(-60));
  });

  test('empty arrays, nested arrays and top-level values other than an object parse as JSON.parse parses them', () => {
    const filler = 'y'.repeat(largeJsonBytes);
    for (const value of [{ items: [], filler }, { items: [[1, [2]], [], { a: [] }], filler }, [filler, { a: 1 }], filler, { a: { b: [filler] } }]) {
      assert.deepEqual(parseJsonBytes(bytes(JSON.stringify(value))), value);
    }
  });

  test('any JSON value, spaced any way and large or not, parses to what JSON.parse gives', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...awkward));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), text, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 40 }),
      object: fc.dictionary(text, tie('value'), { maxKeys: 8 }),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 3 }), fc.boolean(), (value, indent, large) => {
        const body = large ? { head: 'x'.repeat(largeJsonBytes), value, tail: [value, value] } : value;
        const encoded = bytes(JSON.stringify(body, null, indent));
        assert.deepEqual(parsedInPieces(encoded), parsedWhole(encoded));
      }),
      { numRuns: 300 },
    );
  });

  test('any cut or damage to a large page throws or parses exactly as JSON.parse does', () => {
    const text = JSON.stringify(page(300, (i) => `U ${awkward[i % awkward.length]}`));
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.constantFrom('', ',', '}', ']', '"', '{', '[', ' ', '\\'), fc.nat(2), (at, insert, remove) => {
        const damaged = bytes(text.slice(0, at) + insert + text.slice(at + remove));
        assert.deepEqual(parsedInPieces(damaged), parsedWhole(damaged));
      }),
      { numRuns: 400 },
    );
  });
});
