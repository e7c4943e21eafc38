/**
 * Stored idempotent answers are sealed (AES-256-GCM) with a key derived from the caller's
 * MS-RequestId, which the store never holds (it keeps only a hash of it). A create-user answer
 * carries the user's temporary password; sealed, a copy of the database alone does not reveal it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SealableResponse {
  status: number;
  body: string;
}

const prefix = 'sealed1:';

/**
 * The key that seals answers to one request id, and the hash under which the store files it;
 * different derivations, so the stored hash does not give the key.
 *
 * @example
 * const { storedId, sealingKey } = deriveRequestKeys(partnerId, request.headers['ms-requestid']);
 */
export function deriveRequestKeys(partnerId: string, requestId: string): { storedId: string; sealingKey: Buffer } {
  return {
    storedId: createHash('sha256').update(`tenantry-request-id\0${partnerId}\0${requestId}`).digest('base64url'),
    sealingKey: createHash('sha256').update(`tenantry-request-seal\0${partnerId}\0${requestId}`).digest(),
  };
}

/**
 * Encrypts an answer's body; without a key the answer is returned as it is.
 *
 * @example
 * const stored = sealResponse(key, { status: 201, body: '{"id":"…"}' });
 */
export function sealResponse(key: Buffer | undefined, response: SealableResponse): SealableResponse {
  if (!key) return response;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(response.body, 'utf8'), cipher.final()]);
  return { status: response.status, body: prefix + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64') };
}

/** Decrypts a sealed answer; an unsealed one (stored before sealing existed) passes through. */
export function openResponse(key: Buffer | undefined, stored: SealableResponse): SealableResponse {
  if (!key || !stored.body.startsWith(prefix)) return stored;
  const raw = Buffer.from(stored.body.slice(prefix.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return { status: stored.status, body: Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8') };
}
