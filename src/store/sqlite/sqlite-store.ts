/**
 * The embedded store: better-sqlite3 in WAL mode. Synchronous calls wrapped in the async Store
 * interface; statements are prepared once and cached.
 */
import { SqliteEmulatorJournal } from './sqlite-emulator-journal.js';
import { SqliteEmulatorFaults } from './sqlite-emulator-faults.js';
import { SqliteEmulatorSnapshots } from './sqlite-emulator-snapshots.js';
import { SqliteEmulatorFixtures } from './sqlite-emulator-fixtures.js';
import type { FixtureLicenceRow, FixtureMemberRow } from '../../domain/emulator/fixture-plan.js';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoredFaultRule } from '../store.js';
import { SqliteEmulatorPending } from './sqlite-emulator-pending.js';
import type { PendingChange, PendingKind } from '../../domain/emulator/pending-change.js';
import type { SnapshotRow, SnapshotState } from '../store.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { CustomerRecord } from '../../domain/customer.js';
import { userNameKey, type PartnerAccount } from '../../domain/partner-account.js';
import type { UserRecord, UserRow } from '../../domain/user.js';
import type { UserListQuery, UserSortField } from '../../domain/user-list-query.js';
import { customerColumns, customerFromRow, customerListSql, customerValues, userColumns, userFromRow, userRecordColumns, userValues } from '../queries/columns.js';
import { partnerAccountFromRow } from '../queries/partner-account-row.js';
import { denseSearchProbeSql, endOfScanWindow, isBoundedScan, scanWindowEndSql, sqliteNameWordsPageSql, sqliteSparseContainsPageSql, userPageFromRows, userPageSql, type UserPageRow } from '../queries/user-list-sql.js';
import { RecentSet } from '../recent-set.js';
import { displayNameContainsPlan, domainUsersSql, ftsContainsQuery, ftsPhrase, maxSearchCandidates, planUpnContains, searchCandidatesSql, searchMatchRowidsSql, upnContainsPlanWithoutDomains, upnDomainsSql, upnParts, usesTrigramIndex, type ContainsPlan } from '../queries/substring-search.js';
import type { ClaimLease, ClaimResult, CustomerSearch, IdempotencyKey, Page, RateCounterKey, SigningKey, Store, StoredResponse, UserChange, UserChangeOutcome, UserPageJson, UserWriteResult, WriteReceipt } from '../store.js';
import { failpoint } from '../failpoint.js';
import { sqliteMigrations } from './migrations.js';
import { StatementCache } from './statement-cache.js';
import { SearchIndexAside, type SearchIndexBuildOptions } from './search-index-build.js';
import { backstopCheckpointPages, WalCheckpointer } from './wal-checkpointer.js';
import type { RoleMember } from '../../domain/directory-roles.js';
import type { LicenseUpdateOutcome, LicenseUpdatePlan, SubscribedSkuRecord, SubscribedSkuWriteResult, UserLicenseRecord } from '../../domain/licensing.js';
import type { PartnerPurge, RoleMemberWriteResult } from '../store.js';
import { SqliteLicensing } from './sqlite-licensing.js';
import { SqliteEmulatorWorkspaces } from './sqlite-emulator-workspaces.js';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import type { WorkspaceClockState } from '../../domain/emulator/workspace-clock.js';
import type { AuditQuery } from '../../domain/audit-query.js';
import type { AuditRecord } from '../../domain/audit-record.js';
import { auditFromRow, auditListSql, auditValues, insertAuditSql } from '../queries/audit-sql.js';
import { answeredByNameWords, maxNameWords, sqliteNameWordsContainingSql, nameWordsInsertTrigger, splitNameWords } from '../queries/name-words.js';
import { randomUUID } from 'node:crypto';
import { ClaimLostError, type IdempotencyClaim, type IdempotentCompletion } from '../store.js';

/** Blocks the thread: for the few waits around a bulk load, which holds it anyway. */
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') ?? false;

/** Primary-key order of user rows. */
const byKey = (a: UserRow, b: UserRow) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const inKeyOrder = (rows: UserRow[]) => rows.every((row, i) => i === 0 || byKey(rows[i - 1], row) <= 0);

/** Whether `b` comes at or after `a` in the display-name index (customer, state, key, id). */
const followsInDisplayNameIndex = (a: UserRow, b: UserRow) =>
  a.customerId !== b.customerId ? a.customerId < b.customerId : a.state === b.state && (a.displayNameKey < b.displayNameKey || (a.displayNameKey === b.displayNameKey && a.id <= b.id));

/** Whether `rows`, after `last`, are in the display-name index's order. */
const inDisplayNameOrder = (last: UserRow | undefined, rows: UserRow[]) =>
  rows.every((row, i) => {
    const before = i === 0 ? last : rows[i - 1];
    return before === undefined || followsInDisplayNameIndex(before, row);
  });

/**
 * The page cache of a bulk load, in KiB. A load in index order (as `tenantry seed` sends it)
 * changes only the last pages of each B-tree, so a small cache holds them and the full pages go to
 * the file as they leave it. A load in any other order changes pages all over its B-trees: with
 * them all held (allocated only as used), each page is written once, at commit, not once per batch
 * that touches it (1 M users in 50 k-row transactions: 152 s against 71–79 s in one).
 */
const loadCacheKiB = { indexOrder: 64 * 1024, anyOrder: 2 * 1024 * 1024 } as const;

/** The trigram index's `hashsize` outside bulk loads (set by the migration that created it). */
const searchHashBytes = 64 * 1024 * 1024;

/** A bulk load of at least this many users ends by merging the trigram index into one segment. */
const largeLoadUsers = 100_000;

/**
 * A large load fills the trigram index with a `hashsize` of this much per loaded user (~1/12 of
 * what its pending index takes), so the fill writes a dozen segments or more. FTS5 merges by
 * segment count per level and puts a merge's output one level above its inputs: a load written as
 * one segment (≤ ~250 k users at 64 MB, before) kept that segment on level 0, where the 16th create after
 * it merged the whole loaded index inside one insert (~600 ms after 200 k users) and again ~250
 * creates later. Filled in a dozen segments, the merged index sits on level 3, which a create
 * reaches only after thousands of others (4,000 creates after 100 k, 200 k or 1 M users: none
 * over 30 ms). Tied to what the index holds per user: with the UPN's domain in it, this was 40.
 */
const loadHashBytesPerUser = 20;

