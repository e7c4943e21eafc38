import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { limitClause } from '../queries/limit-clause.js';
import { StatementCache } from './statement-cache.js';

describe('the SQLite statement cache', () => {
  it('prepares a statement once and hands the same one back', () => {
    const cache = new StatementCache(new Database(':memory:'));
    assert.equal(cache.get('SELECT 1'), cache.get('SELECT 1'));
  });

  it('keeps at most its capacity, dropping the oldest statement first', () => {
    const cache = new StatementCache(new Database(':memory:'), 2);
    const first = cache.get(`SELECT 1 ${limitClause(1)}`);
    const second = cache.get(`SELECT 1 ${limitClause(2)}`);
    cache.get(`SELECT 1 ${limitClause(3)}`);
    assert.equal(cache.get(`SELECT 1 ${limitClause(2)}`), second, 'the newer one stays');
    assert.notEqual(cache.get(`SELECT 1 ${limitClause(1)}`), first, 'the oldest was prepared again');
  });
});

describe('limitClause', () => {
  it('writes a whole row count into the SQL and refuses anything else', () => {
    assert.equal(limitClause(101), 'LIMIT 101');
    for (const bad of [0, -1, 1.5, Number.NaN, 10_001]) assert.throws(() => limitClause(bad), /row limit/);
  });
});
