/**
 * A stable MS-RequestId for one import row: the same customer and row content always give the
 * same id, so a re-run after an interruption replays the service's first answer instead of
 * creating the user again.
 */
import { createHash } from 'node:crypto';

/**
 * A UUID-shaped SHA-256 of the customer and the request body.
 *
 * @example
 * rowRequestId(customerId, { userPrincipalName: 'ada@contoso.com', displayName: 'Ada' }); // 'a3f1…-…'
 */
export function rowRequestId(customerId: string, body: object): string {
  const hex = createHash('sha256').update(`tenantry-import\n${customerId.toLowerCase()}\n${JSON.stringify(body)}`).digest('hex');
  // Version 8 (custom) UUID layout, variant 10xx.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