// A user's search_rowid links it to its row in the trigram index (user_search, kept in step by
// triggers). A single insert takes the next free one in the same statement, under the write lock.
const nextSearchRowid = '(SELECT coalesce((SELECT rowid FROM user_search ORDER BY rowid DESC LIMIT 1), 0) + 1)';
const insertUserColumns = `${userColumns.join(', ')}, search_rowid`;

/** A bulk load of at least this many users into an empty trigram index builds it aside. */
const parallelSearchIndexFromUsers = 50_000;

export interface SqliteStoreOptions {
  /** Overrides the load size from which a bulk load builds the trigram index on a second thread (tests). */
  parallelSearchIndexFromUsers?: number;
}

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements: StatementCache;
  /** Started by startBackgroundWork, for a serving process. */
  private checkpoints?: WalCheckpointer;

  /** A bulk load into an empty trigram index builds it on a second thread from this many users. */
  private readonly parallelSearchIndexFrom: number;

  /**
   * Opens (and creates) a database file; `:memory:` gives a private in-memory database.
   *
   * @example
   * const store = new SqliteStore('./data/tenantry.db');
   * await store.migrate();
   */
  constructor(
    private readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    this.parallelSearchIndexFrom = options.parallelSearchIndexFromUsers ?? parallelSearchIndexFromUsers;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.statements = new StatementCache(this.db);
    // 16 KiB pages (taken only by a new, empty database): a user row is ~0.8 KB, so a 100-user
    // page of the clustered table spans ~6 pages instead of ~25, and bulk loads run ~30 % faster.
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    // Memory-mapped reads keep 100-row pages off the read() syscall path, and out of the page
    // cache: pages past the mapped window are copied into it, which made a 1 M-user file (1.8 GB)
    // grow the server's own memory by ~60 MB during an export. 0x7FFF0000 is SQLite's largest
    // mapping (SQLITE_MAX_MMAP_SIZE); the mapped pages are the OS's file cache, shared, not ours.
    this.db.pragma('mmap_size = 2147418112');
    // Reads go through the mapping; the page cache mostly holds pages that writes change. 16 MiB
    // (SQLite's default is 2) keeps index pages of recent writes; 64 MiB filled slowly over a soak
    // of creates and read as a steady rise of the server's own memory.
    this.db.pragma('cache_size = -16384');
  }

  private stmt(sql: string): Database.Statement {
    return this.statements.get(sql);
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    for (const [i, sql] of sqliteMigrations.entries()) {
      const version = i + 1;
      if (done.has(version)) continue;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      }).immediate();
    }
  }

  startBackgroundWork(): void {
    // An in-memory database has no WAL, and no other connection could open it.
    if (this.path === ':memory:' || this.checkpoints) return;
    this.db.pragma(`wal_autocheckpoint = ${backstopCheckpointPages}`);
    this.checkpoints = WalCheckpointer.start(this.path);
  }

  async close(): Promise<void> {
    await this.checkpoints?.stop();
    this.checkpoints = undefined;
    this.db.close();
  }

  async getOrSetSetting(name: string, value: string): Promise<string> {
    this.stmt('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value);
    return (this.stmt('SELECT value FROM settings WHERE name = ?').get(name) as { value: string }).value;
  }

  async listSigningKeys(): Promise<SigningKey[]> {
    const rows = this.stmt('SELECT kid, private_jwk, public_jwk, created_at, retired_at FROM signing_keys ORDER BY created_at, kid').all() as Record<string, string | null>[];
    return rows.map((r) => ({ kid: r.kid!, privateJwk: r.private_jwk!, publicJwk: r.public_jwk!, createdAt: r.created_at!, retiredAt: r.retired_at ?? undefined }));
  }

  async insertSigningKey(k: SigningKey): Promise<void> {
    this.stmt('INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?)').run(k.kid, k.privateJwk, k.publicJwk, k.createdAt, k.retiredAt ?? null);
  }

  async insertCustomer(customer: CustomerRecord, users: { row: UserRow; passwordHash: string }[], receipt?: WriteReceipt): Promise<boolean> {
    const insertCustomer = this.stmt(`INSERT INTO customers (${customerColumns.join(', ')}) VALUES (${customerColumns.map(() => '?').join(', ')})`);
    try {
      this.db.transaction(() => {
        insertCustomer.run(...customerValues(customer));
        for (const u of users) this.insertUserSync(u.row, u.passwordHash);
        this.writeReceipt(receipt);
      }).immediate();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async findCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined> {
    const r = this.stmt(`SELECT ${customerColumns.join(', ')} FROM customers WHERE id = ? AND partner_id = ?`).get(customerId, partnerId);
    return r ? customerFromRow(r as Record<string, unknown>) : undefined;
  }

  async listCustomers(partnerId: string, search: CustomerSearch | undefined, size: number, after?: KeysetPosition): Promise<Page<CustomerRecord>> {
    const sql = customerListSql(partnerId, search, size + 1, after);
    const rows = this.stmt(sql.text).all(...sql.params) as Record<string, unknown>[];
    const more = rows.length > size;
    const page = rows.slice(0, size);
    const last = page[page.length - 1];
    return { items: page.map(customerFromRow), next: more ? { key: String(last.k), id: String(last.id) } : undefined };
  }

  private insertUserSync(row: UserRow, passwordHash: string) {
    this.stmt(`INSERT INTO users (${insertUserColumns}) VALUES (${userColumns.map(() => '?').join(', ')}, ${nextSearchRowid})`).run(...userValues(row, passwordHash, true));
  }

  async insertUser(row: UserRow, passwordHash: string, receipt?: WriteReceipt): Promise<UserWriteResult> {
    try {
      if (receipt) {
        this.db.transaction(() => {
          this.insertUserSync(row, passwordHash);
          this.writeReceipt(receipt);
        }).immediate();
      } else {
        this.insertUserSync(row, passwordHash);
      }
      return 'ok';
    } catch (e) {
      if (isUniqueViolation(e)) return 'upn_taken';
      throw e;
    }
  }

  async insertUsers(rows: { row: UserRow; passwordHash: string }[]): Promise<number> {
    this.db.transaction(() => {
      for (const r of rows) this.insertUserSync(r.row, r.passwordHash);
    }).immediate();
    return rows.length;
  }

  async insertUsersBulk(batches: Iterable<UserRow[]>, passwordHash: string): Promise<number> {
    const row = `(${userColumns.map(() => '?').join(', ')}, ?)`;
    const insert = this.stmt(`INSERT INTO users (${insertUserColumns}) VALUES ${row}`);
    // 64 rows a statement (1,344 parameters): one statement step per 64 rows instead of per row
    // takes ~15 % off the CPU of a 1 M-user load.
    const rowsPerInsert = 64;
    const insertMany = this.stmt(`INSERT INTO users (${insertUserColumns}) VALUES ${Array(rowsPerInsert).fill(row).join(', ')}`);
    const width = userColumns.length + 1;
    const values: unknown[] = new Array(rowsPerInsert * width);
    const cacheSize = this.db.pragma('cache_size', { simple: true }) as number;
    const mmapSize = this.db.pragma('mmap_size', { simple: true }) as number;
    // Small until a batch breaks index order. Holding a seed's every page instead cost a 1 M-user
    // seed ~10 s of its ~27 (its 2 GB were page faults first touching the memory, as it grew).
    let cacheFor: keyof typeof loadCacheKiB = 'indexOrder';
    const rollbackJournal = this.enterRollbackJournal();
    let written = 0;
    let aside: SearchIndexAside | undefined;
    let attachedBuild = false;
    try {
      this.db.pragma(`cache_size = -${loadCacheKiB[cacheFor]}`);
      // Read through the page cache, not the mapping: the trigram index's fill reads every loaded
      // user back, and each 4 KiB of the new file it read through the mapping was a page fault.
      this.db.pragma('mmap_size = 0');
      this.db.transaction(() => {
        // The load holds the write lock: search rowids are handed out from the highest in use.
        let searchRowid = this.stmt(`SELECT ${nextSearchRowid}`).pluck().get() as number;
        const firstSearchRowid = searchRowid;
        const customers = new Set<string>();
        const searchTrigger = this.dropTriggerForLoad('users_search_insert');
        const wordsTrigger = this.dropTriggerForLoad(nameWordsInsertTrigger);
        // The vocabulary takes each word of the load once, at its end, not once per user.
        const vocabulary = new Set<string>();
        // Into an index with no rows, a large load's index is built beside it on a second thread.
        if (searchTrigger !== undefined && this.searchIndexIsEmpty()) aside = new SearchIndexAside(this.parallelSearchIndexFrom, () => this.searchIndexBuildOptions());
        // Whether the whole load went in in key order, so its search rowids ascend with the key.
        let inserted: 'key order' | 'any order' = 'key order';
        let lastRow: UserRow | undefined;
        for (const rows of batches) {
          for (const r of rows) customers.add(r.customerId);
          // In key order, consecutive inserts land on the same pages of the clustered table
          // (`tenantry seed` already sends its rows so: then this is one pass over the batch).
          if (!inKeyOrder(rows)) rows.sort(byKey);
          if (rows.length > 0) {
            if (lastRow && byKey(lastRow, rows[0]) > 0) inserted = 'any order';
            // Sorted, the batch is in key order; the load is in index order while it stays so
            // across batches and its display names ascend with it.
            if (cacheFor === 'indexOrder' && (inserted === 'any order' || !inDisplayNameOrder(lastRow, rows))) {
              cacheFor = 'anyOrder';
              this.db.pragma(`cache_size = -${loadCacheKiB[cacheFor]}`);
            }
            lastRow = rows[rows.length - 1];
          }
          const words = wordsTrigger !== undefined ? this.nameWordRows(rows, vocabulary) : undefined;
          aside?.add(rows, searchRowid, words);
          let i = 0;
          for (; i + rowsPerInsert <= rows.length; i += rowsPerInsert) {
            for (let j = 0; j < rowsPerInsert; j++) {
              const v = userValues(rows[i + j], passwordHash, true);
              const at = j * width;
              for (let k = 0; k < v.length; k++) values[at + k] = v[k];
              values[at + v.length] = searchRowid++;
            }
            insertMany.run(values);
          }
          for (; i < rows.length; i++) insert.run([...userValues(rows[i], passwordHash, true), searchRowid++]);
          if (words !== undefined && aside === undefined) this.fileNameWords(words);
          written += rows.length;
        }
        const built = aside?.finish(searchRowid - firstSearchRowid >= largeLoadUsers);
        // A load too small to build aside files its words and fills its index in place.
        if (aside !== undefined && built === undefined && wordsTrigger !== undefined) this.fileNameWords(aside.heldNameWords());
        if (built !== undefined && searchTrigger !== undefined) {
          // Detached after the transaction: a database it has read cannot leave it.
          this.db.prepare('ATTACH ? AS search_build').run(built);
          attachedBuild = true;
          this.adoptSearchIndex(searchTrigger, wordsTrigger !== undefined);
        } else this.indexLoadedUsers(searchTrigger, customers, firstSearchRowid, searchRowid, inserted);
        if (wordsTrigger !== undefined) {
          const add = this.stmt('INSERT OR IGNORE INTO name_words (word) VALUES (?)');
          for (const word of vocabulary) add.run(word);
          this.db.exec(wordsTrigger);
        }
      }).immediate();
    } finally {
      if (attachedBuild) this.db.exec('DETACH search_build');
      aside?.discard();
      if (rollbackJournal) this.leaveRollbackJournal();
      this.db.pragma(`mmap_size = ${mmapSize}`);
      this.db.pragma(`cache_size = ${cacheSize}`);
    }
    return written;
  }

  /** The SQL that created a table or trigger of the main database; undefined if there is none. */
  private schemaSql(type: 'table' | 'trigger', name: string): string | undefined {
    return this.db.prepare('SELECT sql FROM main.sqlite_master WHERE type = ? AND name = ?').pluck().get(type, name) as string | undefined;
  }

  /** Whether the trigram index holds no user (not even a deleted one's leftovers to merge). */
  private searchIndexIsEmpty(): boolean {
    return this.db.prepare("SELECT NOT EXISTS (SELECT 1 FROM user_search_docsize) AND NOT EXISTS (SELECT 1 FROM user_search_idx)").pluck().get() === 1;
  }

  private searchIndexBuildOptions(): SearchIndexBuildOptions {
    return {
      databasePath: this.path,
      tableSql: this.schemaSql('table', 'user_search') as string,
      nameWordsTableSql: this.schemaSql('table', 'user_name_words'),
      upnIndexedSql: upnParts.sqlite.indexed,
      // As a load of 100,000 users fills in place: a segment every ~8,000 users (see loadHashBytesPerUser).
      hashBytes: largeLoadUsers * loadHashBytesPerUser,
    };
  }

  /**
   * Inside a bulk load, instead of {@link indexLoadedUsers}: makes the trigram index (empty, as
   * checked when the load began) the one built aside in the database attached as `search_build`,
   * by copying that table's shadow tables into a new, empty `user_search`, files the display
   * names' words built there too, and creates the insert trigger again. The table is dropped and
   * created again, not emptied, so that no FTS5 state this connection cached (its structure
   * record) outlives the copy. The index's settings (`hashsize`) are kept.
   */
  private adoptSearchIndex(trigger: string, withNameWords: boolean): void {
    const tableSql = this.schemaSql('table', 'user_search') as string;
    // Integers as BigInt: FTS5 refuses a REAL setting, which a JS number binds as.
    const settings = this.db.prepare("SELECT k, v FROM user_search_config WHERE k <> 'version'").safeIntegers(true).all() as { k: string; v: unknown }[];
    const shadowTables = () => this.db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name GLOB 'user_search_*'").pluck().all() as string[];
    // better-sqlite3 opens connections in SQLite's defensive mode, which refuses writes to a
    // virtual table's shadow tables: lifted for this copy between two tables of one declaration.
    this.db.unsafeMode(true);
    try {
      const left = shadowTables();
      this.db.exec('DROP TABLE user_search');
      // FTS5 leaves the contentless table's `_content` (its UNINDEXED columns) behind when dropped.
      for (const name of left) this.db.exec(`DROP TABLE IF EXISTS main."${name}"`);
      this.db.exec(tableSql);
      const shadows = shadowTables().filter((name) => name !== 'user_search_config');
      // The new table's own records (its empty structure and averages) give way to the build's.
      this.db.exec('DELETE FROM main.user_search_data');
      for (const name of shadows) this.db.exec(`INSERT INTO main."${name}" SELECT * FROM search_build."${name}"`);
      // In the words' key order, as the build's table holds them: each insert lands where the last did.
      if (withNameWords) this.db.exec('INSERT OR IGNORE INTO main.user_name_words SELECT * FROM search_build.user_name_words');
    } finally {
      this.db.unsafeMode(false);
    }
    for (const { k, v } of settings) this.db.prepare('INSERT INTO user_search (user_search, rank) VALUES (?, ?)').run(k, v);
    this.db.exec(trigger);
  }

  /**
   * Drops a trigger inside a bulk load's transaction; returns its SQL, to create it again after.
   * A failed load rolls the drop back with it. Row by row through `users_search_insert`, the
   * trigram index cost ~30 µs per user, twice the rest of a load; filled by one `INSERT … SELECT`
   * after the load ({@link indexLoadedUsers}) it costs ~7 µs.
   */
  private dropTriggerForLoad(name: 'users_search_insert' | typeof nameWordsInsertTrigger): string | undefined {
    const sql = this.schemaSql('trigger', name);
    if (sql !== undefined) this.db.exec(`DROP TRIGGER ${name}`);
    return sql;
  }

  /**
   * Inside a bulk load, its trigger dropped: the rows (`customer_id, word, state,
   * display_name_key, id`, flat) that file a batch of loaded users under the words of their
   * display names but the leading one, split here as the trigger splits them (tested against each
   * other); gathers every word for the vocabulary. Set-based in SQL, the trigger's recursive split
   * cost ~11 µs per user; here ~1 µs.
   */
  private nameWordRows(rows: UserRow[], vocabulary: Set<string>): string[] {
    const values: string[] = [];
    for (const row of rows) {
      const { leading, filed } = splitNameWords(row.displayNameKey);
      if (leading !== '') vocabulary.add(leading);
      for (const word of filed) {
        vocabulary.add(word);
        values.push(row.customerId, word, row.state, row.displayNameKey, row.id);
      }
    }
    return values;
  }

  /** Inserts {@link nameWordRows}' rows, 64 a statement. */
  private fileNameWords(values: readonly string[]): void {
    const perInsert = 64;
    const many = this.stmt(`INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id) VALUES ${Array(perInsert).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    const one = this.stmt('INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id) VALUES (?, ?, ?, ?, ?)');
    let i = 0;
    for (; i + perInsert * 5 <= values.length; i += perInsert * 5) many.run(values.slice(i, i + perInsert * 5));
    for (; i < values.length; i += 5) one.run(values.slice(i, i + 5));
  }

  /**
   * After a bulk load: indexes the loaded users (search rowids `from` to before `to`, of the
   * given customers) in rowid order, as FTS5 writes ascending rowids without flushing, and
   * creates the insert trigger again. A load inserted in key order (as `tenantry seed` sends it)
   * handed out its rowids in key order, so its users are read in the table's own order; else they
   * are sorted by rowid first (~2 s of a 1 M-user load's ~3.4 s read).
   */
  private indexLoadedUsers(trigger: string | undefined, customers: Set<string>, from: number, to: number, inserted: 'key order' | 'any order'): void {
    if (trigger === undefined) return;
    const large = to - from >= largeLoadUsers;
    if (large) this.setSearchHashBytes(Math.min(searchHashBytes, Math.max(1 << 20, (to - from) * loadHashBytesPerUser)));
    const index = this.db.prepare(
      'INSERT INTO user_search (rowid, search_customer, search_user, display_name_text, upn_text) ' +
        `SELECT search_rowid, customer_id, id, display_name_key, ${upnParts.sqlite.indexed} FROM users WHERE customer_id = ? AND search_rowid >= ? AND search_rowid < ? ORDER BY ${inserted === 'key order' ? 'id' : 'search_rowid'}`,
    );
    // One customer at a time (the loaded rows of each lie in one range of the table); rowids
    // increase across customers only within each, which FTS5 answers with a flush, not an error.
    for (const customerId of customers) index.run(customerId, from, to);
    if (large) {
      // A large load leaves the trigram index in many segments, and a search reads each of its
      // trigrams from every segment: merged into one, a rare UPN search at 1 M users took half
      // the time. The merged segment lands a level above the highest the fill reached.
      this.db.exec("INSERT INTO user_search (user_search) VALUES ('optimize')");
      this.setSearchHashBytes(searchHashBytes);
    }
    this.db.exec(trigger);
  }

  /** FTS5's `hashsize`: how much pending index a transaction holds before writing a segment. */
  private setSearchHashBytes(bytes: number): void {
    // As an integer: FTS5 refuses a REAL, which better-sqlite3 binds a JS number as.
    this.stmt("INSERT INTO user_search (user_search, rank) VALUES ('hashsize', ?)").run(BigInt(Math.round(bytes)));
  }

  /**
   * For a bulk load, leaves WAL mode for a rollback journal when no other connection has the
   * database open (else stays in WAL, unchanged). WAL writes every page twice, to the log and then
   * at the checkpoint; a rollback journal keeps only the pages that existed before the load, so the
   * load's new pages are written once (1 M users: ~20 s → ~10 s). It is as durable: with
   * synchronous = FULL a crash mid-load rolls back to the data committed before, and the next
   * open (or leaveRollbackJournal) turns WAL back on. While it lasts, a process opening the
   * database meets SQLITE_BUSY instead of the old snapshot, which a bulk load may impose.
   */
  private enterRollbackJournal(): boolean {
    if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') return false;
    // The checkpoint thread (wal-checkpointer.ts) holds a connection for a moment every tick: a
    // few tries, a few milliseconds apart, find it gone; another process's stays, and so does WAL.
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return false;
        this.db.pragma('synchronous = FULL');
        return true;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
        if (attempt === 3) return false; // another connection is open
        sleepSync(5);
      }
    }
  }

  /**
   * Back to WAL. A connection opened during the load may hold a lock for a moment, so this
   * retries for ~5 s; if that fails the committed data is still safe in rollback mode (kept at
   * synchronous = FULL) and the next open of the store turns WAL back on.
   */
  private leaveRollbackJournal(): void {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        if (this.db.pragma('journal_mode = WAL', { simple: true }) === 'wal') {
          this.db.pragma('synchronous = NORMAL');
          return;
        }
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
      }
      sleepSync(100);
    }
  }

  async findUser(customerId: string, userId: string): Promise<UserRecord | undefined> {
    const r = this.stmt(`SELECT ${userRecordColumns} FROM users WHERE customer_id = ? AND id = ?`).get(customerId, userId);
    return r ? userFromRow(r as Record<string, unknown>) : undefined;
  }

  async findUserJson(customerId: string, userId: string): Promise<string | undefined> {
    return this.stmt('SELECT item_json FROM users WHERE customer_id = ? AND id = ?').pluck().get(customerId, userId) as string | undefined;
  }

  async readUserPage(partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<UserPageJson | undefined> {
    let candidates: string | undefined;
    let sparse = false;
    const search = query.search;
    const words = search && answeredByNameWords(query) ? this.nameWordsContaining(search.value) : undefined;
    if (words !== undefined) {
      const sql = sqliteNameWordsPageSql(query, partnerId, customerId, size, words, after);
      return userPageFromRows(this.stmt(sql.text).raw(true).all(...sql.params) as UserPageRow[], size);
    }
    if (search && usesTrigramIndex(search)) {
      const plan: ContainsPlan = search.field === 'userPrincipalName' ? (upnContainsPlanWithoutDomains(search.value) ?? planUpnContains(search.value, this.upnDomains(customerId))) : displayNameContainsPlan(search.value);
      // The trigram index first, when it alone lists the candidates: a text it finds at most a
      // page of users for is answered from them wherever they lie, without the probe of the sort
      // order below (~45 µs of a rare search's ~460 at 1 M users).
      const few = plan.kind === 'index' && plan.text !== undefined && plan.domains.length === 0 ? this.fewIndexMatches(search.field, plan.text, size) : undefined;
      if (plan.kind === 'none') candidates = '[]';
      else if (few !== undefined) candidates = JSON.stringify(this.customerUsersMatched(few, customerId));
      else if (!this.searchIsDenseAt(query, customerId, size, after)) {
        // A rare text: its few matches, found in the indexes, are looked up, sorted and paged. A
        // common one (more than the cap), or one no index can list, that is sparse here: the
        // page walks the sort order for keys and ids only, then reads its users.
        if (plan.kind === 'index') candidates = this.planCandidates(search.field, plan, customerId);
        sparse = candidates === undefined;
      }
    }
    if (isBoundedScan(query)) return this.readBoundedScanPage(partnerId, customerId, query, size, after);
    const sql = sparse ? sqliteSparseContainsPageSql(query, partnerId, customerId, size, after) : userPageSql('sqlite', query, partnerId, customerId, size, after, candidates);
    return userPageFromRows(this.stmt(sql.text).raw(true).all(...sql.params) as UserPageRow[], size);
  }

  /**
   * A page of a bounded scan (see scanWindowEndSql). A page that did not fill continues after its
   * window's last user, read in the same read transaction as the page: from another snapshot (a
   * write by another process in between), a user created or deleted in the window would shift that
   * user by one, so that the next page read a user twice or passed one unread.
   */
  private readBoundedScanPage(partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): UserPageJson | undefined {
    return this.db.transaction(() => {
      const sql = userPageSql('sqlite', query, partnerId, customerId, size, after);
      const page = userPageFromRows(this.stmt(sql.text).raw(true).all(...sql.params) as UserPageRow[], size);
      if (!page || page.next) return page;
      const end = scanWindowEndSql('sqlite', query, customerId, after);
      return endOfScanWindow(page, this.stmt(end.text).raw(true).get(...end.params) as [string, string] | undefined);
    })();
  }

  /** The words of display names that contain `text`; undefined when there are more than {@link maxNameWords}. */
  private nameWordsContaining(text: string): string[] | undefined {
    const words = this.stmt(sqliteNameWordsContainingSql).pluck().all(ftsPhrase(text), text) as string[];
    return words.length > maxNameWords ? undefined : words;
  }

  /**
   * Texts the trigram index recently had more than the cap of matches for: asking it again cost
   * ~1.8 ms ("tanaka" at 1 M users), a page's walk ~3 ms. Only a choice of plan: the walk finds
   * every match, so a text that has since become rare is still answered right, only slower, until
   * it is forgotten.
   */
  private readonly commonSearches = new RecentSet(256, 60_000);

  /**
   * Texts the trigram index recently had more than a page of matches for: asked again (the next
   * page of a walk, say), they go straight to the probe, without first asking the index for a
   * page's worth (~70–110 µs for "ada.ad" in the UPN at 1 M users). Only a choice of plan, as
   * above.
   */
  private readonly searchesBeyondAPage = new RecentSet(256, 60_000);

  /**
   * The rowids of the trigram index's rows (of any customer) whose indexed text contains `text`,
   * when there are at most `size`; else undefined, and the text is remembered as having more. The
   * index is asked for one more than `size`, so that a text with many matches costs it little.
   */
  private fewIndexMatches(field: UserSortField, text: string, size: number): number[] | undefined {
    const match = ftsContainsQuery(field, text);
    if (this.searchesBeyondAPage.has(match)) return undefined;
    const rowids = this.indexMatches(match, size + 1);
    if (rowids !== undefined && rowids.length <= size) return rowids;
    this.searchesBeyondAPage.remember(match);
    return undefined;
  }

  /** The customer's distinct UPN domains, up to one past what the planner takes. */
  private upnDomains(customerId: string): string[] {
    return this.stmt(upnDomainsSql('sqlite')).pluck().all(customerId, customerId) as string[];
  }

  /**
   * The ids of the users a contains plan lists, as a JSON array, each once; undefined when there
   * are more than {@link maxSearchCandidates}.
   */
  private planCandidates(field: UserSortField, plan: Extract<ContainsPlan, { kind: 'index' }>, customerId: string): string | undefined {
    const rowids = plan.text === undefined ? [] : this.indexMatches(ftsContainsQuery(field, plan.text), maxSearchCandidates + 1);
    if (rowids === undefined) return undefined;
    const inText = this.customerUsersMatched(rowids, customerId);
    if (plan.domains.length === 0) return JSON.stringify(inText);
    const ids = new Set(inText);
    for (const id of this.stmt(domainUsersSql).pluck().all(customerId, JSON.stringify(plan.domains)) as string[]) ids.add(id);
    return ids.size > maxSearchCandidates ? undefined : JSON.stringify([...ids]);
  }

  /**
   * The rowids of the trigram index's rows (of any customer) that an FTS5 `match` query (see
   * ftsContainsQuery) finds, at most `limit`; undefined when there are more than
   * {@link maxSearchCandidates} (then remembered as common).
   */
  private indexMatches(match: string, limit: number): number[] | undefined {
    if (this.commonSearches.has(match)) return undefined;
    const rowids = this.stmt(searchMatchRowidsSql).pluck().all(match, limit) as number[];
    if (rowids.length <= maxSearchCandidates) return rowids;
    this.commonSearches.remember(match);
    return undefined;
  }

  /** The ids of the customer's users among index rows, by their rowids. */
  private customerUsersMatched(rowids: number[], customerId: string): string[] {
    return rowids.length === 0 ? [] : (this.stmt(searchCandidatesSql).pluck().all(JSON.stringify(rowids), customerId) as string[]);
  }

  /** Whether more than a page of the few users {@link denseSearchProbeSql} samples match (then: walk). */
  private searchIsDenseAt(query: UserListQuery, customerId: string, size: number, after?: KeysetPosition): boolean {
    const probe = denseSearchProbeSql(query, customerId, size, after);
    return (this.stmt(probe.text).pluck().get(...probe.params) as number) > size;
  }

  async updateUser(row: UserRow, { passwordHash, licenses, receipt }: UserChange = {}): Promise<UserChangeOutcome> {
    const cols = userColumns.filter((c) => c !== 'customer_id' && c !== 'id' && c !== 'created_at' && (passwordHash !== undefined || c !== 'password_hash'));
    const values = userValues(row, passwordHash ?? null, true);
    const byName = new Map(userColumns.map((c, i) => [c, values[i]]));
    try {
      return this.db.transaction((): UserChangeOutcome => {
        const info = this.stmt(`UPDATE users SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE customer_id = ? AND id = ?`).run(...cols.map((c) => byName.get(c)), row.customerId, row.id);
        if (info.changes !== 1) return { result: 'missing', unrestoredSkuIds: [] };
        // The licence step nests as a savepoint of this transaction: the user and its seats change together.
        if (licenses === 'suspend') this.licensing.suspendUserLicenses(row.customerId, row.id, row.updatedAt);
        const unrestoredSkuIds = licenses === 'resume' ? this.licensing.resumeUserLicenses(row.customerId, row.id, row.updatedAt) : [];
        this.writeReceipt(receipt);
        return { result: 'ok', unrestoredSkuIds };
      }).immediate();
    } catch (e) {
      if (isUniqueViolation(e)) return { result: 'upn_taken', unrestoredSkuIds: [] };
      throw e;
    }
  }

  async countUsers(customerId: string, state: 'active' | 'inactive'): Promise<number> {
    return this.stmt('SELECT count(*) FROM users WHERE customer_id = ? AND state = ?').pluck().get(customerId, state) as number;
  }

  async purgeDeletedUsers(deletedBefore: string): Promise<number> {
    return this.stmt("DELETE FROM users WHERE state = 'inactive' AND soft_deletion_time < ?").run(deletedBefore).changes;
  }

  async claimRequest(key: IdempotencyKey, now: Date, lease: ClaimLease): Promise<ClaimResult> {
    const claim: IdempotencyClaim = { ...key, owner: randomUUID() };
    return this.db.transaction((): ClaimResult => {
      const inserted = this.stmt('INSERT INTO idempotency (partner_id, request_id, fingerprint, status, body, created_at, owner, lease_at) VALUES (?, ?, ?, 0, NULL, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(key.partnerId, key.requestId, key.fingerprint, now.toISOString(), claim.owner, lease.at.getTime());
      if (inserted.changes === 1) return { kind: 'claimed', claim };
      const r = this.stmt('SELECT status, body, lease_at FROM idempotency WHERE partner_id = ? AND request_id = ? AND fingerprint = ?')
        .get(key.partnerId, key.requestId, key.fingerprint) as { status: number; body: string | null; lease_at: number };
      if (r.status > 0) return { kind: 'done', response: { status: r.status, body: r.body ?? '' } };
      if (Number(r.lease_at) + lease.staleAfterMs < lease.at.getTime()) {
        this.stmt('UPDATE idempotency SET created_at = ?, owner = ?, lease_at = ? WHERE partner_id = ? AND request_id = ? AND fingerprint = ?').run(now.toISOString(), claim.owner, lease.at.getTime(), key.partnerId, key.requestId, key.fingerprint);
        return { kind: 'claimed', claim };
      }
      return { kind: 'pending' };
    }).immediate();
  }

  async completeRequest(claim: IdempotencyClaim, response: StoredResponse, audit?: AuditRecord): Promise<boolean> {
    if (!audit) return this.completeSync(claim, response);
    try {
      this.db.transaction(() => this.writeReceipt({ completion: { claim, response }, audit })).immediate();
      return true;
    } catch (e) {
      if (e instanceof ClaimLostError) return false;
      throw e;
    }
  }

  private completeSync(claim: IdempotencyClaim, response: StoredResponse): boolean {
    return this.stmt('UPDATE idempotency SET status = ?, body = ? WHERE partner_id = ? AND request_id = ? AND fingerprint = ? AND owner = ?')
      .run(response.status, response.body, claim.partnerId, claim.requestId, claim.fingerprint, claim.owner).changes === 1;
  }

  /** Inside a write's transaction: completes the claim or throws, which rolls the write back. */
  private completeInTransaction({ claim, response }: IdempotentCompletion): void {
    if (!this.completeSync(claim, response)) throw new ClaimLostError();
  }

  /** Inside a write's transaction, as its last statements: the stored answer and the audit record. */
  private writeReceipt(receipt?: WriteReceipt): void {
    if (!receipt) return;
    if (receipt.completion) this.completeInTransaction(receipt.completion);
    if (receipt.audit) this.stmt(insertAuditSql).run(...auditValues(receipt.audit, true));
    failpoint('after-write-before-commit');
  }

  async releaseRequest(claim: IdempotencyClaim): Promise<void> {
    this.stmt('DELETE FROM idempotency WHERE partner_id = ? AND request_id = ? AND fingerprint = ? AND owner = ? AND status = 0').run(claim.partnerId, claim.requestId, claim.fingerprint, claim.owner);
  }

  async renewClaim(claim: IdempotencyClaim, at: Date): Promise<boolean> {
    return this.stmt('UPDATE idempotency SET lease_at = ? WHERE partner_id = ? AND request_id = ? AND fingerprint = ? AND owner = ? AND status = 0')
      .run(at.getTime(), claim.partnerId, claim.requestId, claim.fingerprint, claim.owner).changes === 1;
  }

  async purgeRequests(createdBefore: string): Promise<number> {
    return this.stmt('DELETE FROM idempotency WHERE created_at < ?').run(createdBefore).changes;
  }

  // Security (issue 7): throttling counters and signing-key retirement.
  async countRequests(keys: RateCounterKey[], windowStart: number, hits?: readonly number[]): Promise<number[]> {
    if (keys.length === 0) return [];
    // One upsert statement for all counters: concurrent processes serialize on SQLite's write lock.
    const sql = `INSERT INTO rate_limit_counters (partner_id, customer_id, kind, window_start, hits) VALUES ${keys.map(() => '(?, ?, ?, ?, ?)').join(', ')}
      ON CONFLICT (partner_id, customer_id, kind, window_start) DO UPDATE SET hits = hits + excluded.hits
      RETURNING partner_id, customer_id, kind, hits`;
    const rows = this.stmt(sql).all(...keys.flatMap((k, i) => [k.partnerId, k.customerId, k.kind, windowStart, hits?.[i] ?? 1])) as { partner_id: string; customer_id: string; kind: string; hits: number }[];
    const byKey = new Map(rows.map((r) => [`${r.partner_id}|${r.customer_id}|${r.kind}`, r.hits]));
    return keys.map((k) => byKey.get(`${k.partnerId}|${k.customerId}|${k.kind}`) ?? 0);
  }

  async purgeRateCounters(windowStartBefore: number): Promise<number> {
    return this.stmt('DELETE FROM rate_limit_counters WHERE window_start < ?').run(windowStartBefore).changes;
  }

  async retireSigningKey(kid: string, retiredAt: string): Promise<boolean> {
    return this.stmt('UPDATE signing_keys SET retired_at = ? WHERE kid = ?').run(retiredAt, kid).changes === 1;
  }

  // Audit log (issue 7).
  async insertAuditRecord(record: AuditRecord): Promise<void> {
    this.stmt(insertAuditSql).run(...auditValues(record, true));
  }

  async listAuditRecords(partnerId: string, query: AuditQuery, size: number, after?: KeysetPosition): Promise<Page<AuditRecord>> {
    const sql = auditListSql(partnerId, query, size + 1, after);
    const rows = this.stmt(sql.text).all(...sql.params) as Record<string, unknown>[];
    const more = rows.length > size;
    const page = rows.slice(0, size).map(auditFromRow);
    const last = page[page.length - 1];
    return { items: page, next: more ? { key: last.operationDate, id: last.id } : undefined };
  }

  async purgeAuditRecords(before: string): Promise<number> {
    return this.stmt('DELETE FROM audit_records WHERE operation_date < ?').run(before).changes;
  }

  // Web UI sign-in: partner user accounts.
  async insertPartnerAccount(a: PartnerAccount): Promise<boolean> {
    try {
      this.stmt('INSERT INTO partner_accounts (partner_id, user_name_key, user_name, roles, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(a.partnerId, userNameKey(a.userName), a.userName, JSON.stringify(a.roles), a.passwordHash, a.createdAt, a.updatedAt);
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async findPartnerAccount(key: string): Promise<PartnerAccount | undefined> {
    const r = this.stmt('SELECT partner_id, user_name, roles, password_hash, created_at, updated_at FROM partner_accounts WHERE user_name_key = ?').get(key) as
      | Record<string, string>
      | undefined;
    return r ? partnerAccountFromRow(r) : undefined;
  }

  async updatePartnerAccount(key: string, passwordHash: string, roles: string[], updatedAt: string): Promise<boolean> {
    return this.stmt('UPDATE partner_accounts SET password_hash = ?, roles = ?, updated_at = ? WHERE user_name_key = ?').run(passwordHash, JSON.stringify(roles), updatedAt, key).changes === 1;
  }

  // Licences and directory roles (issue 5): the work is in sqlite-licensing.ts.
  private licensingStore?: SqliteLicensing;
  private get licensing(): SqliteLicensing {
    return (this.licensingStore ??= new SqliteLicensing(this.db, (receipt) => this.writeReceipt(receipt)));
  }

  async putSubscribedSku(sku: SubscribedSkuRecord, receipt?: WriteReceipt): Promise<SubscribedSkuWriteResult> {
    return this.licensing.putSubscribedSku(sku, receipt);
  }

  async listSubscribedSkus(customerId: string): Promise<SubscribedSkuRecord[]> {
    return this.licensing.listSubscribedSkus(customerId);
  }

  async listUserLicenses(customerId: string, userId: string): Promise<UserLicenseRecord[]> {
    return this.licensing.listUserLicenses(customerId, userId);
  }

  async applyLicenseUpdate(customerId: string, userId: string, plan: LicenseUpdatePlan, now: string, receipt?: WriteReceipt): Promise<LicenseUpdateOutcome> {
    return this.licensing.applyLicenseUpdate(customerId, userId, plan, now, receipt);
  }

  async suspendUserLicenses(customerId: string, userId: string, now: string): Promise<void> {
    return this.licensing.suspendUserLicenses(customerId, userId, now);
  }

  async resumeUserLicenses(customerId: string, userId: string, now: string): Promise<string[]> {
    return this.licensing.resumeUserLicenses(customerId, userId, now);
  }

  async addRoleMember(customerId: string, roleId: string, userId: string, now: string, receipt?: WriteReceipt): Promise<RoleMemberWriteResult> {
    return this.licensing.addRoleMember(customerId, roleId, userId, now, receipt);
  }

  async removeRoleMember(customerId: string, roleId: string, userId: string, receipt?: WriteReceipt): Promise<boolean> {
    return this.licensing.removeRoleMember(customerId, roleId, userId, receipt);
  }

  async listRoleMembers(customerId: string, roleId: string, size: number, after?: KeysetPosition): Promise<Page<RoleMember>> {
    return this.licensing.listRoleMembers(customerId, roleId, size, after);
  }

  async listUserRoleIds(customerId: string, userId: string): Promise<string[]> {
    return this.licensing.listUserRoleIds(customerId, userId);
  }

  // Emulator (issue 11/12): the work is in sqlite-emulator-workspaces.ts.
  private emulatorWorkspacesStore?: SqliteEmulatorWorkspaces;
  private get emulatorWorkspaces(): SqliteEmulatorWorkspaces {
    return (this.emulatorWorkspacesStore ??= new SqliteEmulatorWorkspaces(this.db));
  }

  async insertWorkspace(workspace: WorkspaceRecord): Promise<boolean> {
    return this.emulatorWorkspaces.insertWorkspace(workspace);
  }

  async findWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
    return this.emulatorWorkspaces.findWorkspace(id);
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    return this.emulatorWorkspaces.listWorkspaces();
  }

  async setWorkspaceState(id: string, clock: WorkspaceClockState, idCounter: number): Promise<WorkspaceRecord | undefined> {
    return this.emulatorWorkspaces.setWorkspaceState(id, clock, idCounter);
  }

  async drawWorkspaceRequestNumber(id: string): Promise<number | undefined> {
    return this.emulatorWorkspaces.drawWorkspaceRequestNumber(id);
  }

  async deletePartnerData(partnerId: string): Promise<void> {
    return this.emulatorWorkspaces.deletePartnerData(partnerId);
  }

  async deleteWorkspace(id: string): Promise<boolean> {
    await this.emulatorSnapshots.deleteAll(id);
    return this.emulatorWorkspaces.deleteWorkspace(id);
  }

  async purgePartner(partnerId: string, before: PartnerPurge): Promise<{ users: number; requests: number; auditRecords: number }> {
    return this.emulatorWorkspaces.purgePartner(partnerId, before);
  }

  // Emulator fault rules (issue 12): the work is in sqlite-emulator-faults.ts.
  private faultStore?: SqliteEmulatorFaults;
  private get emulatorFaults(): SqliteEmulatorFaults {
    return (this.faultStore ??= new SqliteEmulatorFaults(this.db));
  }

  async listFaultRules(partnerId: string): Promise<StoredFaultRule[]> {
    return this.emulatorFaults.list(partnerId);
  }

  async insertFaultRules(partnerId: string, rules: StoredFaultRule[]): Promise<'ok' | 'exists'> {
    return this.emulatorFaults.insert(partnerId, rules);
  }

  async deleteFaultRule(partnerId: string, ruleId: string): Promise<boolean> {
    return this.emulatorFaults.delete(partnerId, ruleId);
  }

  async clearFaultRules(partnerId: string): Promise<number> {
    return this.emulatorFaults.clear(partnerId);
  }

  async countFaultRuleMatch(partnerId: string, ruleId: string): Promise<number> {
    return this.emulatorFaults.countMatch(partnerId, ruleId);
  }

  async countFaultRuleFire(partnerId: string, ruleId: string): Promise<boolean> {
    return this.emulatorFaults.countFire(partnerId, ruleId);
  }

  // Emulator consistency lag (issue 12): the work is in sqlite-emulator-pending.ts.
  private pendingStore?: SqliteEmulatorPending;
  private get emulatorPending(): SqliteEmulatorPending {
    return (this.pendingStore ??= new SqliteEmulatorPending(this.db));
  }

  async setWorkspaceSettings(id: string, settings: string): Promise<WorkspaceRecord | undefined> {
    return this.emulatorPending.setSettings(id, settings);
  }

  async putPendingChange(change: PendingChange): Promise<void> {
    return this.emulatorPending.put(change);
  }

  async listPendingChanges(partnerId: string, customerId: string): Promise<PendingChange[]> {
    return this.emulatorPending.list(partnerId, customerId);
  }

  async consumePendingRead(partnerId: string, customerId: string, kind: PendingKind, entityId: string): Promise<boolean> {
    return this.emulatorPending.consume(partnerId, customerId, kind, entityId);
  }

  async clearPendingChanges(partnerId: string, visibleBy?: string): Promise<number> {
    return this.emulatorPending.clear(partnerId, visibleBy);
  }

  // Emulator request journal (issue 12): the work is in sqlite-emulator-journal.ts.
  private journalStore?: SqliteEmulatorJournal;
  journal(): SqliteEmulatorJournal {
    return (this.journalStore ??= new SqliteEmulatorJournal(this.db));
  }

  // Emulator snapshots (issue 11): the work is in sqlite-emulator-snapshots.ts.
  private snapshotStore?: SqliteEmulatorSnapshots;
  private get emulatorSnapshots(): SqliteEmulatorSnapshots {
    return (this.snapshotStore ??= new SqliteEmulatorSnapshots(this.db));
  }

  async saveSnapshot(partnerId: string, name: string, state: SnapshotState): Promise<SnapshotRow> {
    return this.emulatorSnapshots.save(partnerId, name, state);
  }

  async listSnapshots(partnerId: string): Promise<SnapshotRow[]> {
    return this.emulatorSnapshots.list(partnerId);
  }

  async restoreSnapshot(partnerId: string, name: string): Promise<WorkspaceRecord | undefined> {
    return this.emulatorSnapshots.restore(partnerId, name);
  }

  async deleteSnapshot(partnerId: string, name: string): Promise<boolean> {
    return this.emulatorSnapshots.delete(partnerId, name);
  }

  // Emulator fixtures (issue 11): the work is in sqlite-emulator-fixtures.ts.
  private fixtureStore?: SqliteEmulatorFixtures;
  private get emulatorFixtures(): SqliteEmulatorFixtures {
    return (this.fixtureStore ??= new SqliteEmulatorFixtures(this.db));
  }

  async insertFixtureLicensing(customerId: string, skus: SubscribedSkuRecord[], licences: FixtureLicenceRow[], members: FixtureMemberRow[], now: string): Promise<void> {
    return this.emulatorFixtures.insertLicensing(customerId, skus, licences, members, now);
  }

  async readFixtureLicensing(customerId: string): Promise<{ licences: FixtureLicenceRow[]; members: FixtureMemberRow[] }> {
    return this.emulatorFixtures.readLicensing(customerId);
  }

  async listUsersById(customerId: string, afterId: string, size: number): Promise<UserRecord[]> {
    return this.emulatorFixtures.listUsers(customerId, afterId, size);
  }
}
