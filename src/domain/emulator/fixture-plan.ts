/**
 * A fixture checked whole and turned into the rows a store writes (no I/O). Every problem is
 * collected with its JSON path, so one 400 names them all and nothing is half-loaded.
 */
import { Value } from '@sinclair/typebox/value';
import { normalizeDomain, type CustomerRecord } from '../customer.js';
import { findDirectoryRole, directoryRoleTemplates } from '../directory-roles.js';
import { Fault } from '../fault.js';
import type { ProductDefinition, SubscribedSkuRecord } from '../licensing.js';
import { findCatalogProduct } from '../product-catalog.js';
import { sortKey, validateUsageLocation, validateUserPrincipalName, type UserRecord } from '../user.js';
import { guidPattern } from '../guid.js';
import { Fixture, type FixtureCustomer } from '../../schemas/emulator/fixture.js';
import { seededId } from './seeded-ids.js';

export interface FixtureProblem {
  /** JSON pointer into the fixture, e.g. `/customers/0/users/3/userPrincipalName`. */
  path: string;
  message: string;
}

export interface FixtureLicenceRow { userId: string; skuId: string; excludedPlans: string[]; active: boolean }
export interface FixtureMemberRow { roleId: string; userId: string }

export interface PlannedCustomer {
  customer: CustomerRecord;
  /** Listed and generated users, in no particular order (rows are derived as they are written: `toUserRow`). */
  users: UserRecord[];
  skus: SubscribedSkuRecord[];
  licences: FixtureLicenceRow[];
  members: FixtureMemberRow[];
}

export interface PlanContext {
  partnerId: string;
  /** Ids missing from the fixture derive from it (the workspace's seed, or its id). */
  seed: string;
  /** When rows the fixture does not date were created. */
  now: string;
  /**
   * Only check: ids the fixture leaves out get placeholders instead of seeded GUIDs (hashing one
   * per user is the check's largest cost, and a check needs no real ids).
   */
  checkOnly?: boolean;
  /** The fixture already passed the schema check (the loader's `validate` ran on this object). */
  schemaChecked?: boolean;
}

export type FixturePlanResult = { ok: true; customers: PlannedCustomer[] } | { ok: false; problems: FixtureProblem[] };

