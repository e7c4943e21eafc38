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
  it('finds the repeats of keys with a surrogate pair anywhere, and of long keys', () => {
    assert.deepEqual(trigramRepeats('d', '😀ab😀ab'), ['d2:😀ab']);
    assert.deepEqual(trigramRepeats('d', 'ab😀ab😀'), ['d2:ab😀']);
    const long = `${'abcdefghijklmnopqrstuvwxyz'.repeat(3)}`;
    assert.equal(trigramRepeats('d', long)?.length, long.length - 2 - 26); // 26 distinct trigrams, the wrap-arounds "yza" and "zab" among them
    assert.equal(trigramRepeats('d', 'abcdefghijklmnopqrstuvwxyz0123456789'), undefined);
  });

  it('agrees with a plain count on random keys, those whose trigrams share a slot of its table among them', () => {
    // The plain count: every trigram of code points, a token for each further occurrence.
    const counted = (key: string) => {
      const chars = [...key];
      const counts = new Map<string, number>();
      const tokens: string[] = [];
      for (let i = 0; i + 3 <= chars.length; i++) {
        const trigram = chars.slice(i, i + 3).join('');
        const n = (counts.get(trigram) ?? 0) + 1;
        counts.set(trigram, n);
        if (n > 1) tokens.push(`d${n}:${trigram}`);
      }
      return tokens.length > 0 ? tokens : undefined;
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabets = ['ab', 'ab9 ', 'abcdefghij 0123456789', 'aé😀 .', 'abcdefghijklmnopqrstuvwxyz.@0123456789'];
    let repeating = 0;
    for (let k = 0; k < 20_000; k++) {
      const alphabet = [...alphabets[k % alphabets.length]];
      const key = Array.from({ length: random(60) }, () => alphabet[random(alphabet.length)]).join('');
      const expected = counted(key);
      if (expected) repeating++;
      assert.deepEqual(trigramRepeats('d', key), expected, key);
    }
    assert.ok(repeating > 1_000 && repeating < 19_000, `both kinds of key were drawn (${repeating} repeating)`);
  });
});
