/**
 * Licences: a user's licences (L1), licence updates (L2), a customer's subscribed SKUs (L3), and
 * the Tenantry extension that sets a customer's seats. Validation is in the domain; seat
 * accounting is atomic in the store.
 */
import { collectionJson } from '../domain/collection.js';
import type { CustomerRecord } from '../domain/customer.js';
import { faults } from '../domain/fault.js';
import {
  byProductName,
  normalizeGuid,
  parseLicenseGroupIds,
  planLicenseUpdate,
  serializeLicense,
  serializeLicenseUpdate,
  serializeSubscribedSku,
  type LicenseUpdateInput,
  type ProductDefinition,
  type SubscribedSkuRecord,
} from '../domain/licensing.js';
import { licensingFaults } from '../domain/licensing-faults.js';
import { findCatalogProduct } from '../domain/product-catalog.js';
import { isoSeconds } from '../domain/user.js';
import type { SubscribedSkuPut } from '../schemas/license.js';
import type { Store } from '../store/store.js';
import type { ReceiptFor } from './write-receipt.js';
import type { JsonResult } from './user-service.js';

export class LicenseService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * L3: the customer's subscribed SKUs of the asked licence groups, by product name.
   *
   * @example
   * const { body } = await licenses.subscribedSkus(customer, ['Group1', 'Group2']);
   */
  async subscribedSkus(customer: CustomerRecord, licenseGroupIds?: string | string[]): Promise<JsonResult> {
    const groups = parseLicenseGroupIds(licenseGroupIds);
    const skus = (await this.store.listSubscribedSkus(customer.id)).filter((s) => groups.includes(s.product.licenseGroupId)).sort(byProductName);
    return { status: 200, body: collectionJson(skus.map(serializeSubscribedSku)) };
  }

  /**
   * Tenantry extension: subscribes the customer to a product with `totalUnits` seats (201), or
   * changes the seats of a subscribed one (200). The product comes from the built-in catalogue
   * or from `productSku`/`servicePlans`, and is fixed once subscribed.
   *
   * @example
   * await licenses.setSubscribedSku(customer, '05e9a617-0261-4cee-bb44-138d3ef5d965', { totalUnits: 25 });
   */
  async setSubscribedSku(customer: CustomerRecord, skuIdParam: string, input: SubscribedSkuPut, receipt?: ReceiptFor): Promise<JsonResult> {
    const skuId = normalizeGuid(skuIdParam);
    if (!skuId) throw faults.invalidProperty('skuId', 'must be a GUID');
    const warningUnits = input.warningUnits ?? 0;
    if (warningUnits > input.totalUnits) throw faults.invalidProperty('warningUnits', 'cannot exceed totalUnits');
    const existing = await this.findSku(customer.id, skuId);
    const product = existing?.product ?? productFromBody(skuId, input) ?? findCatalogProduct(skuId);
    if (!product) throw licensingFaults.unknownProduct(skuId);
    const record: SubscribedSkuRecord = {
      customerId: customer.id,
      product,
      totalUnits: input.totalUnits,
      consumedUnits: 0,
      warningUnits,
      suspendedUnits: input.suspendedUnits ?? 0,
      updatedAt: isoSeconds(this.now()),
    };
    // The answer as the write will leave it, for the receipt that commits with it; the seats in use
    // are those read above (a licence update landing in between changes only consumedUnits).
    const expected = { status: existing ? 200 : 201, body: serializeSubscribedSku({ ...record, consumedUnits: existing?.consumedUnits ?? 0 }) };
    const result = await this.store.putSubscribedSku(record, receipt && (await receipt(expected)));
    const saved = await this.findSku(customer.id, skuId);
    if (result === 'below_consumed') throw licensingFaults.seatsInUse(skuId, saved?.consumedUnits ?? 0);
    return { status: result === 'created' ? 201 : 200, body: serializeSubscribedSku(saved!) };
  }

  /**
   * L1: the licences a user holds in the asked licence groups, by product name. Excluded
   * service plans are left out of each licence's plans.
   */
  async userLicenses(customer: CustomerRecord, userId: string, licenseGroupIds?: string | string[]): Promise<JsonResult> {
    const groups = parseLicenseGroupIds(licenseGroupIds);
    if (!(await this.store.findUser(customer.id, userId))) throw faults.userNotFound(userId);
    const [held, skus] = await Promise.all([this.store.listUserLicenses(customer.id, userId), this.store.listSubscribedSkus(customer.id)]);
    const byId = new Map(skus.map((s) => [s.product.id, s]));
    const items = held
      .map((l) => ({ license: l, product: byId.get(l.skuId)!.product }))
      .filter((x) => groups.includes(x.product.licenseGroupId))
      .sort(byProductName)
      .map((x) => serializeLicense(x.product, x.license.excludedPlans));
    return { status: 200, body: collectionJson(items) };
  }

  /**
   * L2: removes and assigns licences in one atomic step. The last free seat goes to exactly one
   * of several concurrent requests; the others get 400 / 60012.
   *
   * @example
   * await licenses.updateUserLicenses(customer, userId, { licensesToAssign: [{ skuId }] });
   */
  async updateUserLicenses(customer: CustomerRecord, userId: string, input: LicenseUpdateInput, receipt?: ReceiptFor): Promise<JsonResult> {
    const user = await this.store.findUser(customer.id, userId);
    if (!user) throw faults.userNotFound(userId);
    if (user.state !== 'active') throw faults.userStateConflict('The user is deleted: restore it before changing its licenses.');
    const skus = new Map((await this.store.listSubscribedSkus(customer.id)).map((s) => [s.product.id, s]));
    const plan = planLicenseUpdate(input, skus, user);
    const response = { status: 201, body: serializeLicenseUpdate(plan) };
    const outcome = await this.store.applyLicenseUpdate(customer.id, userId, plan, isoSeconds(this.now()), receipt && (await receipt(response)));
    switch (outcome.kind) {
      case 'ok':
        return response;
      case 'out_of_seats':
        throw licensingFaults.outOfLicenses(customer.id, outcome.skuId);
      case 'not_assigned':
        throw licensingFaults.licenseNotAssigned(outcome.skuId);
      case 'sku_missing':
        throw licensingFaults.skuNotSubscribed(outcome.skuId);
      case 'user_inactive':
        throw faults.userStateConflict('The user is deleted: restore it before changing its licenses.');
      case 'user_missing':
        throw faults.userNotFound(userId);
    }
  }

  private async findSku(customerId: string, skuId: string): Promise<SubscribedSkuRecord | undefined> {
    return (await this.store.listSubscribedSkus(customerId)).find((s) => s.product.id === skuId);
  }
}

/** A product described in the PUT body, or undefined when the body describes none. */
function productFromBody(skuId: string, input: SubscribedSkuPut): ProductDefinition | undefined {
  if (!input.productSku) {
    if (input.servicePlans) throw faults.required('productSku');
    return undefined;
  }
  const group = (input.productSku.licenseGroupId ?? 'group1').toLowerCase();
  if (group !== 'group1' && group !== 'group2') throw faults.invalidProperty('productSku.licenseGroupId', 'must be group1 or group2');
  const servicePlans = (input.servicePlans ?? []).map((p, i) => {
    const id = normalizeGuid(p.id);
    if (!id) throw faults.invalidProperty(`servicePlans[${i}].id`, 'must be a GUID');
    return { id, serviceName: p.serviceName, displayName: p.displayName, targetType: p.targetType ?? 'User' };
  });
  if (new Set(servicePlans.map((p) => p.id)).size !== servicePlans.length) throw faults.invalidProperty('servicePlans', 'ids must be unique');
  return {
    id: skuId,
    name: input.productSku.name,
    skuPartNumber: input.productSku.skuPartNumber,
    targetType: input.productSku.targetType ?? 'User',
    licenseGroupId: group,
    servicePlans,
  };
}
