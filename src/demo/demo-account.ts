/**
 * The demo partner's web UI sign-in for `tenantry serve --demo`. Its password is replaced on every
 * demo start and printed, so it is never a well-known default.
 */
import { PartnerAccountService } from '../services/partner-account-service.js';
import type { Store } from '../store/store.js';
import { demoPartnerId } from './demo-data.js';

export const demoUserName = 'admin@demo-partner.example';

/**
 * Creates the demo account, or gives it a new password; returns the credentials to print.
 *
 * @example
 * const { userName, password } = await ensureDemoSignIn(store);
 */
export async function ensureDemoSignIn(store: Store, password?: string): Promise<{ userName: string; password: string }> {
  const accounts = new PartnerAccountService(store);
  const existing = await store.findPartnerAccount(demoUserName);
  const result = existing
    ? await accounts.resetPassword(demoUserName, password)
    : await accounts.add({ partnerId: demoPartnerId, userName: demoUserName, roles: ['AdminAgent'], password });
  return { userName: result.account.userName, password: result.password };
}
