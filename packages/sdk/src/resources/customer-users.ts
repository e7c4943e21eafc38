/**
 * `partner.customers.byId(cid).users` — U1 list, U3 create — and `.users.byId(uid)` — U2 get,
 * U4 patch / reset password / restore, U5 delete.
 */
import { type CollectionQuery, type SeekQuery, toWire } from '../filters.js';
import { fillPage, followItems, followPages, type PagingOptions } from '../paging.js';
import type { CallOptions } from '../request-context.js';
import type { CustomerUser, CustomerUserCreate, CustomerUserPatch, SeekBasedResourceCollection } from '../types.js';
import { UserDirectoryRoleOperations } from './directory-roles.js';
import { UserLicenseOperations, UserLicenseUpdateOperations } from './licenses.js';
import { ResourceOperations } from './resource.js';

/** The users of one customer. */
export class CustomerUserCollectionOperations extends ResourceOperations {
  /**
   * The first page (`GET /v1/customers/{cid}/users`, server default size).
   *
   * @example
   * const page = await partner.customers.byId(cid).users.get();
   */
  get(call?: CallOptions): Promise<SeekBasedResourceCollection<CustomerUser>> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * How many active (default) or deleted users the customer has: a Tenantry extension, since a
   * list's `totalCount` counts only its own page.
   *
   * @example
   * const deleted = await partner.customers.byId(cid).users.count('inactive'); // 1234
   */
  async count(state: 'active' | 'inactive' = 'active', call?: CallOptions): Promise<number> {
    const body = await this.client.send<{ count: number }>({ method: 'GET', path: `${this.path}/count`, query: { state } }, call);
    return body.count;
  }

  /**
   * One page for a query: size, filter and sort (an indexed query) or a continuation token (a seek query).
   *
   * @example
   * const deleted = await users.query({ size: 500, filter: filters.deletedUsers() });
   * const byName = await users.query({ size: 50, filter: filters.startsWith('DisplayName', 'ad'), sort: { field: 'DisplayName', direction: 'Descending' } });
   */
  query(query: CollectionQuery | SeekQuery, call?: CallOptions): Promise<SeekBasedResourceCollection<CustomerUser>> {
    const wire = toWire(query);
    return this.client.send({ method: 'GET', path: this.path, query: wire.query, headers: wire.headers }, call);
  }

  /**
   * One page for a query with at least `size` users unless the list ends there, following
   * `links.next` while a page comes back short: on Tenantry a page of a contains search shorter
   * than three characters ends after 20,000 users read, with what it found (perhaps nothing).
   * Use it where a page is shown; `pages()` and `all()` walk every page anyway.
   *
   * @example
   * const page = await users.queryFilled({ size: 100, filter: filters.substring('DisplayName', 'li') }, 100);
   * const more = page.continuationToken ? await users.queryFilled({ continuationToken: page.continuationToken }, 100) : undefined;
   */
  async queryFilled(query: CollectionQuery | SeekQuery, size: number, call?: CallOptions): Promise<SeekBasedResourceCollection<CustomerUser>> {
    return fillPage(this.client, await this.query(query, call), size, call);
  }

  /**
   * Every page of a query, following `links.next`; `readAhead: 1` fetches the next page while you handle one.
   *
   * @example
   * for await (const page of users.pages({ size: 500 })) console.log(page.items.length);
   * for await (const page of users.pages({ size: 500 }, { readAhead: 1 })) await save(page.items);
   */
  async *pages(query: CollectionQuery = {}, call: PagingOptions = {}): AsyncGenerator<SeekBasedResourceCollection<CustomerUser>, void, undefined> {
    yield* followPages(this.client, await this.query(query, call), call);
  }

  /**
   * Every user matching a query, following `links.next`.
   *
   * @example
   * for await (const user of partner.customers.byId(cid).users.all()) console.log(user.userPrincipalName);
   */
  async *all(query: CollectionQuery = {}, call: PagingOptions = {}): AsyncGenerator<CustomerUser, void, undefined> {
    yield* followItems(this.client, await this.query(query, call), call);
  }

  /**
   * Creates a user. Without a password the service generates one and returns it once in
   * `passwordProfile`. Pass `requestId` to make a retry of the same creation harmless.
   *
   * @example
   * const user = await users.create({ userPrincipalName: 'ada@contoso.onmicrosoft.com', displayName: 'Ada', usageLocation: 'US' });
   */
  create(user: CustomerUserCreate, call?: CallOptions): Promise<CustomerUser> {
    return this.client.send({ method: 'POST', path: this.path, body: { ...user, attributes: { objectType: 'CustomerUser' } } }, call);
  }

  /** One user. */
  byId(userId: string): CustomerUserOperations {
    return new CustomerUserOperations(this.client, this.child(userId));
  }
}

/** One user of one customer. */
export class CustomerUserOperations extends ResourceOperations {
  // Extension point: sub-resources of a user (licenses, licenseUpdates, directoryRoles) are
  // getters here returning their own operations class from its own file, e.g.
  //   get licenses() { return new UserLicenseOperations(this.client, this.child('licenses')); }

  /** The user's licences (`licenses.get(groups?)`). */
  get licenses(): UserLicenseOperations {
    return new UserLicenseOperations(this.client, this.child('licenses'));
  }

  /** Assign and remove the user's licences (`licenseUpdates.create(update)`). */
  get licenseUpdates(): UserLicenseUpdateOperations {
    return new UserLicenseUpdateOperations(this.client, this.child('licenseupdates'));
  }

  /** The user's directory roles (`directoryRoles.get()`). */
  get directoryRoles(): UserDirectoryRoleOperations {
    return new UserDirectoryRoleOperations(this.client, this.child('directoryroles'));
  }

  /**
   * The user (`GET …/users/{uid}`).
   *
   * @example
   * const user = await partner.customers.byId(cid).users.byId(uid).get();
   */
  get(call?: CallOptions): Promise<CustomerUser> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * Updates the provided fields (absent means unchanged).
   *
   * @example
   * await users.byId(uid).patch({ displayName: 'Ada Lovelace', usageLocation: 'GB' });
   */
  patch(changes: CustomerUserPatch, call?: CallOptions): Promise<CustomerUser> {
    return this.client.send({ method: 'PATCH', path: this.path, body: { ...changes, attributes: { objectType: 'CustomerUser' } } }, call);
  }

  /**
   * Soft-deletes the user: it can be restored for the retention period.
   *
   * @example
   * await users.byId(uid).delete();
   */
  async delete(call?: CallOptions): Promise<void> {
    await this.client.send({ method: 'DELETE', path: this.path }, call);
  }

  /**
   * Restores a deleted user (PATCH `state: active`), optionally under a new user principal name
   * when its old one was taken meanwhile.
   *
   * @example
   * const user = await users.byId(uid).restore();
   */
  restore(options: { userPrincipalName?: string } = {}, call?: CallOptions): Promise<CustomerUser> {
    return this.patch({ state: 'active', ...(options.userPrincipalName ? { userPrincipalName: options.userPrincipalName } : {}) }, call);
  }

  /**
   * Resets the password. Without one the service generates a temporary password and returns it
   * once in `passwordProfile.password`.
   *
   * @example
   * const { passwordProfile } = await users.byId(uid).resetPassword({ forceChangePassword: true });
   */
  resetPassword(options: { password?: string; forceChangePassword?: boolean } = {}, call?: CallOptions): Promise<CustomerUser> {
    return this.patch({ passwordProfile: { forceChangePassword: options.forceChangePassword ?? true, ...(options.password ? { password: options.password } : {}) } }, call);
  }
}
