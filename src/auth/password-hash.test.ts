import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concurrentHashes, hashingLoad, hashPassword, verifyPassword } from './password-hash.js';

describe('password hashes', () => {
  it('verify the password they were made from and no other, NFC and NFD spellings alike', async () => {
    const stored = await hashPassword('Zoë!Pass123');
    assert.match(stored, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifyPassword('Zoe\u0308!Pass123', stored), true);
    assert.equal(await verifyPassword('Zoë!Pass124', stored), false);
    assert.equal(await verifyPassword('Zoë!Pass123', 'md5$abc'), false);
  });

  it('run no more at once than there are cores (at most 4), queueing the rest until they all finish', async () => {
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, hashingLoad().running)), 1);
    const burst = Array.from({ length: concurrentHashes * 3 }, (_, i) => hashPassword(`Burst!${i}aA`));
    assert.equal(hashingLoad().running + hashingLoad().waiting, burst.length, 'every hash is running or queued');
    const hashes = await Promise.all(burst);
    clearInterval(watch);
    assert.equal(new Set(hashes).size, burst.length);
    assert.ok(most >= 1 && most <= concurrentHashes, `at most ${concurrentHashes} at once, saw ${most}`);
    assert.deepEqual(hashingLoad(), { running: 0, waiting: 0 });
  });
});
