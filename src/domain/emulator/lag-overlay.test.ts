/**
 * The lag's page overlay against an oracle: walking the overlaid pages of any list with any
 * replacements, page size and order meets exactly the overlaid list, in order, each item once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { KeysetPosition } from '../continuation-token.js';
import { comparePositions, overlayKeysetPage, userMatchesQuery, type KeyedItem } from './lag-overlay.js';
import type { UserRecord } from '../user.js';

const item = (key: string, id: string): KeyedItem<string> => ({ key, id, value: `${key}:${id}` });

describe('overlayKeysetPage', () => {
  it('pages through the overlaid list as the store would page through a real one', () => {
    const keys = fc.constantFrom('a', 'b', 'c', 'ä', 'z', '\u{1F600}', '\uFFFD');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ key: keys, id: fc.integer({ min: 0, max: 40 }).map((n) => `id${String(n).padStart(2, '0')}`) }), { selector: (x) => x.id, maxLength: 25 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 45 }), fc.option(keys)), { maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('asc' as const, 'desc' as const),
        (rows, edits, size, direction) => {
          const cmp = (a: KeysetPosition, b: KeysetPosition) => comparePositions(a, b, direction);
          const real = rows.map((r) => item(r.key, r.id)).sort(cmp);
          const replacements = new Map<string, KeyedItem<string> | null>();
          for (const [n, key] of edits) {
            const id = `id${String(n).padStart(2, '0')}`;
            replacements.set(id, key === null ? null : item(key, id));
          }
          const expected = [...real.filter((r) => !replacements.has(r.id)), ...[...replacements.values()].filter((r) => r !== null)].sort(cmp);

          const walked: KeyedItem<string>[] = [];
          let after: KeysetPosition | undefined;
          for (let guard = 0; guard < 100; guard++) {
            // The store's keyset read: from `after` on, size + replacements, and whether more follow.
            const rest = real.filter((r) => after === undefined || cmp(r, after) > 0);
            const window = rest.slice(0, size + replacements.size);
            const page = overlayKeysetPage(window, rest.length > window.length, replacements, direction, size, after);
            assert.ok(page.items.length <= size);
            walked.push(...page.items);
            if (!page.next) break;
            assert.ok(page.items.length > 0);
            after = page.next;
          }
          assert.deepEqual(walked.map((w) => w.value), expected.map((e) => e.value));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reports as touched the replaced entities a page shows or would have shown', () => {
    const real = [item('a', '1'), item('b', '2'), item('c', '3'), item('d', '4')];
    const replacements = new Map<string, KeyedItem<string> | null>([['2', null], ['4', null], ['9', item('a', '9')]]);
    const page = overlayKeysetPage(real, false, replacements, 'asc', 2);
    assert.deepEqual(page.items.map((i) => i.id), ['1', '9']);
    assert.deepEqual([...page.touched].sort(), ['2', '9']);
  });
});

describe('userMatchesQuery', () => {
  const user = { id: 'u', customerId: 'c', displayName: 'Ada Lovelace', userPrincipalName: 'ada@x.com', state: 'active' } as UserRecord;
  it('matches state and each search operator case-insensitively', () => {
    const q = { state: 'active' as const, sortField: 'displayName' as const, direction: 'asc' as const };
    assert.equal(userMatchesQuery(user, q), true);
    assert.equal(userMatchesQuery(user, { ...q, state: 'inactive' }), false);
    assert.equal(userMatchesQuery(user, { ...q, search: { field: 'displayName', operator: 'starts_with', value: 'ada' } }), true);
    assert.equal(userMatchesQuery(user, { ...q, search: { field: 'displayName', operator: 'substring', value: 'love' } }), true);
    assert.equal(userMatchesQuery(user, { ...q, search: { field: 'userPrincipalName', operator: 'equals', value: 'ada@x.com' } }), true);
    assert.equal(userMatchesQuery(user, { ...q, search: { field: 'userPrincipalName', operator: 'equals', value: 'ada' } }), false);
  });
});
