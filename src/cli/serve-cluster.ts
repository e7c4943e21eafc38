/**
 * `tenantry serve --workers N`: N server processes (node:cluster) sharing one port and one
 * database (PostgreSQL, or a SQLite file). The primary prepares the database once (migrations, demo data), then forks;
 * it prints the `listening on …` line when every worker listens, replaces a worker that dies, and
 * on SIGTERM or SIGINT stops them all. Everything workers share lives in the database: signing
 * keys, the paging secret, idempotency claims, throttling counters and the audit log.
 */
import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  type: 'tenantry:listening';
  port: number;
}

const isListeningMessage = (m: unknown): m is ListeningMessage =>
  typeof m === 'object' && m !== null && (m as ListeningMessage).type === 'tenantry:listening' && typeof (m as ListeningMessage).port === 'number';

/**
 * Parses `--workers`. Several processes share one database file or server; an in-memory SQLite
 * database lives inside one process, so it takes one. On SQLite, workers add read capacity (WAL
 * lets readers in every process run beside the one writer); writes still take turns.
 *
 * @example
 * parseWorkerCount('2', 'postgres://db/tenantry'); // 2
 */
export function parseWorkerCount(value: string, databaseUrl: string): number {
  if (!/^\d{1,3}$/.test(value.trim()) || Number(value) < 1 || Number(value) > 64) throw new Error(`Invalid --workers ${value}: use a whole number from 1 to 64`);
  const workers = Number(value);
  if (workers > 1 && databaseUrl === 'sqlite::memory:') {
    throw new Error('--workers > 1 needs a database every process can open: an in-memory SQLite database belongs to one process (use sqlite:PATH or postgres://…)');
  }
  return workers;
}

/** The cluster worker this process is, if any (its id goes into the X-Tenantry-Worker header). */
export const clusterWorkerId = (): string | undefined => (cluster.isWorker && cluster.worker ? String(cluster.worker.id) : undefined);

// The environment variable that marks the one worker running the periodic purge.
const sweeperVariable = 'TENANTRY_CLUSTER_SWEEPER';

/** Whether this process runs the purge sweeper: a lone server, or the one worker the primary chose. */
export const runsSweeper = (): boolean => !cluster.isWorker || process.env[sweeperVariable] === '1';

/** In a worker: tells the primary this process listens. */
export function reportListening(port: number): void {
  const message: ListeningMessage = { type: 'tenantry:listening', port };
  process.send?.(message);
}

export interface PrimaryOptions {
  workers: number;
  /** Runs once before any worker starts (migrations, demo data). */
  prepare: () => Promise<void>;
  /** Prints the lines announcing the server, with the port the workers share. */
  announce: (port: number) => void;
}

/**
 * Runs the primary: prepares, forks `workers` processes, announces once all of them listen, and
 * stops them all on SIGTERM/SIGINT. Resolves when the primary may exit.
 *
 * @example
 * if (workers > 1 && cluster.isPrimary) return runPrimary({ workers, prepare, announce });
 */
export async function runPrimary({ workers, prepare, announce }: PrimaryOptions): Promise<void> {
  await prepare();
  let stopping = false;
  const listening = new Set<number>();
  let announced = false;

  let sweeper: number | undefined;
  const fork = () => {
    // One worker purges expired data; when it dies, its replacement takes the job over.
    const worker = cluster.fork(sweeper === undefined ? { [sweeperVariable]: '1' } : {});
    sweeper ??= worker.id;
    worker.on('message', (message: unknown) => {
      if (!isListeningMessage(message)) return;
      listening.add(worker.id);
      if (!announced && listening.size === workers) {
        announced = true;
        announce(message.port);
      }
    });
    return worker;
  };

  cluster.on('exit', (worker: Worker, code, signal) => {
    listening.delete(worker.id);
    if (sweeper === worker.id) sweeper = undefined;
    if (stopping) return;
    if (!announced) {
      // A worker that dies before the server is up would die again: give up with its exit status.
      process.stderr.write(`worker ${worker.id} exited during start-up (${signal ?? `code ${code}`})\n`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`worker ${worker.id} exited (${signal ?? `code ${code}`}); starting another\n`);
    fork();
  });

  for (let i = 0; i < workers; i++) fork();

  await new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) return resolve();
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
      if (alive.length === 0) return resolve();
      let left = alive.length;
      for (const w of alive) {
        w.once('exit', () => {
          if (--left === 0) resolve();
        });
        w.process.kill('SIGTERM');
      }
      // A worker that does not finish its requests in time is killed.
      setTimeout(() => {
        for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
      }, 10_000).unref();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    cluster.on('exit', () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve();
    });
  });
}
