/**
 * Licences: products (SKUs with their service plans), a customer's subscribed SKUs with seat
 * accounting, a user's assigned licences, and the rules of a licence update. Plain functions
 * without I/O; the stores make the seat changes atomic.
 */
import { faults } from './fault.js';
import { licensingFaults } from './licensing-faults.js';
import { guidPattern } from './guid.js';

export type LicenseGroupId = 'group1' | 'group2';
export type TargetType = 'User' | 'Tenant';

export interface ServicePlanDefinition {
  id: string;
  serviceName: string;
  displayName: string;
  targetType: TargetType;
}

/** A product SKU as Partner Center's ProductSku describes it, with its service plans. */
export interface ProductDefinition {
  id: string;
  name: string;
  skuPartNumber: string;
  targetType: TargetType;
  /** group1: products Entra manages; group2: Minecraft. */
  licenseGroupId: LicenseGroupId;
  servicePlans: ServicePlanDefinition[];
}

/** A customer's subscription to a product, with its seats. */
export interface SubscribedSkuRecord {
  customerId: string;
  product: ProductDefinition;
  /** Seats bought: activeUnits + warningUnits. */
  totalUnits: number;
  /** Seats assigned to (active) users. */
  consumedUnits: number;
  /** Seats in a grace period, part of totalUnits. */
  warningUnits: number;
  /** Seats of a suspended subscription, not part of totalUnits. */
  suspendedUnits: number;
  updatedAt: string;
}

/** One licence a user holds. */
export interface UserLicenseRecord {
  skuId: string;
  excludedPlans: string[];
}

/** What a validated licence update does, in the order the store applies it (removals first). */
export interface LicenseUpdatePlan {
  assign: UserLicenseRecord[];
  remove: string[];
}

/** How the store's atomic licence update ended. */
export type LicenseUpdateOutcome =
  | { kind: 'ok' }
  | { kind: 'user_missing' }
  | { kind: 'user_inactive' }
  | { kind: 'sku_missing'; skuId: string }
  | { kind: 'out_of_seats'; skuId: string }
  | { kind: 'not_assigned'; skuId: string };

/** Outcome of setting a SKU's seats. */
export type SubscribedSkuWriteResult = 'created' | 'updated' | 'below_consumed';

/**
 * Response header of a restore (PATCH state active) naming, comma-separated, the SKU ids of
 * licences that could not come back because their seats were taken meanwhile.
 */
export const unrestoredLicensesHeader = 'Tenantry-Unrestored-Licenses';

/** Seats still free: Partner Center's `availableUnits = totalUnits − consumedUnits`. */
export const availableUnits = (sku: Pick<SubscribedSkuRecord, 'totalUnits' | 'consumedUnits'>) => sku.totalUnits - sku.consumedUnits;


/** Lower-cases a GUID; anything else is undefined. */
export function normalizeGuid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
  return guidPattern.test(v) ? v : undefined;
}

/**
 * Parses `licenseGroupIds` (repeated, any case: `Group1`, `group2`); absent means group1, as in
 * Partner Center.
 *
 * @example
 * parseLicenseGroupIds(['Group1', 'Group2']); // ['group1', 'group2']
 */
export function parseLicenseGroupIds(value: string | string[] | undefined): LicenseGroupId[] {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0) return ['group1'];
  const out = new Set<LicenseGroupId>();
  for (const v of values) {
    const g = v.toLowerCase();
    if (g !== 'group1' && g !== 'group2') throw faults.invalidInput('licenseGroupIds must be Group1 or Group2', ['licenseGroupIds']);
    out.add(g);
  }
  return [...out];
}

export interface LicenseUpdateInput {
  licensesToAssign?: { skuId?: string; excludedPlans?: string[] }[];
  licensesToRemove?: string[];
}

/**
 * Validates a licence update against the customer's subscribed SKUs and the user: known SKUs,
 * one licence group, excluded plans of the SKU, and a usage location before anything is assigned.
 * Seats are checked by the store, atomically.
 *
 * @example
 * const plan = planLicenseUpdate({ licensesToAssign: [{ skuId }] }, skus, user);
 */
