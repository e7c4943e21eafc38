import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { framedItems, seekCollectionEnvelope } from './collection.js';
import { decodeContinuationToken, encodeContinuationToken, parsePageSize } from './continuation-token.js';
import { generateTemporaryPassword, passwordPolicyViolation } from './password-policy.js';
import { parseUserListQuery } from './user-list-query.js';
import { validateNewUser } from './user.js';

describe('continuation tokens', () => {
  const secret = randomBytes(32);
  const state = { scope: 'users:c1', query: { state: 'active' }, size: 100, after: { key: 'ada', id: 'x' } };

  it('round-trip the query and position', () => {
    const token = encodeContinuationToken(secret, state);
    assert.deepEqual({ ...decodeContinuationToken(secret, token, 'users:c1') }, { v: 1, ...state });
  });

  it('are refused when edited, when signed with another secret, or when used for another collection', () => {
    const token = encodeContinuationToken(secret, state);
    const flipped = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    assert.throws(() => decodeContinuationToken(secret, flipped, 'users:c1'), { code: 800002 });
    assert.throws(() => decodeContinuationToken(randomBytes(32), token, 'users:c1'), { code: 800002 });
    assert.throws(() => decodeContinuationToken(secret, token, 'users:c2'), { code: 800002 });
  });
});

describe('page sizes', () => {
  it('default to 100, accept up to 500 and refuse the rest', () => {
    assert.equal(parsePageSize(undefined), 100);
    assert.equal(parsePageSize('0'), 100);
    assert.equal(parsePageSize('1'), 1);
    assert.equal(parsePageSize('500'), 500);
    assert.throws(() => parsePageSize('501'), { code: 800002 });
    assert.throws(() => parsePageSize('-1'), { code: 800002 });
    assert.throws(() => parsePageSize('1e2'), { code: 800002 });
  });
});

describe('the password policy', () => {
  it('wants 8 to 256 characters from three of four classes', () => {
    assert.equal(passwordPolicyViolation('Password!1'), undefined);
    assert.equal(passwordPolicyViolation('abCD123*'), undefined);
    assert.match(passwordPolicyViolation('Ab1!')!, /8 to 256/);
    assert.match(passwordPolicyViolation('alllowercase1')!, /three/);
    assert.match(passwordPolicyViolation('A'.repeat(257))!, /8 to 256/);
  });

  it('is met by every generated temporary password', () => {
    for (let i = 0; i < 200; i++) assert.equal(passwordPolicyViolation(generateTemporaryPassword()), undefined);
  });
});

describe('list queries', () => {
  it('parse the deleted-users filter exactly as the SDK sends it', () => {
    assert.deepEqual(parseUserListQuery('{"Field":"UserState","Value":"Inactive","Operator":"equals"}', undefined, undefined), { state: 'inactive', sortField: 'displayName', direction: 'asc' });
  });

  it('accept Ascending and Descending in any case and refuse unknown sort fields', () => {
    assert.equal(parseUserListQuery(undefined, 'userprincipalname', 'DESCENDING').direction, 'desc');
    assert.throws(() => parseUserListQuery(undefined, 'Mail', undefined), { code: 800002 });
    assert.throws(() => parseUserListQuery(undefined, undefined, 'sideways'), { code: 800002 });
  });

  it('lower-case search values, since search ignores case', () => {
    assert.deepEqual(parseUserListQuery('{"Field":"DisplayName","Value":"AdA","Operator":"starts_with"}', undefined, undefined).search, { field: 'displayName', operator: 'starts_with', value: 'ada' });
  });
});

describe('new users', () => {
  it('are trimmed, their usage location upper-cased, and their domain checked case-insensitively', () => {
    const user = validateNewUser({ userPrincipalName: ' ada@Contoso.onmicrosoft.com ', displayName: ' Ada ', usageLocation: 'gb' }, ['contoso.onmicrosoft.com']);
    assert.equal(user.userPrincipalName, 'ada@Contoso.onmicrosoft.com');
    assert.equal(user.displayName, 'Ada');
    assert.equal(user.usageLocation, 'GB');
  });

  it('refuse aliases with spaces, leading dots or double dots', () => {
    for (const upn of ['a b@c.com', '.a@c.com', 'a..b@c.com', '@c.com', 'a@']) {
      assert.throws(() => validateNewUser({ userPrincipalName: upn, displayName: 'A' }, ['c.com']), { code: 3000 }, upn);
    }
  });
});

describe('framing a page of items', () => {
  const items = ['{"id":"a","displayName":"Émile 日本 😀"}', '{"id":"b"}', '{"id":"c","displayName":"\\"q\\""}'];
  const { head, tail } = seekCollectionEnvelope(items.length, '/customers/c/users', '/customers/c/users', 'token');

  it('writes text pieces, joined bytes and pieces of bytes into the same UTF-8 body as joining the text would', () => {
    const expected = head + items.join(',') + tail;
    const asBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const latin1 = { latin1: [asBytes(items.slice(0, 2).join(',')), asBytes(items[2])] };
    assert.equal(framedItems(head, latin1, tail).toString('utf8'), expected);
    assert.equal(framedItems(head, latin1, tail).length, Buffer.byteLength(expected), 'no bytes to spare');
    assert.equal(framedItems(head, items, tail).toString('utf8'), expected);
    assert.equal(framedItems(head, [items.slice(0, 2).join(','), items[2]], tail).toString('utf8'), expected);
    assert.equal(framedItems(head, Buffer.from(items.join(',')), tail).toString('utf8'), expected);
    assert.equal(framedItems(head, items, tail).length, Buffer.byteLength(expected), 'no bytes to spare');
    assert.deepEqual(JSON.parse(framedItems(head, items, tail).toString()).items.map((u: { id: string }) => u.id), ['a', 'b', 'c']);
  });

  it('frames an empty page as an empty items array', () => {
    const empty = seekCollectionEnvelope(0, '/customers/c/users', '/customers/c/users', undefined);
    for (const none of [[], Buffer.alloc(0), { latin1: [] }]) assert.deepEqual(JSON.parse(framedItems(empty.head, none, empty.tail).toString()).items, []);
  });
});
