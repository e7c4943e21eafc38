/**
 * WAL checkpoints on a thread of their own, for a serving SQLite store.
 *
 * SQLite checkpoints a WAL database from the connection whose commit pushes the log past
 * `wal_autocheckpoint` pages, inside that commit: with synchronous = NORMAL it is the only place a
 * write waits for the disk (the log and then the database file are flushed, 10–13 ms each here).
 * On the server's one connection that stalls the event loop and every request in flight: with
 * the emulator's journal on, a flush whose commit ran the checkpoint held it for up to 33 ms.
 * Here a connection of a worker thread copies the log into the database every
 * {@link checkpointEveryMs}; a PASSIVE checkpoint neither waits for nor blocks readers and
 * writers, so the server's connection keeps only a far larger `wal_autocheckpoint` as a backstop,
 * should this thread die or fall behind.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the thread checkpoints; a checkpoint with nothing new to copy costs microseconds. */
export const checkpointEveryMs = 200;

/**
 * The serving connection's `wal_autocheckpoint` (pages) while the thread runs: the log may grow
 * to this (64 MiB at 16 KiB pages) before a commit checkpoints it itself, as without the thread.
 */
export const backstopCheckpointPages = 4096;

// CommonJS, run with `eval`: the same code from the TypeScript sources (tests) and from the build.
// The connection is open only for each checkpoint, so that a bulk load still finds the database
// its own and leaves WAL mode (sqlite-store.ts); outside WAL mode a checkpoint does nothing.
// PASSIVE never waits: a checkpoint that meets another (another process of a cluster), a load's
// lock or any error is skipped until the next tick.
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const checkpoint = () => {
  let db;
  try {
    db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {}
  try { db?.close(); } catch {}
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  parentPort.postMessage('stopped');
  parentPort.close();
});
`;

/**
 * The checkpoint thread of one database file; `stop` ends it.
 *
 * @example
 * const checkpoints = WalCheckpointer.start('./data/tenantry.db');
 * // … serve …
 * await checkpoints.stop();
 */
export class WalCheckpointer {
  private stopped?: Promise<void>;
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.once('exit', () => (this.exited = true));
  }

  static start(path: string, everyMs = checkpointEveryMs): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(workerSource, { eval: true, workerData: { path, driver, everyMs } });
    // Never what keeps a process alive; a thread that dies leaves the backstop to the server's connection.
    worker.unref();
    worker.on('error', () => {});
    return new WalCheckpointer(worker);
  }

  /** Ends the thread; resolves once it has stopped checkpointing. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const done = () => resolve();
      this.worker.once('message', done);
      this.worker.once('exit', done);
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
