/**
 * Builds the `ReceiptFor` a route hands to its write: the audit record (built by the audit plugin
 * from the request) and, for a request claimed under its MS-RequestId, the sealed stored answer.
 * The service passes the receipt to the store write, which commits it in the write's transaction.
 */
import type { FastifyRequest } from 'fastify';
import { sealResponse } from '../domain/sealed-response.js';
import type { ReceiptFor } from '../services/write-receipt.js';
import { failpoint } from '../store/failpoint.js';
import type { IdempotencyClaim } from '../store/store.js';
import { auditRecordFor, markAuditCommitted } from './plugins/audit.js';

/**
 * The receipt builder of one request (and one attempt, when claimed).
 *
 * @example
 * await ctx.users.create(customer, body, receiptFor(request, claim));
 */
export function receiptFor(request: FastifyRequest, claim?: IdempotencyClaim): ReceiptFor {
  return async (response, note) => ({
    completion: claim && { claim, response: sealResponse(claim.sealingKey, response) },
    audit: await auditRecordFor(request, response, note),
  });
}

/**
 * Runs a write that has no stored answer (not keyed by MS-RequestId) with its receipt. A write
 * that resolves has committed the receipt with it, so the audit plugin writes no second record.
 *
 * @example
 * await recorded(request, (receipt) => ctx.users.delete(customer, userId, receipt));
 */
export async function recorded<T>(request: FastifyRequest, work: (receipt: ReceiptFor) => Promise<T>): Promise<T> {
  const result = await work(receiptFor(request));
  failpoint('after-commit');
  markAuditCommitted(request);
  return result;
}
