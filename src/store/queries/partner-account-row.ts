/**
 * Row mapping for partner_accounts, shared by both stores.
 */
import type { PartnerAccount } from '../../domain/partner-account.js';

/**
 * @example
 * partnerAccountFromRow({ partner_id, user_name, roles: '["AdminAgent"]', password_hash, created_at, updated_at });
 */
export function partnerAccountFromRow(r: Record<string, unknown>): PartnerAccount {
  return {
    partnerId: String(r.partner_id),
    userName: String(r.user_name),
    roles: JSON.parse(String(r.roles)) as string[],
    passwordHash: String(r.password_hash),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}
