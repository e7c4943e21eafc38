/**
 * Customer-user operations: what routes, the CLI and seeding call. Validation rules live in the
 * domain; this layer orders the steps (check, hash, write) and talks to the store.
 */
import { hashPassword } from '../auth/password-hash.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { randomIds, type IdSource } from '../domain/id-source.js';
import type { Operation } from '../auth/permissions.js';
import { framedItems, seekCollectionEnvelope } from '../domain/collection.js';
import { decodeContinuationToken, encodeContinuationToken, parsePageSize } from '../domain/continuation-token.js';
import { customerDomains, customerIdFrom, type CustomerRecord } from '../domain/customer.js';
import { faults } from '../domain/fault.js';
import { unrestoredLicensesHeader } from '../domain/licensing.js';
import { generateTemporaryPassword } from '../domain/password-policy.js';
import { parseUserListQuery, type UserListQuery } from '../domain/user-list-query.js';
import {
  applyUserUpdate,
  isoSeconds,
  isRestorable,
  serializeCustomerUser,
  toUserRow,
  validateNewUser,
  validatePassword,
  type UserFields,
  type UserRecord,
} from '../domain/user.js';
import type { Store } from '../store/store.js';
import type { ReceiptFor } from './write-receipt.js';

export interface ListUsersParams {
  size?: string;
  filter?: string;
  sortField?: string;
  sortDirection?: string;
  seekOperation?: string;
  continuationToken?: string;
}

export interface PasswordInput {
  password?: string;
  forceChangePassword?: boolean;
}

export interface UserServiceOptions {
  pagingSecret: Buffer;
  /** How long a deleted user can be restored, in ms (30 days by default). */
  retentionMs: number;
  /** Where time comes from (softDeletionTime, the restore window, the purge); default real time. */
  clock?: Clock;
  /** Where new user ids come from; default random GUIDs. */
  ids?: IdSource;
  /** Overrides `clock` (tests). */
  now?: () => Date;
}

/** A response body with its status, for routes to send as is. */
export interface JsonResult {
  status: number;
  body: string;
  /** Extra response headers, e.g. `Tenantry-Unrestored-Licenses` after a restore. */
  headers?: Record<string, string>;
}

/** What a PATCH did, most significant first: the audit log names the operation after it. */
export type UserPatchKind = 'restore' | 'resetPassword' | 'rename' | 'update';

/** A page of users: JSON text, or its UTF-8 bytes when the store hands the page over as bytes. */
export interface PageResult {
  status: number;
  body: string | Buffer;
  /** The next page's link, when there is one (see `seekCollectionEnvelope`). */
  headers?: Record<string, string>;
}

export interface UserPatchResult extends JsonResult {
  kind: UserPatchKind;
}

/** Partner Center's audit operation names of each kind of PATCH. */
const patchOperationTypes: Record<UserPatchKind, string> = {
  restore: 'restore_customer_user',
  resetPassword: 'reset_customer_user_password',
  rename: 'update_customer_user_principal_name',
  update: 'update_customer_user',
};

const editableFields = ['userPrincipalName', 'displayName', 'firstName', 'lastName', 'usageLocation', 'immutableId', 'phoneNumber'] as const;

export const thirtyDaysMs = 30 * 24 * 3600 * 1000;

export class UserService {
  private readonly now: () => Date;
  private readonly ids: IdSource;

  constructor(
    private readonly store: Store,
    private readonly options: UserServiceOptions,
  ) {
    const clock = options.clock ?? systemClock;
    this.now = options.now ?? (() => clock.now());
    this.ids = options.ids ?? randomIds;
  }

  /**
   * One page of a customer's users, continuing from a token when the request seeks. The
   * partner's access to the customer is checked by the same store read that fetches the page.
   *
   * @example
   * const { body } = await users.list(principal.partnerId, customerIdParam, { size: '100' }, '/customers/…/users');
   */
  async list(partnerId: string, customerIdParam: string, params: ListUsersParams, selfUri: string, tokenHeader?: string): Promise<PageResult> {
    const customerId = customerIdFrom(customerIdParam);
    const collectionPath = `/customers/${customerId}/users`;
    const scope = `users:${customerId}`;
    const token = tokenHeader || params.continuationToken;
    let query: UserListQuery;
    let size: number;
    let after;
    try {
      if (token) {
        ({ query, size, after } = decodeContinuationToken<UserListQuery>(this.options.pagingSecret, token, scope));
      } else {
        if (params.seekOperation && params.seekOperation.toLowerCase() === 'next') {
          throw faults.invalidInput('seekOperation=Next needs the MS-ContinuationToken header', ['MS-ContinuationToken']);
        }
        query = parseUserListQuery(params.filter, params.sortField, params.sortDirection);
        size = parsePageSize(params.size);
      }
    } catch (e) {
      // Another partner's customer answers 403 whatever the request's other faults, as before.
      if (!(await this.store.findCustomer(partnerId, customerId))) throw faults.noRelationship(partnerId, customerId);
      throw e;
    }
    const page = await this.store.readUserPage(partnerId, customerId, query, size, after);
    if (!page) throw faults.noRelationship(partnerId, customerId);
    const next = page.next ? encodeContinuationToken(this.options.pagingSecret, { scope, query, size, after: page.next }) : undefined;
    const { head, tail, headers } = seekCollectionEnvelope(page.count, selfUri, collectionPath, next);
    const body = framedItems(head, page.itemsJson, tail);
    return { status: 200, body, headers };
  }

  async get(customer: CustomerRecord, userId: string): Promise<JsonResult> {
    const json = await this.store.findUserJson(customer.id, userId);
    if (!json) throw faults.userNotFound(userId);
    return { status: 200, body: json };
  }

