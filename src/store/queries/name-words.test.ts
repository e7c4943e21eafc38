import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { answeredByNameWords, filedNameWordsOf, nameWordsOf, nameWordSeparators, splitNameWords } from './name-words.js';

const contains = (value: string, sortField: UserListQuery['sortField'] = 'displayName', field: UserListQuery['sortField'] = 'displayName'): UserListQuery => ({
  state: 'active',
  sortField,
  direction: 'asc',
  search: { field, operator: 'substring', value },
});

describe('the words of a display-name key', () => {
  it('are the runs between spaces and digits, each once, in order of first appearance', () => {
    assert.deepEqual(nameWordsOf('ada  tanaka2b 12'), ['ada', 'tanaka', 'b']);
    assert.deepEqual(nameWordsOf('bob bob\tlee bob'), ['bob', 'bob\tlee']);
    assert.deepEqual(nameWordsOf(' 123 '), []);
    assert.deepEqual(nameWordsOf('zoë-ünal'), ['zoë-ünal']);
  });

  it('are filed but for the leading one, which begins the key', () => {
    assert.deepEqual(filedNameWordsOf('ada tanaka ada 7'), ['tanaka']);
    assert.deepEqual(filedNameWordsOf('ada'), []);
    assert.deepEqual(filedNameWordsOf(' 7 ada tanaka'), ['ada', 'tanaka']);
    assert.deepEqual(filedNameWordsOf('bob2smith'), ['smith']);
  });

  it('split once into the leading word and the filed words, which together are the words', () => {
    const alphabet = fc.constantFrom(...'ab 1é-'.split(''));
    const key = fc.array(alphabet, { maxLength: 14 }).map((a) => a.join(''));
    fc.assert(
      fc.property(key, (k) => {
        const { leading, filed } = splitNameWords(k);
        const words = nameWordsOf(k);
        assert.equal(k.startsWith(leading) && !/[ 0-9]/.test(leading) && (leading === k || /[ 0-9]/.test(k[leading.length])), true);
        assert.deepEqual(filed, words.filter((w) => w !== leading));
        assert.deepEqual(new Set(leading === '' ? filed : [leading, ...filed]), new Set(words));
      }),
      { numRuns: 2000 },
    );
  });

  it('hold every text without a separator that the key holds, and no text the key does not', () => {
    // Any text with no separator lies in a word exactly when it lies in the key.
    const alphabet = fc.constantFrom(...'ab 1é-'.split(''));
    const key = fc.array(alphabet, { maxLength: 14 }).map((a) => a.join(''));
    const text = fc.array(fc.constantFrom('a', 'b', 'é', '-'), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(fc.property(key, text, (k, t) => nameWordsOf(k).some((w) => w.includes(t)) === k.includes(t)), { numRuns: 2000 });
  });
});

describe('whether the words of display names answer a search', () => {
  it('answers a contains search on the display name, in display-name order, of a trigram or more with no separator', () => {
    assert.equal(answeredByNameWords(contains('tanaka')), true);
    assert.equal(answeredByNameWords(contains('émi')), true);
    assert.equal(answeredByNameWords(contains('😀😀😀')), true);
    assert.equal(answeredByNameWords({ ...contains('tanaka'), direction: 'desc', state: 'inactive' }), true);
  });

  it('leaves other searches to the other plans', () => {
    for (const ch of nameWordSeparators) assert.equal(answeredByNameWords(contains(`ab${ch}c`)), false, JSON.stringify(ch));
    assert.equal(answeredByNameWords(contains('ta')), false);
    assert.equal(answeredByNameWords(contains('😀😀')), false);
    assert.equal(answeredByNameWords(contains('tanaka', 'userPrincipalName')), false);
    assert.equal(answeredByNameWords(contains('tanaka', 'displayName', 'userPrincipalName')), false);
    assert.equal(answeredByNameWords({ ...contains('tanaka'), search: { field: 'displayName', operator: 'starts_with', value: 'tanaka' } }), false);
    assert.equal(answeredByNameWords({ state: 'active', sortField: 'displayName', direction: 'asc' }), false);
  });
});
