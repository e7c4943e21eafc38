import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientCheckMemory, clientCheckExplanations, explainCheck, nextOfListAnswer, type CheckedRequest } from './client-checks.js';

const partnerId = 'p1';
const users = '/v1/customers/c1/users';
const good = { 'ms-correlationid': 'corr-1' };

const request = (over: Partial<CheckedRequest>): CheckedRequest => ({
  partnerId, method: 'GET', operation: 'users.list', path: users, search: '', headers: good, bodyText: '', now: 1_000_000, ...over,
});

/** A memory that has answered page 1 of the users list with a next link. */
function afterFirstPage(memory = new ClientCheckMemory()) {
  memory.inspect(request({}));
  memory.answered({ continuationToken: 'tok-2', nextUri: '/customers/c1/users?seekOperation=Next' });
  return memory;
}

describe('client checks', () => {
  it('give every check a one-line explanation of what to do instead', () => {
    for (const [name, text] of clientCheckExplanations) {
      assert.ok(text.length > 20 && !text.includes('\n'), name);
      assert.equal(explainCheck(name), text);
    }
    assert.equal(explainCheck('nope'), '');
  });

  it('see no problem in a client that follows links.next as given', () => {
    const memory = afterFirstPage();
    assert.deepEqual(memory.inspect(request({ search: 'seekOperation=Next', headers: { ...good, 'ms-continuationtoken': 'tok-2' } })), []);
  });

  it('flag a next-page call that re-sends size', () => {
    const memory = afterFirstPage();
    assert.deepEqual(memory.inspect(request({ search: 'size=50&seekOperation=Next', headers: { ...good, 'ms-continuationtoken': 'tok-2' } })), ['pagingSizeResent']);
  });

  it('flag a next-page URL the client built itself: the token without seekOperation, seekOperation without the token, or another path', () => {
    const memory = afterFirstPage();
    assert.deepEqual(memory.inspect(request({ search: 'size=50', headers: { ...good, 'ms-continuationtoken': 'tok-2' } })), ['ownPagingUrl']);
    assert.deepEqual(memory.inspect(request({ search: 'seekOperation=Next' })), ['ownPagingUrl']);
    assert.deepEqual(memory.inspect(request({ path: '/v1/customers/c1/directoryroles', operation: 'directoryRoles.list', search: 'seekOperation=Next', headers: { ...good, 'ms-continuationtoken': 'tok-2' } })), ['ownPagingUrl']);
  });

  it('flag a write without MS-RequestId, and not one with it', () => {
    const memory = new ClientCheckMemory();
    assert.deepEqual(memory.inspect(request({ method: 'POST', operation: 'users.create', bodyText: '{"a":1}' })), ['writeWithoutRequestId']);
    assert.deepEqual(memory.inspect(request({ method: 'POST', operation: 'users.create', bodyText: '{"a":1}', headers: { ...good, 'ms-requestid': 'r1' } })), []);
  });

  it('accept a retry that resends the same body with the same MS-RequestId, and flag one reused for another body', () => {
    const memory = new ClientCheckMemory();
    const write = (body: string) => memory.inspect(request({ method: 'PATCH', operation: 'users.update', path: `${users}/u1`, bodyText: body, headers: { ...good, 'ms-requestid': 'r1' } }));
    assert.deepEqual(write('{"displayName":"A"}'), []);
    assert.deepEqual(write('{"displayName":"A"}'), []);
    assert.deepEqual(write('{"displayName":"B"}'), ['requestIdReusedWithOtherBody']);
  });

  it('do not judge a write whose body was never read (answered by a fault first)', () => {
    const memory = new ClientCheckMemory();
    assert.deepEqual(memory.inspect(request({ method: 'POST', operation: 'users.create', bodyText: undefined, headers: { ...good, 'ms-requestid': 'r2' } })), []);
    assert.deepEqual(memory.inspect(request({ method: 'POST', operation: 'users.create', bodyText: '{"x":1}', headers: { ...good, 'ms-requestid': 'r2' } })), []);
  });

  it('flag a request without MS-CorrelationId, and not one with it', () => {
    const memory = new ClientCheckMemory();
    assert.deepEqual(memory.inspect(request({ operation: 'users.get', path: `${users}/u1`, headers: {} })), ['noCorrelationId']);
    assert.deepEqual(memory.inspect(request({ operation: 'users.get', path: `${users}/u1` })), []);
  });

  it('flag the same list read more than maxReads times within the window, and not reads spread out or of other lists', () => {
    const threshold = { maxReads: 3, windowMs: 60_000 };
    const busy = new ClientCheckMemory(threshold);
    const tripped = [0, 1, 2, 3].map((i) => busy.inspect(request({ now: 1_000_000 + i * 1000 })));
    assert.deepEqual(tripped, [[], [], [], ['repeatedListPolling']]);

    const patient = new ClientCheckMemory(threshold);
    for (let i = 0; i < 8; i++) assert.deepEqual(patient.inspect(request({ now: 1_000_000 + i * 30_000 })), []);

    const varied = new ClientCheckMemory(threshold);
    for (let i = 0; i < 8; i++) assert.deepEqual(varied.inspect(request({ path: `/v1/customers/c${i}/users` })), []);
  });

  it('read the continuation token from a list answer\'s head and links.next from its tail', () => {
    const body = '{"continuationToken":"abc","totalCount":1,"items":[{"id":"1"}],"links":{"self":{"uri":"/x","method":"GET","headers":[]},"next":{"uri":"/customers/c1/users?seekOperation=Next","method":"GET"}}}';
    assert.deepEqual(nextOfListAnswer(body, body), { continuationToken: 'abc', nextUri: '/customers/c1/users?seekOperation=Next' });
    assert.equal(nextOfListAnswer('{"totalCount":0,"items":[]}', ''), undefined);
  });
});