const roleByName = new Map(directoryRoleTemplates.map((r) => [r.name.toLowerCase(), r]));
const firstNames = ['Ada', 'Ben', 'Chloe', 'Dmitri', 'Emma', 'Farah', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Mateo'];
const lastNames = ['Adams', 'Brown', 'Chen', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Kowalski'];
const locations = ['US', 'GB', 'DE', 'FR', 'JP', 'IN', 'BR'];
const maxProblems = 1000;

/** The fault a wrong fixture answers: 400 / 600108, every problem (path and message) in `data`. */
export const invalidFixture = (problems: FixtureProblem[]) =>
  new Fault(
    400,
    600108,
    `fixture: ${problems.length} problem(s): ${problems.slice(0, 5).map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}${problems.length > 5 ? '; …' : ''}`,
    problems,
  );

const message = (e: unknown) => (e instanceof Fault ? e.description : e instanceof Error ? e.message : String(e));

/**
 * Checks a fixture and, when it is right, returns the rows to write; otherwise every problem.
 *
 * @example
 * const r = planFixture(json, { partnerId, seed: 'suite', now: '2026-01-01T00:00:00Z' });
 * if (!r.ok) throw invalidFixture(r.problems);
 */
export function planFixture(input: unknown, ctx: PlanContext): FixturePlanResult {
  if (!ctx.schemaChecked && !Value.Check(Fixture, input)) {
    const problems = [...Value.Errors(Fixture, input)].slice(0, maxProblems).map((e) => ({ path: e.path, message: e.message }));
    return { ok: false, problems };
  }
  const problems: FixtureProblem[] = [];
  const report = (path: string, text: string) => {
    if (problems.length < maxProblems) problems.push({ path, message: text });
  };
  const fixture = input as Fixture;
  const customers: PlannedCustomer[] = [];
  const customerIds = new Map<string, number>();
  const domains = new Map<string, string>();
  (fixture.customers ?? []).forEach((c, ci) => {
    const planned = planCustomer(c, ci, ctx, report);
    if (!planned) return;
    const at = `/customers/${ci}`;
    const seenId = customerIds.get(planned.customer.id);
    if (seenId !== undefined) report(`${at}/id`, `duplicate customer id (also /customers/${seenId}/id)`);
    customerIds.set(planned.customer.id, ci);
    for (const d of [planned.customer.domain, ...planned.customer.customDomains]) {
      const other = domains.get(d);
      if (other !== undefined) report(`${at}/domain`, `domain ${d} is also that of ${other}`);
      domains.set(d, at);
    }
    customers.push(planned);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, customers };
}

function planCustomer(c: FixtureCustomer, ci: number, ctx: PlanContext, report: (path: string, message: string) => void): PlannedCustomer | undefined {
  const at = `/customers/${ci}`;
  const before = { n: 0 };
  const r = (path: string, text: string) => {
    before.n++;
    report(path, text);
  };
  // Placeholders (never GUIDs, so never equal to a given id) when only checking.
  const newId = (stream: string, n: number) => (ctx.checkOnly ? `#${stream}/${n}` : seededId(ctx.seed, stream, n));
  const id = checkGuid(c.id, `${at}/id`, r) ?? newId('fixture/customers', ci);
  let domain = '';
  try {
    domain = normalizeDomain(c.domain, 'domain');
  } catch (e) {
    r(`${at}/domain`, message(e));
  }
  const customDomains: string[] = [];
  (c.customDomains ?? []).forEach((d, i) => {
    try {
      customDomains.push(normalizeDomain(d, 'customDomains'));
    } catch (e) {
      r(`${at}/customDomains/${i}`, message(e));
    }
  });
  const customer: CustomerRecord = {
    partnerId: ctx.partnerId,
    id,
    commerceId: checkGuid(c.commerceId, `${at}/commerceId`, r) ?? newId('fixture/commerce', ci),
    domain,
    companyName: c.companyName,
    customDomains,
    billingProfile: (c.billingProfile as CustomerRecord['billingProfile'] | undefined) ?? { companyName: c.companyName, culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } },
    createdAt: c.createdAt ?? ctx.now,
  };
  const allDomains = [domain, ...customDomains];

  // Users: listed ones, then generated ones. Keys: lower-cased UPN (active users only are unique)
  // and id; references accept either.
  // Paths are made only for a problem: `where` gives the path of the n-th user (listed or generated).
  const listed = c.users?.length ?? 0;
  const where = (n: number) => (n < listed ? `${at}/users/${n}` : `${at}/generate`);
  const users: UserRecord[] = [];
  const byId = new Map<string, number>();
  const activeByUpn = new Map<string, number>();
  const anyByUpn = new Map<string, number>();
  /** Users whose id the fixture left out (the seed gives theirs). */
  const seeded: number[] = [];
  const add = (row: UserRecord, path: () => string, idSeeded: boolean) => {
    const n = users.length;
    if (idSeeded) seeded.push(n);
    const sameId = byId.get(row.id);
    if (sameId !== undefined) r(`${path()}/id`, `duplicate user id ${row.id} (also ${where(sameId)})`);
    const key = sortKey(row.userPrincipalName);
    if (row.state === 'active') {
      const sameUpn = activeByUpn.get(key);
      if (sameUpn !== undefined) r(`${path()}/userPrincipalName`, `duplicate userPrincipalName ${row.userPrincipalName} (also ${where(sameUpn)})`);
      else activeByUpn.set(key, n);
    }
    if (!anyByUpn.has(key) || row.state === 'active') anyByUpn.set(key, n);
    byId.set(row.id, n);
    users.push(row);
  };
  (c.users ?? []).forEach((u, ui) => {
    const path = `${at}/users/${ui}`;
    const pathOf = () => path;
    let upn = u.userPrincipalName;
    try {
      if (domain) upn = validateUserPrincipalName(u.userPrincipalName, allDomains);
    } catch (e) {
      r(`${path}/userPrincipalName`, message(e));
    }
    let usageLocation = u.usageLocation;
    if (usageLocation !== undefined) {
      try {
        usageLocation = validateUsageLocation(usageLocation);
      } catch (e) {
        r(`${path}/usageLocation`, message(e));
      }
    }
    for (const key of ['softDeletionTime', 'lastDirectorySyncTime', 'createdAt', 'updatedAt'] as const) {
      const v = u[key];
      if (v !== undefined && !isInstant(v)) r(`${path}/${key}`, 'must be a UTC ISO-8601 instant such as 2026-01-01T00:00:00Z');
    }
    const displayName = u.displayName ?? ([u.firstName, u.lastName].filter(Boolean).join(' ') || upn);
    const givenId = checkGuid(u.id, `${path}/id`, r);
    const createdAt = u.createdAt ?? ctx.now;
    add(
      {
        customerId: id,
        id: givenId ?? newId(`fixture/${ci}/users`, ui),
        userPrincipalName: upn,
        displayName,
        firstName: u.firstName,
        lastName: u.lastName,
        usageLocation,
        immutableId: u.immutableId,
        phoneNumber: u.phoneNumber,
        userDomainType: u.userDomainType ?? 'none',
        state: u.softDeletionTime !== undefined ? 'inactive' : 'active',
        softDeletionTime: u.softDeletionTime,
        lastDirectorySyncTime: u.lastDirectorySyncTime,
        forceChangePassword: true,
        createdAt,
        updatedAt: u.updatedAt ?? createdAt,
      },
      pathOf,
      givenId === undefined,
    );
  });
  if (c.generate && domain) {
    const seed = c.generate.seed ?? ctx.seed;
    for (let n = 0; n < c.generate.count; n++) {
      const first = firstNames[(n * 7) % firstNames.length];
      const last = lastNames[(n * 11 + Math.floor(n / firstNames.length)) % lastNames.length];
      add(
        {
          customerId: id,
          id: ctx.checkOnly ? `#generated/${n}` : seededId(seed, `fixture/${ci}/generated`, n),
          userPrincipalName: `${first.toLowerCase()}.${last.toLowerCase()}.${n}@${domain}`,
          displayName: `${first} ${last} ${n}`,
          firstName: first,
          lastName: last,
          usageLocation: locations[n % locations.length],
          userDomainType: 'none',
          state: 'active',
          forceChangePassword: true,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
        () => `${at}/generate/${n}`,
        true,
      );
    }
  }
  if (!ctx.checkOnly) handOutSeededIdsInKeyOrder(users, seeded, byId);
  const findUser = (ref: string): UserRecord | undefined => {
    const n = byId.get(ref.toLowerCase()) ?? anyByUpn.get(sortKey(ref.trim()));
    return n === undefined ? undefined : users[n];
  };

  // Subscribed SKUs, then licences (counting seats), then role members.
  const skus = new Map<string, { sku: SubscribedSkuRecord; path: string }>();
  (c.subscribedSkus ?? []).forEach((s, si) => {
    const path = `${at}/subscribedSkus/${si}`;
    const skuId = s.skuId.toLowerCase();
    if (!guidPattern.test(skuId)) return r(`${path}/skuId`, 'must be a GUID');
    if (skus.has(skuId)) return r(`${path}/skuId`, `duplicate SKU ${skuId} (also ${skus.get(skuId)!.path})`);
    let product: ProductDefinition | undefined = findCatalogProduct(skuId);
    if (s.product) {
      product = {
        id: skuId,
        name: s.product.name,
        skuPartNumber: s.product.skuPartNumber,
        targetType: s.product.targetType === 'Tenant' ? 'Tenant' : 'User',
        licenseGroupId: s.product.licenseGroupId === 'group2' ? 'group2' : 'group1',
        servicePlans: s.product.servicePlans.map((p) => ({ id: p.id.toLowerCase(), serviceName: p.serviceName, displayName: p.displayName, targetType: p.targetType === 'Tenant' ? 'Tenant' : 'User' })),
      };
    }
    if (!product) return r(`${path}/skuId`, `unknown SKU ${skuId}: not in the product catalogue (describe it with product)`);
    const warningUnits = s.warningUnits ?? 0;
    if (warningUnits > s.seats) r(`${path}/warningUnits`, 'must not exceed seats');
    skus.set(skuId, {
      path,
      sku: { customerId: id, product, totalUnits: s.seats, consumedUnits: 0, warningUnits, suspendedUnits: s.suspendedUnits ?? 0, updatedAt: ctx.now },
    });
  });
  const licences: FixtureLicenceRow[] = [];
  const licensed = new Map<string, string>();
  (c.licenses ?? []).forEach((l, li) => {
    const path = `${at}/licenses/${li}`;
    const user = findUser(l.user);
    if (!user) return r(`${path}/user`, `no user ${l.user} in this customer`);
    const excluded = new Map<string, string[]>();
    (l.excludedPlans ?? []).forEach((e, ei) => {
      const skuId = e.skuId.toLowerCase();
      if (!l.skuIds.some((s) => s.toLowerCase() === skuId)) r(`${path}/excludedPlans/${ei}/skuId`, `${skuId} is not one of skuIds`);
      const sku = skus.get(skuId)?.sku;
      e.servicePlanIds.forEach((p, pi) => {
        if (sku && !sku.product.servicePlans.some((s) => s.id === p.toLowerCase())) r(`${path}/excludedPlans/${ei}/servicePlanIds/${pi}`, `SKU ${skuId} has no service plan ${p}`);
      });
      excluded.set(skuId, e.servicePlanIds.map((p) => p.toLowerCase()));
    });
    l.skuIds.forEach((raw, ki) => {
      const skuId = raw.toLowerCase();
      const entry = skus.get(skuId);
      if (!entry) return r(`${path}/skuIds/${ki}`, `SKU ${skuId} is not among the customer's subscribedSkus`);
      const key = `${user.id} ${skuId}`;
      if (licensed.has(key)) return r(`${path}/skuIds/${ki}`, `${l.user} already has SKU ${skuId} (${licensed.get(key)})`);
      licensed.set(key, `${path}/skuIds/${ki}`);
      const active = user.state === 'active';
      if (active) entry.sku.consumedUnits++;
      licences.push({ userId: user.id, skuId, excludedPlans: excluded.get(skuId) ?? [], active });
    });
  });
  for (const { sku, path } of skus.values()) {
    if (sku.consumedUnits > sku.totalUnits) r(`${path}/seats`, `${sku.consumedUnits} active users are assigned SKU ${sku.product.id}, more than its ${sku.totalUnits} seats`);
  }
  const members: FixtureMemberRow[] = [];
  const memberKeys = new Set<string>();
  (c.roleMembers ?? []).forEach((m, mi) => {
    const path = `${at}/roleMembers/${mi}`;
    const role = findDirectoryRole(m.role) ?? roleByName.get(m.role.trim().toLowerCase());
    if (!role) return r(`${path}/role`, `unknown directory role ${m.role}`);
    m.users.forEach((ref, ui) => {
      const user = findUser(ref);
      if (!user) return r(`${path}/users/${ui}`, `no user ${ref} in this customer`);
      const key = `${role.id} ${user.id}`;
      if (memberKeys.has(key)) return r(`${path}/users/${ui}`, `${ref} is listed twice in role ${role.name}`);
      memberKeys.add(key);
      members.push({ roleId: role.id, userId: user.id });
    });
  });
  if (before.n > 0) return undefined;
  return { customer, users, skus: [...skus.values()].map((s) => s.sku), licences, members };
}

function checkGuid(value: string | undefined, path: string, r: (path: string, message: string) => void): string | undefined {
  if (value === undefined) return undefined;
  const id = value.toLowerCase();
  if (!guidPattern.test(id)) {
    r(path, 'must be a GUID');
    return undefined;
  }
  return id;
}

const isInstant = (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v));

/**
 * Gives the users with seeded ids those same ids again, sorted, in the order of the store's
 * display-name index (state, then display name): the table (clustered by id) and that index then
 * fill in the same order, as `tenantry seed`'s rows do. Loaded in random id order, the index took
 * every insert at a random page: 100,000 users loaded in ~10 s instead of ~5 s on SQLite. The ids
 * still derive from the fixture and seed alone; a fixture that must pin an id gives it.
 */
function handOutSeededIdsInKeyOrder(users: UserRecord[], seeded: number[], byId: Map<string, number>): void {
  const ids = seeded.map((n) => users[n].id).sort();
  const inIndexOrder = seeded
    .map((n) => ({ n, key: `${users[n].state === 'active' ? 0 : 1}${sortKey(users[n].displayName)}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.n - b.n));
  // The same set of ids: every one of them is set again, so no stale entry stays in `byId`.
  inIndexOrder.forEach(({ n }, k) => {
    users[n].id = ids[k];
    byId.set(ids[k], n);
  });
}
