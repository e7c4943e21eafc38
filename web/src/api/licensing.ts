/**
 * Licences (L1–L3) and directory roles (R1, R2, R4, R5) through the SDK, as the UI uses them.
 */
import type { DirectoryRole, License, SubscribedSku } from '@tenantry/sdk';
import { backgroundPartner, partner } from './partner';

export type { DirectoryRole, License, SubscribedSku };

const customer = (customerId: string, client = partner) => client.customers.byId(customerId);
const user = (customerId: string, userId: string, client = partner) => customer(customerId, client).users.byId(userId);

/** L3: the customer's products with their seats. */
export async function subscribedSkus(customerId: string, signal?: AbortSignal): Promise<SubscribedSku[]> {
  return (await customer(customerId).subscribedSkus.get(undefined, { signal })).items;
}

/** L1: a user's licences; `background` calls give up at once when throttled. */
export async function userLicenses(customerId: string, userId: string, signal?: AbortSignal, background = false): Promise<License[]> {
  return (await user(customerId, userId, background ? backgroundPartner : partner).licenses.get(undefined, { signal })).items;
}

/** L2: assigns and removes licences in one call. */
export async function updateLicenses(customerId: string, userId: string, assign: string[], remove: string[]): Promise<void> {
  await user(customerId, userId).licenseUpdates.create({ licensesToAssign: assign.map((skuId) => ({ skuId, excludedPlans: [] })), licensesToRemove: remove });
}

/** R2: the directory roles a user can be given. */
export async function directoryRoles(customerId: string, signal?: AbortSignal): Promise<DirectoryRole[]> {
  return (await customer(customerId).directoryRoles.get({ signal })).items;
}

/** R1: a user's directory roles. */
export async function userRoles(customerId: string, userId: string, signal?: AbortSignal): Promise<DirectoryRole[]> {
  return (await user(customerId, userId).directoryRoles.get({ signal })).items;
}

/** R4: gives a user a role. */
export async function addRoleMember(customerId: string, roleId: string, member: { id: string; displayName: string; userPrincipalName: string }): Promise<void> {
  await customer(customerId).directoryRoles.byId(roleId).userMembers.create({ id: member.id, displayName: member.displayName, userPrincipalName: member.userPrincipalName, roleId });
}

/** R5: takes a role from a user. */
export async function removeRoleMember(customerId: string, roleId: string, userId: string): Promise<void> {
  await customer(customerId).directoryRoles.byId(roleId).userMembers.byId(userId).delete();
}
