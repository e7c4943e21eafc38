import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFaultProfile } from './fault-profile.js';

describe('fault profiles', () => {
  it('take {"rules": [...]} or a bare array of rules', () => {
    const rule = { match: { operation: 'users.list', page: 3 }, effect: { status: 404 }, times: 1 };
    assert.deepEqual(parseFaultProfile(JSON.stringify({ rules: [rule] })), { rules: [rule] });
    assert.deepEqual(parseFaultProfile(JSON.stringify([rule])), { rules: [rule] });
  });

  it('name every problem by its JSON path, not only the first', () => {
    const parsed = parseFaultProfile(JSON.stringify({ rules: [{ id: 'a', effect: { status: 429 } }, { id: 'a', effect: { status: 418 } }, { effect: { status: 503, retryAfter: 2 }, match: { customerId: 'nope' } }], extra: 1 }));
    assert.ok('problems' in parsed);
    const text = parsed.problems.join('\n');
    assert.match(text, /^\/extra: unknown property/m);
    assert.match(text, /^\/rules\/1\/effect\/status/m);
    assert.match(text, /^\/rules\/1\/id: "a" is already the id of \/rules\/0/m);
    assert.match(text, /^\/rules\/2\/match\/customerId: not a GUID/m);
  });

  it('refuse text that is not JSON or not a list of rules', () => {
    assert.deepEqual(parseFaultProfile('{"rules": {}}'), { problems: ['/: expected {"rules": [ … ]} or an array of rules'] });
    const notJson = parseFaultProfile('rules:');
    assert.ok('problems' in notJson && /not JSON/.test(notJson.problems[0]));
  });
});
