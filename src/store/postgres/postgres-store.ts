/**
 * The production store: PostgreSQL through a `pg` pool. Optionally confined to one schema, which
 * the tests use to give every run a database of its own.
 */
import { PostgresEmulatorJournal } from './postgres-emulator-journal.js';
import { PostgresEmulatorFaults } from './postgres-emulator-faults.js';
import { PostgresEmulatorSnapshots } from './postgres-emulator-snapshots.js';
import { PostgresEmulatorFixtures } from './postgres-emulator-fixtures.js';
import type { FixtureLicenceRow, FixtureMemberRow } from '../../domain/emulator/fixture-plan.js';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { inTransaction, withClient } from './transaction.js';
import type { StoredFaultRule } from '../store.js';
import { PostgresEmulatorPending } from './postgres-emulator-pending.js';
import type { PendingChange, PendingKind } from '../../domain/emulator/pending-change.js';
import type { SnapshotRow, SnapshotState } from '../store.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { CustomerRecord } from '../../domain/customer.js';
import { userNameKey, type PartnerAccount } from '../../domain/partner-account.js';
import type { UserRecord, UserRow } from '../../domain/user.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { customerColumns, customerFromRow, customerListSql, customerValues, userColumns, userFromRow, userRecordColumns, userValues } from '../queries/columns.js';
import { partnerAccountFromRow } from '../queries/partner-account-row.js';
import { endOfScanWindow, hasParameterFreePlan, isBoundedScan, numberPlaceholders, postgresGenericUserPageSql, postgresNameWordsPageSql, scanWindowEndSql, userPageFromRows, userPageSql, type UserPageRow } from '../queries/user-list-sql.js';
import { likeContainsPattern, planUpnContains, upnContainsPlanWithoutDomains, upnDomainsSql, usesTrigramIndex } from '../queries/substring-search.js';
import { answeredByNameWords, maxNameWords, nameWordsInsertTrigger, postgresBulkLoadSetting, postgresNameWordsContainingSql, splitNameWords } from '../queries/name-words.js';
import type { ClaimLease, ClaimResult, CustomerSearch, IdempotencyKey, Page, RateCounterKey, SigningKey, Store, StoredResponse, UserChange, UserChangeOutcome, UserPageJson, UserWriteResult, WriteReceipt } from '../store.js';
import { failpoint } from '../failpoint.js';
import { postgresMigrations } from './migrations.js';
import { postgresTextArray, userTrigramRepeats } from '../queries/trigram-repeats.js';
import { pageStatementName } from './page-statement-name.js';
import { Latin1RowsClient, pageFromLatin1Rows } from './latin1-rows-client.js';
import { StatementBatch } from './statement-batch.js';
import type { RoleMember } from '../../domain/directory-roles.js';
import type { LicenseUpdateOutcome, LicenseUpdatePlan, SubscribedSkuRecord, SubscribedSkuWriteResult, UserLicenseRecord } from '../../domain/licensing.js';
import type { PartnerPurge, RoleMemberWriteResult } from '../store.js';
import { PostgresLicensing } from './postgres-licensing.js';
import { PostgresEmulatorWorkspaces } from './postgres-emulator-workspaces.js';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import type { WorkspaceClockState } from '../../domain/emulator/workspace-clock.js';
import type { AuditQuery } from '../../domain/audit-query.js';
import type { AuditRecord } from '../../domain/audit-record.js';
import { auditFromRow, auditListSql, auditValues, insertAuditSql } from '../queries/audit-sql.js';
import { randomUUID } from 'node:crypto';
import { ClaimLostError, type IdempotencyClaim, type IdempotentCompletion } from '../store.js';

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';
const { from: copyFrom } = copyStreams;

// COPY's text format: NULL is \N, and backslash, tab, newline and carriage return are escaped.
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copySpecial = /[\\\t\n\r]/g;
const copySpecialAny = /[\\\t\n\r]/;
/** One field of COPY text; an array (the trigram repeats) as a PostgreSQL array literal. */
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const text = Array.isArray(v) ? postgresTextArray(v) : String(v);
  // Most fields hold nothing to escape: a test is a third of the cost of a replace that finds nothing.
  return copySpecialAny.test(text) ? text.replace(copySpecial, (ch) => copyEscapes[ch]) : text;
}

/** The users table's columns here: the shared ones and the trigram repeats, which only this store's search reads. */
const postgresUserColumns = [...userColumns, 'trigram_repeats'] as const;

/**
 * Values for {@link postgresUserColumns}. The store computes the repeats on every write: a BEFORE
 * row trigger would have cost COPY its multi-row inserts (a 1 M-user seed's COPY 20.2 → 22.6 s).
 */
function postgresUserValues(row: UserRow, passwordHash: string | null): unknown[] {
  const values = userValues(row, passwordHash, false);
  values.push(userTrigramRepeats(row.displayNameKey, row.userPrincipalNameKey) ?? null);
  return values;
}

