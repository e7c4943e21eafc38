/**
 * A bulk load's trigram index, built on a second thread while the load inserts its users.
 *
 * Filled after the load on the load's own thread, a million users' trigram index took ~9 s, its
 * merge ~2.6 s and the display names' words ~4.3 s of a ~44 s seed (the users alone ~30 s), with
 * one core busy and the other idle. Here a worker receives each batch's index entries and word
 * rows as the load inserts it, and builds the same FTS5 table and words table in a file of its
 * own; at the end the load copies them into its database, inside its transaction, so the users
 * and their index still commit together. Only a load into an index with no rows at all can take
 * this way: FTS5 cannot merge one index into another. */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserRow } from '../../domain/user.js';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface SearchIndexBuildOptions {
  /** The database file whose load this is; the build's file lies beside it (same file system). */
  databasePath: string;
  /** `CREATE VIRTUAL TABLE user_search …` as the database holds it, so both tables match. */
  tableSql: string;
  /**
   * `CREATE TABLE user_name_words …` as the database holds it, for the display names' words to be
   * filed aside too (undefined in a database migrated only up to before that table).
   */
  nameWordsTableSql: string | undefined;
  /** SQL of the UPN's indexed part, over a column `upn_key` (as the load's own fill reads it). */
  upnIndexedSql: string;
  /** FTS5's `hashsize` for the fill. */
  hashBytes: number;
}

/**
 * Users staged before each fill of the FTS5 table. One fill is one statement, and FTS5 writes its
 * pending terms out at every statement's end (filled by 64-row statements, the index took twice
 * the time of one `INSERT … SELECT`); the last fill waits for the load's end, so it is kept small.
 */
const rowsPerFill = 25_000;

// CommonJS, run with `eval`: the same code from the TypeScript sources (tests) and from the build.
// The file is scratch (deleted after the load, never opened by anyone else): no journal, no syncs.
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
let db;
let staged = 0;
let stage, stageMany, fill, clear, file, fileMany;
// Rows go in 64 a statement: 320 values of five columns.
const perMany = 64 * 5;
process.on('uncaughtException', fail);
try {
  db = new Database(workerData.path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('page_size = 16384');
  db.exec(workerData.tableSql);
  db.prepare("INSERT INTO user_search (user_search, rank) VALUES ('hashsize', ?)").run(BigInt(workerData.hashBytes));
  if (workerData.nameWordsTableSql) db.exec(workerData.nameWordsTableSql);
  db.exec('CREATE TABLE staged (rowid INTEGER PRIMARY KEY, customer_id TEXT, id TEXT, display_name_key TEXT, upn_key TEXT)');
  db.exec('BEGIN');
  stage = db.prepare('INSERT INTO staged VALUES (?, ?, ?, ?, ?)');
  stageMany = db.prepare('INSERT INTO staged VALUES ' + Array(64).fill('(?, ?, ?, ?, ?)').join(', '));
  fill = db.prepare('INSERT INTO user_search (rowid, search_customer, search_user, display_name_text, upn_text) ' +
    'SELECT rowid, customer_id, id, display_name_key, ' + workerData.upnIndexedSql + ' FROM staged ORDER BY rowid');
  clear = db.prepare('DELETE FROM staged');
  if (workerData.nameWordsTableSql) {
    file = db.prepare('INSERT OR IGNORE INTO user_name_words VALUES (?, ?, ?, ?, ?)');
    fileMany = db.prepare('INSERT OR IGNORE INTO user_name_words VALUES ' + Array(64).fill('(?, ?, ?, ?, ?)').join(', '));
  }
} catch (e) { fail(e); }
function fail(e) {
  try { db?.close(); } catch {}
  workerData.failures.postMessage(String(e && e.message || e));
  Atomics.store(state, 0, 2);
  Atomics.notify(state, 0);
  parentPort.close();
}
function flush() {
  if (staged === 0) return;
  fill.run();
  clear.run();
  staged = 0;
}
parentPort.on('message', (m) => {
  if (Atomics.load(state, 0) !== 0) return;
  try {
    if (m.finish) {
      flush();
      if (m.optimize) db.exec("INSERT INTO user_search (user_search) VALUES ('optimize')");
      db.exec('COMMIT');
      db.close();
      Atomics.store(state, 0, 1);
      Atomics.notify(state, 0);
      parentPort.close();
      return;
    }
    const v = m.entries;
    let i = 0;
    for (; i + perMany <= v.length; i += perMany) stageMany.run(v.slice(i, i + perMany));
    for (; i < v.length; i += 5) stage.run(v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4]);
    staged += v.length / 5;
    const w = m.nameWords;
    for (i = 0; i + perMany <= w.length; i += perMany) fileMany.run(w.slice(i, i + perMany));
    for (; i < w.length; i += 5) file.run(w[i], w[i + 1], w[i + 2], w[i + 3], w[i + 4]);
    if (staged >= workerData.rowsPerFill) flush();
  } catch (e) { fail(e); }
});
`;

/**
 * One load's index build. `add` each batch as it is inserted, then `finish` (which waits for the
 * thread, synchronously, as the load runs inside one synchronous transaction) and copy the file it
 * names; `discard` whatever happens.
 *
 * @example
 * const build = SearchIndexBuild.start({ databasePath, tableSql, nameWordsTableSql, upnIndexedSql, hashBytes });
 * try {
 *   build.add(entries, nameWordRows);
 *   const file = build.finish(true); // ATTACH it and copy user_search's shadow tables
 * } finally {
 *   build.discard();
 * }
 */
export class SearchIndexBuild {
  private discarded = false;

  private constructor(
    private readonly worker: Worker,
    private readonly failures: MessagePort,
    private readonly state: Int32Array,
    /** The build's database file. */
    readonly path: string,
  ) {}

  static start(options: SearchIndexBuildOptions): SearchIndexBuild {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const beside = options.databasePath === ':memory:' ? join(tmpdir(), 'tenantry') : options.databasePath;
    const path = `${beside}-search-build-${randomUUID()}`;
    const state = new SharedArrayBuffer(4);
    // The load's thread waits on `state` without running its event loop, so a failure's reason
    // comes over a port it can read synchronously.
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { driver, path, state, failures: port2, tableSql: options.tableSql, nameWordsTableSql: options.nameWordsTableSql, upnIndexedSql: options.upnIndexedSql, hashBytes: options.hashBytes, rowsPerFill },
      transferList: [port2],
    });
    worker.on('error', () => {});
    return new SearchIndexBuild(worker, port1, new Int32Array(state), path);
  }

  /**
   * Sends what the index holds of users the load has just inserted, in ascending rowid order
   * (`rowid, customer_id, id, display_name_key, upn_key`, flat), and the rows that file them under
   * their names' words (`customer_id, word, state, display_name_key, id`, flat).
   */
  add(entries: readonly (string | number)[], nameWords: readonly string[]): void {
    this.worker.postMessage({ entries, nameWords });
  }

  /**
   * Waits for the thread to index everything sent (merged into one segment if `optimize`) and to
   * close its file; returns the file's path. Throws what failed the build.
   */
  finish(optimize: boolean): string {
    this.worker.postMessage({ finish: true, optimize });
    while (Atomics.load(this.state, 0) === 0) Atomics.wait(this.state, 0, 0, 1000);
    if (Atomics.load(this.state, 0) !== 1) {
      const reason = receiveMessageOnPort(this.failures)?.message;
      throw new Error(`The trigram index's build failed: ${String(reason ?? 'its thread stopped')}`);
    }
    return this.path;
  }

  /** Stops the thread if it still runs and deletes its file. */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.failures.close();
    void this.worker.terminate();
    for (const suffix of ['', '-journal']) rmSync(`${this.path}${suffix}`, { force: true });
  }
}

