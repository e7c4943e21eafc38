/**
 * MS-RequestId as an idempotency key for POSTs: a retry with the same id, method, path and body
 * gets the stored response and creates nothing twice, even when the retries race each other
 * (in one process through a shared promise, across processes through the store's claim row).
 *
 * Crash safety: the write receives the attempt's receipt builder and stores its answer and its
 * audit record in the same transaction as the write (see `WriteReceipt`), so after a crash the key
 * is either answered with the write and its record done, or still claimed with nothing written.
 * A refused write (a 4xx fault) stores its answer and its audit record in one transaction too. A claim left behind by a
 * dead process is taken over after `leaseMs`; the attempt that lost its claim rolls back and
 * replays the winner's answer instead.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { systemClock, type Clock } from '../domain/clock.js';
import { Fault } from '../domain/fault.js';
import { deriveRequestKeys, openResponse, sealResponse } from '../domain/sealed-response.js';
import type { JsonResult } from '../services/user-service.js';
import type { ReceiptFor } from '../services/write-receipt.js';
import { ClaimLostError, type ClaimResult, type IdempotencyClaim, type IdempotencyKey, type Store } from '../store/store.js';
import { failpoint } from '../store/failpoint.js';
import { auditRecordFor, markAuditCommitted } from './plugins/audit.js';
import { receiptFor, recorded } from './write-receipt.js';

/**
 * How long a claim protects an attempt before a retry may take it over. A write takes
 * milliseconds, and a live attempt renews its lease every `renewEveryMs`, so an expired lease
 * means its process died: the retry of a write lost with a killed worker waits this long at most.
 */
export const leaseMs = 2_500;
const renewEveryMs = 750;
/** How long a stored answer replays: a retry comes within a day or not at all. */
export const idempotencyRetentionMs = 24 * 3600 * 1000;
const waitLimitMs = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  result: JsonResult;
  /** True when this call did not do the work itself but returned another attempt's answer. */
  replayed: boolean;
}

const inFlight = new Map<string, Promise<Outcome>>();
// Claims this process could not release because the store was out (unreachable, or full so
// that even the release could not be written). The retry of the same MS-RequestId releases it
// first, rather than wait out the lease: after an outage the retry lands at once.
const unreleased = new Map<string, IdempotencyClaim>();
const replays = new WeakSet<FastifyRequest>();

/**
 * Whether a request was answered from another attempt's stored response (nothing written by it).
 *
 * @example
 * if (!isReplay(request)) await recordAudit(request);
 */
export const isReplay = (request: FastifyRequest) => replays.has(request);

/**
 * Runs `work` once per logical request. `work` receives the attempt's receipt builder; passing
 * its receipt to the store write makes the write, its audit record and (with an MS-RequestId)
 * its stored answer atomic.
 *
 * @example
 * const result = await idempotent(store, request, (receipt) => users.create(customer, body, receipt), ctx.clock);
 */
export async function idempotent(store: Store, request: FastifyRequest, work: (receipt: ReceiptFor) => Promise<JsonResult>, clock: Clock = systemClock): Promise<JsonResult> {
  const requestId = request.headers['ms-requestid'];
  // Without a caller-chosen id there is nothing a retry could match.
  if (typeof requestId !== 'string' || requestId === '') return recorded(request, work);
  const key = idempotencyKey(request.principal.partnerId, requestId, request.method, request.url, request.body);
  const local = `${key.partnerId}|${requestId}|${key.fingerprint}`;
  let running = inFlight.get(local);
  let shared = true;
  if (!running) {
    shared = false;
    running = runOnce(store, key, request, work, clock).finally(() => inFlight.delete(local));
    inFlight.set(local, running);
  }
  const outcome = await running;
  if (shared || outcome.replayed) replays.add(request);
  return outcome.result;
}

/**
 * The key of one logical request: the caller's id plus a hash of method, path and (bound) body,
 * so the same id sent with another request is another request.
 *
 * @example
 * idempotencyKey(partnerId, 'b7c…', 'POST', '/v1/customers/c/users/', { displayName: 'A' });
 */
