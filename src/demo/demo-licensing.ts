/**
 * The demo customer's licences: a few seats of Microsoft 365 E3, Enterprise Mobility + Security
 * E3 and Exchange Online (Plan 1), and one EMS E3 seat used, so its subscribed SKUs read like
 * Partner Center's documented example (5 active, 1 consumed, 4 available).
 */
import { enterpriseMobilitySecurityE3, exchangeOnlinePlan1, microsoft365E3 } from '../domain/product-catalog.js';
import type { Store } from '../store/store.js';

const demoSeats = [
  { product: microsoft365E3, totalUnits: 5 },
  { product: enterpriseMobilitySecurityE3, totalUnits: 5 },
  { product: exchangeOnlinePlan1, totalUnits: 10 },
];

/**
 * Subscribes the customer to the demo products and gives `licensedUserId` an EMS E3 licence.
 *
 * @example
 * await seedDemoLicensing(store, demoCustomerId, 'a9ef48bb-8758-4590-a312-d4a47bfaded4', '2016-12-21T21:13:24Z');
 */
export async function seedDemoLicensing(store: Store, customerId: string, licensedUserId: string, now: string): Promise<void> {
  for (const { product, totalUnits } of demoSeats) {
    await store.putSubscribedSku({ customerId, product, totalUnits, consumedUnits: 0, warningUnits: 0, suspendedUnits: 0, updatedAt: now });
  }
  const outcome = await store.applyLicenseUpdate(customerId, licensedUserId, { assign: [{ skuId: enterpriseMobilitySecurityE3.id, excludedPlans: [] }], remove: [] }, now);
  if (outcome.kind !== 'ok') throw new Error(`demo licence not assigned: ${outcome.kind}`);
}