/**
 * A load's side of the build: holds the index entries of its first `fromUsers` users, and only a
 * load that reaches that many starts the thread (a smaller one fills its index in place, quicker
 * than a thread's start and the copy).
 *
 * @example
 * const aside = new SearchIndexAside(50_000, () => buildOptions);
 * for (const rows of batches) { aside.add(rows, firstRowidOfBatch); insert(rows); }
 * const file = aside.finish(true); // undefined: fill the index in place
 */
export class SearchIndexAside {
  private held: (string | number)[] = [];
  private heldWords: string[] = [];
  private build?: SearchIndexBuild;

  constructor(
    private readonly fromUsers: number,
    private readonly options: () => SearchIndexBuildOptions,
  ) {}

  /**
   * A batch of the load, about to be inserted with the rowids `firstRowid`, `firstRowid + 1`, …,
   * and the rows filing it under its names' words (none when the load files no words).
   */
  add(rows: readonly UserRow[], firstRowid: number, nameWords: readonly string[] = []): void {
    const entries: (string | number)[] = new Array(rows.length * 5);
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      entries[at++] = firstRowid + i;
      entries[at++] = row.customerId;
      entries[at++] = row.id;
      entries[at++] = row.displayNameKey;
      entries[at++] = row.userPrincipalNameKey;
    }
    if (this.build) return this.build.add(entries, nameWords);
    for (const value of entries) this.held.push(value);
    for (const value of nameWords) this.heldWords.push(value);
    if (this.held.length < this.fromUsers * 5) return;
    this.build = SearchIndexBuild.start(this.options());
    this.build.add(this.held, this.heldWords);
    this.held = [];
    this.heldWords = [];
  }

  /** The words' rows of a load too small to start the build, for it to file in place. */
  heldNameWords(): readonly string[] {
    return this.heldWords;
  }

  /** The built index's file, or undefined if the load was too small to start a build. */
  finish(optimize: boolean): string | undefined {
    this.held = [];
    return this.build?.finish(optimize);
  }

  discard(): void {
    this.held = [];
    this.heldWords = [];
    this.build?.discard();
  }
}
