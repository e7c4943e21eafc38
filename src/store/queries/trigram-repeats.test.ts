import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresTextArray, trigramRepeats, trigramRepeatsWanted, userTrigramRepeats } from './trigram-repeats.js';

describe('the trigrams a key repeats', () => {
  it('lists a token for each further occurrence of a trigram, overlapping ones included', () => {
    assert.deepEqual(trigramRepeats('d', 'ann 99999'), ['d2:999', 'd3:999']);
    assert.deepEqual(trigramRepeats('d', 'ababa'), ['d2:aba']);
    assert.deepEqual(trigramRepeats('u', 'abc.abc.abc'), ['u2:abc', 'u2:bc.', 'u2:c.a', 'u2:.ab', 'u3:abc']);
  });

  it('is nothing for a key that repeats no trigram, or is shorter than two', () => {
    assert.equal(trigramRepeats('d', 'ada lovelace'), undefined);
    assert.equal(trigramRepeats('d', 'aaa'), undefined);
    assert.equal(trigramRepeats('d', ''), undefined);
  });

  it('counts code points, as PostgreSQL does, not UTF-16 units', () => {
    assert.deepEqual(trigramRepeats('d', '😀😀😀😀'), ['d2:😀😀😀']);
    assert.equal(trigramRepeats('d', '😀😀'), undefined);
  });

  it('asks a search for the highest count of each repeated trigram only', () => {
    assert.deepEqual(trigramRepeatsWanted('d', '99999'), ['d3:999']);
    assert.deepEqual(trigramRepeatsWanted('u', 'abc.abc.abc'), ['u3:abc', 'u2:bc.', 'u2:c.a', 'u2:.ab']);
    assert.equal(trigramRepeatsWanted('d', 'tanaka'), undefined);
  });

  it('gives a user the tokens of both keys, the UPN up to its @ only', () => {
    assert.deepEqual(userTrigramRepeats('ann 99999', 'ann.99999@contoso.com'), ['d2:999', 'd3:999', 'u2:999', 'u3:999']);
    assert.deepEqual(userTrigramRepeats('ann', 'ann@aaaa.com'), undefined);
    assert.deepEqual(userTrigramRepeats('ann', 'aaaa@x.com'), ['u2:aaa']);
  });

  it('writes an array literal that quotes every element', () => {
    assert.equal(postgresTextArray(['d2:a"b', 'd2:\\,}']), '{"d2:a\\"b","d2:\\\\,}"}');
  });
});

describe('the quick check before the tokens', () => {
  it('finds the repeats of keys with a surrogate pair anywhere, and of keys longer than its buffer', () => {
    assert.deepEqual(trigramRepeats('d', '😀ab😀ab'), ['d2:😀ab']);
    assert.deepEqual(trigramRepeats('d', 'ab😀ab😀'), ['d2:ab😀']);
    const long = `${'abcdefghijklmnopqrstuvwxyz'.repeat(3)}`;
    assert.equal(trigramRepeats('d', long)?.length, long.length - 2 - 26); // 26 distinct trigrams, the wrap-arounds "yza" and "zab" among them
    assert.equal(trigramRepeats('d', 'abcdefghijklmnopqrstuvwxyz0123456789'), undefined);
  });
});
