/**
 * @tenantry/sdk — a TypeScript client for Partner Center's customer users and licenses API,
 * shaped like the official .NET SDK. Runs wherever `fetch` does.
 *
 * @example
 * import { createPartnerOperations, filters } from '@tenantry/sdk';
 * const partner = createPartnerOperations({ baseUrl: 'http://127.0.0.1:8080', credentials: { token } });
 * const deleted = await partner.customers.byId(cid).users.query({ size: 500, filter: filters.deletedUsers() });
 */
export { createPartnerOperations, PartnerOperations, type PartnerOperationsOptions } from './partner-operations.js';
export { type Credentials, type FetchLike, type FetchLikeResponse, type HttpRequest, PartnerClient, type PartnerClientOptions, type TokenProvider } from './partner-client.js';
export { categoryOfStatus, PartnerError, type PartnerErrorCategory } from './errors.js';
export { defaultBackoffMs, isRetryableStatus, type RetryOptions } from './retry-policy.js';
export { newGuid, type CallOptions, type RequestContext } from './request-context.js';
export {
  filters,
  toWire,
  type CollectionQuery,
  type CompoundFieldFilter,
  type FieldFilter,
  type FieldFilterOperator,
  type SeekQuery,
  type SimpleFieldFilter,
  type SortOption,
  type UserSearchField,
} from './filters.js';
export { fillPage, followItems, followPages, type PagingOptions, ResourceCollectionEnumerator } from './paging.js';
export { ResourceOperations } from './resources/resource.js';
export { CustomerCollectionOperations, CustomerOperations, type CustomerQuery } from './resources/customers.js';
export { CustomerUserCollectionOperations, CustomerUserOperations } from './resources/customer-users.js';
export { SubscribedSkuCollectionOperations, SubscribedSkuOperations, UserLicenseOperations, UserLicenseUpdateOperations } from './resources/licenses.js';
export {
  DirectoryRoleCollectionOperations,
  DirectoryRoleOperations,
  RoleUserMemberCollectionOperations,
  RoleUserMemberOperations,
  UserDirectoryRoleOperations,
} from './resources/directory-roles.js';
export {
  createEmulatorClient,
  type EmulatorClientOptions,
  EmulatorOperations,
  WorkspaceClockOperations,
  WorkspaceCollectionOperations,
  WorkspaceConsistencyOperations,
  WorkspaceOperations,
  WorkspaceTokenOperations,
  WorkspaceRequestOperations,
} from './resources/emulator.js';
export type * from './types.js';
export type * from './emulator-types.js';
export type * from './licensing-types.js';

/** The SDK's version. */
export const sdkVersion = '0.1.0';
