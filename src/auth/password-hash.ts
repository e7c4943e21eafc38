/**
 * Slow, salted password hashes (scrypt from node:crypto, run on libuv's thread pool so the event
 * loop keeps serving). The encoded form carries its parameters, so they can be raised later.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';

const params = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;

/**
 * Hashes in flight at once: one per core, at most one per thread of libuv's pool (4 unless
 * UV_THREADPOOL_SIZE says otherwise; `tenantry` sizes it to the cores, see bin/tenantry.js). More
 * would not finish sooner (scrypt is CPU-bound). Each thread that ever runs one keeps its 16 MiB
 * buffer in the thread's malloc arena afterwards: a burst of creates on 4 threads left the server
 * ~65–80 MB larger for good, on 2 ~33. The price of the smaller pool: during a burst, file and DNS
 * work can wait for a hash to end (tens of milliseconds).
 */
export const concurrentHashes = Math.max(1, Math.min(Number(process.env.UV_THREADPOOL_SIZE) || 4, availableParallelism()));
const hashing = pLimit(concurrentHashes);

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

/** How many hashes are running and waiting, for tests and metrics. */
export const hashingLoad = () => ({ running: hashing.activeCount, waiting: hashing.pendingCount });

/**
 * @example
 * const stored = await hashPassword('Password!1'); // 'scrypt$16384$8$1$<salt>$<hash>'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  const expected = Buffer.from(hash, 'base64url');
  return expected.length === key.length && timingSafeEqual(expected, key);
}
