/**
 * Licences (L1–L3) and directory roles (R1, R2, R4, R5) through the SDK's client, until the SDK
 * grows resource methods for them; then only this file changes.
 */
import type { ResourceAttributes } from '@tenantry/sdk';
import { backgroundPartner, partner } from './partner';

export interface ProductSku {
  id: string;
  name: string;
  skuPartNumber: string;
  licenseGroupId: string;
}

export interface SubscribedSku {
  availableUnits: number;
  consumedUnits: number;
  totalUnits: number;
  productSku: ProductSku;
  capabilityStatus: string;
}

export interface License {
  productSku: ProductSku;
}

export interface DirectoryRole {
  id: string;
  name: string;
}

interface Collection<T> {
  totalCount: number;
  items: T[];
  attributes: ResourceAttributes;
}

const customerPath = (customerId: string) => `/customers/${encodeURIComponent(customerId)}`;
const userPath = (customerId: string, userId: string) => `${customerPath(customerId)}/users/${encodeURIComponent(userId)}`;

/** L3: the customer's products with their seats. */
export async function subscribedSkus(customerId: string, signal?: AbortSignal): Promise<SubscribedSku[]> {
  const page = await partner.client.send<Collection<SubscribedSku>>({ method: 'GET', path: `${customerPath(customerId)}/subscribedskus` }, { signal });
  return page.items;
}

/** L1: a user's licences; `background` calls give up at once when throttled. */
export async function userLicenses(customerId: string, userId: string, signal?: AbortSignal, background = false): Promise<License[]> {
  const page = await (background ? backgroundPartner : partner).client.send<Collection<License>>({ method: 'GET', path: `${userPath(customerId, userId)}/licenses` }, { signal });
  return page.items;
}

/** L2: assigns and removes licences in one call. */
export async function updateLicenses(customerId: string, userId: string, assign: string[], remove: string[]): Promise<void> {
  await partner.client.send({
    method: 'POST',
    path: `${userPath(customerId, userId)}/licenseupdates`,
    body: {
      licensesToAssign: assign.map((skuId) => ({ skuId, excludedPlans: [] })),
      licensesToRemove: remove,
      attributes: { objectType: 'LicenseUpdate' },
    },
  });
}

/** R2: the directory roles a user can be given. */
export async function directoryRoles(customerId: string, signal?: AbortSignal): Promise<DirectoryRole[]> {
  const page = await partner.client.send<Collection<DirectoryRole>>({ method: 'GET', path: `${customerPath(customerId)}/directoryroles` }, { signal });
  return page.items;
}

/** R1: a user's directory roles. */
export async function userRoles(customerId: string, userId: string, signal?: AbortSignal): Promise<DirectoryRole[]> {
  const page = await partner.client.send<Collection<DirectoryRole>>({ method: 'GET', path: `${userPath(customerId, userId)}/directoryroles` }, { signal });
  return page.items;
}

/** R4: gives a user a role. */
export async function addRoleMember(customerId: string, roleId: string, user: { id: string; displayName: string; userPrincipalName: string }): Promise<void> {
  await partner.client.send({
    method: 'POST',
    path: `${customerPath(customerId)}/directoryroles/${encodeURIComponent(roleId)}/usermembers`,
    body: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName, roleId, attributes: { objectType: 'UserMember' } },
  });
}

/** R5: takes a role from a user. */
export async function removeRoleMember(customerId: string, roleId: string, userId: string): Promise<void> {
  await partner.client.send({ method: 'DELETE', path: `${customerPath(customerId)}/directoryroles/${encodeURIComponent(roleId)}/usermembers/${encodeURIComponent(userId)}` });
}
