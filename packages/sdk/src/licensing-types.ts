/**
 * Types of licences, subscribed SKUs and directory roles, taken from the server's TypeBox
 * schemas (types only: no runtime dependency).
 */
import type { Static } from '@sinclair/typebox';
import type * as roles from '../../../src/schemas/directory-role.js';
import type * as license from '../../../src/schemas/license.js';

/** `Group1` (products Entra manages) or `Group2` (Minecraft), as the .NET SDK's LicenseGroupId. */
export type LicenseGroupId = 'Group1' | 'Group2';
/** A licence a user holds: the product and its (not excluded) service plans. */
export type License = Static<typeof license.License>;
/** A product SKU. */
export type ProductSku = Static<typeof license.ProductSku>;
/** A service plan of a product. */
export type ServicePlan = Static<typeof license.ServicePlan>;
/** A customer's subscription to a product with its seats (`availableUnits = totalUnits − consumedUnits`). */
export type SubscribedSku = Static<typeof license.SubscribedSku>;
/** Body of a licence update: `licensesToAssign` (`skuId`, `excludedPlans`) and `licensesToRemove` (SKU ids). */
export type LicenseUpdateRequest = Static<typeof license.LicenseUpdateBody>;
/** The answer to a licence update. */
export type LicenseUpdate = Static<typeof license.LicenseUpdate>;
/** Tenantry extension: the seats (and, for a product outside the catalogue, its description) to set. */
export type SubscribedSkuSeats = Static<typeof license.SubscribedSkuPut>;
/** A directory role (an Entra role template). */
export type DirectoryRole = Static<typeof roles.DirectoryRole>;
/** A user's membership of a directory role. */
export type UserMember = Static<typeof roles.UserMember>;
/** Body that adds a member: the user's id (display name and UPN are optional and ignored by Tenantry). */
export type UserMemberCreate = Static<typeof roles.UserMemberCreate>;
