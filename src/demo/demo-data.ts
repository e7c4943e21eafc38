/**
 * Demo data for `tenantry serve --demo`: a demo partner owning the customer of Partner Center's
 * documentation example, with exactly its two users, so the documented request replays.
 */
import { hashPassword } from '../auth/password-hash.js';
import type { CustomerRecord } from '../domain/customer.js';
import { generateTemporaryPassword } from '../domain/password-policy.js';
import { toUserRow, type UserRecord } from '../domain/user.js';
import type { Store } from '../store/store.js';
import { seedDemoLicensing } from './demo-licensing.js';

export const demoPartnerId = 'f5d6c1a4-7b1e-4d2b-9a39-5c7e0e3b9d10';
export const demoCustomerId = '4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04';
export const demoDomain = 'dtdemocspcustomer005.onmicrosoft.com';

const createdAt = '2016-12-21T21:13:24Z';

const demoUsers: Omit<UserRecord, 'customerId' | 'userDomainType' | 'state' | 'forceChangePassword' | 'createdAt' | 'updatedAt'>[] = [
  { usageLocation: 'US', id: 'a9ef48bb-8758-4590-a312-d4a47bfaded4', userPrincipalName: `Daniel@${demoDomain}`, firstName: 'Daniel', lastName: 'Tsai', displayName: 'Daniel Tsai' },
  { id: '6e668259-1f09-479d-bcb8-d9b03e826b8d', userPrincipalName: `admin@${demoDomain}`, firstName: 'Daniel', lastName: 'Tsai', displayName: 'DT Demo CSP Customer 005' },
];

/**
 * Writes the demo customer and users unless the demo customer already exists.
 * Returns whether anything was written.
 *
 * @example
 * await seedDemoData(store);
 */
export async function seedDemoData(store: Store): Promise<boolean> {
  if (await store.findCustomer(demoPartnerId, demoCustomerId)) return false;
  const customer: CustomerRecord = {
    partnerId: demoPartnerId,
    id: demoCustomerId,
    commerceId: 'f9f6c2a1-1b5e-4b8e-9d1c-0c2c1e6a7d01',
    domain: demoDomain,
    companyName: 'DT Demo CSP Customer 005',
    customDomains: [],
    billingProfile: { firstName: 'Daniel', lastName: 'Tsai', email: 'daniel@example.com', culture: 'en-US', language: 'en', companyName: 'DT Demo CSP Customer 005', defaultAddress: { country: 'US', city: 'Redmond', state: 'WA', addressLine1: 'One Microsoft Way', postalCode: '98052' } },
    createdAt,
  };
  const users = await Promise.all(
    demoUsers.map(async (u) => ({
      row: toUserRow({ ...u, customerId: demoCustomerId, userDomainType: 'none', state: 'active', forceChangePassword: false, createdAt, updatedAt: createdAt }),
      passwordHash: await hashPassword(generateTemporaryPassword()),
    })),
  );
  const created = await store.insertCustomer(customer, users);
  // Licences (issue 5): seats of three products, one used by Daniel Tsai (who has a usage location).
  if (created) await seedDemoLicensing(store, demoCustomerId, demoUsers[0].id, createdAt);
  return created;
}
