import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guidPattern } from '../guid.js';
import { seededId, seededIds } from './seeded-ids.js';

test('a seed draws the same GUIDs in the same order on every run', () => {
  const a = seededIds('suite-1', 'users');
  const b = seededIds('suite-1', 'users');
  const first = [a.newId(), a.newId(), a.newId()];
  assert.deepEqual([b.newId(), b.newId(), b.newId()], first);
  for (const id of first) assert.match(id, guidPattern);
  assert.equal(new Set(first).size, 3);
  assert.equal(a.drawn, 3);
});

test('other seeds and other streams draw other GUIDs', () => {
  assert.notEqual(seededId('suite-1', 'users', 0), seededId('suite-2', 'users', 0));
  assert.notEqual(seededId('suite-1', 'users', 0), seededId('suite-1', 'customers', 0));
  assert.equal(seededIds('s', 'x', 5).newId(), seededId('s', 'x', 5));
});
