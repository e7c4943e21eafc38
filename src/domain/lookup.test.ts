import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBulkTemplate } from '../cli/import/bulk-template.js';
import { bindToSchema } from '../server/plugins/wire-format.js';
import { userPageSql } from '../store/queries/user-list-sql.js';
import { parseFieldFilters } from './field-filter.js';
import { lookup } from './lookup.js';
import { parseRateLimitBudgets } from './rate-limit.js';
import { parseUserListQuery } from './user-list-query.js';

/** Names every plain object answers to through its prototype. */
const prototypeNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'prototype'];

describe('looking up outside strings in constant tables', () => {
  it('finds own entries and nothing of Object.prototype', () => {
    const table = { displayname: 'displayName' };
    assert.equal(lookup(table, 'displayname'), 'displayName');
    for (const name of prototypeNames) assert.equal(lookup(table, name), undefined, name);
  });

  it('refuses a prototype member as sortField or filter field with a 400, not a crash', () => {
    for (const name of prototypeNames) {
      assert.throws(() => parseUserListQuery(undefined, name, undefined), { name: 'Fault', status: 400 }, name);
      const filter = JSON.stringify({ Field: name, Value: 'a', Operator: 'equals' });
      assert.throws(() => parseUserListQuery(filter, undefined, undefined), { name: 'Fault', status: 400 }, name);
    }
  });

  it('reads filter properties only from the filter itself', () => {
    // A filter object whose only keys are prototype names has no field and no operator.
    assert.deepEqual(parseFieldFilters('{"constructor":"x","toString":"y"}'), [{ field: '', operator: '', value: undefined }]);
    assert.deepEqual(parseFieldFilters('{"Field":"DisplayName","Operator":"equals","Value":"constructor"}'), [{ field: 'displayname', operator: 'equals', value: 'constructor' }]);
  });

  it('never writes a prototype member into user-list SQL', () => {
    const query = { state: 'active', sortField: 'constructor', direction: 'asc' } as never;
    assert.throws(() => userPageSql('sqlite', query, 'p', 'c', 10), /unknown sort field constructor/);
    const state = { state: 'toString', sortField: 'displayName', direction: 'asc' } as never;
    assert.throws(() => userPageSql('postgres', state, 'p', 'c', 10), /unknown user state toString/);
  });

  it('refuses a rate-limit budget named after a prototype member', () => {
    for (const name of prototypeNames) assert.throws(() => parseRateLimitBudgets(`${name}=5`), /Invalid rate limit budget/, name);
  });

  it('binds body keys named after prototype members to no schema, keeping their values as data', () => {
    const schema = { type: 'object', properties: { displayName: { type: 'string' } } };
    const bound = bindToSchema({ DisplayName: 'A', toString: { x: 1 }, hasOwnProperty: 'h' }, schema) as Record<string, unknown>;
    assert.deepEqual(Object.keys(bound), ['displayName', 'toString', 'hasOwnProperty']);
    assert.deepEqual(bound.toString, { x: 1 });
  });

  it('ignores CSV import columns named after prototype members', () => {
    const csv = 'constructor,toString,Display name,Email,__proto__\nx,y,Ada,ada@contoso.com,z\n';
    const { rows, problems } = parseBulkTemplate(csv, { domains: ['contoso.com'] });
    assert.deepEqual(problems, []);
    assert.equal(rows.length, 1);
    assert.deepEqual({ ...rows[0] }, { line: 2, userPrincipalName: 'ada@contoso.com', displayName: 'Ada', firstName: undefined, lastName: undefined, usageLocation: undefined });
  });
});
