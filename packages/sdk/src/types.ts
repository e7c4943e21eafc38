/**
 * The SDK's resource types, taken from the server's TypeBox schemas so that both sides share one
 * source. Only types are imported: the SDK has no runtime dependency on TypeBox.
 */
import type { Static } from '@sinclair/typebox';
import type * as common from '../../../src/schemas/common.js';
import type * as users from '../../../src/schemas/customer-user.js';
import type * as customers from '../../../src/schemas/customer.js';

/** A link to a resource or to the next page: `uri` is relative to the API root, usually without `/v1`. */
export type Link = Static<typeof common.Link>;
/** The `links` of a resource or collection. */
export type ResourceLinks = Static<typeof common.ResourceLinks>;
/** `{ objectType, etag? }`. */
export type ResourceAttributes = Static<typeof common.ResourceAttributes>;
/** Partner Center's error body: `{ code, description, data, source: "PartnerFD" }`. */
export type ApiFault = Static<typeof common.ApiFault>;

/** A page of items that may continue through `links.next` (Partner Center's `SeekBasedResourceCollection`). */
export type SeekBasedResourceCollection<T> = Omit<Static<ReturnType<typeof common.SeekCollection>>, 'items'> & { items: T[] };
/** A plain collection (`totalCount` is the number of items in it). */
export type ResourceCollection<T> = Omit<Static<ReturnType<typeof common.Collection>>, 'items'> & { items: T[] };

/** A customer user, as the service returns it. */
export type CustomerUser = Static<typeof users.CustomerUser>;
/** `active` or `inactive` (soft-deleted). */
export type UserState = Static<typeof users.UserState>;
/** Body of a user creation. */
export type CustomerUserCreate = Static<typeof users.CustomerUserCreate>;
/** Body of a user PATCH (update, reset password, restore). */
export type CustomerUserPatch = Static<typeof users.CustomerUserPatch>;
/** `{ password?, forceChangePassword? }`. */
export type PasswordProfile = Static<typeof users.PasswordProfile>;

/** A customer tenant of the partner. */
export type Customer = Static<typeof customers.Customer>;
/** A customer's company profile. */
export type CustomerCompanyProfile = Static<typeof customers.CustomerCompanyProfile>;
/** Body of a customer creation. */
export type CustomerCreate = Static<typeof customers.CustomerCreate>;
