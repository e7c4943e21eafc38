/**
 * Directory roles of a customer: the roles (R2), a user's roles (R1), a role's members with seek
 * paging (R3), and adding (R4) or removing (R5) a member.
 */
import { collectionJson, seekCollection } from '../domain/collection.js';
import { decodeContinuationToken, encodeContinuationToken, parsePageSize, type KeysetPosition } from '../domain/continuation-token.js';
import type { CustomerRecord } from '../domain/customer.js';
import { findDirectoryRole, rolesByName, serializeDirectoryRole, serializeUserMember, type DirectoryRoleTemplate } from '../domain/directory-roles.js';
import { faults } from '../domain/fault.js';
import { licensingFaults } from '../domain/licensing-faults.js';
import { normalizeGuid } from '../domain/licensing.js';
import { isoSeconds } from '../domain/user.js';
import type { Store } from '../store/store.js';
import type { ReceiptFor } from './write-receipt.js';
import type { JsonResult } from './user-service.js';

export interface ListMembersParams {
  size?: string;
  seekOperation?: string;
  continuationToken?: string;
}

export class DirectoryRoleService {
  constructor(
    private readonly store: Store,
    private readonly pagingSecret: Buffer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** R2: every role of the customer, by name (each tenant has all the well-known templates). */
  roles(): JsonResult {
    return { status: 200, body: collectionJson(rolesByName().map(serializeDirectoryRole)) };
  }

  /**
   * R1: the roles a user is a member of, by name.
   *
   * @example
   * const { body } = await roles.userRoles(customer, userId);
   */
  async userRoles(customer: CustomerRecord, userId: string): Promise<JsonResult> {
    if (!(await this.store.findUser(customer.id, userId))) throw faults.userNotFound(userId);
    const ids = await this.store.listUserRoleIds(customer.id, userId);
    return { status: 200, body: collectionJson(rolesByName(ids).map(serializeDirectoryRole)) };
  }

  /** R3: one page of a role's (active) members, continuing from a token when the request seeks. */
  async members(customer: CustomerRecord, roleIdParam: string, params: ListMembersParams, selfUri: string, tokenHeader?: string): Promise<JsonResult> {
    const role = requireRole(roleIdParam);
    const collectionPath = `/customers/${customer.id}/directoryroles/${role.id}/usermembers`;
    const scope = `rolemembers:${customer.id}:${role.id}`;
    const token = tokenHeader || params.continuationToken;
    let size: number;
    let after: KeysetPosition | undefined;
    if (token) {
      ({ size, after } = decodeContinuationToken<null>(this.pagingSecret, token, scope));
    } else {
      if (params.seekOperation?.toLowerCase() === 'next') throw faults.invalidInput('seekOperation=Next needs the MS-ContinuationToken header', ['MS-ContinuationToken']);
      size = parsePageSize(params.size);
    }
    const page = await this.store.listRoleMembers(customer.id, role.id, size, after);
    const next = page.next ? encodeContinuationToken(this.pagingSecret, { scope, query: null, size, after: page.next }) : undefined;
    return { status: 200, ...seekCollection(page.items.map((m) => serializeUserMember(role.id, m)), selfUri, collectionPath, next) };
  }

  /**
   * R4: makes a user a member of a role (201 with the UserMember).
   *
   * @example
   * await roles.addMember(customer, '729827e3-9c14-49f7-bb1b-9608f156bbb8', { id: userId });
   */
  async addMember(customer: CustomerRecord, roleIdParam: string, input: { id?: string }, receipt?: ReceiptFor): Promise<JsonResult> {
    const role = requireRole(roleIdParam);
    if (input.id === undefined || input.id.trim() === '') throw faults.required('id');
    const userId = normalizeGuid(input.id);
    if (!userId) throw faults.userNotFound(input.id);
    // The answer names the user, read before the write so that the receipt can commit with it.
    const user = await this.store.findUser(customer.id, userId);
    if (!user) throw faults.userNotFound(userId);
    const response = { status: 201, body: serializeUserMember(role.id, { userId, displayName: user.displayName, userPrincipalName: user.userPrincipalName }) };
    const result = await this.store.addRoleMember(customer.id, role.id, userId, isoSeconds(this.now()), receipt && (await receipt(response)));
    if (result === 'user_missing') throw faults.userNotFound(userId);
    if (result === 'user_inactive') throw faults.userStateConflict('The user is deleted: restore it before giving it a role.');
    if (result === 'exists') throw licensingFaults.alreadyRoleMember(userId, role.id);
    return response;
  }

  /** R5: removes a user from a role. */
  async removeMember(customer: CustomerRecord, roleIdParam: string, userId: string, receipt?: ReceiptFor): Promise<void> {
    const role = requireRole(roleIdParam);
    if (await this.store.removeRoleMember(customer.id, role.id, userId, receipt && (await receipt({ status: 204, body: '' })))) return;
    if (!(await this.store.findUser(customer.id, userId))) throw faults.userNotFound(userId);
    throw licensingFaults.notRoleMember(userId, role.id);
  }
}

function requireRole(roleId: string): DirectoryRoleTemplate {
  const role = findDirectoryRole(roleId);
  if (!role) throw licensingFaults.directoryRoleNotFound(roleId);
  return role;
}
