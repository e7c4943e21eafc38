import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFaultRule, faultAnswer, firesOnCall, latencyOf, matchesRequest, parseFaultHeader, requireFaultRules, seededDraw } from './fault-rules.js';

describe('emulator fault rules (domain)', () => {
  it('accepts a well-formed rule and lists every problem of a wrong one with its path', () => {
    assert.deepEqual(checkFaultRule({ match: { operation: 'users.list', page: 3 }, effect: { status: 404 }, times: 1 }), []);
    const problems = checkFaultRule({ match: { operation: 'users.lst', customerId: 'nope' }, effect: { status: 429, drop: true } });
    assert.ok(problems.some((p) => p.startsWith('/match/operation')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('/match/customerId')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('/effect: choose one')), problems.join('\n'));
  });

  it('refuses a list whole when two rules share an id', () => {
    assert.throws(() => requireFaultRules([{ id: 'a', effect: { status: 500 } }, { id: 'a', effect: { status: 503 } }]), /share an id/);
  });

  it('reads the Tenantry-Fault header like Prism reads Prefer', () => {
    assert.deepEqual(parseFaultHeader('429; retry-after=5'), { effect: { status: 429, retryAfter: 5 } });
    assert.deepEqual(parseFaultHeader('latency=100-300'), { effect: { latencyMinMs: 100, latencyMaxMs: 300 } });
    assert.deepEqual(parseFaultHeader('drop'), { effect: { drop: true } });
    assert.ok('problems' in parseFaultHeader('418'));
    assert.ok('problems' in parseFaultHeader('sometimes'));
  });

  it('draws the same numbers from the same seed and different ones from another', () => {
    const a = [1, 2, 3, 4].map((n) => seededDraw('s', n));
    assert.deepEqual([1, 2, 3, 4].map((n) => seededDraw('s', n)), a);
    assert.notDeepEqual([1, 2, 3, 4].map((n) => seededDraw('t', n)), a);
    assert.ok(a.every((x) => x >= 0 && x < 1));
  });

  it('fires an nth rule on that call only and matches method and customer in any case', () => {
    const rule = { id: 'r', match: { nth: 2 } };
    assert.deepEqual([1, 2, 3].map((n) => firesOnCall(rule, n)), [false, true, false]);
    assert.ok(matchesRequest({ method: 'get', customerId: 'AB' }, { method: 'GET', customerId: 'ab' }));
    assert.ok(!matchesRequest({ page: 2 }, { method: 'GET' }), 'an unknown page never matches a page rule');
  });

  it('shapes answers as Partner Center does and draws latency within its bounds', () => {
    assert.equal(faultAnswer(429, 7).headers['Retry-After'], '7');
    assert.equal(JSON.parse(faultAnswer(500).body).code, 800003);
    assert.equal(JSON.parse(faultAnswer(403).body).code, 900150);
    assert.equal(JSON.parse(faultAnswer(400).body).code, 800002);
    assert.equal(latencyOf({ latencyMinMs: 100, latencyMaxMs: 300 }, 0), 100);
    assert.equal(latencyOf({ latencyMinMs: 100, latencyMaxMs: 300 }, 0.9999), 300);
    assert.equal(latencyOf({ latencyMs: 50 }, 0.5), 50);
  });
});