/** One row of COPY text: the fields tab-separated, newline-terminated. */
function copyLine(values: unknown[]): string {
  let line = copyField(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyField(values[i]);
  return line + '\n';
}
/**
 * Streams COPY text into `copy` (a `COPY … FROM STDIN` statement), chunk by chunk, waiting while
 * the socket is full. An error, from the chunks or the server, abandons the COPY (CopyFail) so
 * the connection can roll back and go back to the pool.
 */
async function copyText(c: pg.PoolClient, copy: string, chunks: Iterable<string | Buffer>): Promise<void> {
  const stream = c.query(copyFrom(copy));
  const done = finished(stream);
  done.catch(() => {}); // observed below; this keeps an early server error from going unhandled
  try {
    for (const text of chunks) {
      // A server-side error (a clash) ends the wait too.
      if (text.length > 0 && !stream.write(text)) await Promise.race([once(stream, 'drain'), done]);
    }
    stream.end();
    await done;
  } catch (e) {
    if (!stream.destroyed) stream.destroy(e as Error);
    await done.catch(() => {});
    throw e;
  }
}
/**
 * A bulk load's rows of `user_name_words` as COPY text, split as the trigger splits (tested
 * against each other), with every word of the load in `vocabulary`. Kept until the load's users
 * are in, then handed out in the order of the table's index (customer, word, then as loaded): a
 * load in display-name order, as `tenantry seed` sends it, comes out sorted, and the index build's
 * sort finds it so in one pass instead of sorting a million rows. As bytes: a million users'
 * lines kept as strings were ~100 MB more for the garbage collector to walk while the users' COPY
 * ran.
 */
class NameWordLines {
  /** Every word of the load, with its COPY field (escaped once, not once a line). */
  readonly vocabulary = new Map<string, string>();
  /** COPY text by customer and word (`customer\tword`), in the order the batches came. */
  private readonly byCustomerWord = new Map<string, Buffer[]>();

  add(batch: UserRow[]): void {
    // Each line's end (state, key, id) under its customer and word; the lines are joined per word
    // at the end of the batch, so no per-line key is built and hashed.
    const tailsByCustomer = new Map<string, Map<string, string[]>>();
    let customerId: string | undefined;
    let tails = new Map<string, string[]>();
    let state: string | undefined;
    let stateField = '';
    for (const row of batch) {
      const { leading, filed } = splitNameWords(row.displayNameKey);
      if (leading !== '') this.wordField(leading);
      if (filed.length === 0) continue;
      if (row.customerId !== customerId) {
        customerId = row.customerId;
        const known = tailsByCustomer.get(customerId);
        if (known) tails = known;
        else tailsByCustomer.set(customerId, (tails = new Map()));
      }
      if (row.state !== state) stateField = copyField((state = row.state));
      const tail = `\t${stateField}\t${copyField(row.displayNameKey)}\t${copyField(row.id)}\n`;
      for (const word of filed) {
        const wordTails = tails.get(word);
        if (wordTails) wordTails.push(tail);
        else tails.set(word, [tail]);
      }
    }
    for (const [id, customerTails] of tailsByCustomer) {
      const customer = copyField(id);
      for (const [word, wordTails] of customerTails) {
        const key = `${customer}\t${this.wordField(word)}`;
        // Every tail ends its line, so joining them with the key starts each next line.
        const chunk = Buffer.from(key + wordTails.join(key));
        const chunks = this.byCustomerWord.get(key);
        if (chunks) chunks.push(chunk);
        else this.byCustomerWord.set(key, [chunk]);
      }
    }
  }

  private wordField(word: string): string {
    let field = this.vocabulary.get(word);
    if (field === undefined) this.vocabulary.set(word, (field = copyField(word)));
    return field;
  }

  /** The lines, customer by customer and word by word (code-unit order; any order is correct). */
  *inIndexOrder(): Generator<Buffer> {
    for (const key of [...this.byCustomerWord.keys()].sort()) yield* this.byCustomerWord.get(key)!;
  }
}
/** Only the two fixed index names reach this; quoted all the same. */
const pgIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

// A fixed advisory-lock id so that processes starting together migrate one at a time.
const migrationLock = 7_353_001;
/** The settings row that holds the index definitions a bulk load dropped and has still to build. */
const pendingIndexBuilds = 'pending_index_builds';

export interface PostgresStoreOptions {
  /** Schema to create and use instead of `public`. */
  schema?: string;
  poolSize?: number;
}

const findCustomerSql = `SELECT ${customerColumns.join(', ')} FROM customers WHERE id = $1 AND partner_id = $2`;

/**
 * At most this many page sizes get their own generic-plan statements (per shape, on each of
 * {@link PostgresStore.pagePool}'s connections); pages of other sizes are planned as searches are.
 * Sizes run from 1 to 500, and every prepared statement holds its plan in the backend's memory:
 * this keeps a connection to 80 shapes × 16 sizes of them.
 */
const maxGenericPageSizes = 16;

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  /**
   * Connections for pages whose plan does not depend on their parameters (no search, a prefix or
   * exact one on the sort key, a contains search no index answers: see hasParameterFreePlan), whose prepared statements always run their generic plan (see
   * postgresGenericUserPageSql): PostgreSQL planned each such page again, ~250 µs of the
   * backend's CPU a page at 1 M users, for the same walk of the sort index. Other searches keep
   * the main pool, where a plan is chosen for their text. Their rows' text arrives as Latin-1
   * (see Latin1RowsClient): a page's items reach the reply as the bytes PostgreSQL sent.
   */
  readonly pagePool: pg.Pool;
  /** The page statements of a turn, run together on {@link pagePool} (see {@link StatementBatch}). */
  private readonly pageBatch: StatementBatch;
  /** A turn's look-ups of one customer or one user's item, run together on {@link pool}. */
  private readonly readBatch: StatementBatch;
  private readonly genericPageSizes = new Set<number>();
  private readonly schema?: string;

  /**
   * @example
   * const store = new PostgresStore('postgres://127.0.0.1:5432/test', { schema: 'tenantry' });
   * await store.migrate();
   */
  constructor(url: string, options: PostgresStoreOptions = {}) {
    if (options.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error('invalid schema name');
    this.schema = options.schema;
    const searchPath = options.schema ? [`-c search_path=${options.schema}`] : [];
    const poolConfig = (settings: string[]): pg.PoolConfig => ({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    });
    this.pool = new pg.Pool(poolConfig(searchPath));
    // Set at connection start (PostgreSQL 12+), so no query waits behind a SET.
    this.pagePool = new pg.Pool({ ...poolConfig([...searchPath, '-c plan_cache_mode=force_generic_plan']), Client: Latin1RowsClient });
    this.pageBatch = new StatementBatch(this.pagePool);
    this.readBatch = new StatementBatch(this.pool);
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
    this.pagePool.on('error', () => {});
  }

  private async q(text: string, params: unknown[] = []) {
    return this.pool.query({ text, values: params });
  }

  async migrate(): Promise<void> {
    await withClient(this.pool, async (client) => {
      try {
        await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
        if (this.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
        const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
        for (const [i, sql] of postgresMigrations.entries()) {
          if (done.has(i + 1)) continue;
          await client.query('BEGIN');
          try {
            await client.query(sql);
            await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, new Date().toISOString()]);
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK');
            throw e;
          }
        }
        const pending = await client.query('SELECT value FROM settings WHERE name = $1', [pendingIndexBuilds]);
        if (pending.rows[0]) {
          await this.buildIndexes(JSON.parse(String(pending.rows[0].value)) as string[]);
          // The load that left them died before refreshing statistics too.
          await this.refreshStatistics();
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => {});
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.pagePool.end()]);
  }

  /** Drops the store's schema with everything in it (tests only). */
  async dropSchema(): Promise<void> {
    if (this.schema) await this.q(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async getOrSetSetting(name: string, value: string): Promise<string> {
    await this.q('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
    return (await this.q('SELECT value FROM settings WHERE name = $1', [name])).rows[0].value;
  }

  async listSigningKeys(): Promise<SigningKey[]> {
    const { rows } = await this.q('SELECT kid, private_jwk, public_jwk, created_at, retired_at FROM signing_keys ORDER BY created_at, kid');
    return rows.map((r) => ({ kid: r.kid, privateJwk: r.private_jwk, publicJwk: r.public_jwk, createdAt: r.created_at, retiredAt: r.retired_at ?? undefined }));
  }

  async insertSigningKey(k: SigningKey): Promise<void> {
    await this.q('INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5)', [k.kid, k.privateJwk, k.publicJwk, k.createdAt, k.retiredAt ?? null]);
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  private insertUserSql = `INSERT INTO users (${postgresUserColumns.join(', ')}) VALUES (${placeholders(postgresUserColumns.length)})`;

  async insertCustomer(customer: CustomerRecord, users: { row: UserRow; passwordHash: string }[], receipt?: WriteReceipt): Promise<boolean> {
    try {
      await this.transaction(async (c) => {
        await c.query(`INSERT INTO customers (${customerColumns.join(', ')}) VALUES (${placeholders(customerColumns.length)})`, customerValues(customer));
        for (const u of users) await c.query(this.insertUserSql, postgresUserValues(u.row, u.passwordHash));
        await this.writeReceipt(c, receipt);
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async findCustomer(partnerId: string, customerId: string): Promise<CustomerRecord | undefined> {
    // Every customer's route but the users page (whose statement checks it) asks this first.
    const [row] = await this.readBatch.query('find_customer', findCustomerSql, [customerId, partnerId]);
    return row ? customerFromRow(Object.fromEntries(customerColumns.map((column, i) => [column, row[i]]))) : undefined;
  }

  async listCustomers(partnerId: string, search: CustomerSearch | undefined, size: number, after?: KeysetPosition): Promise<Page<CustomerRecord>> {
    const sql = customerListSql(partnerId, search, size + 1, after);
    const { rows } = await this.q(numberPlaceholders(sql.text), sql.params);
    const more = rows.length > size;
    const page = rows.slice(0, size);
    const last = page[page.length - 1];
    return { items: page.map(customerFromRow), next: more ? { key: String(last.k), id: String(last.id) } : undefined };
  }

  async insertUser(row: UserRow, passwordHash: string, receipt?: WriteReceipt): Promise<UserWriteResult> {
    try {
      if (receipt) {
        await this.transaction(async (c) => {
          await c.query(this.insertUserSql, postgresUserValues(row, passwordHash));
          await this.writeReceipt(c, receipt);
        });
      } else {
        await this.q(this.insertUserSql, postgresUserValues(row, passwordHash));
      }
      return 'ok';
    } catch (e) {
      if (isUniqueViolation(e)) return 'upn_taken';
      throw e;
    }
  }

  async insertUsers(rows: { row: UserRow; passwordHash: string }[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.transaction(async (c) => {
      // Multi-row INSERTs of 500 rows stay under PostgreSQL's 65,535-parameter limit.
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        const n = postgresUserColumns.length;
        const values = chunk.map((_, j) => `(${placeholders(n, j * n + 1)})`).join(', ');
        await c.query(`INSERT INTO users (${postgresUserColumns.join(', ')}) VALUES ${values}`, chunk.flatMap((r) => postgresUserValues(r.row, r.passwordHash)));
      }
    });
    return rows.length;
  }

  /**
   * Inside a bulk load's transaction: when the users table is small (under 100,000 rows by the
   * planner's estimate), drops its search indexes (the trigram GIN indexes, the B-tree of UPN
   * domains and that of the name words) and returns their definitions, to be built again after
   * the load, side by side. Kept row by row, GIN's pending list is flushed into the index
   * every 4 MB, which made a 1 M-user seed ~10x slower. On a large table the indexes stay (a
   * rebuild would re-read every customer's users). The table is locked against reads until the
   * load commits, as a SQLite load locks its file.
   */
  private async dropSearchIndexesForLoad(c: pg.PoolClient): Promise<string[]> {
    const users = Number((await c.query("SELECT reltuples AS estimate FROM pg_class WHERE oid = 'users'::regclass")).rows[0].estimate);
    if (users >= 100_000) return [];
    const { rows } = await c.query(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid IN ('users'::regclass, 'user_name_words'::regclass)
         AND i.relname IN ('users_display_name_trgm', 'users_upn_local_trgm', 'users_by_upn_domain', 'user_name_words_by_word')`,
    );
    if (rows.length === 0) return [];
    for (const r of rows) await c.query(`DROP INDEX ${pgIdentifier(String(r.name))}`);
    const definitions = rows.map((r) => String(r.definition));
    // Committed with the load, so that a start after a crash knows what to build (see migrate).
    await c.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value', [pendingIndexBuilds, JSON.stringify(definitions)]);
    return definitions;
  }

  async insertUsersBulk(batches: Iterable<UserRow[]>, passwordHash: string): Promise<number> {
    // COPY … FROM STDIN: rows stream as tab-separated text, with no statement per batch, no
    // array literals to escape and parse (item_json is full of quotes) and no unnest; at 1 M users
    // ~2.8x faster than one `INSERT … SELECT … FROM unnest(…)` per 10,000 rows, and half the CPU.
    let written = 0;
    let rebuild: string[] = [];
    let rowsBefore = 0;
    await this.transaction(async (c) => {
      rowsBefore = Number((await c.query("SELECT greatest(reltuples, 0) AS n FROM pg_class WHERE oid = 'users'::regclass")).rows[0].n);
      rebuild = await this.dropSearchIndexesForLoad(c);
      // The load files its users under their name words itself (one COPY, after the users'),
      // instead of the row trigger's two statements per user; unless the trigger is gone.
      const filing = (await c.query("SELECT 1 FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname = $1", [nameWordsInsertTrigger])).rows.length > 0;
      if (filing) await c.query('SELECT set_config($1, $2, true)', [postgresBulkLoadSetting, 'on']);
      // Without the repeats' index (the bench's seed without the search index), nothing reads them.
      const repeating = (await c.query("SELECT to_regclass('users_trigram_repeats') IS NOT NULL AS found")).rows[0].found === true;
      const words = new NameWordLines();
      function* usersText() {
        for (const batch of batches) {
          let text = '';
          for (const row of batch) text += copyLine(repeating ? postgresUserValues(row, passwordHash) : userValues(row, passwordHash, false));
          if (filing) words.add(batch);
          yield text;
          written += batch.length;
        }
      }
      await copyText(c, `COPY users (${(repeating ? postgresUserColumns : userColumns).join(', ')}) FROM STDIN`, usersText());
      if (filing) {
        await copyText(c, 'COPY user_name_words (customer_id, word, state, display_name_key, id) FROM STDIN', words.inIndexOrder());
        await c.query('INSERT INTO name_words (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...words.vocabulary.keys()]]);
      }
    });
    if (rebuild.length > 0) failpoint('after-load-commit');
    await this.buildIndexes(rebuild);
    await this.refreshStatisticsAfterLoad(written, rowsBefore);
    return written;
  }

  /**
   * After a load that grew the users table by more than autovacuum's insert threshold (1,000 rows
   * plus a fifth of the table): its planner statistics and visibility map now, not whenever
   * autovacuum comes by (or never, where it is off). Without statistics the planner guessed a
   * contains search's selectivity: right after a 1 M-user seed "tanaka" took 72 ms a page, 4.3 ms
   * after ANALYZE and 3.1 ms once VACUUM let the sort-index walk skip the heap; both together
   * took 0.65 s. The load has committed: if this fails, autovacuum still does it later.
   */
  private async refreshStatisticsAfterLoad(written: number, rowsBefore: number): Promise<void> {
    if (written >= 1000 + 0.2 * rowsBefore) await this.refreshStatistics();
  }

  /** VACUUM (ANALYZE) of the users table; if it fails, autovacuum still does it later. */
  private async refreshStatistics(): Promise<void> {
    await this.q('VACUUM (ANALYZE) users, user_name_words, name_words').catch(() => {});
  }

  /**
   * Builds the dropped trigram indexes after the load has committed, each on its own connection
   * so that they build side by side (1 M users: 4.2 s + 7.7 s one after the other, 8.3 s
   * together). The definitions wait in a settings row, committed with the load: a build that
   * never ran (the process died first) is done by the next start's `migrate`; until then a
   * contains search walks the sort order instead, slower but right.
   */
  private async buildIndexes(definitions: string[]): Promise<void> {
    if (definitions.length === 0) return;
    await Promise.all(
      definitions.map((definition) =>
        this.transaction(async (c) => {
          // A GIN build sorts its entries in maintenance_work_mem; 1 GB holds a million users'.
          await c.query("SET LOCAL maintenance_work_mem = '1GB'");
          // The two GIN builds, which cannot use parallel workers, are the longest and already
          // keep the cores busy; a B-tree's workers only took CPU from them (1 M users, five seeds
          // each: all four builds took a median 4.9 s with the default two workers, 4.5 s with none).
          await c.query('SET LOCAL max_parallel_maintenance_workers = 0');
          await c.query(definition.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
        }).catch((e: { code?: string }) => {
          // Another process (a start's migrate) built the same index at the same moment.
          if (e.code !== '23505' && e.code !== '42P07') throw e;
        }),
      ),
    );
    await this.q('DELETE FROM settings WHERE name = $1', [pendingIndexBuilds]);
  }

  async findUser(customerId: string, userId: string): Promise<UserRecord | undefined> {
    const { rows } = await this.q(`SELECT ${userRecordColumns} FROM users WHERE customer_id = $1 AND id = $2`, [customerId, userId]);
    return rows[0] ? userFromRow(rows[0]) : undefined;
  }

  async findUserJson(customerId: string, userId: string): Promise<string | undefined> {
    const [row] = await this.readBatch.query('find_user_json', 'SELECT item_json FROM users WHERE customer_id = $1 AND id = $2', [customerId, userId]);
    return row?.[0] as string | undefined;
  }

  async readUserPage(partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<UserPageJson | undefined> {
    const search = query.search;
    const words = search && answeredByNameWords(query) ? await this.nameWordsContaining(search.value) : undefined;
    if (words !== undefined) {
      // Its runs are index ranges whatever the text: one prepared statement per shape serves all,
      // with a generic plan where the size can be written in.
      const generic = this.hasGenericPageStatements(size);
      const sql = postgresNameWordsPageSql(query, partnerId, customerId, size, words, after, generic ? 'written' : 'bound');
      const name = `${pageStatementName(generic ? 'gw' : 'uw', query, after !== undefined, generic ? size : undefined)}_${words.length}`;
      if (generic) return pageFromLatin1Rows((await this.pageBatch.query(name, numberPlaceholders(sql.text), sql.params)) as UserPageRow[], size);
      const { rows } = await this.pool.query({ name, text: numberPlaceholders(sql.text), values: sql.params, rowMode: 'array' });
      return userPageFromRows(rows as UserPageRow[], size);
    }
    const plan =
      search && usesTrigramIndex(search) && search.field === 'userPrincipalName'
        ? (upnContainsPlanWithoutDomains(search.value) ?? planUpnContains(search.value, await this.upnDomains(customerId)))
        : undefined;
    if (isBoundedScan(query)) return this.readBoundedScanPage(partnerId, customerId, query, size, after);
    if (hasParameterFreePlan(query, plan) && this.hasGenericPageStatements(size)) {
      const sql = postgresGenericUserPageSql(query, partnerId, customerId, size, after, plan);
      // Every such search's SQL differs by its field and operator only (a contains search here is a strpos check).
      const name = pageStatementName('gp', query, after !== undefined, size);
      return pageFromLatin1Rows((await this.pageBatch.query(name, numberPlaceholders(sql.text), sql.params)) as UserPageRow[], size);
    }
    const sql = userPageSql('postgres', query, partnerId, customerId, size, after, undefined, plan);
    // Named statements are prepared once per connection; the name encodes the query's shape. A
    // contains search is planned for its own text each time (unnamed): whether the trigram index
    // or a walk of the sort order is cheaper depends on how common the text is, which a cached
    // generic plan would decide once for every text.
    const name = usesTrigramIndex(query.search) ? undefined : pageStatementName('up', query, after !== undefined);
    const { rows } = await this.pool.query({ name, text: numberPlaceholders(sql.text), values: sql.params, rowMode: 'array' });
    return userPageFromRows(rows as UserPageRow[], size);
  }

  /**
   * A page of a bounded scan (see scanWindowEndSql). A page that did not fill continues after its
   * window's last user, read in the same snapshot as the page: from another one, a user created or
   * deleted in the window between the two reads would shift that user by one, so that the next
   * page read a user twice or passed one unread.
   */
  private async readBoundedScanPage(partnerId: string, customerId: string, query: UserListQuery, size: number, after?: KeysetPosition): Promise<UserPageJson | undefined> {
    return this.transaction(async (c) => {
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const sql = userPageSql('postgres', query, partnerId, customerId, size, after);
      const { rows } = await c.query({ name: `${pageStatementName('up', query, after !== undefined)}_w`, text: numberPlaceholders(sql.text), values: sql.params, rowMode: 'array' });
      const page = userPageFromRows(rows as UserPageRow[], size);
      if (!page || page.next) return page;
      const end = scanWindowEndSql('postgres', query, customerId, after);
      const { rows: last } = await c.query({ name: pageStatementName('sw', { ...query, search: undefined }, after !== undefined), text: numberPlaceholders(end.text), values: end.params, rowMode: 'array' });
      return endOfScanWindow(page, last[0] as [string, string] | undefined);
    });
  }

  /** Whether pages of `size` use generic-plan statements: the first {@link maxGenericPageSizes} sizes asked for do. */
  private hasGenericPageStatements(size: number): boolean {
    if (this.genericPageSizes.has(size)) return true;
    if (this.genericPageSizes.size >= maxGenericPageSizes) return false;
    this.genericPageSizes.add(size);
    return true;
  }

  /** The words of display names that contain `text`; undefined when there are more than {@link maxNameWords}. */
  private async nameWordsContaining(text: string): Promise<string[] | undefined> {
    const { rows } = await this.pool.query({ name: 'name_words_containing', text: postgresNameWordsContainingSql, values: [likeContainsPattern(text), text], rowMode: 'array' });
    return rows.length > maxNameWords ? undefined : rows.map((r: unknown[]) => String(r[0]));
  }

  /** The customer's distinct UPN domains, up to one past what the planner takes. */
  private async upnDomains(customerId: string): Promise<string[]> {
    const { rows } = await this.pool.query({ name: 'upn_domains', text: upnDomainsSql('postgres'), values: [customerId], rowMode: 'array' });
    return rows.map((r) => String(r[0]));
  }

  async updateUser(row: UserRow, { passwordHash, licenses, receipt }: UserChange = {}): Promise<UserChangeOutcome> {
    const cols = postgresUserColumns.filter((c) => c !== 'customer_id' && c !== 'id' && c !== 'created_at' && (passwordHash !== undefined || c !== 'password_hash'));
    const values = postgresUserValues(row, passwordHash ?? null);
    const byName = new Map(postgresUserColumns.map((c, i) => [c, values[i]]));
    const text = `UPDATE users SET ${cols.map((c, i) => `${c} = $${i + 1}`).join(', ')} WHERE customer_id = $${cols.length + 1} AND id = $${cols.length + 2}`;
    const params = [...cols.map((c) => byName.get(c)), row.customerId, row.id];
    try {
      // A plain update is one statement; with a licence step or a receipt, one transaction.
      if (!licenses && !receipt) return { result: (await this.q(text, params)).rowCount === 1 ? 'ok' : 'missing', unrestoredSkuIds: [] };
      return await this.transaction(async (c): Promise<UserChangeOutcome> => {
        if ((await c.query(text, params)).rowCount !== 1) return { result: 'missing', unrestoredSkuIds: [] };
        if (licenses === 'suspend') await this.licensing.suspendOn(c, row.customerId, row.id, row.updatedAt);
        const unrestoredSkuIds = licenses === 'resume' ? await this.licensing.resumeOn(c, row.customerId, row.id, row.updatedAt) : [];
        await this.writeReceipt(c, receipt);
        return { result: 'ok', unrestoredSkuIds };
      });
    } catch (e) {
      if (isUniqueViolation(e)) return { result: 'upn_taken', unrestoredSkuIds: [] };
      throw e;
    }
  }

  async countUsers(customerId: string, state: 'active' | 'inactive'): Promise<number> {
    const { rows } = await this.q('SELECT count(*)::int AS n FROM users WHERE customer_id = $1 AND state = $2', [customerId, state]);
    return rows[0].n;
  }

  async purgeDeletedUsers(deletedBefore: string): Promise<number> {
    const res = await this.q("DELETE FROM users WHERE state = 'inactive' AND soft_deletion_time < $1", [deletedBefore]);
    return res.rowCount ?? 0;
  }

  async claimRequest(key: IdempotencyKey, now: Date, lease: ClaimLease): Promise<ClaimResult> {
    const k = [key.partnerId, key.requestId, key.fingerprint];
    const claim: IdempotencyClaim = { ...key, owner: randomUUID() };
    const inserted = await this.q('INSERT INTO idempotency (partner_id, request_id, fingerprint, status, body, created_at, owner, lease_at) VALUES ($1, $2, $3, 0, NULL, $4, $5, $6) ON CONFLICT DO NOTHING', [...k, now.toISOString(), claim.owner, lease.at.getTime()]);
    if (inserted.rowCount === 1) return { kind: 'claimed', claim };
    const { rows } = await this.q('SELECT status, body, owner, lease_at FROM idempotency WHERE partner_id = $1 AND request_id = $2 AND fingerprint = $3', k);
    const r = rows[0];
    if (!r) return this.claimRequest(key, now, lease); // released meanwhile
    if (r.status > 0) return { kind: 'done', response: { status: r.status, body: r.body ?? '' } };
    if (Number(r.lease_at) + lease.staleAfterMs < lease.at.getTime()) {
      // Only one waiter wins the take-over: the row must still carry the stale owner and lease.
      const taken = await this.q('UPDATE idempotency SET created_at = $4, owner = $5, lease_at = $6 WHERE partner_id = $1 AND request_id = $2 AND fingerprint = $3 AND owner IS NOT DISTINCT FROM $7 AND lease_at = $8 AND status = 0', [...k, now.toISOString(), claim.owner, lease.at.getTime(), r.owner, r.lease_at]);
      if (taken.rowCount === 1) return { kind: 'claimed', claim };
    }
    return { kind: 'pending' };
  }

  private completeSql = 'UPDATE idempotency SET status = $5, body = $6 WHERE partner_id = $1 AND request_id = $2 AND fingerprint = $3 AND owner = $4';

  async completeRequest(claim: IdempotencyClaim, response: StoredResponse, audit?: AuditRecord): Promise<boolean> {
    if (audit) {
      try {
        await this.transaction((c) => this.writeReceipt(c, { completion: { claim, response }, audit }));
        return true;
      } catch (e) {
        if (e instanceof ClaimLostError) return false;
        throw e;
      }
    }
    const res = await this.q(this.completeSql, [claim.partnerId, claim.requestId, claim.fingerprint, claim.owner, response.status, response.body]);
    return res.rowCount === 1;
  }

  /** Inside a write's transaction: completes the claim or throws, which rolls the write back. */
  private async completeInTransaction(c: pg.PoolClient, { claim, response }: IdempotentCompletion): Promise<void> {
    const res = await c.query(this.completeSql, [claim.partnerId, claim.requestId, claim.fingerprint, claim.owner, response.status, response.body]);
    if (res.rowCount !== 1) throw new ClaimLostError();
  }

  /** Inside a write's transaction, as its last statements: the stored answer and the audit record. */
  private readonly writeReceipt = async (c: pg.PoolClient, receipt?: WriteReceipt): Promise<void> => {
    if (!receipt) return;
    if (receipt.completion) await this.completeInTransaction(c, receipt.completion);
    if (receipt.audit) await c.query({ name: 'insert_audit', text: numberPlaceholders(insertAuditSql), values: auditValues(receipt.audit, false) });
    failpoint('after-write-before-commit');
  };

  async releaseRequest(claim: IdempotencyClaim): Promise<void> {
    await this.q('DELETE FROM idempotency WHERE partner_id = $1 AND request_id = $2 AND fingerprint = $3 AND owner = $4 AND status = 0', [claim.partnerId, claim.requestId, claim.fingerprint, claim.owner]);
  }

  async renewClaim(claim: IdempotencyClaim, at: Date): Promise<boolean> {
    const res = await this.q('UPDATE idempotency SET lease_at = $5 WHERE partner_id = $1 AND request_id = $2 AND fingerprint = $3 AND owner = $4 AND status = 0', [claim.partnerId, claim.requestId, claim.fingerprint, claim.owner, at.getTime()]);
    return res.rowCount === 1;
  }

  async purgeRequests(createdBefore: string): Promise<number> {
    return (await this.q('DELETE FROM idempotency WHERE created_at < $1', [createdBefore])).rowCount ?? 0;
  }

  // Security (issue 7): throttling counters and signing-key retirement.
  async countRequests(keys: RateCounterKey[], windowStart: number, hits?: readonly number[]): Promise<number[]> {
    if (keys.length === 0) return [];
    // One upsert for all counters; the row lock makes the increments exact across processes.
    const text = `INSERT INTO rate_limit_counters (partner_id, customer_id, kind, window_start, hits) VALUES ${keys.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5}::integer)`).join(', ')}
      ON CONFLICT (partner_id, customer_id, kind, window_start) DO UPDATE SET hits = rate_limit_counters.hits + EXCLUDED.hits
      RETURNING partner_id, customer_id, kind, hits`;
    const { rows } = await this.pool.query({ name: `rate_count_${keys.length}`, text, values: keys.flatMap((k, i) => [k.partnerId, k.customerId, k.kind, windowStart, hits?.[i] ?? 1]) });
    const byKey = new Map(rows.map((r) => [`${r.partner_id}|${r.customer_id}|${r.kind}`, Number(r.hits)]));
    return keys.map((k) => byKey.get(`${k.partnerId}|${k.customerId}|${k.kind}`) ?? 0);
  }

  async purgeRateCounters(windowStartBefore: number): Promise<number> {
    return (await this.q('DELETE FROM rate_limit_counters WHERE window_start < $1', [windowStartBefore])).rowCount ?? 0;
  }

  async retireSigningKey(kid: string, retiredAt: string): Promise<boolean> {
    return (await this.q('UPDATE signing_keys SET retired_at = $1 WHERE kid = $2', [retiredAt, kid])).rowCount === 1;
  }

  // Audit log (issue 7).
  async insertAuditRecord(record: AuditRecord): Promise<void> {
    await this.pool.query({ name: 'insert_audit', text: numberPlaceholders(insertAuditSql), values: auditValues(record, false) });
  }

  async listAuditRecords(partnerId: string, query: AuditQuery, size: number, after?: KeysetPosition): Promise<Page<AuditRecord>> {
    const sql = auditListSql(partnerId, query, size + 1, after);
    const { rows } = await this.q(numberPlaceholders(sql.text), sql.params);
    const more = rows.length > size;
    const page = rows.slice(0, size).map(auditFromRow);
    const last = page[page.length - 1];
    return { items: page, next: more ? { key: last.operationDate, id: last.id } : undefined };
  }

  async purgeAuditRecords(before: string): Promise<number> {
    return (await this.q('DELETE FROM audit_records WHERE operation_date < $1', [before])).rowCount ?? 0;
  }

  // Web UI sign-in: partner user accounts.
  async insertPartnerAccount(a: PartnerAccount): Promise<boolean> {
    try {
      await this.q(
        'INSERT INTO partner_accounts (partner_id, user_name_key, user_name, roles, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [a.partnerId, userNameKey(a.userName), a.userName, JSON.stringify(a.roles), a.passwordHash, a.createdAt, a.updatedAt],
      );
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async findPartnerAccount(key: string): Promise<PartnerAccount | undefined> {
    const { rows } = await this.q('SELECT partner_id, user_name, roles, password_hash, created_at, updated_at FROM partner_accounts WHERE user_name_key = $1', [key]);
    return rows[0] ? partnerAccountFromRow(rows[0]) : undefined;
  }

  async updatePartnerAccount(key: string, passwordHash: string, roles: string[], updatedAt: string): Promise<boolean> {
    const res = await this.q('UPDATE partner_accounts SET password_hash = $1, roles = $2, updated_at = $3 WHERE user_name_key = $4', [passwordHash, JSON.stringify(roles), updatedAt, key]);
    return res.rowCount === 1;
  }

  // Licences and directory roles (issue 5): the work is in postgres-licensing.ts.
  private licensingStore?: PostgresLicensing;
  private get licensing(): PostgresLicensing {
    return (this.licensingStore ??= new PostgresLicensing(this.pool, this.writeReceipt));
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

  // Emulator (issue 11/12): the work is in postgres-emulator-workspaces.ts.
  private emulatorWorkspacesStore?: PostgresEmulatorWorkspaces;
  private get emulatorWorkspaces(): PostgresEmulatorWorkspaces {
    return (this.emulatorWorkspacesStore ??= new PostgresEmulatorWorkspaces(this.pool));
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

  // Emulator fault rules (issue 12): the work is in postgres-emulator-faults.ts.
  private faultStore?: PostgresEmulatorFaults;
  private get emulatorFaults(): PostgresEmulatorFaults {
    return (this.faultStore ??= new PostgresEmulatorFaults(this.pool));
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

  // Emulator consistency lag (issue 12): the work is in postgres-emulator-pending.ts.
  private pendingStore?: PostgresEmulatorPending;
  private get emulatorPending(): PostgresEmulatorPending {
    return (this.pendingStore ??= new PostgresEmulatorPending(this.pool));
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

  // Emulator request journal (issue 12): the work is in postgres-emulator-journal.ts.
  private journalStore?: PostgresEmulatorJournal;
  journal(): PostgresEmulatorJournal {
    return (this.journalStore ??= new PostgresEmulatorJournal(this.pool));
  }

  // Emulator snapshots (issue 11): the work is in postgres-emulator-snapshots.ts.
  private snapshotStore?: PostgresEmulatorSnapshots;
  private get emulatorSnapshots(): PostgresEmulatorSnapshots {
    return (this.snapshotStore ??= new PostgresEmulatorSnapshots(this.pool));
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

  // Emulator fixtures (issue 11): the work is in postgres-emulator-fixtures.ts.
  private fixtureStore?: PostgresEmulatorFixtures;
  private get emulatorFixtures(): PostgresEmulatorFixtures {
    return (this.fixtureStore ??= new PostgresEmulatorFixtures(this.pool));
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
