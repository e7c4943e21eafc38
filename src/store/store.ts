/**
 * The storage interface. Routes and services talk only to this; SQLite (embedded default) and
 * PostgreSQL (production) implement it and pass the same test suite.
 */
import type { KeysetPosition } from '../domain/continuation-token.js';
import type { CustomerRecord } from '../domain/customer.js';
import type { UserRecord, UserRow } from '../domain/user.js';
import type { UserListQuery } from '../domain/user-list-query.js';

export interface SigningKey {
  kid: string;
  privateJwk: string;
  publicJwk: string;
  createdAt: string;
  /** Retired keys still verify tokens until they expire, but sign nothing. */
  retiredAt?: string;
}

/** One page of a keyset scan: the items and, when more follow, the position of the last one. */
export interface Page<T> {
  items: T[];
  next?: KeysetPosition;
}

export type CustomerSearch = { field: 'companyName' | 'domain'; prefix: string };

/** Identifies one logical request for idempotent replay. */
export interface IdempotencyKey {
  partnerId: string;
  requestId: string;
  /** Hash of method, path and body: the same id with another request is a new request. */
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: string;
}

export type ClaimResult = { kind: 'claimed' } | { kind: 'done'; response: StoredResponse } | { kind: 'pending' };

/** Outcome of a write that can clash with another user's name. */
export type UserWriteResult = 'ok' | 'upn_taken' | 'missing';

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to run on every start and from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Returns the stored value, or stores `value` and returns it when none exists (race-safe). */
  getOrSetSetting(name: string, value: string): Promise<string>;
  listSigningKeys(): Promise<SigningKey[]>;
  insertSigningKey(key: SigningKey): Promise<void>;

  /** Inserts a customer and its first users in one transaction; false when the domain is taken. */
  insertCustomer(customer: CustomerRecord, users: { row: UserRow; passwordHash: string }[]): Promise<boolean>;
  findCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined>;
  listCustomers(partnerId: string, search: CustomerSearch | undefined, size: number, after?: KeysetPosition): Promise<Page<CustomerRecord>>;

  insertUser(row: UserRow, passwordHash: string): Promise<UserWriteResult>;
  /** Inserts many users in one transaction (bulk seeding); returns how many were written. */
  insertUsers(rows: { row: UserRow; passwordHash: string }[]): Promise<number>;
  findUser(customerId: string, userId: string): Promise<UserRecord | undefined>;
  /** The stored wire JSON of a user, for GET without re-serializing. */
  findUserJson(customerId: string, userId: string): Promise<string | undefined>;
  /** Keyset page of users' wire JSON in the query's order. */
  listUserJson(customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<Page<string>>;
  /** Replaces a user's row; a new password hash is written only when given. */
  updateUser(row: UserRow, passwordHash?: string): Promise<UserWriteResult>;
  countUsers(customerId: string, state: 'active' | 'inactive'): Promise<number>;
  /** Hard-deletes users soft-deleted before `deletedBefore`; returns how many. */
  purgeDeletedUsers(deletedBefore: string): Promise<number>;

  claimRequest(key: IdempotencyKey, now: Date, staleAfterMs: number): Promise<ClaimResult>;
  completeRequest(key: IdempotencyKey, response: StoredResponse): Promise<void>;
  releaseRequest(key: IdempotencyKey): Promise<void>;
  purgeRequests(createdBefore: string): Promise<number>;
}