export function idempotencyKey(partnerId: string, requestId: string, method: string, url: string, body: unknown): IdempotencyKey {
  const path = url.split('?')[0].replace(/\/{2,}/g, '/').replace(/\/$/, '').toLowerCase();
  const fingerprint = createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('base64url');
  const { storedId, sealingKey } = deriveRequestKeys(partnerId, requestId);
  return { partnerId, requestId: storedId, fingerprint, sealingKey };
}

async function runOnce(store: Store, key: IdempotencyKey, request: FastifyRequest, work: (receipt: ReceiptFor) => Promise<JsonResult>, clock: Clock): Promise<Outcome> {
  // How long this call has waited is real elapsed time, not the (possibly frozen) clock of the data.
  const started = performance.now();
  const pendingKey = `${key.partnerId}|${key.requestId}|${key.fingerprint}`;
  const stale = unreleased.get(pendingKey);
  if (stale) {
    await store.releaseRequest(stale); // throws while the store is still out: the retry gets its 503 again
    unreleased.delete(pendingKey);
  }
  for (;;) {
    const claim = await claimRequestId(store, key, clock);
    if (claim.kind === 'done') return { result: openResponse(key.sealingKey, claim.response), replayed: true };
    if (claim.kind === 'claimed') {
      const result = await whileRenewing(store, claim.claim, () => attempt(store, claim.claim, request, work));
      if (result) return { result, replayed: false };
      // Lost the claim to a take-over: nothing of ours was kept; the next round reads the winner's answer.
      continue;
    }
    if (performance.now() - started > waitLimitMs) throw new Fault(409, 60016, 'A request with this MS-RequestId is still being processed.', ['MS-RequestId']);
    await sleep(25);
  }
}

/**
 * Claims `key` for one attempt as a request does: the record dated on the data's clock (its 24 h
 * retention follows a workspace's time), its lease on real time.
 *
 * @example
 * const claim = await claimRequestId(store, key, ctx.clock);
 */
export function claimRequestId(store: Store, key: IdempotencyKey, clock: Clock): Promise<ClaimResult> {
  return store.claimRequest(key, clock.now(), { at: systemClock.now(), staleAfterMs: leaseMs });
}

/**
 * Runs `run` while renewing the claim's lease, so a slow attempt is not taken for a dead one.
 * Leases are on real time, whatever the data's clock: whether a process is alive has nothing to
 * do with the time a workspace shows (frozen, it would pin a dead attempt's claim for ever).
 */
async function whileRenewing<T>(store: Store, claim: IdempotencyClaim, run: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    // A failed renewal changes nothing: a take-over makes the attempt lose at commit and roll back.
    store.renewClaim(claim, systemClock.now()).catch(() => {});
  }, renewEveryMs);
  timer.unref();
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

/** One attempt under a claim; undefined when another attempt took the claim over meanwhile. */
async function attempt(store: Store, claim: IdempotencyClaim, request: FastifyRequest, work: (receipt: ReceiptFor) => Promise<JsonResult>): Promise<JsonResult | undefined> {
  const build = receiptFor(request, claim);
  let used = false;
  let result: JsonResult;
  try {
    result = await work((response, note) => {
      used = true;
      return build(response, note);
    });
  } catch (e) {
    if (e instanceof ClaimLostError) return undefined;
    if (e instanceof Fault && e.status < 500) {
      // Business failures are answers too: a retry must see the same one, and the log records it once.
      const response = { status: e.status, body: JSON.stringify(e.toJSON()) };
      if (!(await store.completeRequest(claim, sealResponse(claim.sealingKey, response), await auditRecordFor(request, response)))) return undefined;
      markAuditCommitted(request);
      throw e;
    }
    await store.releaseRequest(claim).catch(() => {
      // Bounded: a caller that never retries leaves its entry; the lease covers the rest.
      if (unreleased.size < 10_000) unreleased.set(`${claim.partnerId}|${claim.requestId}|${claim.fingerprint}`, claim);
    });
    throw e;
  }
  // The write committed its receipt (answer and record) in its own transaction.
  if (used) {
    failpoint('after-commit');
    markAuditCommitted(request);
    return result;
  }
  return (await store.completeRequest(claim, sealResponse(claim.sealingKey, result))) ? result : undefined;
}
