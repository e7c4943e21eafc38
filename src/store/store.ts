/**
 * The storage interface. Routes and services talk only to this; SQLite (embedded default) and
 * PostgreSQL (production) implement it and pass the same test suite.
 */
import { isLatin1Pieces, type Latin1Pieces } from '../domain/collection.js';
import type { KeysetPosition } from '../domain/continuation-token.js';
import type { CustomerRecord } from '../domain/customer.js';
import type { PartnerAccount } from '../domain/partner-account.js';
import type { UserRecord, UserRow } from '../domain/user.js';
import type { UserListQuery } from '../domain/user-list-query.js';
import type { RoleMember } from '../domain/directory-roles.js';
import type { LicenseUpdateOutcome, LicenseUpdatePlan, SubscribedSkuRecord, SubscribedSkuWriteResult, UserLicenseRecord } from '../domain/licensing.js';
import type { AuditQuery } from '../domain/audit-query.js';
import type { AuditRecord } from '../domain/audit-record.js';
import type { WorkspaceRecord } from '../domain/emulator/workspace.js';
import type { WorkspaceClockState } from '../domain/emulator/workspace-clock.js';
import type { PendingChange, PendingKind } from '../domain/emulator/pending-change.js';
import type { EmulatorJournalStore } from './journal-store.js';
import type { SnapshotRow } from './queries/snapshot-sql.js';
import type { FixtureLicenceRow, FixtureMemberRow } from '../domain/emulator/fixture-plan.js';

export type { SnapshotRow } from './queries/snapshot-sql.js';

export interface SigningKey {
  kid: string;
  privateJwk: string;
  publicJwk: string;
  createdAt: string;
  /** When set, the key signs nothing, and verifies tokens only until this time (the roll-over grace period). */
  retiredAt?: string;
}

/** One page of a keyset scan: the items and, when more follow, the position of the last one. */
export interface Page<T> {
  items: T[];
  next?: KeysetPosition;
}

/** A page of users as JSON text: `itemsJson` is the items joined with commas (no brackets). */
export interface UserPageJson {
  /**
   * UTF-8 bytes (SQLite), text in pieces that join with commas (PostgreSQL's pages: a few dozen
   * items each, see {@link userPagePieceSize}), or such pieces as their bytes (PostgreSQL's page
   * connections: see Latin1RowsClient); empty when the page has no users.
   */
  itemsJson: Buffer | readonly string[] | Latin1Pieces;
  count: number;
  next?: KeysetPosition;
}

/**
 * PostgreSQL hands a page's items over in pieces of at most this many. One string of a whole page
 * (~220 KB for 500 users) made the database grow and copy one large buffer per page and Node
 * allocate it outside its young generation (V8 gives every string over 128 KB its own mapped
 * memory): on a machine where touching fresh memory is slow, that was over half of both sides'
 * work. Pieces of a few dozen items stay in memory both processes reuse.
 */
export const userPagePieceSize = 32;

/**
 * The items of a page as one JSON text, joined with commas (tests and the emulator's lag overlay).
 *
 * @example
 * JSON.parse(`[${userPageItemsText(page)}]`);
 */
export function userPageItemsText(page: UserPageJson): string {
  const items = page.itemsJson;
  if (Buffer.isBuffer(items)) return items.toString('utf8');
  return isLatin1Pieces(items) ? Buffer.from(items.latin1.join(','), 'latin1').toString('utf8') : items.join(',');
}

export type CustomerSearch = { field: 'companyName' | 'domain'; prefix: string };

/** Identifies one logical request for idempotent replay. */
export interface IdempotencyKey {
  partnerId: string;
  /** A hash of the caller's MS-RequestId (see `deriveRequestKeys`), never the id itself. */
  requestId: string;
  /** Hash of method, path and body: the same id with another request is a new request. */
  fingerprint: string;
  /** Seals the stored answer; derived from the raw request id, kept in memory only, never stored. */
  sealingKey?: Buffer;
}

