/**
 * MS-RequestId as an idempotency key for POSTs: a retry with the same id, method, path and body
 * gets the stored response and creates nothing twice, even when the retries race each other
 * (in one process through a shared promise, across processes through the store's claim row).
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Fault } from '../domain/fault.js';
import type { JsonResult } from '../services/user-service.js';
import type { IdempotencyKey, Store } from '../store/store.js';

const inFlight = new Map<string, Promise<JsonResult>>();
const staleAfterMs = 60_000;
const waitLimitMs = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `work` once per logical request.
 *
 * @example
 * const result = await idempotent(store, request, () => users.create(customer, body));
 */
export async function idempotent(store: Store, request: FastifyRequest, work: () => Promise<JsonResult>): Promise<JsonResult> {
  const requestId = request.headers['ms-requestid'];
  // Without a caller-chosen id there is nothing a retry could match.
  if (typeof requestId !== 'string' || requestId === '') return work();
  const path = request.url.split('?')[0].replace(/\/{2,}/g, '/').replace(/\/$/, '').toLowerCase();
  const fingerprint = createHash('sha256').update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`).digest('base64url');
  const key: IdempotencyKey = { partnerId: request.principal.partnerId, requestId, fingerprint };
  const local = `${key.partnerId}|${requestId}|${fingerprint}`;
  const running = inFlight.get(local);
  if (running) return running;
  const promise = runOnce(store, key, work).finally(() => inFlight.delete(local));
  inFlight.set(local, promise);
  return promise;
}

async function runOnce(store: Store, key: IdempotencyKey, work: () => Promise<JsonResult>): Promise<JsonResult> {
  const started = Date.now();
  for (;;) {
    const claim = await store.claimRequest(key, new Date(), staleAfterMs);
    if (claim.kind === 'done') return claim.response;
    if (claim.kind === 'claimed') break;
    if (Date.now() - started > waitLimitMs) throw new Fault(409, 60016, 'A request with this MS-RequestId is still being processed.', ['MS-RequestId']);
    await sleep(25);
  }
  let result: JsonResult;
  try {
    result = await work();
  } catch (e) {
    if (e instanceof Fault && e.status < 500) {
      // Business failures are answers too: a retry must see the same one.
      await store.completeRequest(key, { status: e.status, body: JSON.stringify(e.toJSON()) });
    } else {
      await store.releaseRequest(key).catch(() => {});
    }
    throw e;
  }
  await store.completeRequest(key, result);
  return result;
}
