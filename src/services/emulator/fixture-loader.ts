/**
 * The workspace data port with fixtures (issue 11): a fixture is checked whole (every problem with
 * its JSON path, in one 400) before anything is written, then loaded through the store's bulk
 * paths, a few transactions a customer; `export` reads a workspace back as a fixture.
 */
import { unusablePasswordHash } from '../../demo/synthetic-users.js';
import { invalidFixture, planFixture, type FixtureLicenceRow } from '../../domain/emulator/fixture-plan.js';
import { Fault } from '../../domain/fault.js';
import { findCatalogProduct } from '../../domain/product-catalog.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import { toUserRow, type UserRecord, type UserRow } from '../../domain/user.js';
import type { Fixture, FixtureCustomer, FixtureUser } from '../../schemas/emulator/fixture.js';
import type { Store } from '../../store/store.js';
import type { WorkspaceDataPort } from './workspace-data.js';

const batchSize = 2_000;
// Any fixed instant would do; a fixture without dates gets this one, so its rows never depend on when it was loaded.
const fixtureEpoch = '2026-01-01T00:00:00Z';

/** 409 / 600109: a customer of the fixture clashes with one of another workspace (ids and domains are server-wide). */
const fixtureConflict = (path: string, what: string) => new Fault(409, 600109, `fixture: ${path}: ${what} is taken by a customer of another workspace.`, [{ path, message: `${what} is taken by a customer of another workspace` }]);

/**
 * @example
 * const data = new FixtureLoader(store);
 * await data.validate(fixture);                  // throws a 400 naming every problem
 * await data.load(workspaceId, fixture, 'seed'); // same fixture and seed: same ids
 * const again = await data.export(workspaceId);  // loads back into identical answers
 */
export class FixtureLoader implements WorkspaceDataPort {
  /** Fixture objects `validate` passed: `load` of the same object skips the schema check. */
  private readonly schemaChecked = new WeakSet<object>();

  constructor(private readonly store: Store) {}

  async validate(fixture: unknown): Promise<void> {
    if (fixture === undefined) return;
    const result = planFixture(fixture, { partnerId: '00000000-0000-4000-8000-000000000000', seed: 'validate', now: fixtureEpoch, checkOnly: true });
    if (!result.ok) throw invalidFixture(result.problems);
    if (typeof fixture === 'object' && fixture !== null) this.schemaChecked.add(fixture);
  }

  async deleteAll(partnerId: string): Promise<void> {
    await this.store.deletePartnerData(partnerId);
  }

  async load(partnerId: string, fixture: unknown, seed: string | undefined): Promise<void> {
    if (fixture === undefined) return;
    const schemaChecked = typeof fixture === 'object' && fixture !== null && this.schemaChecked.has(fixture);
    const result = planFixture(fixture, { partnerId, seed: seed ?? partnerId, now: fixtureEpoch, schemaChecked });
    if (!result.ok) throw invalidFixture(result.problems);
    for (const [ci, planned] of result.customers.entries()) {
      if (!(await this.store.insertCustomer(planned.customer, []))) throw fixtureConflict(`/customers/${ci}`, `its id ${planned.customer.id} or domain ${planned.customer.domain}`);
      // In key order (customer, id), so the clustered table and its indexes fill in order.
      const users = planned.users.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      await this.store.insertUsersBulk(batchesOf(users), unusablePasswordHash);
      if (planned.skus.length + planned.licences.length + planned.members.length > 0) {
        await this.store.insertFixtureLicensing(planned.customer.id, planned.skus, planned.licences, planned.members, fixtureEpoch);
      }
    }
  }