export function planLicenseUpdate(
  input: LicenseUpdateInput,
  subscribed: ReadonlyMap<string, SubscribedSkuRecord>,
  user: { id: string; usageLocation?: string },
): LicenseUpdatePlan {
  const assign: UserLicenseRecord[] = [];
  const remove: string[] = [];
  for (const [i, a] of (input.licensesToAssign ?? []).entries()) {
    if (a.skuId === undefined) throw faults.required(`licensesToAssign[${i}].skuId`);
    const skuId = normalizeGuid(a.skuId);
    if (!skuId || !subscribed.has(skuId)) throw licensingFaults.skuNotSubscribed(a.skuId);
    if (assign.some((x) => x.skuId === skuId)) throw faults.invalidProperty('licensesToAssign', `SKU ${skuId} is listed twice`);
    const plans = new Set(subscribed.get(skuId)!.product.servicePlans.map((p) => p.id));
    const excludedPlans: string[] = [];
    for (const p of a.excludedPlans ?? []) {
      const id = normalizeGuid(p);
      if (!id || !plans.has(id)) throw faults.invalidProperty('excludedPlans', `${p} is not a service plan of SKU ${skuId}`);
      if (!excludedPlans.includes(id)) excludedPlans.push(id);
    }
    assign.push({ skuId, excludedPlans });
  }
  for (const raw of input.licensesToRemove ?? []) {
    const skuId = normalizeGuid(raw);
    if (!skuId || !subscribed.has(skuId)) throw licensingFaults.skuNotSubscribed(raw);
    if (assign.some((x) => x.skuId === skuId)) throw faults.invalidProperty('licensesToRemove', `SKU ${skuId} cannot be assigned and removed at once`);
    if (!remove.includes(skuId)) remove.push(skuId);
  }
  if (assign.length === 0 && remove.length === 0) throw faults.invalidInput('Give licensesToAssign or licensesToRemove', ['licensesToAssign', 'licensesToRemove']);
  const groups = [...new Set([...assign.map((a) => a.skuId), ...remove].map((id) => subscribed.get(id)!.product.licenseGroupId))];
  if (groups.length > 1) throw licensingFaults.mixedLicenseGroups(groups);
  if (assign.length > 0 && !user.usageLocation) throw licensingFaults.invalidUsageLocation(user.id);
  return { assign, remove };
}

const productSkuJson = (p: ProductDefinition, withTargetType: boolean) =>
  withTargetType
    ? { id: p.id, name: p.name, skuPartNumber: p.skuPartNumber, targetType: p.targetType, licenseGroupId: p.licenseGroupId }
    : { id: p.id, name: p.name, skuPartNumber: p.skuPartNumber, licenseGroupId: p.licenseGroupId };

const servicePlanJson = (s: ServicePlanDefinition, capabilityStatus: string) => ({
  displayName: s.displayName,
  serviceName: s.serviceName,
  id: s.id,
  capabilityStatus,
  targetType: s.targetType,
});

/**
 * The SubscribedSku wire form, property order as in Partner Center's example.
 *
 * @example
 * serializeSubscribedSku(sku); // {"availableUnits":4,"activeUnits":5,"consumedUnits":1,…}
 */
export function serializeSubscribedSku(sku: SubscribedSkuRecord): string {
  return JSON.stringify({
    availableUnits: availableUnits(sku),
    activeUnits: sku.totalUnits - sku.warningUnits,
    consumedUnits: sku.consumedUnits,
    suspendedUnits: sku.suspendedUnits,
    totalUnits: sku.totalUnits,
    warningUnits: sku.warningUnits,
    productSku: productSkuJson(sku.product, true),
    servicePlans: sku.product.servicePlans.map((s) => servicePlanJson(s, 'Enabled')),
    capabilityStatus: 'Enabled',
    attributes: { objectType: 'SubscribedSku' },
  });
}

/**
 * A user's License: the SKU's service plans except the excluded ones, and the product (without
 * targetType, as in Partner Center's example).
 */
export function serializeLicense(product: ProductDefinition, excludedPlans: readonly string[]): string {
  return JSON.stringify({
    servicePlans: product.servicePlans.filter((s) => !excludedPlans.includes(s.id)).map((s) => servicePlanJson(s, 'Assigned')),
    productSku: productSkuJson(product, false),
    attributes: { objectType: 'License' },
  });
}

/** The LicenseUpdate answered to a successful update: what was assigned and removed, no warnings. */
export function serializeLicenseUpdate(plan: LicenseUpdatePlan): string {
  const out: Record<string, unknown> = {};
  if (plan.assign.length > 0) {
    out.licensesToAssign = plan.assign.map((a) => (a.excludedPlans.length > 0 ? { excludedPlans: a.excludedPlans, skuId: a.skuId } : { skuId: a.skuId }));
  }
  if (plan.remove.length > 0) out.licensesToRemove = plan.remove;
  out.licenseWarnings = [];
  out.attributes = { objectType: 'LicenseUpdate' };
  return JSON.stringify(out);
}

/** Orders products as lists show them: by name, then id. */
export const byProductName = (a: { product: ProductDefinition }, b: { product: ProductDefinition }) =>
  a.product.name.localeCompare(b.product.name, 'en') || (a.product.id < b.product.id ? -1 : 1);