export interface StoredResponse {
  status: number;
  body: string;
}

/** One attempt's hold on an idempotency key; `owner` is unique per attempt, so a taken-over attempt can tell. */
export interface IdempotencyClaim extends IdempotencyKey {
  owner: string;
}

/** A claim's lease, on real time (never a workspace's clock): when it is asked for, and how long a silent claim is honoured. */
export interface ClaimLease {
  at: Date;
  staleAfterMs: number;
}

/**
 * Completes a claimed request in the same transaction as the write it answers, so a crash can
 * never leave the write without its stored answer (or the answer without the write).
 */
export interface IdempotentCompletion {
  claim: IdempotencyClaim;
  response: StoredResponse;
}

/**
 * What commits in the same transaction as the write it describes: the write's audit record and,
 * for a request with an MS-RequestId, its stored answer. A crash keeps the write with both, or
 * none of the three.
 */
export interface WriteReceipt {
  completion?: IdempotentCompletion;
  audit?: AuditRecord;
}

/** A change to a user row, and what else commits with it. */
export interface UserChange {
  /** A new password hash; without it the stored hash is kept. */
  passwordHash?: string;
  /** A delete frees the user's seats (kept for a restore); a restore takes them back while seats remain. */
  licenses?: 'suspend' | 'resume';
  receipt?: WriteReceipt;
}

/** Outcome of `updateUser`: the write's result and, after a restore, the SKUs whose seat was gone. */
export interface UserChangeOutcome {
  result: UserWriteResult;
  unrestoredSkuIds: string[];
}

/** Thrown (and the write rolled back) when another attempt took over the claim meanwhile. */
export class ClaimLostError extends Error {
  constructor() {
    super('Another attempt took over this MS-RequestId.');
    this.name = 'ClaimLostError';
  }
}

export type ClaimResult = { kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'done'; response: StoredResponse } | { kind: 'pending' };

/** One fixed-window request counter: partner-wide when `customerId` is ''. */
export interface RateCounterKey {
  partnerId: string;
  customerId: string;
  kind: 'read' | 'write';
}

