import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { pageStatementName } from './page-statement-name.js';

/** Every page shape a statement is prepared for. */
function everyShape(): UserListQuery[] {
  const shapes: UserListQuery[] = [];
  for (const state of ['active', 'inactive'] as const)
    for (const sortField of ['displayName', 'userPrincipalName'] as const)
      for (const direction of ['asc', 'desc'] as const) {
        shapes.push({ state, sortField, direction });
        for (const field of ['displayName', 'userPrincipalName'] as const)
          for (const operator of ['starts_with', 'equals', 'substring'] as const) shapes.push({ state, sortField, direction, search: { field, operator, value: 'x' } });
      }
  return shapes;
}

describe('a page statement name', () => {
  it('fits the 63 bytes PostgreSQL keeps and names one shape, size and side of the first page each', () => {
    const names = new Set<string>();
    let count = 0;
    for (const query of everyShape())
      for (const after of [false, true])
        for (const size of [undefined, 1, 100, 500]) {
          const name = pageStatementName('gp', query, after, size);
          assert.ok(Buffer.byteLength(name) <= 63, name);
          names.add(name);
          count++;
        }
    assert.equal(names.size, count);
  });
});