  /**
   * The partner's data as a fixture: every customer with all its users (deleted ones with their
   * deletion time), seats, licences (a deleted user's suspended ones too) and role members.
   */
  async export(partnerId: string): Promise<Fixture> {
    const customers: FixtureCustomer[] = [];
    let after: KeysetPosition | undefined;
    do {
      const page = await this.store.listCustomers(partnerId, undefined, 500, after);
      for (const c of page.items) {
        const users: FixtureUser[] = [];
        for (let last = ''; ; ) {
          const rows = await this.store.listUsersById(c.id, last, 5_000);
          for (const u of rows) users.push(exportUser(u));
          if (rows.length < 5_000) break;
          last = rows[rows.length - 1].id;
        }
        const skus = await this.store.listSubscribedSkus(c.id);
        const { licences, members } = await this.store.readFixtureLicensing(c.id);
        const out: FixtureCustomer = {
          id: c.id,
          companyName: c.companyName,
          domain: c.domain,
          commerceId: c.commerceId,
          customDomains: c.customDomains,
          billingProfile: c.billingProfile as Record<string, unknown>,
          createdAt: c.createdAt,
          users,
        };
        if (skus.length > 0) {
          out.subscribedSkus = skus
            .sort((a, b) => (a.product.id < b.product.id ? -1 : 1))
            .map((s) => {
              const catalogue = findCatalogProduct(s.product.id);
              const custom = !catalogue || JSON.stringify(catalogue) !== JSON.stringify(s.product);
              return {
                skuId: s.product.id,
                seats: s.totalUnits,
                ...(s.warningUnits ? { warningUnits: s.warningUnits } : {}),
                ...(s.suspendedUnits ? { suspendedUnits: s.suspendedUnits } : {}),
                ...(custom
                  ? { product: { name: s.product.name, skuPartNumber: s.product.skuPartNumber, targetType: s.product.targetType, licenseGroupId: s.product.licenseGroupId, servicePlans: s.product.servicePlans } }
                  : {}),
              };
            });
        }
        if (licences.length > 0) out.licenses = groupLicences(licences);
        if (members.length > 0) {
          const byRole = new Map<string, string[]>();
          for (const m of members) byRole.set(m.roleId, [...(byRole.get(m.roleId) ?? []), m.userId]);
          out.roleMembers = [...byRole].map(([role, ids]) => ({ role, users: ids }));
        }
        customers.push(out);
      }
      after = page.next;
    } while (after);
    return { customers };
  }
}

/** Rows made a batch at a time as the store pulls them, so only one batch of wire JSON is alive. */
function* batchesOf(users: UserRecord[]): Generator<UserRow[]> {
  for (let i = 0; i < users.length; i += batchSize) yield users.slice(i, i + batchSize).map(toUserRow);
}

function exportUser(u: UserRecord): FixtureUser {
  const out: FixtureUser = { id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName };
  if (u.firstName !== undefined) out.firstName = u.firstName;
  if (u.lastName !== undefined) out.lastName = u.lastName;
  if (u.usageLocation !== undefined) out.usageLocation = u.usageLocation;
  if (u.immutableId !== undefined) out.immutableId = u.immutableId;
  if (u.phoneNumber !== undefined) out.phoneNumber = u.phoneNumber;
  if (u.userDomainType !== 'none') out.userDomainType = u.userDomainType;
  if (u.lastDirectorySyncTime !== undefined) out.lastDirectorySyncTime = u.lastDirectorySyncTime;
  if (u.softDeletionTime !== undefined) out.softDeletionTime = u.softDeletionTime;
  out.createdAt = u.createdAt;
  if (u.updatedAt !== u.createdAt) out.updatedAt = u.updatedAt;
  return out;
}

/** Licence rows (ordered by user) as one entry per user. */
function groupLicences(rows: FixtureLicenceRow[]): NonNullable<FixtureCustomer['licenses']> {
  const out: NonNullable<FixtureCustomer['licenses']> = [];
  for (const l of rows) {
    let entry = out[out.length - 1];
    if (!entry || entry.user !== l.userId) out.push((entry = { user: l.userId, skuIds: [] }));
    entry.skuIds.push(l.skuId);
    if (l.excludedPlans.length > 0) (entry.excludedPlans ??= []).push({ skuId: l.skuId, servicePlanIds: l.excludedPlans });
  }
  return out;
}

