/**
 * Directory roles: `customers.byId(cid).directoryRoles` (R2), `.byId(roleId).userMembers` (R3 list
 * with paging, R4 add, `.byId(uid).delete()` R5) and `users.byId(uid).directoryRoles` (R1).
 */
import { toWire, type SeekQuery } from '../filters.js';
import type { DirectoryRole, UserMember, UserMemberCreate } from '../licensing-types.js';
import { followItems, followPages } from '../paging.js';
import type { CallOptions } from '../request-context.js';
import type { ResourceCollection, SeekBasedResourceCollection } from '../types.js';
import { ResourceOperations } from './resource.js';

/** A customer's directory roles. */
export class DirectoryRoleCollectionOperations extends ResourceOperations {
  /**
   * Every role of the customer.
   *
   * @example
   * const { items } = await partner.customers.byId(cid).directoryRoles.get();
   */
  get(call?: CallOptions): Promise<ResourceCollection<DirectoryRole>> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /** One role, by its (template) id. */
  byId(roleId: string): DirectoryRoleOperations {
    return new DirectoryRoleOperations(this.client, this.child(roleId));
  }
}

/** One directory role. */
export class DirectoryRoleOperations extends ResourceOperations {
  /** The role's user members. */
  get userMembers(): RoleUserMemberCollectionOperations {
    return new RoleUserMemberCollectionOperations(this.client, this.child('usermembers'));
  }
}

/** The user members of one role. */
export class RoleUserMemberCollectionOperations extends ResourceOperations {
  /** The first page of members. */
  get(call?: CallOptions): Promise<SeekBasedResourceCollection<UserMember>> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }

  /**
   * One page: a size, or a continuation token (seek query).
   *
   * @example
   * const page = await roles.byId(roleId).userMembers.query({ size: 50 });
   */
  query(query: { size?: number } | SeekQuery, call?: CallOptions): Promise<SeekBasedResourceCollection<UserMember>> {
    const wire = toWire(query);
    return this.client.send({ method: 'GET', path: this.path, query: wire.query, headers: wire.headers }, call);
  }

  /** Every page, following `links.next`. */
  async *pages(query: { size?: number } = {}, call: CallOptions = {}): AsyncGenerator<SeekBasedResourceCollection<UserMember>, void, undefined> {
    yield* followPages(this.client, await this.query(query, call), call);
  }

  /**
   * Every member, following `links.next`.
   *
   * @example
   * for await (const m of partner.customers.byId(cid).directoryRoles.byId(roleId).userMembers.all()) console.log(m.userPrincipalName);
   */
  async *all(query: { size?: number } = {}, call: CallOptions = {}): AsyncGenerator<UserMember, void, undefined> {
    yield* followItems(this.client, await this.query(query, call), call);
  }

  /**
   * Adds a user to the role.
   *
   * @example
   * await roles.byId(roleId).userMembers.create({ id: userId });
   */
  create(member: UserMemberCreate, call?: CallOptions): Promise<UserMember> {
    return this.client.send({ method: 'POST', path: this.path, body: { ...member, attributes: { objectType: 'UserMember' } } }, call);
  }

  /** One member. */
  byId(userId: string): RoleUserMemberOperations {
    return new RoleUserMemberOperations(this.client, this.child(userId));
  }
}

/** One member of one role. */
export class RoleUserMemberOperations extends ResourceOperations {
  /**
   * Removes the user from the role.
   *
   * @example
   * await roles.byId(roleId).userMembers.byId(userId).delete();
   */
  async delete(call?: CallOptions): Promise<void> {
    await this.client.send({ method: 'DELETE', path: this.path }, call);
  }
}

/** The directory roles of one user. */
export class UserDirectoryRoleOperations extends ResourceOperations {
  /**
   * The roles the user holds.
   *
   * @example
   * const { items } = await partner.customers.byId(cid).users.byId(uid).directoryRoles.get();
   */
  get(call?: CallOptions): Promise<ResourceCollection<DirectoryRole>> {
    return this.client.send({ method: 'GET', path: this.path }, call);
  }
}