/** Outcome of a write that can clash with another user's name. */
export type UserWriteResult = 'ok' | 'upn_taken' | 'missing';

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to run on every start and from several processes. */
  migrate(): Promise<void>;
  /**
   * Starts the store's own upkeep for a serving process (SQLite: WAL checkpoints on a thread of
   * their own, see wal-checkpointer.ts); `close` stops it. A store with none leaves it out.
   */
  startBackgroundWork?(): void;
  close(): Promise<void>;

  /** Returns the stored value, or stores `value` and returns it when none exists (race-safe). */
  getOrSetSetting(name: string, value: string): Promise<string>;
  listSigningKeys(): Promise<SigningKey[]>;
  insertSigningKey(key: SigningKey): Promise<void>;

  /** Inserts a customer and its first users (and the receipt) in one transaction; false when the domain is taken. */
  insertCustomer(customer: CustomerRecord, users: { row: UserRow; passwordHash: string }[], receipt?: WriteReceipt): Promise<boolean>;
  findCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined>;
  listCustomers(partnerId: string, search: CustomerSearch | undefined, size: number, after?: KeysetPosition): Promise<Page<CustomerRecord>>;

  /** Inserts a user, and the receipt in the same transaction. */
  insertUser(row: UserRow, passwordHash: string, receipt?: WriteReceipt): Promise<UserWriteResult>;
  /** Inserts many users in one transaction (bulk seeding); returns how many were written. */
  insertUsers(rows: { row: UserRow; passwordHash: string }[]): Promise<number>;
  findUser(customerId: string, userId: string): Promise<UserRecord | undefined>;
  /** The stored wire JSON of a user, for GET without re-serializing. */
  findUserJson(customerId: string, userId: string): Promise<string | undefined>;
  /**
   * A keyset page of users' wire JSON in the query's order, already joined with commas, read in
   * one statement together with the partner's ownership of the customer. Undefined when the
   * customer is not the partner's (or does not exist).
   */
  readUserPage(partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<UserPageJson | undefined>;
  /** Replaces a user's row, with its licence step and receipt, in one transaction (see `UserChange`). */
  updateUser(row: UserRow, change?: UserChange): Promise<UserChangeOutcome>;
  countUsers(customerId: string, state: 'active' | 'inactive'): Promise<number>;
  /** Hard-deletes users soft-deleted before `deletedBefore`; returns how many. */
  purgeDeletedUsers(deletedBefore: string): Promise<number>;

  /**
   * Claims a request id for one attempt, or reports its stored answer. `now` is the data's time
   * (the record's created_at, for retention); the lease runs on real time: a claim whose lease
   * was last renewed more than `lease.staleAfterMs` before `lease.at` is taken over.
   */
  claimRequest(key: IdempotencyKey, now: Date, lease: ClaimLease): Promise<ClaimResult>;
  /**
   * Stores the answer of a claimed request (with `audit`, its audit record in the same
   * transaction); false, and nothing written, when another attempt owns the claim now.
   */
  completeRequest(claim: IdempotencyClaim, response: StoredResponse, audit?: AuditRecord): Promise<boolean>;
  /** Drops a claim still owned by this attempt, so a retry can run the request again. */
  releaseRequest(claim: IdempotencyClaim): Promise<void>;
  /** Restarts the lease of a claim still owned by this attempt (a long attempt is alive) at real time `at`; false when it was taken over or completed. */
  renewClaim(claim: IdempotencyClaim, at: Date): Promise<boolean>;
  purgeRequests(createdBefore: string): Promise<number>;

  // Security (issue 7): throttling counters and signing-key retirement.
  /**
   * Adds requests to each counter of the window starting at `windowStart` (epoch seconds),
   * atomically across processes, and returns the new counts in the order of `keys`. `hits[i]`
   * requests are added to `keys[i]` (one each when absent); the keys must be distinct.
   */
  countRequests(keys: RateCounterKey[], windowStart: number, hits?: readonly number[]): Promise<number[]>;
  /** Deletes the counters of windows that started before `windowStart`; returns how many. */
  purgeRateCounters(windowStartBefore: number): Promise<number>;
  /** Marks the key retired at `retiredAt` (it stops signing now and verifying then); false when unknown. */
  retireSigningKey(kid: string, retiredAt: string): Promise<boolean>;

  // Audit log (issue 7).
  /** Appends one audit record. */
  insertAuditRecord(record: AuditRecord): Promise<void>;
  /** Keyset page of a partner's audit records in time order. */
  listAuditRecords(partnerId: string, query: AuditQuery, size: number, after?: KeysetPosition): Promise<Page<AuditRecord>>;
  /** Deletes records older than `before` (UTC ISO-8601); returns how many. */
  purgeAuditRecords(before: string): Promise<number>;

  // Web UI sign-in: partner user accounts.
  /** Inserts an account; false when the user name is taken (by any partner). */
  insertPartnerAccount(account: PartnerAccount): Promise<boolean>;
  /** Finds an account by its user name key (see `userNameKey`). */
  findPartnerAccount(userNameKey: string): Promise<PartnerAccount | undefined>;
  /** Replaces an account's password hash and roles; false when there is no such account. */
  updatePartnerAccount(userNameKey: string, passwordHash: string, roles: string[], updatedAt: string): Promise<boolean>;

  // Licences and directory roles (issue 5). Seat counts change only inside these methods, atomically.
  // A receipt commits only with a write that succeeds: a refused one ('below_consumed', an aborted
  // update, 'exists'…) rolls back and writes none.
  /** Subscribes the customer to a product, or sets its seats; never below the seats already assigned. */
  putSubscribedSku(sku: SubscribedSkuRecord, receipt?: WriteReceipt): Promise<SubscribedSkuWriteResult>;
  /** The customer's subscribed SKUs (a handful), in no particular order. */
  listSubscribedSkus(customerId: string): Promise<SubscribedSkuRecord[]>;
  /** The licences a user holds (not those a delete suspended), by SKU id. */
  listUserLicenses(customerId: string, userId: string): Promise<UserLicenseRecord[]>;
  /** Removes, then assigns, in one transaction: all of it happens or none (no seat ever oversubscribed). */
  applyLicenseUpdate(customerId: string, userId: string, plan: LicenseUpdatePlan, now: string, receipt?: WriteReceipt): Promise<LicenseUpdateOutcome>;
  /** After a delete: frees the seats of the user's licences and keeps them for a restore. */
  suspendUserLicenses(customerId: string, userId: string, now: string): Promise<void>;
  /** After a restore: takes seats back while seats remain; drops and returns the SKU ids that found none. */
  resumeUserLicenses(customerId: string, userId: string, now: string): Promise<string[]>;
  addRoleMember(customerId: string, roleId: string, userId: string, now: string, receipt?: WriteReceipt): Promise<RoleMemberWriteResult>;
  /** False (and no receipt written) when the user was not a member. */
  removeRoleMember(customerId: string, roleId: string, userId: string, receipt?: WriteReceipt): Promise<boolean>;
  /** Keyset page of a role's active members, in user-id order. */
  listRoleMembers(customerId: string, roleId: string, size: number, after?: KeysetPosition): Promise<Page<RoleMember>>;
  listUserRoleIds(customerId: string, userId: string): Promise<string[]>;

  // Bulk loading (issue 6: `tenantry seed`, benchmarks).
  /**
   * Appends many new users sharing one password hash, all batches in ONE transaction, by the
   * store's fastest path (SQLite: a large page cache so the load never re-writes a page, and a
   * rollback journal for the load when no other connection is open; PostgreSQL: one COPY).
   * Rows given in primary-key order load fastest. Batches are pulled one at a time, so memory
   * holds one batch. Fails on any clash, writing nothing; returns how many were written.
   */
  insertUsersBulk(batches: Iterable<UserRow[]>, passwordHash: string): Promise<number>;

  // Emulator (issue 11/12)
  /** Inserts a workspace row; false when one with this id exists. */
  insertWorkspace(workspace: WorkspaceRecord): Promise<boolean>;
  findWorkspace(id: string): Promise<WorkspaceRecord | undefined>;
  /** Every workspace, oldest first. */
  listWorkspaces(): Promise<WorkspaceRecord[]>;
  /** Sets a workspace's clock and id counter and bumps its generation; undefined when there is no such workspace. */
  setWorkspaceState(id: string, clock: WorkspaceClockState, idCounter: number): Promise<WorkspaceRecord | undefined>;
  /** Takes the next write-request number of a seeded workspace, atomically across processes; undefined when unknown. */
  drawWorkspaceRequestNumber(id: string): Promise<number | undefined>;
  /** Deletes every row a partner owns (customers, users, licences, SKUs, role members, audit, idempotency, throttle counters, accounts), in one transaction. */
  deletePartnerData(partnerId: string): Promise<void>;
  /** Deletes the workspace row itself and its snapshots (its data: `deletePartnerData`); false when unknown. */
  deleteWorkspace(id: string): Promise<boolean>;
  /** One partner's share of the sweep, on its own clock: deleted users, idempotency answers and audit records older than the given instants. */
  purgePartner(partnerId: string, before: PartnerPurge): Promise<{ users: number; requests: number; auditRecords: number }>;
  /** A workspace's fault rules, oldest first, with their counters. */
  listFaultRules(partnerId: string): Promise<StoredFaultRule[]>;
  /** Adds rules all at once (one transaction); 'exists' and nothing written when an id is taken. */
  insertFaultRules(partnerId: string, rules: StoredFaultRule[]): Promise<'ok' | 'exists'>;
  /** Removes one rule; false when there was none. */
  deleteFaultRule(partnerId: string, ruleId: string): Promise<boolean>;
  /** Removes every rule of the workspace; returns how many. */
  clearFaultRules(partnerId: string): Promise<number>;
  /** Counts one more matching call, atomically across processes; returns the new count, or 0 when the rule is gone. */
  countFaultRuleMatch(partnerId: string, ruleId: string): Promise<number>;
  /** Counts one firing unless the rule has fired `times` already; true when this call may fire. */
  countFaultRuleFire(partnerId: string, ruleId: string): Promise<boolean>;
  /** Replaces a workspace's settings JSON and bumps its generation; undefined when there is no such workspace. */
  setWorkspaceSettings(id: string, settings: string): Promise<WorkspaceRecord | undefined>;
  /** Consistency lag (issue 12): records the pending change of one entity, replacing the one it had. */
  putPendingChange(change: PendingChange): Promise<void>;
  /** A customer's pending changes, hidden or not (the caller tells, on the workspace clock). */
  listPendingChanges(partnerId: string, customerId: string): Promise<PendingChange[]>;
  /** Takes one read off a change counted in reads, atomically across processes; false when it had none left. */
  consumePendingRead(partnerId: string, customerId: string, kind: PendingKind, entityId: string): Promise<boolean>;
  /** Drops a workspace's pending changes; with `visibleBy` (ISO-8601) only those visible by then or out of reads. Returns how many. */
  clearPendingChanges(partnerId: string, visibleBy?: string): Promise<number>;
  /** The emulator's request journal (issue 12); its work is in a file of its own per store. */
  journal(): EmulatorJournalStore;
  /**
   * Snapshots (issue 11): copies every row the workspace owns, with its clock, id counter and
   * settings, under `name` (replacing a snapshot of that name), in one transaction.
   */
  saveSnapshot(partnerId: string, name: string, state: SnapshotState): Promise<SnapshotRow>;
  /** The workspace's snapshots, oldest first. */
  listSnapshots(partnerId: string): Promise<SnapshotRow[]>;
  /** Puts the workspace back as the snapshot found it, in one transaction; undefined when there is no such snapshot or workspace. */
  restoreSnapshot(partnerId: string, name: string): Promise<WorkspaceRecord | undefined>;
  /** Removes one snapshot; false when there was none. */
  deleteSnapshot(partnerId: string, name: string): Promise<boolean>;
  /** Fixtures (issue 11): a customer's SKUs (seat counts as given), licences (active or suspended) and role members, in one transaction. */
  insertFixtureLicensing(customerId: string, skus: SubscribedSkuRecord[], licences: FixtureLicenceRow[], members: FixtureMemberRow[], now: string): Promise<void>;
  /** Fixtures (issue 11): every licence (active or suspended) and role member of a customer, for the export. */
  readFixtureLicensing(customerId: string): Promise<{ licences: FixtureLicenceRow[]; members: FixtureMemberRow[] }>;
  /** Fixtures (issue 11): a customer's users (active and deleted) by ascending id after `afterId` (use '' first), for the export. */
  listUsersById(customerId: string, afterId: string, size: number): Promise<UserRecord[]>;
}

/** What a snapshot keeps of the workspace row besides its data. */
export interface SnapshotState {
  createdAt: string;
  clock: WorkspaceClockState;
  idCounter: number;
  settings: string;
}

/** Cut-off instants (UTC ISO-8601) of `purgePartner`. */
export interface PartnerPurge {
  deletedUsers: string;
  requests: string;
  auditRecords: string;
}

/** A fault rule as kept in the store: its JSON (match, effect) and counters. */
export interface StoredFaultRule {
  id: string;
  ruleJson: string;
  times: number | null;
  matched: number;
  fired: number;
}

/** Outcome of adding a user to a directory role. */
export type RoleMemberWriteResult = 'ok' | 'exists' | 'user_missing' | 'user_inactive';
