import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capBody, journalHeaders, journalQuery, redactJson, redactJsonText } from './journal-redaction.js';

describe('journal redaction', () => {
  it('drops credentials and hides secret-looking headers, keeping the rest', () => {
    const kept = journalHeaders({ Authorization: 'Bearer abc', cookie: 'a=b', 'MS-RequestId': 'r1', 'x-client-secret': 's3cret', accept: ['a', 'b'] });
    assert.deepEqual({ ...kept }, { 'ms-requestid': 'r1', 'x-client-secret': '***', accept: 'a, b' });
  });

  it('replaces passwords in a body but keeps booleans and other members', () => {
    const body = { displayName: 'Ann', passwordProfile: { password: 'P@55word', forceChangePassword: true }, items: [{ clientSecret: 'x' }] };
    assert.deepEqual(redactJson(body), { displayName: 'Ann', passwordProfile: { password: '***', forceChangePassword: true }, items: [{ clientSecret: '***' }] });
    assert.equal(body.passwordProfile.password, 'P@55word', 'the request body itself is untouched');
  });

  it('keeps a member named __proto__ as data, never as a prototype', () => {
    const body = JSON.parse('{"__proto__":{"password":"x","polluted":true},"a":1}');
    const out = redactJson(body) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal((out as { polluted?: unknown }).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { password: '***', polluted: true });
    const query = journalQuery('__proto__=x&size=1');
    assert.equal(Object.getPrototypeOf(query), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(query, '__proto__')?.value, 'x');
  });

  it('replaces passwords in answer text, also one cut off at the end', () => {
    assert.equal(redactJsonText('{"password":"Pa\\"55","id":"1"}'), '{"password":"***","id":"1"}');
    assert.equal(redactJsonText('{"id":"1","temporaryPassword":"Kx9!'), '{"id":"1","temporaryPassword":"***"');
    assert.equal(redactJsonText('{"description":"bad password","id":"1"}'), '{"description":"bad password","id":"1"}');
  });

  it('caps a long answer at 16 KiB without leaving a secret split by the cut', () => {
    const long = `{"pad":"${'x'.repeat(16 * 1024 - 20)}","password":"TopSecretValue123","more":"${'y'.repeat(5000)}"}`;
    const { text, truncated } = capBody(long);
    assert.equal(truncated, true);
    assert.equal(text.length, 16 * 1024);
    assert.ok(!text.includes('TopSecret'));
    assert.deepEqual(capBody('{"a":1}'), { text: '{"a":1}', truncated: false });
  });

  it('keeps continuation tokens, which page a walk and are no credential, in bodies, headers and queries', () => {
    const page = '{"totalCount":2,"items":[],"continuationToken":"eyJhIjoxfQ.sig","links":{"next":{"headers":[{"key":"MS-ContinuationToken","value":"eyJhIjoxfQ.sig"}]}}}';
    assert.equal(redactJsonText(page), page);
    assert.equal(redactJsonText('{"continuationToken":"abc","accessToken":"xyz"}'), '{"continuationToken":"abc","accessToken":"***"}');
    // A name that only ends like one, or whose quote is escaped inside another string, is still a secret.
    assert.equal(redactJsonText('{"myContinuationToken":"abc"}'), '{"myContinuationToken":"***"}');
    assert.equal(redactJsonText('{"note":"x\\"continuationToken":"abc"}'), '{"note":"x\\"continuationToken":"***"}');
    assert.deepEqual(redactJson({ continuationToken: 'abc', token: 'xyz' }), { continuationToken: 'abc', token: '***' });
    assert.deepEqual({ ...journalHeaders({ 'MS-ContinuationToken': 'abc', 'x-api-token': 'xyz' }) }, { 'ms-continuationtoken': 'abc', 'x-api-token': '***' });
    assert.deepEqual({ ...journalQuery('continuationToken=abc&refresh_token=xyz') }, { continuationToken: 'abc', refresh_token: '***' });
  });

  it('hides secret-looking query parameters', () => {
    assert.deepEqual({ ...journalQuery('size=5&access_token=abc') }, { size: '5', access_token: '***' });
  });
});
