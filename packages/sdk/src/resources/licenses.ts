/**
 * Licences: `users.byId(uid).licenses` (L1), `users.byId(uid).licenseUpdates` (L2) and
 * `customers.byId(cid).subscribedSkus` (L3, plus Tenantry's `byId(skuId).set(…)` extension).
 */
import type { LicenseGroupId, License, LicenseUpdate, LicenseUpdateRequest, SubscribedSku, SubscribedSkuSeats } from '../licensing-types.js';
import type { CallOptions } from '../request-context.js';
import type { ResourceCollection } from '../types.js';
import { ResourceOperations } from './resource.js';

/** `?licenseGroupIds=Group1&licenseGroupIds=Group2`, repeated as the .NET SDK sends it. */
function withGroups(path: string, groups?: readonly LicenseGroupId[]): string {
  if (!groups || groups.length === 0) return path;
  return `${path}?${groups.map((g) => `licenseGroupIds=${encodeURIComponent(g)}`).join('&')}`;
}

/** The licences of one user. */
export class UserLicenseOperations extends ResourceOperations {
  /**
   * The user's licences of the given groups (the service's default: Group1).
   *
   * @example
   * const { items } = await partner.customers.byId(cid).users.byId(uid).licenses.get(['Group1', 'Group2']);
   */
  get(licenseGroupIds?: readonly LicenseGroupId[], call?: CallOptions): Promise<ResourceCollection<License>> {
    return this.client.send({ method: 'GET', path: withGroups(this.path, licenseGroupIds) }, call);
  }
}

/** Licence updates of one user. */
export class UserLicenseUpdateOperations extends ResourceOperations {
  /**
   * Assigns and removes licences in one call (one licence group per call). Out of seats is a
   * PartnerError with code 60012; pass `requestId` to make a retry harmless.
   *
   * @example
   * await users.byId(uid).licenseUpdates.create({ licensesToAssign: [{ skuId, excludedPlans: [] }], licensesToRemove: [oldSkuId] });
   */
  create(update: LicenseUpdateRequest, call?: CallOptions): Promise<LicenseUpdate> {
    return this.client.send({ method: 'POST', path: this.path, body: { ...update, attributes: { objectType: 'LicenseUpdate' } } }, call);
  }
}

/** A customer's subscribed SKUs. */
export class SubscribedSkuCollectionOperations extends ResourceOperations {
  /**
   * The customer's SKUs and seats of the given groups (default Group1).
   *
   * @example
   * const { items } = await partner.customers.byId(cid).subscribedSkus.get();
   * for (const s of items) console.log(s.productSku.name, s.availableUnits);
   */
  get(licenseGroupIds?: readonly LicenseGroupId[], call?: CallOptions): Promise<ResourceCollection<SubscribedSku>> {
    return this.client.send({ method: 'GET', path: withGroups(this.path, licenseGroupIds) }, call);
  }

  /** One SKU of the customer (Tenantry extension). */
  byId(skuId: string): SubscribedSkuOperations {
    return new SubscribedSkuOperations(this.client, this.child(skuId));
  }
}

/** One SKU of a customer. */
export class SubscribedSkuOperations extends ResourceOperations {
  /**
   * Tenantry extension (`PUT …/subscribedskus/{skuId}`): subscribes the customer to the product or
   * sets its seats; never below the seats in use (PartnerError 409 / 60104).
   *
   * @example
   * await partner.customers.byId(cid).subscribedSkus.byId('05e9a617-0261-4cee-bb44-138d3ef5d965').set({ totalUnits: 25 });
   */
  set(seats: SubscribedSkuSeats, call?: CallOptions): Promise<SubscribedSku> {
    return this.client.send({ method: 'PUT', path: this.path, body: seats }, call);
  }
}
