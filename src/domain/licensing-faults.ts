/**
 * Faults of licence assignment, subscribed SKUs and directory roles. 60012 is Partner Center's
 * own (payload exactly as documented); the 601xx codes are Tenantry's, where Partner Center
 * publishes none, and all input problems are 400s so the official SDK does not retry them.
 */
import { Fault } from './fault.js';

/**
 * @example
 * throw licensingFaults.outOfLicenses(customer.id, skuId);
 */
export const licensingFaults = {
  /** 400 / 60012: no seat left. Description (with its HTML-encoded apostrophe) and data as Partner Center sends them. */
  outOfLicenses: (customerId: string, skuId: string) =>
    new Fault(400, 60012, "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.", [
      `LicenseQuotaExceededException : Subscription with Account ${customerId} and SKU ${skuId} does not have any available licenses left.`,
    ]),
  /** 400 / 60100: a SKU the customer does not subscribe to. */
  skuNotSubscribed: (skuId: string) => new Fault(400, 60100, `The customer has no subscription to the product SKU ${skuId}.`, [skuId]),
  /** 400 / 60101: one licence update may touch one licence group only. */
  mixedLicenseGroups: (groups: string[]) =>
    new Fault(400, 60101, 'All licenses in one license update must belong to the same license group.', groups),
  /** 400 / 60102: Partner Center's text for a user without a usage location. */
  invalidUsageLocation: (userId: string) =>
    new Fault(400, 60102, 'License assignment cannot be done for user with invalid usage location.', [userId]),
  /** 400 / 60103: removing a licence the user does not hold. */
  licenseNotAssigned: (skuId: string) => new Fault(400, 60103, `The user does not have a license for the product SKU ${skuId}.`, [skuId]),
  /** 409 / 60104: lowering a SKU's seats below those already assigned. */
  seatsInUse: (skuId: string, consumedUnits: number) =>
    new Fault(409, 60104, `totalUnits cannot be lower than the ${consumedUnits} units of SKU ${skuId} already assigned to users.`, [skuId]),
  /** 400 / 60105: subscribing to a SKU that is neither in the catalogue nor described in the body. */
  unknownProduct: (skuId: string) =>
    new Fault(400, 60105, `The SKU ${skuId} is not a well-known product: describe it with productSku and servicePlans.`, [skuId]),
  /** 404 / 60106: a directory role id that is no role template. */
  directoryRoleNotFound: (roleId: string) => new Fault(404, 60106, `The directory role ${roleId} is not found.`, [roleId]),
  /** 409 / 60107: the user already holds the role. */
  alreadyRoleMember: (userId: string, roleId: string) =>
    new Fault(409, 60107, `The user ${userId} is already a member of the directory role ${roleId}.`, [userId, roleId]),
  /** 404 / 60108: removing a user from a role it does not hold. */
  notRoleMember: (userId: string, roleId: string) =>
    new Fault(404, 60108, `The user ${userId} is not a member of the directory role ${roleId}.`, [userId, roleId]),
} as const;