  /**
   * Creates a user. Without a password a temporary one is generated; either way the response
   * carries it once in `passwordProfile`, and only its hash is stored. The receipt (audit record,
   * stored answer) commits in the same transaction as the user.
   */
  async create(customer: CustomerRecord, input: UserFields & { passwordProfile?: PasswordInput }, receipt?: ReceiptFor): Promise<JsonResult> {
    const fields = validateNewUser(input, customerDomains(customer));
    const given = input.passwordProfile?.password;
    if (given !== undefined) validatePassword(given);
    const password = given ?? generateTemporaryPassword();
    const forceChangePassword = input.passwordProfile?.forceChangePassword ?? true;
    const now = isoSeconds(this.now());
    const record: UserRecord = {
      customerId: customer.id,
      id: this.ids.newId(),
      ...fields,
      userDomainType: 'none',
      state: 'active',
      forceChangePassword,
      createdAt: now,
      updatedAt: now,
    };
    const response = { status: 201, body: serializeCustomerUser(record, { password, forceChangePassword }) };
    const result = await this.store.insertUser(toUserRow(record), await hashPassword(password), receipt && (await receipt(response)));
    if (result === 'upn_taken') throw faults.userPrincipalNameTaken(record.userPrincipalName);
    return response;
  }

  /**
   * PATCH: updates fields, resets the password (passwordProfile), and restores a deleted user
   * (state active). The official SDK sends `state: active` on every PATCH, so on an active user it
   * changes nothing. A restore takes back the user's licences, and the receipt commits, in the
   * same transaction as the user.
   */
  async patch(
    customer: CustomerRecord,
    userId: string,
    input: UserFields & { passwordProfile?: PasswordInput; state?: string },
    can: (operation: Operation) => boolean = () => true,
    receipt?: ReceiptFor,
  ): Promise<UserPatchResult> {
    const user = await this.store.findUser(customer.id, userId);
    if (!user) throw faults.userNotFound(userId);
    // One route, three operations: each part of the body needs its own right.
    const changesFields = editableFields.some((f) => input[f] !== undefined && input[f] !== user[f]);
    if (changesFields && !can('users.update')) throw faults.roleLacksRights('users.update');
    if (input.passwordProfile && !can('users.resetPassword')) throw faults.roleLacksRights('users.resetPassword');
    if (user.state === 'inactive' && input.state?.toLowerCase() === 'active' && !can('users.restore')) throw faults.roleLacksRights('users.restore');
    const now = this.now();
    const state = input.state?.toLowerCase();
    if (state !== undefined && state !== 'active' && state !== 'inactive') throw faults.invalidProperty('state', 'must be active or inactive');
    if (state === 'inactive' && user.state === 'active') throw faults.invalidProperty('state', 'delete the user with DELETE to deactivate it');

    let next: UserRecord = user;
    if (user.state === 'inactive') {
      if (state !== 'active') throw faults.userStateConflict('The user is deleted: restore it with state active before changing it.');
      if (!isRestorable(user, this.options.retentionMs, now)) throw faults.userNotFound(userId);
      next = { ...user, state: 'active', softDeletionTime: undefined };
    }
    next = applyUserUpdate(next, input, customerDomains(customer), isoSeconds(now));

    let passwordHash: string | undefined;
    let echo: { password: string; forceChangePassword: boolean } | undefined;
    if (input.passwordProfile) {
      const given = input.passwordProfile.password;
      if (given !== undefined) validatePassword(given);
      const password = given ?? generateTemporaryPassword();
      next.forceChangePassword = input.passwordProfile.forceChangePassword ?? true;
      passwordHash = await hashPassword(password);
      echo = { password, forceChangePassword: next.forceChangePassword };
    }
    const kind: UserPatchKind = user.state === 'inactive' ? 'restore' : echo ? 'resetPassword' : next.userPrincipalName !== user.userPrincipalName ? 'rename' : 'update';
    const response = { status: 200, body: serializeCustomerUser(next, echo) };
    // Licences (issue 5): a restored user takes back the licences it held while seats remain.
    const { result, unrestoredSkuIds } = await this.store.updateUser(toUserRow(next), {
      passwordHash,
      licenses: kind === 'restore' ? 'resume' : undefined,
      receipt: receipt && (await receipt(response, { operationType: patchOperationTypes[kind] })),
    });
    if (result === 'missing') throw faults.userNotFound(userId);
    if (result === 'upn_taken') {
      throw user.state === 'inactive' && input.userPrincipalName === undefined
        ? faults.restoreConflict(next.userPrincipalName)
        : faults.userPrincipalNameTaken(next.userPrincipalName);
    }
    const headers = unrestoredSkuIds.length > 0 ? { [unrestoredLicensesHeader]: unrestoredSkuIds.join(', ') } : undefined;
    return { ...response, kind, headers };
  }

  /**
   * Soft delete: the user turns inactive and can be restored until the retention ends. Its seats
   * are freed (a restore takes them back) in the same transaction, with the receipt.
   */
  async delete(customer: CustomerRecord, userId: string, receipt?: ReceiptFor): Promise<void> {
    const user = await this.store.findUser(customer.id, userId);
    if (!user || user.state === 'inactive') throw faults.userNotFound(userId);
    const now = isoSeconds(this.now());
    const { result } = await this.store.updateUser(toUserRow({ ...user, state: 'inactive', softDeletionTime: now, updatedAt: now }), {
      licenses: 'suspend',
      receipt: receipt && (await receipt({ status: 204, body: '' })),
    });
    if (result !== 'ok') throw faults.userNotFound(userId);
  }

  /** Removes users whose restore window has passed; run periodically by the server. */
  async purgeExpired(): Promise<number> {
    return this.store.purgeDeletedUsers(new Date(this.now().getTime() - this.options.retentionMs).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
}
