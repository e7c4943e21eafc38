import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { CustomerRecord } from '../domain/customer.js';
import type { ProductDefinition } from '../domain/licensing.js';
import { enterpriseMobilitySecurityE3, exchangeOnlinePlan1, microsoft365E3 } from '../domain/product-catalog.js';
import { toUserRow, type UserRecord } from '../domain/user.js';
import { unusablePasswordHash } from '../demo/synthetic-users.js';
import { storeFactories } from '../test-support/stores.js';
import type { Store } from './store.js';

const now = '2026-01-01T00:00:00Z';
const products: ProductDefinition[] = [microsoft365E3, enterpriseMobilitySecurityE3, exchangeOnlinePlan1];
const userCount = 4;

type Command =
  | { op: 'assign' | 'remove'; user: number; sku: number }
  | { op: 'delete' | 'restore'; user: number }
  | { op: 'setTotal'; sku: number; total: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('assign' as const), user: fc.nat(userCount - 1), sku: fc.nat(products.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), user: fc.nat(userCount - 1), sku: fc.nat(products.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'restore' as const), user: fc.nat(userCount - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setTotal' as const), sku: fc.nat(products.length - 1), total: fc.nat(3) }) },
);

/** What the seats should be: the model the store is compared with after every step. */
class SeatModel {
  totals = products.map(() => 2);
  active = Array.from({ length: userCount }, () => true);
  held = Array.from({ length: userCount }, () => new Set<number>());
  suspended = Array.from({ length: userCount }, () => new Set<number>());
  consumed = (sku: number) => this.held.filter((h) => h.has(sku)).length;
}

for (const factory of storeFactories) {
  describe(`seat arithmetic against a model on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    it('keeps consumedUnits equal to the licences held and never above totalUnits, whatever the sequence', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
          const customerId = randomUUID();
          const customer: CustomerRecord = { partnerId: randomUUID(), id: customerId, commerceId: randomUUID(), domain: `m${customerId.slice(0, 8)}.test`, companyName: 'Model', customDomains: [], billingProfile: {}, createdAt: now };
          const users: UserRecord[] = Array.from({ length: userCount }, (_, i) => ({
            customerId, id: randomUUID(), userPrincipalName: `u${i}@m.test`, displayName: `U${i}`, usageLocation: 'US', userDomainType: 'none', state: 'active', forceChangePassword: false, createdAt: now, updatedAt: now,
          }));
          await store.insertCustomer(customer, users.map((u) => ({ row: toUserRow(u), passwordHash: unusablePasswordHash })));
          const model = new SeatModel();
          for (const [i, product] of products.entries()) {
            await store.putSubscribedSku({ customerId, product, totalUnits: model.totals[i], consumedUnits: 0, warningUnits: 0, suspendedUnits: 0, updatedAt: now });
          }
          for (const c of commands) {
            if (c.op === 'assign' || c.op === 'remove') {
              const skuId = products[c.sku].id;
              const plan = c.op === 'assign' ? { assign: [{ skuId, excludedPlans: [] }], remove: [] } : { assign: [], remove: [skuId] };
              const outcome = await store.applyLicenseUpdate(customerId, users[c.user].id, plan, now);
              const held = model.held[c.user];
              let expected: string;
              if (!model.active[c.user]) expected = 'user_inactive';
              else if (c.op === 'remove') expected = held.has(c.sku) ? 'ok' : 'not_assigned';
              else expected = held.has(c.sku) || model.consumed(c.sku) < model.totals[c.sku] ? 'ok' : 'out_of_seats';
              assert.equal(outcome.kind, expected, JSON.stringify(c));
              if (expected === 'ok') c.op === 'assign' ? held.add(c.sku) : held.delete(c.sku);
            } else if (c.op === 'delete') {
              if (!model.active[c.user]) continue;
              const u = users[c.user];
              await store.updateUser(toUserRow({ ...u, state: 'inactive', softDeletionTime: now }));
              await store.suspendUserLicenses(customerId, u.id, now);
              model.active[c.user] = false;
              model.suspended[c.user] = model.held[c.user];
              model.held[c.user] = new Set();
            } else if (c.op === 'restore') {
              if (model.active[c.user]) continue;
              const u = users[c.user];
              await store.updateUser(toUserRow({ ...u, state: 'active' }));
              const unrestored = await store.resumeUserLicenses(customerId, u.id, now);
              model.active[c.user] = true;
              const expectedUnrestored: string[] = [];
              // The store resumes in SKU-id order: the model does too.
              for (const sku of [...model.suspended[c.user]].sort((a, b) => (products[a].id < products[b].id ? -1 : 1))) {
                if (model.consumed(sku) < model.totals[sku]) model.held[c.user].add(sku);
                else expectedUnrestored.push(products[sku].id);
              }
              model.suspended[c.user] = new Set();
              assert.deepEqual(unrestored, expectedUnrestored, JSON.stringify(c));
            } else if (c.op === 'setTotal') {
              const result = await store.putSubscribedSku({ customerId, product: products[c.sku], totalUnits: c.total, consumedUnits: 0, warningUnits: 0, suspendedUnits: 0, updatedAt: now });
              const expected = c.total >= model.consumed(c.sku) ? 'updated' : 'below_consumed';
              assert.equal(result, expected, JSON.stringify(c));
              if (expected === 'updated') model.totals[c.sku] = c.total;
            }
            const skus = await store.listSubscribedSkus(customerId);
            for (const [i, product] of products.entries()) {
              const s = skus.find((x) => x.product.id === product.id)!;
              assert.equal(s.consumedUnits, model.consumed(i), `consumed of ${product.skuPartNumber} after ${JSON.stringify(c)}`);
              assert.equal(s.totalUnits, model.totals[i]);
              assert.ok(s.consumedUnits <= s.totalUnits);
            }
            for (const [i, u] of users.entries()) {
              const held = (await store.listUserLicenses(customerId, u.id)).map((l) => l.skuId).sort();
              assert.deepEqual(held, [...model.held[i]].map((s) => products[s].id).sort());
            }
          }
        }),
        { numRuns: factory.name === 'postgres' ? 25 : 60 },
      );
    });
  });
}
